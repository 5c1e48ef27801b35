import { test } from "node:test";
import * as assert from "node:assert/strict";
import { BLANK, BLANK_POSITIONS, blankBatch, blankExample, blankPosition, blankSource, blankVocab, distinctWords } from "./blanks";
import type { BlankBatch } from "./blanks";
import { Vocab } from "./vocab";

const WORDS = Array.from({ length: 200 }, (_, i) => `w${"abcdefghij"[i % 10]}${"klmnopqrst"[Math.floor(i / 10) % 10]}${"xyz".slice(0, 1 + (i % 3))}${i >= 100 ? "q" : ""}`);

test("blankPosition and distinctWords", () => {
  assert.deepEqual([0, 1, 2, 3].map((i) => blankPosition(i, 4)), ["start", "middle", "middle", "end"]);
  assert.throws(() => blankPosition(4, 4), /outside a word of 4/);
  const text = "The union, the UNION! State of the union; states. A tiny union-state";
  assert.deepEqual(distinctWords(text), ["state", "union"]);
  assert.deepEqual(distinctWords(text, { minLength: 3, minCount: 1 }), ["state", "states", "the", "tiny", "union"]);
  assert.throws(() => distinctWords("a b c"), /no word of at least 4 letters/);
});

test("blankExample and blankBatch: the blank in X, the word in Y, mask 1 only at the blank, padding at the end", () => {
  const vocab = blankVocab(["state", "union", "the"]);
  assert.equal(vocab.padId, 0);
  assert.ok(vocab.has(BLANK));
  const e = blankExample("state", 2, vocab);
  assert.deepEqual(vocab.decode(e.X).join(""), "st_te");
  assert.deepEqual(vocab.decode(e.Y).join(""), "state");
  assert.equal(e.position, "middle");
  const b = blankBatch([e, blankExample("the", 0, vocab)], vocab);
  assert.deepEqual([b.batchSize, b.numSteps], [2, 5]);
  assert.deepEqual(vocab.decode(b.X.subarray(5, 10)), ["_", "h", "e", "<pad>", "<pad>"]);
  assert.deepEqual(vocab.decode(b.Y.subarray(5, 10)), ["t", "h", "e", "<pad>", "<pad>"]);
  assert.deepEqual([...b.mask!], [0, 0, 1, 0, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual([...b.validLens], [5, 3]);
  assert.deepEqual([...b.blankIndex], [2, 0]);
  assert.deepEqual(b.positions, ["middle", "start"]);
  assert.deepEqual(b.words, ["state", "the"]);
  assert.equal(blankBatch([e], vocab, 8).numSteps, 8);
  assert.throws(() => blankBatch([e], vocab, 4), /does not fit numSteps 4/);
  assert.throws(() => blankExample("stake", 0, vocab), /"k" .* not in the vocab/);
  assert.throws(() => blankExample("state", 5, vocab), /outside "state"/);
  assert.throws(() => blankExample("state", 0, Vocab.build([..."state"], { reserved: ["<pad>"] })), /no blank token/);
});

function rows(batches: Iterable<BlankBatch>): { word: string; index: number; x: string }[] {
  const out: { word: string; index: number; x: string }[] = [];
  for (const b of batches) {
    for (let r = 0; r < b.batchSize; r++) out.push({ word: b.words[r], index: b.blankIndex[r], x: [...b.X.subarray(r * b.numSteps, r * b.numSteps + b.validLens[r])].join() });
  }
  return out;
}

test("blankSource: a seeded split by word, fresh training blanks each epoch, fixed validation blanks", () => {
  const data = blankSource([...WORDS, WORDS[0]], { batchSize: 16, valFraction: 0.2, seed: 3 });
  assert.equal(data.valWords.length, 40);
  assert.equal(data.trainWords.length, 160, "the repeated word is kept once");
  assert.ok(data.valWords.every((w) => !data.trainWords.includes(w)), "no word in both parts");
  assert.deepEqual([...data.trainWords, ...data.valWords].sort(), [...WORDS].sort());
  assert.equal(data.batchesPerEpoch, 10);
  assert.equal(data.vocabSize, data.vocab.size);
  assert.equal(data.valPosition, "any");

  const e1 = rows(data.trainBatches(1));
  assert.equal(e1.length, 160);
  assert.deepEqual(e1.map((r) => r.word).sort(), [...data.trainWords].sort(), "each training word once per epoch");
  assert.deepEqual(rows(data.trainBatches(1)), e1, "seeded");
  const e2 = rows(data.trainBatches(2));
  const byWord = new Map(e1.map((r) => [r.word, r.index]));
  assert.ok(e2.filter((r) => byWord.get(r.word) !== r.index).length > 40, "epoch 2 blanks other characters");
  for (const r of e1) assert.equal(r.x.split(",")[r.index], String(data.vocab.idOf(BLANK)));

  const val = rows(data.valBatches());
  assert.deepEqual(val.map((r) => r.word), data.valWords);
  assert.deepEqual(rows(data.valBatches()), val);
  assert.deepEqual(rows(blankSource(WORDS, { batchSize: 16, valFraction: 0.2, seed: 3 }).valBatches()), val, "the same seed, the same blanks");
  const positions = new Set(data.valExamples.map((e) => e.position));
  assert.deepEqual([...positions].sort(), ["end", "middle", "start"]);
  for (const b of data.valBatches()) {
    // mask: exactly one 1 per row, at the blank; padding (beyond validLens) is <pad>.
    for (let r = 0; r < b.batchSize; r++) {
      const m = [...b.mask!.subarray(r * b.numSteps, (r + 1) * b.numSteps)];
      assert.equal(m.reduce((a, c) => a + c, 0), 1);
      assert.equal(m[b.blankIndex[r]], 1);
      for (let t = b.validLens[r]; t < b.numSteps; t++) assert.equal(b.X[r * b.numSteps + t], data.vocab.padId);
    }
  }
});

test("blankSource.atPosition: validation blanks of one bucket; training unchanged", () => {
  const data = blankSource(WORDS, { batchSize: 16, valFraction: 0.2, seed: 3 });
  for (const p of BLANK_POSITIONS) {
    const only = data.atPosition(p);
    assert.equal(only.valPosition, p);
    assert.deepEqual(only.valWords, data.valWords);
    assert.ok(only.valExamples.every((e) => e.position === p));
    const val = rows(only.valBatches());
    assert.deepEqual(val.map((r) => r.word), data.valWords);
    for (const r of val) {
      const n = r.word.length;
      if (p === "start") assert.equal(r.index, 0);
      if (p === "end") assert.equal(r.index, n - 1);
      if (p === "middle") assert.ok(r.index >= 1 && r.index <= n - 2);
    }
    assert.deepEqual(rows(only.trainBatches(4)), rows(data.trainBatches(4)));
  }
  assert.throws(() => data.atPosition("centre" as "middle"), /position must be/);
});

test("blankSource: clear errors for short words, the blank inside a word, unknown characters and bad options", () => {
  assert.throws(() => blankSource(["state", "of"], { batchSize: 2 }), /"of" \(item 1\) has 2 character\(s\); a blank needs words of at least 3/);
  assert.throws(() => blankSource(["sta_te", "union"], { batchSize: 2 }), /holds "_"/);
  assert.throws(() => blankSource(["state", "union"], { batchSize: 2, vocab: blankVocab(["state"]) }), /"u" \(at 0 of "union"\) is not in the vocab/);
  assert.throws(() => blankSource(WORDS, { batchSize: 0 }), /batchSize must be a positive integer/);
  assert.throws(() => blankSource(["state", "union"], { batchSize: 2 }), /leave a split empty/);
  assert.throws(() => blankSource([], { batchSize: 2 }), /no words/);
  assert.throws(() => blankSource(WORDS, { batchSize: 2, numSteps: 3 }), /does not fit numSteps 3/);
});
