import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { GateTrace } from "../rnn/trace";
import { GRU_GATES } from "../rnn/gru";
import { UNIT_COLORSCALE } from "../plot/heatmap";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { agreementVocab } from "./agreement-task";
import { AgreementTraces, agreementTraces, bitUnits, gateHoldTable, heldBit, heldBitFigure, holdHeatmap } from "./bit-hold";
import { buildAgreementClassifier } from "./long-range";

useBackendWithFullBudgets();

const vocab = agreementVocab();

/** A GRU trace by hand: `H[t][u]` and `Z[t][u]` given, `R` 0.5 everywhere. */
function fakeTrace(H: number[][], Z: number[][]): GateTrace {
  return {
    cell: "gru",
    labels: H.map((_, t) => String(t)),
    gates: GRU_GATES,
    values: { H, Z, R: H.map((row) => row.map(() => 0.5)), H_tilde: H },
    numSteps: H.length,
    numHiddens: H[0].length,
  };
}

test("heldBit and bitUnits: per step the largest |H(S) − H(P)|; units ranked by their mean difference on the distractors", () => {
  // Unit 0 holds the bit (difference 1.6 all along), unit 1 loses it, unit 2 never had it.
  const S = [
    [0.8, 0.9, 0.1],
    [0.8, 0.4, 0.2],
    [0.8, 0.1, 0.3],
    [0.8, 0.0, 0.0],
  ];
  const P = [
    [-0.8, -0.9, 0.1],
    [-0.8, -0.2, 0.2],
    [-0.8, 0.1, 0.3],
    [-0.8, 0.0, 0.5],
  ];
  const zeros = S.map((row) => row.map(() => 0));
  const traces: AgreementTraces = { singular: fakeTrace(S, zeros), plural: fakeTrace(P, zeros) };
  heldBit(traces).forEach((v, t) => assert.ok(Math.abs(v - [1.8, 1.6, 1.6, 1.6][t]) < 1e-12, `step ${t}: ${v}`));
  assert.deepEqual(bitUnits(traces, 2), [0, 1], "unit 0 (1.6 on distractors), then unit 1 (0.3)");
  assert.deepEqual(bitUnits(traces, 3), [0, 1, 2]);
  assert.throws(() => bitUnits(traces, 0), /k must be a positive integer, got 0/);
  assert.throws(() => heldBit(traces, "C"), /GRU has no gate "C"/);
});

test("agreementTraces: the same distractors after S and after P, through the classifier's own cell; nothing leaks", () => {
  const model = buildAgreementClassifier("lstm", { vocabSize: vocab.size, numHiddens: 6, sigma: 0.5 });
  try {
    const before = tf.memory().numTensors;
    const traces = agreementTraces(model, "Pabcabc?", vocab);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(traces.singular.labels, [..."Sabcabc?"]);
    assert.deepEqual(traces.plural.labels, [..."Pabcabc?"]);
    assert.equal(traces.singular.cell, "lstm");
    const held = heldBit(traces);
    assert.equal(held.length, 8);
    assert.ok(held[0] > 0, "the two subjects give different states at once");
    assert.equal(heldBit(traces, "C").length, 8, "the LSTM's cell too");
    const fig = heldBitFigure([{ name: "LSTM", traces }], { withCell: true });
    assert.deepEqual(
      fig.data.map((d) => (d as { name: string }).name),
      ["LSTM H", "LSTM C"],
    );
    assert.throws(() => agreementTraces(model, "abc?", vocab), /does not start with a subject marker/);
    assert.throws(() => agreementTraces(model, "Sxyz?", vocab), /vocabulary has no "x", "y", "z"/);
  } finally {
    model.dispose();
  }
});

test("holdHeatmap: chosen units as rows on a fixed [0, 1] scale, the bit units starred, a colour bar that says what light and dark mean", () => {
  const model = buildAgreementClassifier("gru", { vocabSize: vocab.size, numHiddens: 5 });
  try {
    const traces = agreementTraces(model, "Shgfe?", vocab);
    const fig = holdHeatmap(traces.singular, "Z", { units: [3, 1], marked: [3] });
    const trace = fig.data[0] as { z: number[][]; zmin: number; zmax: number; colorscale: unknown; colorbar: { title: { text: string } } };
    assert.equal(trace.z.length, 2);
    assert.equal(trace.z[0].length, 6);
    assert.deepEqual([trace.zmin, trace.zmax, trace.colorscale], [0, 1, UNIT_COLORSCALE]);
    assert.match(trace.colorbar.title.text, /1 = keep the old state.*0 = take the candidate/);
    const yaxis = fig.layout.yaxis as { ticktext: string[] };
    assert.deepEqual(yaxis.ticktext, ["unit 3 ★", "unit 1"]);
    assert.throws(() => holdHeatmap(traces.singular, "H", { units: [0] }), /not a gate in \[0, 1\]/);
    const rows = gateHoldTable([{ name: "GRU", trace: traces.singular, units: [3] }]);
    assert.deepEqual(
      rows.map((r) => String(r.gate).slice(0, 3)),
      ["R_t", "Z_t"],
      "one row per sigmoid gate",
    );
    const Z = traces.singular.values.Z;
    assert.ok(Math.abs(Number(rows[1]["bit units, at the subject"]) - Z[0][3]) < 1e-12);
    const inner = [1, 2, 3, 4].map((t) => Z[t][3]);
    assert.ok(Math.abs(Number(rows[1]["bit units, on distractors"]) - inner.reduce((a, b) => a + b) / 4) < 1e-12);
  } finally {
    model.dispose();
  }
});
