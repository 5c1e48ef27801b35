import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { BarData } from "plotly.js-dist";
import { barChart } from "./bar-chart";

test("barChart makes one bar per label, whitespace labels made visible", () => {
  const fig = barChart(["a", " ", "\n"], [0.5, 0.3, 0.2], { title: "P(next)" });
  const t = fig.data[0] as Partial<BarData>;
  assert.equal(t.type, "bar");
  assert.deepEqual(t.x, [0, 1, 2]);
  assert.deepEqual(t.y, [0.5, 0.3, 0.2]);
  assert.deepEqual(fig.layout.xaxis?.ticktext, ["a", "␣", "⏎"]);
  const h = barChart(["x", "y"], [1, NaN], { horizontal: true });
  const th = h.data[0] as Partial<BarData>;
  assert.equal(th.orientation, "h");
  assert.deepEqual(th.x, [1, null]);
  assert.deepEqual(h.layout.yaxis?.ticktext, ["x", "y"]);
});

test("barChart rejects no bars and mismatched lengths", () => {
  assert.throws(() => barChart([], []), /at least one bar/);
  assert.throws(() => barChart(["a", "b"], [1]), /2 labels but 1 values/);
});

test("barChart takes a rank-1 tensor of values and rejects other ranks", () => {
  const p = tf.tensor1d([0.25, 0.75]);
  const m = tf.tensor2d([[1, 2]]);
  try {
    assert.deepEqual((barChart(["a", "b"], p).data[0] as Partial<BarData>).y, [0.25, 0.75]);
    assert.throws(() => barChart(["a", "b"], m), /rank-1 tensor of values, got shape \[1, 2\]/);
  } finally {
    tf.dispose([p, m]);
  }
});
