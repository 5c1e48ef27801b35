import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { HeatmapData } from "plotly.js-dist";
import { DIVERGING_COLORSCALE, heatmap } from "./heatmap";

type Trace = Partial<HeatmapData>;

test("heatmap keeps the matrix, labels columns by tick text so repeated characters stay apart", () => {
  const z = [
    [0.1, -0.5, 0.9, 0.2, 0],
    [1, 0, -1, NaN, 0.5],
  ];
  const fig = heatmap(z, { xLabels: [..."hel o"], yLabels: ["unit 0", "unit 1"], title: "H" });
  const t = fig.data[0] as Trace;
  assert.equal(t.type, "heatmap");
  assert.deepEqual(t.z, [
    [0.1, -0.5, 0.9, 0.2, 0],
    [1, 0, -1, null, 0.5],
  ]);
  assert.deepEqual(t.x, [0, 1, 2, 3, 4]);
  assert.deepEqual(fig.layout.xaxis?.tickvals, [0, 1, 2, 3, 4]);
  assert.deepEqual(fig.layout.xaxis?.ticktext, ["h", "e", "l", "␣", "o"]);
  assert.deepEqual(fig.layout.yaxis?.ticktext, ["unit 0", "unit 1"]);
  assert.equal(fig.layout.yaxis?.autorange, "reversed");
  assert.equal(t.zmin, -1);
  assert.equal(t.zmax, 1);
  assert.equal(t.colorscale, DIVERGING_COLORSCALE);
  const asym = heatmap([[-0.5, 2]]).data[0] as Trace;
  assert.deepEqual([asym.zmin, asym.zmax], [-2, 2], "signed data: a range symmetric about 0");
});

test("heatmap accepts a rank-2 tensor and rejects other ranks", () => {
  const m = tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const v = tf.tensor1d([1, 2]);
  try {
    const before = tf.memory().numTensors;
    const t = heatmap(m, { zmin: 0 }).data[0] as Trace;
    assert.deepEqual(t.z, [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.equal(t.colorscale, "Viridis");
    assert.equal(tf.memory().numTensors, before, "heatmap must not leave tensors behind");
    assert.throws(() => heatmap(v), /rank-2 tensor.*shape \[2\]/);
  } finally {
    m.dispose();
    v.dispose();
  }
});

test("heatmap rejects empty or ragged matrices and labels that do not match", () => {
  assert.throws(() => heatmap([]), /empty matrix/);
  assert.throws(() => heatmap([[]]), /empty matrix/);
  assert.throws(() => heatmap([[1, 2], [3]]), /row 1 has 1 values but row 0 has 2/);
  assert.throws(() => heatmap([[1, 2]], { xLabels: ["a"] }), /1 xLabels for 2 columns/);
  assert.throws(() => heatmap([[1, 2]], { yLabels: ["a", "b"] }), /2 yLabels for 1 rows/);
});
