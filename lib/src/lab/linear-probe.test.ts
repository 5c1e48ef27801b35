import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../data/rng";
import { trainProbe } from "./linear-probe";

/** `N` rows of `D` standard normal features, seeded. */
function gaussian(N: number, D: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: N }, () => Array.from({ length: D }, () => rng.normal()));
}

test("trainProbe: ~100% when one feature decides the label, chance level on random labels", () => {
  const X = gaussian(4000, 16, 1);
  const oneFeature = trainProbe(
    X,
    X.map((x) => (x[3] > 0 ? 1 : 0)),
  );
  assert.ok(oneFeature.accuracy > 0.97, `accuracy ${oneFeature.accuracy}`);
  assert.ok(Math.abs(oneFeature.baseline - 0.5) < 0.05, `baseline ${oneFeature.baseline}`);
  assert.deepEqual([oneFeature.numClasses, oneFeature.numTrain, oneFeature.numTest], [2, 3000, 1000]);

  const argmax = (x: number[]): number => x.slice(0, 4).indexOf(Math.max(...x.slice(0, 4)));
  const fourClasses = trainProbe(X, X.map(argmax));
  assert.equal(fourClasses.numClasses, 4);
  assert.ok(fourClasses.accuracy > 0.93, `4 classes: accuracy ${fourClasses.accuracy}`);

  const rng = new Rng(2);
  const random = trainProbe(
    X,
    X.map(() => (rng.next() < 0.7 ? 0 : 1)),
  );
  assert.ok(Math.abs(random.baseline - 0.7) < 0.05, `baseline ${random.baseline}`);
  assert.ok(random.accuracy < random.baseline + 0.03, `random labels: accuracy ${random.accuracy}, baseline ${random.baseline}`);
  assert.ok(random.trainAccuracy >= random.accuracy - 0.05);
});

test("trainProbe is seeded, fast on 20 000 × 64 features, and names bad inputs", () => {
  const X = gaussian(20_000, 64, 3);
  const y = X.map((x) => (x[0] + x[1] > 0.5 ? 2 : x[2] > 0 ? 1 : 0));
  const t0 = performance.now();
  const a = trainProbe(X, y, { seed: 5 });
  const ms = performance.now() - t0;
  console.log(`trainProbe: 20 000 × 64 features, 3 classes: ${ms.toFixed(0)} ms, accuracy ${a.accuracy.toFixed(3)}`);
  assert.ok(ms < 5000, `${ms} ms`);
  assert.ok(a.accuracy > 0.9, `accuracy ${a.accuracy}`);
  assert.deepEqual(trainProbe(X.slice(0, 500), y.slice(0, 500), { seed: 5 }), trainProbe(X.slice(0, 500), y.slice(0, 500), { seed: 5 }));

  assert.throws(() => trainProbe([[1], [2, 3]], [0, 1]), /row 1 has 2 features, row 0 has 1/);
  assert.throws(() => trainProbe([[1], [2]], [0, 0.5]), /label 1 is 0\.5; a label is a class, an integer ≥ 0/);
  assert.throws(() => trainProbe([[1], [2]], [0]), /2 feature rows but 1 labels/);
  assert.throws(() => trainProbe([[1]], [0]), /cannot be split/);
});
