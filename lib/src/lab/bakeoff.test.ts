import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { Vocab } from "../data/vocab";
import { textBatchSource } from "../data/lm-batches";
import { RNNLM, RNNLMScratch } from "../rnn/rnn-lm";
import { GRUScratch } from "../rnn/gru";
import { LSTM } from "../rnn/lstm";
import type { TrainingPlan, TrainingProgress } from "../train/progress";
import type { CellKind } from "../cells";
import { buildCellLM, runBakeoff } from "./bakeoff";
import { countParameters } from "./compare";

// `npm test` sets RNNLAB_QUICK=1; these tests pin full (tiny) budgets.
useBackendWithFullBudgets();

const TEXT = "the cat sat on the mat. the cats sat on the mats. ".repeat(8);
const vocab = Vocab.build([...TEXT]);
const data = () => textBatchSource(vocab.encode([...TEXT]), { batchSize: 4, numSteps: 10, vocabSize: vocab.size, valFraction: 0.2 });

test("buildCellLM makes scratch and concise models around the right block, with the expected parameter counts", () => {
  const V = vocab.size;
  const H = 6;
  const block = (k: number) => k * (V * H + H * H + H);
  const output = H * V + V;
  const expected = { rnn: block(1), gru: block(3), lstm: block(4) };
  for (const scratch of [true, false]) {
    for (const [cell, n] of Object.entries(expected) as [CellKind, number][]) {
      const model = buildCellLM(cell, { vocabSize: V, numHiddens: H, scratch });
      assert.equal(countParameters(model), n + output, `${cell} scratch=${scratch}`);
      assert.ok(scratch ? model instanceof RNNLMScratch : model instanceof RNNLM);
      model.dispose();
    }
  }
  const gru = buildCellLM("gru", { vocabSize: V, numHiddens: H }) as RNNLMScratch;
  assert.ok(gru.block instanceof GRUScratch);
  gru.dispose();
  const lstm = buildCellLM("lstm", { vocabSize: V, numHiddens: H, scratch: false }) as RNNLM;
  assert.ok(lstm.block instanceof LSTM);
  lstm.dispose();
  assert.throws(
    () => buildCellLM("TCN" as CellKind, { vocabSize: V, numHiddens: H }),
    /Unknown cell "TCN"; choose one of "rnn", "gru", "lstm"/,
  );
});

test("runBakeoff trains every cell with the same step budget, reports to one listener, and draws one plot and one table", async () => {
  const before = tf.memory().numTensors;
  let plan: TrainingPlan | undefined;
  const seen: TrainingProgress[] = [];
  let ended = 0;
  const listener = {
    onStart: (p: TrainingPlan) => void (plan = p),
    onProgress: (p: TrainingProgress) => void seen.push(p),
    onEnd: () => void ended++,
  };
  const result = await runBakeoff({ data: data(), numHiddens: 8, maxEpochs: 2, stepsPerEpoch: 3, lr: 0.02, listener });
  assert.deepEqual(
    result.runs.map((r) => r.name),
    ["RNNScratch", "GRUScratch", "LSTMScratch"],
  );
  assert.deepEqual(
    result.runs.map((r) => r.cell),
    ["rnn", "gru", "lstm"],
  );
  for (const r of result.runs) {
    assert.equal(r.summary.steps, 6, `${r.name}: 2 epochs × 3 steps`);
    assert.equal(r.summary.history.length, 2);
    assert.ok(r.bestScore <= r.summary.initialScore, `${r.name} learned something`);
    assert.equal(r.bestScore, Math.min(...r.summary.history.map((h) => h.metrics["val ppl"])));
    assert.ok(r.summary.itemsPerSecond > 0 && r.summary.seconds > 0);
    assert.equal(r.fromCache, false);
  }
  assert.ok(result.runs[0].params < result.runs[1].params && result.runs[1].params < result.runs[2].params);
  // One onStart and one onEnd for the whole bake-off; metric names carry the model; steps count across models.
  assert.equal(plan?.totalSteps, 18);
  assert.equal(ended, 1);
  for (const cell of ["RNNScratch", "GRUScratch", "LSTMScratch"]) {
    const vals = seen.filter((p) => p.metrics[`${cell} val ppl`] !== undefined);
    assert.deepEqual(
      vals.map((p) => p.x),
      [0, 1, 2],
      `${cell}: epoch 0 (untrained), 1, 2`,
    );
  }
  assert.equal(seen[seen.length - 1].step, 18);
  // The figure: one line per model, epochs 0..2. The table: one row per model.
  assert.equal(result.figure.data.length, 3);
  assert.deepEqual((result.figure.data[1] as { x: number[] }).x, [0, 1, 2]);
  for (const r of result.runs) assert.match(result.table.text, new RegExp(r.name));
  assert.match(result.table.text, /best val ppl/);
  result.dispose();
  assert.equal(tf.memory().numTensors, before, "disposing the result frees every model");
});

test("the same seed gives the same bake-off; concise models can compete too", async () => {
  const run = () =>
    runBakeoff({
      data: data(),
      numHiddens: 6,
      maxEpochs: 1,
      stepsPerEpoch: 2,
      lr: 0.02,
      cells: ["gru", "lstm"],
      scratch: false,
      listener: null,
    });
  const a = await run();
  const b = await run();
  assert.deepEqual(
    a.runs.map((r) => r.name),
    ["GRU (tf.layers)", "LSTM (tf.layers)"],
  );
  assert.deepEqual(
    a.runs.map((r) => r.bestScore),
    b.runs.map((r) => r.bestScore),
  );
  a.dispose();
  b.dispose();
});

test("runBakeoff explains bad configurations", async () => {
  await assert.rejects(
    runBakeoff({ data: data(), numHiddens: 4, maxEpochs: 1, lr: 0.1, cells: [], listener: null }),
    /no cells to compare/,
  );
  await assert.rejects(
    runBakeoff({ data: data(), numHiddens: 0, maxEpochs: 1, lr: 0.1, listener: null }),
    /numHiddens must be a positive integer/,
  );
  await assert.rejects(runBakeoff({ data: data(), numHiddens: 4, maxEpochs: 1, lr: -1, listener: null }), /lr must be a positive number/);
});
