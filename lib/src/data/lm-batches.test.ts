import { test } from "node:test";
import * as assert from "node:assert/strict";
import { lmBatchCount, lmBatches, lmWindows, textBatchSource } from "./lm-batches";
import { Rng } from "./rng";

const positions = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

test("sequential batching: every token of the cut range is an input exactly once, Y = X shifted, rows continue", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const n = 1000, batchSize = 4, numSteps = 7;
    const ids = positions(n); // id = position, so X shows where each window came from
    const batches = [...lmBatches(ids, { batchSize, numSteps }, new Rng(seed))];
    assert.equal(batches.length, lmBatchCount(n, { batchSize, numSteps }));
    const seen = new Map<number, number>();
    for (const b of batches) {
      assert.equal(b.X.length, batchSize * numSteps);
      for (let i = 0; i < b.X.length; i++) {
        seen.set(b.X[i], (seen.get(b.X[i]) ?? 0) + 1);
        assert.equal(b.Y[i], b.X[i] + 1);
      }
    }
    assert.ok([...seen.values()].every((c) => c === 1), "no token twice");
    assert.equal(seen.size, batches.length * batchSize * numSteps);
    // Row b of batch i+1 starts where row b of batch i ended: hidden state can be carried over.
    for (let i = 1; i < batches.length; i++) {
      for (let b = 0; b < batchSize; b++) assert.equal(batches[i].X[b * numSteps], batches[i - 1].X[b * numSteps + numSteps - 1] + 1);
    }
    // Tokens not covered lie only before the offset or after the last window of each row: at most
    // numSteps - 1 at the front and fewer than batchSize * numSteps + batchSize at the back.
    assert.ok(n - seen.size < numSteps + batchSize * numSteps + batchSize, `covered ${seen.size} of ${n}`);
  }
});

test("with offset 0 and a text that fits exactly, sequential batching covers every token once", () => {
  // n - numSteps divisible by batchSize * numSteps; force offset 0 by numSteps = 1 (offset ∈ [0, 1)).
  const ids = positions(4 * 5 + 1);
  const batches = [...lmBatches(ids, { batchSize: 4, numSteps: 1 }, new Rng(9))];
  const xs = batches.flatMap((b) => [...b.X]).sort((a, b) => a - b);
  assert.deepEqual(xs, positions(20));
});

test("random batching: windows do not overlap, are seeded, and differ between seeds", () => {
  const ids = positions(500);
  const opts = { batchSize: 3, numSteps: 5, random: true };
  const run = (seed: number) => [...lmBatches(ids, opts, new Rng(seed))].map((b) => [...b.X]);
  assert.deepEqual(run(11), run(11));
  assert.notDeepEqual(run(11), run(12));
  const all = run(11).flat();
  assert.equal(new Set(all).size, all.length);
  const w = lmWindows(500, opts, new Rng(11));
  for (const row of w.starts) for (const s of row) assert.equal((s - w.offset) % 5, 0);
});

test("textBatchSource: a seeded train/val split; same epoch same batches, epochs differ", () => {
  const ids = positions(2000).map((i) => i % 50);
  const data = textBatchSource(ids, { batchSize: 8, numSteps: 10, valFraction: 0.1, seed: 3, vocabSize: 50 });
  assert.equal(data.numValTokens, 200);
  assert.equal(data.numTrainTokens, 1800);
  const e1 = [...data.trainBatches(1)].map((b) => [...b.X]);
  assert.equal(e1.length, data.batchesPerEpoch);
  assert.deepEqual([...data.trainBatches(1)].map((b) => [...b.X]), e1);
  assert.notDeepEqual([...data.trainBatches(2)].map((b) => [...b.X]), e1);
  const val = [...data.valBatches()];
  assert.ok(val.length >= 1);
  assert.equal(val[0].numSteps, 10);
  assert.deepEqual([...data.valBatches()], val);
  assert.equal(data.vocabSize, 50);
});

test("bad input: too short a text, bad sizes, bad ids", () => {
  assert.throws(() => [...lmBatches(positions(30), { batchSize: 4, numSteps: 8 })], /30 tokens is too short.*4 × 8/);
  assert.throws(() => lmBatchCount(100, { batchSize: 0, numSteps: 3 }), /batchSize must be a positive integer/);
  assert.throws(() => textBatchSource([1, 2, -1], { batchSize: 1, numSteps: 1 }), /position 2 holds -1/);
  assert.throws(() => textBatchSource(positions(100), { batchSize: 2, numSteps: 20, valFraction: 0.1 }), /validation part \(10 tokens\)/);
  assert.throws(() => textBatchSource(positions(100), { batchSize: 2, numSteps: 5, vocabSize: 10 }), /does not fit vocabSize 10/);
});

test("windowGrid marks each token with the batch that uses it, NaN where unused", async () => {
  const { windowGrid } = await import("./lm-batches");
  const w = lmWindows(50, { batchSize: 2, numSteps: 4 }, new Rng(3));
  const grid = windowGrid(50, w, 10);
  assert.equal(grid.length, 5);
  assert.ok(grid.every((r) => r.length === 10));
  const flat = grid.flat();
  for (let i = 0; i < w.starts.length; i++) {
    for (const s of w.starts[i]) for (let t = 0; t < 4; t++) assert.equal(flat[s + t], i);
  }
  assert.equal(flat.filter((v) => !Number.isNaN(v)).length, w.starts.length * 2 * 4);
});

test("firstBatch and countBatches", async () => {
  const { firstBatch, countBatches } = await import("./batch-utils");
  const data = textBatchSource(positions(400), { batchSize: 2, numSteps: 5, valFraction: 0.25, seed: 1 });
  const b = firstBatch(data);
  assert.deepEqual(b, [...data.trainBatches(1)][0]);
  assert.equal(countBatches(data.trainBatches(3)), data.batchesPerEpoch);
  assert.ok(countBatches(data.valBatches()) >= 1);
  const empty = { vocabSize: 1, trainBatches: () => [], valBatches: () => [] };
  assert.throws(() => firstBatch(empty), /no training batches/);
});
