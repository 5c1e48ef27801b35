import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { Vocab } from "../data/vocab";
import { GRU, GRUScratch } from "./gru";
import { LSTM, LSTMScratch } from "./lstm";
import { RNN, RNNScratch } from "./rnn";
import { FusedRecurrentBlock } from "./fused";
import { copyWeights } from "./blocks";
import { RNNLMScratch } from "./rnn-lm";
import type { RecurrentBlock } from "./recurrent";
import { GateTrace, gateExtremes, gateMatrix, gateMeansAt, mostActiveUnit, traceGates, traceGatesOnText } from "./trace";
import { stateGradientNorms } from "./grad-flow";
import { gateColoredText, gateHeatmap } from "../plot/gates";
import { UNIT_COLORSCALE } from "../plot/heatmap";

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
  const ref = t.reshape([rows.length, -1]).arraySync() as number[][];
  return Math.max(...rows.flatMap((row, i) => row.map((v, j) => Math.abs(v - ref[i][j]))));
}

test("GRU trace: documented shapes, gates in [0, 1], tanh values in [-1, 1], H equal to forward's outputs", () => {
  const gru = new GRUScratch({ numInputs: vocab.size, numHiddens: 7, sigma: 1, seed: 2 });
  const trace = traceGatesOnText(gru, TEXT, vocab);
  assert.equal(trace.cell, "gru");
  assert.deepEqual(
    trace.gates.map((g) => g.name),
    ["R", "Z", "H_tilde", "H"],
  );
  assert.deepEqual(trace.labels, [...TEXT]);
  assert.equal(trace.numSteps, TEXT.length);
  assert.equal(trace.numHiddens, 7);
  assertInRange(trace);
  // With sigma = 1 the gates really move: neither stuck at 0.5 nor saturated everywhere.
  const Z = trace.values.Z.flat();
  assert.ok(Math.max(...Z) - Math.min(...Z) > 0.5);
  tf.tidy(() => {
    const [Y] = gru.forward(
      tf
        .oneHot(vocab.encode([...TEXT]), vocab.size)
        .expandDims(1)
        .toFloat() as tf.Tensor3D,
    );
    assert.ok(maxDiff(trace.values.H, Y) <= 1e-6);
  });
  gru.dispose();
});

