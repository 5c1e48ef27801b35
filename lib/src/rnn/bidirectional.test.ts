import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { languageModelStepper } from "../decode/stepper";
import { Bidirectional, MERGE_MODES, buildBidirectional, mergeDirections } from "./bidirectional";
import { copyWeights } from "./blocks";
import { GRUScratch } from "./gru";
import { RNNLMScratch } from "./rnn-lm";

useBackendWithFullBudgets();

const [T, B, I, H] = [6, 3, 4, 5];
const LENS = [6, 2, 4];
const X = (): tf.Tensor3D => tf.randomNormal([T, B, I], 0, 1, "float32", 8) as tf.Tensor3D;

test("a bidirectional block merges a forward run and a backward run of its two blocks; widths, states, not causal", () => {
  const f = new GRUScratch({ numInputs: I, numHiddens: H, sigma: 0.5, seed: 1 });
  const b = new GRUScratch({ numInputs: I, numHiddens: H, sigma: 0.5, seed: 2 });
  const bi = new Bidirectional({ forward: f, backward: b });
  assert.equal(bi.causal, false);
  assert.equal(bi.numHiddens, 2 * H, "concat: 2 × units");
  assert.equal(bi.numStates, 2);
  tf.tidy(() => {
    const inputs = X();
    const [Y, state] = bi.forward(inputs);
    const [Yf, [Hf]] = f.forward(inputs);
    const [Yb, [Hb]] = b.forward(tf.reverse(inputs, 0));
    assert.deepEqual(Y.shape, [T, B, 2 * H]);
    assert.ok(maxAbsDiff(Y, tf.concat([Yf, tf.reverse(Yb, 0)], -1)) < 1e-6);
    assert.ok(maxAbsDiff(bi.finalHidden(state), tf.concat([Hf, Hb], -1)) < 1e-6, "final: forward after T, backward after 1");
    for (const merge of ["sum", "mul", "ave"] as const) {
      assert.deepEqual(mergeDirections(Yf, Yf, merge).shape, [T, B, H]);
    }
  });
  assert.throws(
    () => new Bidirectional({ forward: f, backward: new GRUScratch({ numInputs: I, numHiddens: 3 }), merge: "sum" }),
    /give both the same numHiddens/,
  );
  assert.throws(() => new Bidirectional({ forward: f, backward: b, merge: "max" as "sum" }), /merge "max" is unknown/);
  tf.tidy(() => assert.throws(() => bi.forward(X(), undefined, { reverse: true }), /already reads both ways/));
  bi.dispose();
});

for (const kind of ["rnn", "gru", "lstm"] as const) {
  test(`${kind}: the concise tf.layers.bidirectional equals Bidirectional on copied weights, every merge mode, padded batches included`, () => {
    for (const merge of MERGE_MODES) {
      const scratch = buildBidirectional(kind, "scratch", { numInputs: I, numHiddens: H, merge, sigma: 0.5, seed: 3 });
      const concise = buildBidirectional(kind, "concise", { numInputs: I, numHiddens: H, merge, seed: 9 });
      copyWeights(scratch, concise);
      const oneDirection = (scratch as Bidirectional).forwardBlock.trainableVariables().reduce((n, v) => n + v.size, 0);
      assert.equal(scratch.countParams(), 2 * oneDirection, "two directions, each with its own weights; the merge adds none");
      assert.equal(concise.countParams(), scratch.countParams(), "tf.layers counts the same parameters");
      const worst = tf.tidy(() => {
        const inputs = X();
        const state = scratch.initState(B).map((s, j) => tf.randomUniform(s.shape, -0.8, 0.8, "float32", 30 + j) as tf.Tensor2D);
        let diff = 0;
        for (const opts of [{}, { validLens: LENS }]) {
          const [Ya, Sa] = scratch.forward(inputs, state, opts);
          const [Yb, Sb] = concise.forward(inputs, state, opts);
          assert.ok(tf.max(tf.abs(Ya)).dataSync()[0] > 0.01, "not trivially zero");
          diff = Math.max(
            diff,
            maxAbsDiff(Ya, Yb),
            ...Sa.map((s, j) => maxAbsDiff(s, Sb[j])),
            maxAbsDiff(scratch.finalHidden(Sa), concise.finalHidden(Sb)),
          );
        }
        return diff;
      });
      assert.ok(worst < 1e-5, `${kind} ${merge}: ${worst}`);
      scratch.dispose();
      concise.dispose();
    }
  });
}

test("padding: each sequence of a padded batch gets what it gets alone, both directions within its valid length; fused GRUs too", () => {
  for (const style of ["scratch", "fused"] as const) {
    const bi = buildBidirectional("gru", style, { numInputs: I, numHiddens: H, sigma: 0.5, seed: 4 });
    const worst = tf.tidy(() => {
      const inputs = X();
      const [Y, S] = bi.forward(inputs, undefined, { validLens: LENS });
      return Math.max(
        ...LENS.map((len, b) => {
          const [Yb, Sb] = bi.forward(tf.slice(inputs, [0, b, 0], [len, 1, I]));
          const real = maxAbsDiff(tf.slice(Y, [0, b, 0], [len, 1, 2 * H]), Yb);
          const pad = len < T ? tf.max(tf.abs(tf.slice(Y, [len, b, 0], [T - len, 1, 2 * H]))).dataSync()[0] : 0;
          return Math.max(real, pad, ...S.map((s, j) => maxAbsDiff(tf.slice(s, [b, 0], [1, H]), Sb[j])));
        }),
      );
    });
    assert.ok(worst < 1e-5, `${style}: ${worst}`);
    bi.dispose();
  }
});

test("a bidirectional 'language model' is refused, unless built unsafe on purpose; the stepper refuses it too", () => {
  const bi = () => buildBidirectional("gru", "scratch", { numInputs: 6, numHiddens: 4 });
  const refused = bi();
  assert.throws(() => new RNNLMScratch({ block: refused, vocabSize: 6 }), /not causal .* would see the answer/);
  refused.dispose();
  const cheat = new RNNLMScratch({ block: bi(), vocabSize: 6, unsafeNonCausal: true });
  const stepper = languageModelStepper(cheat); // allowed, for the demonstration
  stepper.dispose();
  const honest = { ...cheat, block: cheat.block, unsafeNonCausal: false } as RNNLMScratch;
  assert.throws(() => languageModelStepper(honest), /cannot generate/);
  cheat.dispose();
});
