import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { ScatterData } from "plotly.js-dist";
import type { MimeBundle } from "../notebook/display";
import type { TrainingProgress } from "../train/progress";
import { downsampleCurve, TrainingBoard } from "./board";
import { formatDuration } from "./util";
import { PLOTLY_MIME } from "./show";

/** A fake clock that the test moves by hand. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function report(step: number, stepsPerEpoch: number, metrics: Record<string, number>, secondsPerStep = 0.01): TrainingProgress {
  const epoch = Math.floor((step - 1) / stepsPerEpoch) + 1;
  return { epoch, step, elapsedSeconds: step * secondsPerStep, itemsPerSecond: 12345, x: step / stepsPerEpoch, metrics };
}

test("formatDuration writes m:ss and h:mm:ss", () => {
  assert.equal(formatDuration(5), "0:05");
  assert.equal(formatDuration(125.4), "2:05");
  assert.equal(formatDuration(3725), "1:02:05");
  assert.equal(formatDuration(NaN), "?");
});

test("outside a notebook the board prints throttled text lines and a final line", () => {
  const c = clock();
  const lines: string[] = [];
  const board = new TrainingBoard({ notebook: false, print: (l) => lines.push(l), now: c.now, textIntervalSeconds: 2 });
  board.onStart({ maxEpochs: 2, totalSteps: 100, title: "toy", itemName: "chars" });
  for (let step = 1; step <= 100; step++) {
    c.advance(100); // 100 reports over 10 s
    board.onProgress(report(step, 50, { "train loss": 2 - step / 100 }));
  }
  board.onEnd(undefined, "done");
  // first report, then every 2 s of the 10 s, then the final line
  assert.ok(lines.length >= 5 && lines.length <= 7, `got ${lines.length} lines`);
  assert.match(lines[0], /^toy: epoch 1\/2 · step 1\/100 · train loss 1\.99 · ppl 7\.316 · 12\.3k chars\/s · 0:00 elapsed · ETA 0:01$/);
  assert.match(lines[lines.length - 1], /^toy \(done\): epoch 2\/2 · step 100\/100 · train loss 1 · ppl 2\.718 ·/);
  assert.doesNotMatch(lines[lines.length - 1], /ETA/);
  assert.equal(board.stats.progressCalls, 100);
  assert.equal(board.stats.updates, lines.length);
  assert.ok(Math.abs(board.stats.seconds - 10) < 1e-9);
});

test("the status line shows reported perplexity instead of exp(loss), and none when disabled", () => {
  const a = new TrainingBoard({ notebook: false, print: () => {} });
  a.onProgress(report(1, 10, { "train loss": 1, "train ppl": 2.72 }));
  assert.doesNotMatch(a.status(), /· ppl /, "no exp(loss) when a perplexity is reported");
  assert.match(a.status(), /train ppl 2\.72/);
  const b = new TrainingBoard({ notebook: false, print: () => {}, perplexity: false });
  b.onProgress(report(1, 10, { "mse loss": 0.5 }));
  assert.doesNotMatch(b.status(), /ppl/);
  const nan = new TrainingBoard({ notebook: false, print: () => {} });
  nan.onProgress(report(1, 10, { loss: NaN }));
  assert.match(nan.status(), /loss NaN · ppl NaN/);
});

test("the board's figure has one curve per metric, perplexity on the right axis, NaN as gaps", () => {
  const board = new TrainingBoard({ notebook: false, print: () => {}, title: "lm" });
  assert.throws(() => board.figure(), /no curves yet/);
  board.onStart({ maxEpochs: 3, totalSteps: 30 });
  board.onProgress(report(1, 10, { "train loss": 2 }));
  board.onProgress(report(2, 10, { "train loss": NaN }));
  board.onProgress(report(10, 10, { "train loss": 1.5, "val ppl": 5 }));
  const fig = board.figure();
  const traces = fig.data as Partial<ScatterData>[];
  assert.deepEqual(
    traces.map((t) => t.name),
    ["train loss", "val ppl"],
  );
  assert.deepEqual(traces[0].y, [2, null, 1.5]);
  assert.deepEqual(traces[0].x, [0.1, 0.2, 1]);
  assert.equal(traces[1].yaxis, "y2");
  assert.equal(traces[1].mode, "lines+markers");
  assert.deepEqual(fig.layout.xaxis?.range, [0, 3]);
  const only = new TrainingBoard({ notebook: false, print: () => {}, metrics: ["val ppl"] });
  only.onProgress(report(1, 10, { "train loss": 2, "val ppl": 5 }));
  assert.deepEqual(
    only.figure().data.map((t) => (t as Partial<ScatterData>).name),
    ["val ppl"],
  );
});

test("in a notebook the board redraws one status and one plot in place, at most 2 times a second", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab's module object, patched by the test
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  const sent: { data: MimeBundle; id?: string; update: boolean }[] = [];
  const saved = jupyter.lastWriteDisplayData;
  jupyter.lastWriteDisplayData = (msg: { data: MimeBundle; transient: { display_id?: string } }, update: boolean) =>
    sent.push({ data: msg.data, id: msg.transient.display_id, update });
  const c = clock();
  try {
    const board = new TrainingBoard({ now: c.now });
    board.onStart({ maxEpochs: 1, totalSteps: 300 });
    for (let step = 1; step <= 300; step++) {
      c.advance(10); // 300 reports in 3 s
      board.onProgress(report(step, 300, { loss: 1 / step }));
    }
    board.onEnd(undefined);
    const ids = new Set(sent.filter((s) => s.id !== undefined).map((s) => s.id));
    assert.equal(ids.size, 2, "one status area and one plot area");
    assert.equal(sent.filter((s) => s.id === undefined).length, 1, "plus the plotly library, once");
    const plots = sent.filter((s) => PLOTLY_MIME in s.data);
    assert.ok(plots.length >= 6 && plots.length <= 8, `${plots.length} plot draws for 3 s`);
    assert.ok(
      plots.slice(1).every((s) => s.update),
      "later draws update in place",
    );
    assert.ok(board.stats.updatesPerSecond <= 2 + 1e-9 + 1 / 3, `rate ${board.stats.updatesPerSecond}`);
    const lastStatus = sent.filter((s) => !(PLOTLY_MIME in s.data) && s.id !== undefined).pop();
    assert.match(String(lastStatus?.data["text/plain"]), /^epoch 1\/1 · step 300\/300 · loss 0\.003333/);
  } finally {
    jupyter.lastWriteDisplayData = saved;
  }
});

test("a negative or NaN redraw interval is an error", () => {
  assert.throws(() => new TrainingBoard({ minIntervalSeconds: -1 }), /minIntervalSeconds must be a number of seconds ≥ 0, got -1/);
  assert.throws(() => new TrainingBoard({ textIntervalSeconds: NaN }), /textIntervalSeconds/);
});

test("long curves are drawn as bucket averages, keeping NaN-only buckets as gaps", () => {
  const x = Array.from({ length: 10 }, (_, i) => i);
  const y = [1, 3, NaN, NaN, 5, NaN, 2, 2, 4, 6];
  assert.deepEqual(downsampleCurve(x, y, 5), { x: [0.5, 2.5, 4.5, 6.5, 8.5], y: [2, NaN, 5, 2, 5] });
  assert.deepEqual(downsampleCurve(x, y, 10).y, y, "short enough: unchanged");
  assert.throws(() => downsampleCurve(x, y.slice(1), 5), /10 x values but 9 y values/);
  const board = new TrainingBoard({ notebook: false, print: () => {}, maxPointsPerCurve: 100 });
  for (let step = 1; step <= 1000; step++) board.onProgress(report(step, 1000, { loss: step }));
  const t = board.figure().data[0] as Partial<ScatterData>;
  assert.equal(t.y?.length, 100);
  assert.equal(t.y?.[0], 5.5, "mean of the first 10 losses");
});
