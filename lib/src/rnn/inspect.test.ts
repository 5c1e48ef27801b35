import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { Vocab } from "../data/vocab";
import { GRU, GRUScratch } from "./gru";
import { LSTM, LSTMScratch } from "./lstm";
import { RNNScratch } from "./rnn";
import { GateTrace, gateColoredText, gateHeatmap, gateMatrix, mostActiveUnit, traceGates, traceGatesOnText } from "./inspect";

before(async () => {
  await setupBackend();
});

const TEXT = "the time traveller smiled. ";
const vocab = Vocab.build([...TEXT]);

function assertInRange(trace: GateTrace): void {
  for (const g of trace.gates) {
    const rows = trace.values[g.name];
    assert.equal(rows.length, trace.numSteps, `${g.name}: one row per step`);
    for (const row of rows) {
      assert.equal(row.length, trace.numHiddens, `${g.name}: one value per unit`);
      for (const v of row) {
        assert.ok(Number.isFinite(v), `${g.name}: ${v} is not finite`);
        if (g.range === "unit") assert.ok(v >= 0 && v <= 1, `${g.name} = ${v} outside [0, 1]`);
        if (g.range === "signed") assert.ok(v >= -1 && v <= 1, `${g.name} = ${v} outside [-1, 1]`);
      }
    }
  }
}

/** Largest |a - b| between a trace's rows and a `[numSteps, 1, numHiddens]` tensor. */
function maxDiff(rows: number[][], t: tf.Tensor): number {
  const ref = (t.reshape([rows.length, -1]).arraySync() as number[][]);
  return Math.max(...rows.flatMap((row, i) => row.map((v, j) => Math.abs(v - ref[i][j]))));
}

test("GRU trace: documented shapes, gates in [0, 1], tanh values in [-1, 1], H equal to forward's outputs", () => {
  const gru = new GRUScratch({ numInputs: vocab.size, numHiddens: 7, sigma: 1, seed: 2 });
  const trace = traceGatesOnText(gru, TEXT, vocab);
  assert.equal(trace.cell, "GRU");
  assert.deepEqual(trace.gates.map((g) => g.name), ["R", "Z", "H_tilde", "H"]);
  assert.deepEqual(trace.labels, [...TEXT]);
  assert.equal(trace.numSteps, TEXT.length);
  assert.equal(trace.numHiddens, 7);
  assertInRange(trace);
  // With sigma = 1 the gates really move: neither stuck at 0.5 nor saturated everywhere.
  const Z = trace.values.Z.flat();
  assert.ok(Math.max(...Z) - Math.min(...Z) > 0.5);
  tf.tidy(() => {
    const [Y] = gru.forward(tf.oneHot(vocab.encode([...TEXT]), vocab.size).expandDims(1).toFloat() as tf.Tensor3D);
    assert.ok(maxDiff(trace.values.H, Y) <= 1e-6);
  });
  gru.dispose();
});

test("LSTM trace: documented shapes and ranges; H and the final C equal forward's", () => {
  const lstm = new LSTMScratch({ numInputs: vocab.size, numHiddens: 5, sigma: 1, seed: 4 });
  const trace = traceGatesOnText(lstm, TEXT, vocab);
  assert.equal(trace.cell, "LSTM");
  assert.deepEqual(trace.gates.map((g) => g.name), ["I", "F", "O", "C_tilde", "C", "H"]);
  assertInRange(trace);
  tf.tidy(() => {
    const [Y, [, C]] = lstm.forward(tf.oneHot(vocab.encode([...TEXT]), vocab.size).expandDims(1).toFloat() as tf.Tensor3D);
    assert.ok(maxDiff(trace.values.H, Y) <= 1e-6);
    assert.ok(maxDiff([trace.values.C[TEXT.length - 1]], C) <= 1e-6);
  });
  // H = O ⊙ tanh(C) holds in the trace, step by step.
  for (let t = 0; t < trace.numSteps; t++) {
    for (let u = 0; u < 5; u++) {
      assert.ok(Math.abs(trace.values.H[t][u] - trace.values.O[t][u] * Math.tanh(trace.values.C[t][u])) < 1e-5);
    }
  }
  lstm.dispose();
});

test("concise cells and language-model wrappers are traced through a scratch copy, leaking nothing", () => {
  const concise = new GRU({ numInputs: vocab.size, numHiddens: 6, seed: 3 });
  const scratch = GRUScratch.fromConcise(concise);
  const lstm = new LSTM({ numInputs: vocab.size, numHiddens: 4, seed: 5 });
  const before = tf.memory().numTensors;
  const a = traceGatesOnText(concise, TEXT, vocab);
  const b = traceGatesOnText({ block: scratch }, TEXT, vocab);
  const c = traceGatesOnText({ block: lstm }, TEXT, vocab);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(c.cell, "LSTM");
  for (const g of ["R", "Z", "H_tilde", "H"]) {
    const diff = Math.max(...a.values[g].flatMap((row, t) => row.map((v, u) => Math.abs(v - b.values[g][t][u]))));
    assert.ok(diff <= 1e-6, `${g}: ${diff}`);
  }
  const rnn = new RNNScratch({ numInputs: vocab.size, numHiddens: 3 });
  assert.throws(() => traceGatesOnText({ block: rnn }, TEXT, vocab), /only GRU and LSTM blocks/);
  for (const m of [concise, scratch, lstm, rnn]) m.dispose();
});

test("bad input: unknown characters, empty text, wrong shapes, unknown gates and units", () => {
  const gru = new GRUScratch({ numInputs: vocab.size, numHiddens: 3 });
  assert.throws(() => traceGatesOnText(gru, "THE", vocab), /vocabulary has no "T", "H", "E"/);
  assert.throws(() => traceGatesOnText(gru, "", vocab), /empty/);
  tf.tidy(() => {
    assert.throws(() => traceGates(gru, tf.zeros([4, 2, vocab.size]) as tf.Tensor3D), /one sequence/);
    assert.throws(() => traceGates(gru, tf.zeros([4, vocab.size]) as tf.Tensor2D, ["a"]), /one label per step/);
  });
  const trace = traceGatesOnText(gru, "time", vocab);
  assert.throws(() => gateHeatmap(trace, "F"), /GRU has no gate "F"; choose one of R, Z, H_tilde, H/);
  assert.throws(() => gateMatrix(trace, "Z", [3]), /unit 3 does not exist/);
  gru.dispose();
});

test("gate heatmap, coloured text and the most active unit", () => {
  const lstm = new LSTMScratch({ numInputs: vocab.size, numHiddens: 30, sigma: 1 });
  const trace = traceGatesOnText(lstm, "time", vocab);
  const fig = gateHeatmap(trace, "F");
  const z = (fig.data[0] as { z: number[][] }).z;
  assert.equal(z.length, 24, "24 units by default");
  assert.equal(z[0].length, 4, "one column per character");
  assert.deepEqual(z[2], trace.values.F.map((row) => row[2]));
  const view = gateColoredText(trace, "C", 1); // C is unbounded: shown as tanh(C)
  assert.match(view.text + view.html, /tanh\(C_t\), unit 1/);
  lstm.dispose();
  // A hand-made trace: unit 1 varies most.
  const fake: GateTrace = {
    cell: "GRU", labels: ["a", "b", "c"], numSteps: 3, numHiddens: 3, gates: trace.gates,
    values: { F: [[0.5, 0.1, 0.4], [0.5, 0.9, 0.5], [0.5, 0.2, 0.45]] },
  };
  assert.equal(mostActiveUnit(fake, "F"), 1);
});
