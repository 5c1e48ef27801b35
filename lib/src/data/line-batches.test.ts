import { test } from "node:test";
import * as assert from "node:assert/strict";
import { lineBatchSource, paddedBatch } from "./line-batches";
import { charTokens } from "./tokenize";
import { Vocab } from "./vocab";

const words = ["ab", "abc", "b", "cab", "ca", "bb", "c", "aa", "bca", "a"];
const vocab = Vocab.build(words.flatMap(charTokens), { reserved: ["<pad>", "<eos>"] });
const items = words.map((w) => vocab.encode(charTokens(w)));

test("paddedBatch: X starts with the separator, Y ends with <eos>, mask marks real targets", () => {
  const b = paddedBatch([items[1], items[2]], { start: vocab.eosId!, eos: vocab.eosId!, pad: vocab.padId! });
  assert.equal(b.numSteps, 4); // longest (3) + 1
  const row = (a: ArrayLike<number>, r: number) => Array.from(a).slice(r * 4, r * 4 + 4);
  assert.deepEqual(vocab.decode(row(b.X, 0)), ["<eos>", "a", "b", "c"]);
  assert.deepEqual(vocab.decode(row(b.Y, 0)), ["a", "b", "c", "<eos>"]);
  assert.deepEqual(row(b.mask!, 0), [1, 1, 1, 1]);
  assert.deepEqual(vocab.decode(row(b.Y, 1)), ["b", "<eos>", "<pad>", "<pad>"]);
  assert.deepEqual(row(b.mask!, 1), [1, 1, 0, 0]);
});

test("lineBatchSource: the split is seeded and complete; every training item appears once per epoch", () => {
  const data = lineBatchSource(items, vocab, { batchSize: 3, valFraction: 0.2, seed: 5 });
  assert.equal(data.valItems.length, 2);
  assert.equal(data.trainItems.length, 8);
  assert.equal(data.batchesPerEpoch, 3);
  const again = lineBatchSource(items, vocab, { batchSize: 3, valFraction: 0.2, seed: 5 });
  assert.deepEqual(again.valItems, data.valItems);
  const epoch = [...data.trainBatches(1)];
  assert.equal(epoch.length, 3);
  assert.ok(epoch.every((b) => b.numSteps === 4), "one shape for all batches");
  const targets = epoch.flatMap((b) => Array.from({ length: b.batchSize }, (_, r) => {
    const ys = Array.from(b.Y).slice(r * 4, r * 4 + 4);
    return vocab.decode(ys.slice(0, ys.indexOf(vocab.eosId!))).join("");
  }));
  const trainWords = data.trainItems.map((s) => vocab.decode(s).join(""));
  assert.deepEqual([...targets].sort(), [...trainWords].sort());
  const order = (e: number) => [...data.trainBatches(e)].map((b) => Array.from(b.Y));
  assert.deepEqual(order(1), order(1));
  assert.notDeepEqual(order(1), order(2));
});

test("bad input: no <eos>, empty items, too long items", () => {
  const noEos = Vocab.build(["a"]);
  assert.throws(() => lineBatchSource([[0]], noEos, { batchSize: 1 }), /reserved: \["<eos>"\]/);
  assert.throws(() => lineBatchSource([], vocab, { batchSize: 1 }), /no items/);
  assert.throws(() => lineBatchSource([[2], []], vocab, { batchSize: 1 }), /item 1 is empty/);
  assert.throws(() => lineBatchSource(items, vocab, { batchSize: 2, numSteps: 3 }), /does not fit numSteps 3/);
  assert.throws(() => lineBatchSource([[99]], vocab, { batchSize: 1, valFraction: 0 }), /id 99, outside the vocab/);
});
