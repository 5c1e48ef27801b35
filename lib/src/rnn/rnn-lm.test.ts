import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { paddedBatch } from "../data/line-batches";
import { buildBlock } from "./blocks";
import { RNNLMScratch } from "./rnn-lm";

useBackendWithFullBudgets();

const V = 40;
/** Padded lines (mask 0 after <eos>) of random ids 3…V−1: <pad> 0, <bos> 1, <eos> 2. */
const batch = paddedBatch(
  [
    [5, 9, 11, 30, 7],
    [3, 4],
    [39, 38, 37, 36, 35, 34, 33],
    [12, 12, 12],
  ],
  { start: 1, eos: 2, pad: 0 },
);

function model(fusedHead: boolean, kind: "gru" | "lstm" = "gru"): RNNLMScratch {
  return new RNNLMScratch({
    block: buildBlock(kind, "fused", { numInputs: 8, numHiddens: 16, seed: 4 }),
    vocabSize: V,
    embedSize: 8,
    seed: 4,
    sigma: 0.3,
    fusedHead,
  });
}

test("fusedHead: the same loss and gradients as the plain output layer on a masked batch (GRU and LSTM), nothing leaks", () => {
  for (const kind of ["gru", "lstm"] as const) {
    const [plain, fused] = [model(false, kind), model(true, kind)];
    const before = tf.memory().numTensors;
    const grads = [plain, fused].map((m) => {
      const { value, grads: g } = tf.variableGrads(() => m.loss(batch, { training: true }), m.trainableVariables());
      const out = { loss: value.dataSync()[0], g: m.trainableVariables().map((v) => Array.from(g[v.name].dataSync())) };
      tf.dispose([value, ...Object.values(g)]);
      return out;
    });
    assert.equal(tf.memory().numTensors, before, "nothing leaks");
    assert.ok(grads[0].loss > 1, `a real loss: ${grads[0].loss}`);
    assert.ok(Math.abs(grads[0].loss - grads[1].loss) < 1e-5, `${kind}: loss ${grads[1].loss} vs ${grads[0].loss}`);
    let gap = 0;
    let size = 0;
    grads[0].g.forEach((g, i) =>
      g.forEach((x, j) => ((gap = Math.max(gap, Math.abs(x - grads[1].g[i][j]))), (size = Math.max(size, Math.abs(x))))),
    );
    assert.ok(gap < 1e-5 && size > 1e-3, `${kind}: gradient gap ${gap} (largest gradient ${size})`);
    plain.dispose();
    fused.dispose();
  }
});

test("fusedHead explains what it cannot do", () => {
  assert.throws(
    () =>
      new RNNLMScratch({
        block: buildBlock("gru", "scratch", { numInputs: 8, numHiddens: 4 }),
        vocabSize: V,
        embedSize: 8,
        outputHiddens: [6],
        fusedHead: true,
      }),
    /fuses the linear output layer only/,
  );
  const m = model(true);
  assert.throws(() => m.loss({ ...batch, mask: new Float32Array(batch.mask!.length).fill(0.5) }), /needs a mask of 0 and 1, got 0.5/);
  assert.throws(() => m.loss({ ...batch, mask: new Float32Array(batch.mask!.length) }), /no real target/);
  m.dispose();
});
