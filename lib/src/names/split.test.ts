import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Vocab } from "../data/vocab";
import { charTokens } from "../data/tokenize";
import { lineBatchSource } from "../data/line-batches";
import { labelName, labelledRows, nameStats, noveltyCounts, noveltyShares, splitNames } from "./split";

const NAMES = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"];

test("splitNames holds out floor(n · valFraction) names, disjoint from the training names, reproducibly", () => {
  const a = splitNames(NAMES, { valFraction: 0.25, seed: 7 });
  assert.equal(a.val.length, 3);
  assert.equal(a.train.length, 9);
  assert.deepEqual([...a.train, ...a.val].sort(), [...NAMES].sort());
  for (const v of a.val) assert.ok(!a.trainSet.has(v));
  assert.deepEqual(splitNames(NAMES, { valFraction: 0.25, seed: 7 }).val, a.val);
  assert.notDeepEqual(splitNames(NAMES, { valFraction: 0.25, seed: 8 }).val, a.val);
  assert.throws(() => splitNames([], {}), /no names/);
});

test("splitNames holds out the same names as lineBatchSource with the same seed", () => {
  const vocab = Vocab.build(NAMES.flatMap(charTokens), { reserved: ["<eos>"] });
  const items = NAMES.map((n) => vocab.encode(charTokens(n)));
  const source = lineBatchSource(items, vocab, { batchSize: 4, valFraction: 0.25, seed: 3 });
  const split = splitNames(NAMES, { valFraction: 0.25, seed: 3 });
  assert.deepEqual(
    source.valItems.map((ids) => vocab.decode(ids).join("")),
    split.val,
  );
});

test("labelName marks new, training and held-out names; shares sum to 1", () => {
  const split = splitNames(NAMES, { valFraction: 0.25, seed: 7 });
  assert.equal(labelName(split.train[0], split), "in training set");
  assert.equal(labelName(split.val[0], split), "held-out real name");
  assert.equal(labelName("omegasaurus", split), "new");
  const samples = [split.train[0], split.train[1], split.val[0], "xx"];
  assert.deepEqual(noveltyCounts(samples, split), { new: 1, "in training set": 2, "held-out real name": 1 });
  const shares = noveltyShares(samples, split);
  assert.equal(shares["in training set"], 0.5);
  assert.equal(labelledRows(["xx"], split)[0].label, "new");
});

test("nameStats counts lengths", () => {
  const s = nameStats(["ab", "abc", "abcd", "xy"]);
  assert.equal(s.count, 4);
  assert.equal(s.shortest, "ab");
  assert.equal(s.longest, "abcd");
  assert.equal(s.meanLength, 11 / 4);
  assert.deepEqual(s.lengths, [0, 0, 2, 1, 1]);
});