test("LSTM trace: documented shapes and ranges; H and the final C equal forward's", () => {
  const lstm = new LSTMScratch({ numInputs: vocab.size, numHiddens: 5, sigma: 1, seed: 4 });
  const trace = traceGatesOnText(lstm, TEXT, vocab);
  assert.equal(trace.cell, "lstm");
  assert.deepEqual(
    trace.gates.map((g) => g.name),
    ["I", "F", "O", "C_tilde", "C", "H"],
  );
  assertInRange(trace);
  tf.tidy(() => {
    const [Y, [, C]] = lstm.forward(
      tf
        .oneHot(vocab.encode([...TEXT]), vocab.size)
        .expandDims(1)
        .toFloat() as tf.Tensor3D,
    );
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

/** Largest |a - b| between two traces' values of `gates`. */
function traceDiff(a: GateTrace, b: GateTrace, gates: readonly string[]): number {
  return Math.max(...gates.flatMap((g) => a.values[g].flatMap((row, t) => row.map((v, u) => Math.abs(v - b.values[g][t][u])))));
}

test("concise and fused cells and language-model wrappers are traced through a scratch copy, leaking nothing", () => {
  const concise = new GRU({ numInputs: vocab.size, numHiddens: 6, seed: 3 });
  const scratch = new GRUScratch({ numInputs: vocab.size, numHiddens: 6 });
  copyWeights(concise, scratch);
  const fused = new FusedRecurrentBlock({ kind: "gru", numInputs: vocab.size, numHiddens: 6 });
  copyWeights(concise, fused);
  const lstm = new LSTM({ numInputs: vocab.size, numHiddens: 4, seed: 5 });
  const before = tf.memory().numTensors;
  const a = traceGatesOnText(concise, TEXT, vocab);
  const b = traceGatesOnText({ block: scratch }, TEXT, vocab);
  const f = traceGatesOnText(fused, TEXT, vocab);
  const c = traceGatesOnText({ block: lstm }, TEXT, vocab);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(a.cell, "gru");
  assert.equal(f.cell, "gru");
  assert.equal(c.cell, "lstm");
  const gruGates = ["R", "Z", "H_tilde", "H"];
  assert.ok(traceDiff(a, b, gruGates) <= 1e-6, `concise vs scratch: ${traceDiff(a, b, gruGates)}`);
  assert.ok(traceDiff(f, b, gruGates) <= 1e-6, `fused vs scratch: ${traceDiff(f, b, gruGates)}`);
  // The trace really reads the lent weights: another GRU gives another trace.
  const other = new GRUScratch({ numInputs: vocab.size, numHiddens: 6, sigma: 0.5, seed: 8 });
  assert.ok(traceDiff(traceGatesOnText(other, TEXT, vocab), b, gruGates) > 1e-3);
  for (const m of [concise, scratch, fused, lstm, other]) m.dispose();
});

test("a vanilla RNN (scratch or concise) is traced too: its only value is H, equal to forward's outputs", () => {
  const rnn = new RNNScratch({ numInputs: vocab.size, numHiddens: 3, sigma: 1, seed: 2 });
  const concise = new RNN({ numInputs: vocab.size, numHiddens: 3 });
  copyWeights(rnn, concise);
  const trace = traceGatesOnText({ block: rnn }, TEXT, vocab);
  assert.equal(trace.cell, "rnn");
  assert.deepEqual(
    trace.gates.map((g) => g.name),
    ["H"],
  );
  assertInRange(trace);
  tf.tidy(() => {
    const [Y] = rnn.forward(
      tf
        .oneHot(vocab.encode([...TEXT]), vocab.size)
        .expandDims(1)
        .toFloat() as tf.Tensor3D,
    );
    assert.ok(maxDiff(trace.values.H, Y) <= 1e-6);
  });
  assert.ok(traceDiff(traceGatesOnText(concise, TEXT, vocab), trace, ["H"]) <= 1e-6, "the concise RNN lends the same cell");
  assert.throws(() => gateHeatmap(trace, "Z"), /RNN has no gate "Z"; choose one of H/);
  rnn.dispose();
  concise.dispose();
});

test("a language model is traced through its block, its text encoded by the model's own encoder", () => {
  const block = new GRUScratch({ numInputs: 5, numHiddens: 4, sigma: 1, seed: 6 });
  const model = new RNNLMScratch({ block, vocabSize: vocab.size, embedSize: 5, seed: 7 });
  const trace = traceGatesOnText(model, TEXT, vocab);
  assert.equal(trace.cell, "gru");
  assertInRange(trace);
  tf.tidy(() => {
    const X = model.encoder.encode(tf.tensor2d(vocab.encode([...TEXT]), [TEXT.length, 1], "int32")); // [numSteps, 1, 5]
    const [Y] = block.forward(X);
    assert.ok(maxDiff(trace.values.H, Y) <= 1e-6);
  });
  model.dispose();
});

test("a block that is not one cell cannot be traced, and says so", () => {
  const inner = new GRUScratch({ numInputs: vocab.size, numHiddens: 3 });
  // A composition (as a stacked or bidirectional block would be): a block without a cell to lend.
  const composed: RecurrentBlock = {
    numInputs: inner.numInputs,
    numHiddens: inner.numHiddens,
    numStates: inner.numStates,
    causal: true,
    initState: (b) => inner.initState(b),
    forward: (X, state, opts) => inner.forward(X, state, opts),
    trainableVariables: () => inner.trainableVariables(),
    dispose: () => inner.dispose(),
  };
  assert.throws(() => traceGatesOnText({ block: composed }, TEXT, vocab), /not one cell.*trace one of its cells/);
  assert.throws(() => traceGatesOnText(composed, TEXT, vocab), /not one cell/);
  composed.dispose();
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
  assert.deepEqual(
    z[2],
    trace.values.F.map((row) => row[2]),
  );
  // Gates share the coloured text's scale (white 0 → orange 1: darker = closer to 1) and say so on the colour bar.
  const t = fig.data[0] as { colorscale: unknown; zmin: number; zmax: number; colorbar: { title: { text: string } } };
  assert.deepEqual([t.zmin, t.zmax], [0, 1]);
  assert.deepEqual(t.colorscale, UNIT_COLORSCALE);
  assert.match(t.colorbar.title.text, /0 white → 1 dark/);
  const Hfig = gateHeatmap(trace, "H").data[0] as { zmin: number; colorbar: { title: { text: string } } };
  assert.equal(Hfig.zmin, -1);
  assert.match(Hfig.colorbar.title.text, /−1 blue, \+1 red/);
  const view = gateColoredText(trace, "C", 1); // C is unbounded: shown as tanh(C)
  assert.match(view.text + view.html, /tanh\(C_t\), unit 1/);
  lstm.dispose();
  // A hand-made trace: unit 1 varies most.
  const fake: GateTrace = {
    cell: "gru",
    labels: ["a", "b", "c"],
    numSteps: 3,
    numHiddens: 3,
    gates: trace.gates,
    values: {
      F: [
        [0.5, 0.1, 0.4],
        [0.5, 0.9, 0.5],
        [0.5, 0.2, 0.45],
      ],
    },
  };
  assert.equal(mostActiveUnit(fake, "F"), 1);
});

test("stateGradientNorms matches closed forms: a^k for H_t = tanh(a·H_{t-1}) at 0, σ(c)^k for a GRU with constant Z", () => {
  const X = tf
    .oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2, 1, 1, 0, 2], "int32"), 3)
    .expandDims(1)
    .toFloat() as tf.Tensor3D; // [10, 1, 3]
  // Vanilla RNN with W_xh = 0, b_h = 0: H stays 0, tanh' = 1, so ∂H_t/∂H_{t-1} = W_hhᵀ = 0.9·I.
  const rnn = new RNNScratch({ numInputs: 3, numHiddens: 4 });
  rnn.W_xh.assign(tf.zeros([3, 4]));
  rnn.W_hh.assign(tf.mul(tf.eye(4), 0.9));
  // GRU with every W_h* = 0 and W_xz = 0: Z_t = σ(b_z) everywhere, so ∂H_t/∂H_{t-1} = diag(σ(b_z)).
  const gru = new GRUScratch({ numInputs: 3, numHiddens: 4, sigma: 0.5 });
  for (const W of [gru.W_hr, gru.W_hz, gru.W_hh]) W.assign(tf.zeros([4, 4]));
  gru.W_xz.assign(tf.zeros([3, 4]));
  gru.b_z.assign(tf.fill([4], 2));
  const before = tf.memory().numTensors;
  const a = stateGradientNorms(rnn, X);
  const z = stateGradientNorms(gru, X);
  assert.equal(tf.memory().numTensors, before, "no tensor outlives the call");
  assert.equal(a.length, 10);
  const sig2 = 1 / (1 + Math.exp(-2));
  for (let k = 0; k < 10; k++) {
    assert.ok(Math.abs(a[k] - 0.9 ** k) < 1e-5, `RNN k=${k}: ${a[k]} vs ${0.9 ** k}`);
    assert.ok(Math.abs(z[k] - sig2 ** k) < 1e-5, `GRU k=${k}: ${z[k]} vs ${sig2 ** k}`);
  }
  X.dispose();
  rnn.dispose();
  gru.dispose();
});

test("stateGradientNorms works for the LSTM's [H, C] state and agrees between scratch and concise blocks", () => {
  const X = tf.randomNormal([12, 2, 5], 0, 1, "float32", 3) as tf.Tensor3D;
  const scratch = new LSTMScratch({ numInputs: 5, numHiddens: 6, sigma: 0.5 });
  const concise = new LSTM({ numInputs: 5, numHiddens: 6 });
  copyWeights(scratch, concise);
  const a = stateGradientNorms(scratch, X);
  const b = stateGradientNorms(concise, X);
  assert.equal(a.length, 12);
  assert.ok(Math.abs(a[0] - 1) < 1e-6, "the loss reads H_T through a unit vector");
  for (let k = 0; k < 12; k++) assert.ok(Math.abs(a[k] - b[k]) <= 1e-5 * Math.max(1, a[k]), `k=${k}: ${a[k]} vs ${b[k]}`);
  assert.ok(a[11] > 0 && a[11] < a[1], "the gradient decays with distance here");
  assert.throws(() => stateGradientNorms(scratch, tf.zeros([3, 1, 4]) as tf.Tensor3D), /\[numSteps, batchSize, 5\]/);
  X.dispose();
  scratch.dispose();
  concise.dispose();
});

test("gateMeansAt averages each sigmoid gate over the steps with a label and over the others", () => {
  const gates = [
    { name: "Z", symbol: "Z_t", description: "", range: "unit" as const },
    { name: "H", symbol: "H_t", description: "", range: "signed" as const },
  ];
  const trace: GateTrace = {
    cell: "gru",
    labels: ["a", " ", "b", " "],
    numSteps: 4,
    numHiddens: 2,
    gates,
    values: {
      Z: [
        [0.2, 0.4],
        [0.9, 1],
        [0.6, 0.8],
        [0.7, 0.6],
      ],
      H: [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    },
  };
  const rows = gateMeansAt(trace);
  assert.deepEqual(
    rows.map((r) => r.gate),
    ["Z"],
    "only sigmoid gates",
  );
  assert.ok(Math.abs(rows[0].at - 0.8) < 1e-12);
  assert.ok(Math.abs(rows[0].elsewhere - 0.5) < 1e-12);
  assert.throws(() => gateMeansAt(trace, "x"), /no step of the trace is "x"/);
});

test("gateExtremes counts the shares of a gate's values below low and above high, over the first units", () => {
  const trace: GateTrace = {
    cell: "gru",
    labels: ["a", "b"],
    gates: [
      { name: "Z", label: "update gate", range: "unit" },
      { name: "H", label: "hidden state", range: "signed" },
    ] as unknown as GateTrace["gates"],
    values: {
      Z: [
        [0.05, 0.5, 0.95],
        [0.01, 0.2, 0.99],
      ],
      H: [
        [0, 0, 0],
        [0, 0, 0],
      ],
    },
    numSteps: 2,
    numHiddens: 3,
  };
  assert.deepEqual(gateExtremes(trace, "Z"), { gate: "Z", count: 6, below: 2 / 6, above: 2 / 6 });
  assert.deepEqual(gateExtremes(trace, "Z", { units: 2 }), { gate: "Z", count: 4, below: 2 / 4, above: 0 });
  assert.deepEqual(gateExtremes(trace, "Z", { low: 0.3, high: 0.96 }), { gate: "Z", count: 6, below: 3 / 6, above: 1 / 6 });
  assert.throws(() => gateExtremes(trace, "H"), /not a gate in \[0, 1\]/);
  assert.throws(() => gateExtremes(trace, "Z", { units: 0 }), /positive integer/);
});
