import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { ScatterData } from "plotly.js-dist";
import { lineChart } from "./line-chart";
import { describeFigure } from "./figure";

type Trace = Partial<ScatterData>;

test("lineChart makes one named scatter trace per series, x defaulting to 0..n-1", () => {
  const fig = lineChart(
    [
      { name: "train", y: [3, 2, 1] },
      { name: "val", x: [0.5, 2.5], y: [2.5, 1.5] },
    ],
    { title: "Loss" },
  );
  assert.equal(fig.data.length, 2);
  const [a, b] = fig.data as Trace[];
  assert.equal(a.type, "scatter");
  assert.equal(a.name, "train");
  assert.deepEqual(a.x, [0, 1, 2]);
  assert.deepEqual(a.y, [3, 2, 1]);
  assert.deepEqual(b.x, [0.5, 2.5]);
  assert.deepEqual(fig.layout.title, { text: "Loss" });
  assert.equal(fig.layout.showlegend, true);
  assert.match(describeFigure(fig), /^\[plot "Loss"\] train: scatter of 3 points; val: scatter of 2 points$/);
});

test("lineChart sets log axes and a right-hand axis on request", () => {
  const fig = lineChart(
    [
      { name: "loss", y: [1, 0.5] },
      { name: "ppl", y: [2.7, 1.6], rightAxis: true },
    ],
    { logX: true, logY: true, xTitle: "rank", yTitle: "count" },
  );
  assert.equal(fig.layout.xaxis?.type, "log");
  assert.equal(fig.layout.yaxis?.type, "log");
  assert.deepEqual(fig.layout.xaxis?.title, { text: "rank" });
  assert.equal((fig.data[1] as Trace).yaxis, "y2");
  assert.equal(fig.layout.yaxis2?.overlaying, "y");
  assert.equal(lineChart({ name: "one", y: [1] }).layout.yaxis2, undefined);
});

test("lineChart draws NaN and Infinity as gaps (null)", () => {
  const fig = lineChart({ name: "loss", y: [1, NaN, 2, Infinity] });
  assert.deepEqual((fig.data[0] as Trace).y, [1, null, 2, null]);
  assert.ok(JSON.stringify(fig).includes("[1,null,2,null]"));
});

test("lineChart rejects no series, empty series and mismatched x/y lengths", () => {
  assert.throws(() => lineChart([]), /at least one series/);
  assert.throws(() => lineChart({ name: "loss", y: [] }), /series 0 \("loss"\) is empty/);
  assert.throws(() => lineChart({ name: "loss", x: [1, 2, 3], y: [1, 2] }), /3 x values but 2 y values/);
  assert.throws(() => lineChart({ name: "loss", y: ["a"] as unknown as number[] }), /not a number/);
});

test("lineChart: a series' colour goes to its line and its markers; without one, plotly chooses", () => {
  const fig = lineChart([
    { name: "a", y: [1, 2], color: "hsl(30, 70%, 45%)", mode: "markers" },
    { name: "b", y: [3, 4] },
  ]);
  const [a, b] = fig.data as { line?: { color?: string }; marker?: { color?: string } }[];
  assert.equal(a.line?.color, "hsl(30, 70%, 45%)");
  assert.equal(a.marker?.color, "hsl(30, 70%, 45%)");
  assert.equal(b.line, undefined);
  assert.equal(b.marker, undefined);
});
