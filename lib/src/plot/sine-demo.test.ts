import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { TrainingPlan, TrainingProgress } from "../train/progress";
import { fitSineDemo } from "./sine-demo";

test("fitSineDemo learns sin(x), reports every epoch to its listener, and frees its tensors", async () => {
  const saved = process.env.RNNLAB_QUICK;
  process.env.RNNLAB_QUICK = "0.05"; // 4000 epochs → 200
  try {
    const plans: TrainingPlan[] = [];
    const reports: TrainingProgress[] = [];
    const ends: (string | undefined)[] = [];
    const before = tf.memory().numTensors;
    const fit = await fitSineDemo(
      { onStart: (p) => plans.push(p), onProgress: (p) => reports.push(p), onEnd: (_, reason) => ends.push(reason) },
      { maxEpochs: 4000, lr: 0.02 },
    );
    assert.equal(tf.memory().numTensors, before, "no tensor outlives the run");
    assert.deepEqual(plans, [{ maxEpochs: 200, totalSteps: 200, title: "fitting sin(x)" }]);
    assert.deepEqual(ends, ["done"]);
    assert.equal(reports.length, 200);
    assert.deepEqual(
      reports.map((r) => r.step),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    assert.equal(reports.filter((r) => "val loss" in r.metrics).length, 8);
    const first = reports[0].metrics["train loss"];
    assert.ok(fit.finalLoss < first / 4, `loss fell from ${first} to ${fit.finalLoss}`);
    assert.equal(fit.x.length, 200);
    const err = Math.sqrt(fit.prediction.reduce((a, p, i) => a + (p - fit.target[i]) ** 2, 0) / 200);
    assert.ok(err < 0.3, `RMS error of the fit ${err}`);
  } finally {
    if (saved === undefined) delete process.env.RNNLAB_QUICK;
    else process.env.RNNLAB_QUICK = saved;
  }
});

test("fitSineDemo rejects a bad configuration", async () => {
  await assert.rejects(fitSineDemo({ onProgress: () => {} }, { lr: 0 }), /lr \(0\) > 0/);
});
