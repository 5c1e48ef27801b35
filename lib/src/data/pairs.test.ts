import { test } from "node:test";
import * as assert from "node:assert/strict";
import { dates } from "./dates";
import { pairBatch, textPairSource } from "./pairs";
import type { PairBatch, PairSource, TextPair } from "./pairs";
import { Vocab } from "./vocab";

/** Row `r` of a row-major `[rows, width]` array. */
const row = (a: ArrayLike<number>, r: number, width: number): number[] => Array.from(a).slice(r * width, (r + 1) * width);

/** The source texts of a batch's rows (chars). */
const sourcesOf = (data: PairSource, b: PairBatch): string[] =>
  Array.from(b.srcLens, (len, r) => data.srcVocab.decode(row(b.src, r, b.srcSteps).slice(0, len)).join(""));

/** Every pair of a list of batches, as "input → target" (decoded from src and Y). */
const pairsIn = (data: PairSource, batches: Iterable<PairBatch>): string[] =>
  [...batches].flatMap((b) => sourcesOf(data, b).map((s, r) => `${s} → ${data.decodeTarget(row(b.Y, r, b.numSteps))}`));

const key = (p: TextPair): string => `${p.input} → ${p.target}`;

test("pairBatch: X = <bos> + target, Y = target + <eos>, mask on target and <eos>, src padded at the end, exact arrays", () => {
  // Source ids: <pad> = 0. Target ids: <pad> = 0, <bos> = 1, <eos> = 2.
  const b = pairBatch(
    [[3, 4, 5], [6]],
    [[3, 4], [5, 6, 7]],
    0,
    { start: 1, eos: 2, pad: 0 },
  );
  assert.equal(b.batchSize, 2);
  assert.equal(b.srcSteps, 3);
  assert.equal(b.numSteps, 4);
  assert.deepEqual(Array.from(b.src), [3, 4, 5, 6, 0, 0]);
  assert.deepEqual(Array.from(b.srcLens), [3, 1]);
  assert.deepEqual(Array.from(b.X), [1, 3, 4, 0, 1, 5, 6, 7]);
  assert.deepEqual(Array.from(b.Y), [3, 4, 2, 0, 5, 6, 7, 2]);
  assert.deepEqual(Array.from(b.mask!), [1, 1, 1, 0, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(b.tgtLens), [3, 4]);
  const wide = pairBatch([[3]], [[4]], 9, { start: 1, eos: 2, pad: 8 }, { srcSteps: 3, numSteps: 3 });
  assert.deepEqual([Array.from(wide.src), Array.from(wide.X), Array.from(wide.Y)], [[3, 9, 9], [1, 4, 8], [4, 2, 8]]);
  assert.throws(() => pairBatch([[1]], [], 0, { start: 1, eos: 2, pad: 0 }), /1 sources but 0 targets/);
  assert.throws(() => pairBatch([[]], [[1]], 0, { start: 1, eos: 2, pad: 0 }), /a source is empty/);
  assert.throws(() => pairBatch([[1, 2]], [[1]], 0, { start: 1, eos: 2, pad: 0 }, { srcSteps: 1 }), /does not fit srcSteps 1/);
});

test("textPairSource: vocabularies with <pad> (source) and <pad>, <bos>, <eos> (target); a tiny batch, token by token", () => {
  const data = textPairSource(
    [
      { input: "ab", target: "1" },
      { input: "bbb", target: "22" },
    ],
    { batchSize: 2, valFraction: 0, testFraction: 0 },
  );
  assert.deepEqual(data.srcVocab.tokens, ["<pad>", "b", "a"]);
  assert.deepEqual(data.tgtVocab.tokens, ["<pad>", "<bos>", "<eos>", "2", "1"]);
  assert.equal(data.vocabSize, 5);
  assert.equal(data.srcSteps, 3);
  assert.equal(data.numSteps, 3);
  assert.equal(data.batchesPerEpoch, 1);
  const [b] = [...data.trainBatches(1)];
  const r = sourcesOf(data, b).indexOf("ab"); // the row of "ab" → "1" (the order is shuffled)
  const s = 1 - r;
  assert.deepEqual(data.srcVocab.decode(row(b.src, r, 3)), ["a", "b", "<pad>"]);
  assert.deepEqual(data.srcVocab.decode(row(b.src, s, 3)), ["b", "b", "b"]);
  assert.deepEqual([b.srcLens[r], b.srcLens[s]], [2, 3]);
  assert.deepEqual(data.tgtVocab.decode(row(b.X, r, 3)), ["<bos>", "1", "<pad>"]);
  assert.deepEqual(data.tgtVocab.decode(row(b.Y, r, 3)), ["1", "<eos>", "<pad>"]);
  assert.deepEqual(row(b.mask!, r, 3), [1, 1, 0]);
  assert.deepEqual(data.tgtVocab.decode(row(b.X, s, 3)), ["<bos>", "2", "2"]);
  assert.deepEqual(data.tgtVocab.decode(row(b.Y, s, 3)), ["2", "2", "<eos>"]);
  assert.deepEqual(row(b.mask!, s, 3), [1, 1, 1]);
  assert.deepEqual([b.tgtLens[r], b.tgtLens[s]], [2, 3]);
  assert.deepEqual(data.encodeSource("ba"), [1, 2]);
  assert.equal(data.decodeTarget([1, 3, 4, 0, 2, 3]), "21", "skips <bos> and <pad>, stops at <eos>");
  assert.equal(data.decodeTarget([]), "");
  assert.deepEqual([...data.valBatches()], []);
  assert.deepEqual([...data.testBatches()], []);
});

test("textPairSource: split by target — no target in two splits, every distinct pair in exactly one, duplicates kept once", () => {
  const base = dates(3000, { seed: 1 });
  const pairs = [...base, ...base.slice(0, 200), { ...base[5] }]; // repeats, one of them a copy
  const data = textPairSource(pairs, { batchSize: 64, seed: 3 });
  const splits = [data.trainPairs, data.valPairs, data.testPairs];
  const distinct = new Set(base.map(key));
  assert.equal(splits.reduce((n, s) => n + s.length, 0), distinct.size, "duplicates dropped");
  assert.deepEqual(new Set(splits.flatMap((s) => s.map(key))), distinct);
  const targets = splits.map((s) => new Set(s.map((p) => p.target)));
  for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) assert.ok(![...targets[i]].some((t) => targets[j].has(t)), `splits ${i} and ${j} share a target`);
  const G = new Set(base.map((p) => p.target)).size;
  assert.equal(targets[1].size, Math.floor(G * 0.1));
  assert.equal(targets[2].size, Math.floor(G * 0.1));
  // The batches hold exactly the pairs of their split.
  assert.deepEqual(pairsIn(data, data.valBatches()).sort(), data.valPairs.map(key).sort());
  assert.deepEqual(pairsIn(data, data.testBatches()).sort(), data.testPairs.map(key).sort());
  assert.deepEqual(pairsIn(data, data.trainBatches(1)).sort(), data.trainPairs.map(key).sort());
});

test("textPairSource: split by input — no input in two splits (inputs repeat with different targets)", () => {
  const pairs = Array.from({ length: 400 }, (_, i) => ({ input: `q${i % 60}`, target: `t${i % 7}${i % 11}` }));
  const byInput = textPairSource(pairs, { batchSize: 16, splitBy: "input", valFraction: 0.2, testFraction: 0.2 });
  const inputs = [byInput.trainPairs, byInput.valPairs, byInput.testPairs].map((s) => new Set(s.map((p) => p.input)));
  assert.deepEqual(
    inputs.map((s) => s.size),
    [36, 12, 12],
  );
  for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) assert.ok(![...inputs[i]].some((t) => inputs[j].has(t)));
  assert.equal(byInput.trainPairs.length + byInput.valPairs.length + byInput.testPairs.length, new Set(pairs.map(key)).size);
  // The same pairs split by target share inputs across splits, but no target.
  const byTarget = textPairSource(pairs, { batchSize: 16, valFraction: 0.2, testFraction: 0.2 });
  const t = [byTarget.trainPairs, byTarget.valPairs].map((s) => new Set(s.map((p) => p.target)));
  assert.ok(![...t[0]].some((x) => t[1].has(x)));
  const i0 = new Set(byTarget.trainPairs.map((p) => p.input));
  assert.ok(byTarget.valPairs.some((p) => i0.has(p.input)), "split by target, an input may be in two splits");
});

test("textPairSource: training batches reshuffled per epoch (reproducibly), validation fixed, one shape, vocab from all pairs", () => {
  const pairs: TextPair[] = dates(500, { seed: 11 });
  pairs.push({ input: "zz", target: "1999-01-01" }); // "z" occurs in no date: wherever it lands, it is in the vocab
  const make = (seed: number) => textPairSource(pairs, { batchSize: 32, seed });
  const data = make(4);
  const ys = (e: number) => [...data.trainBatches(e)].map((b) => Array.from(b.Y));
  assert.deepEqual(ys(1), ys(1));
  assert.deepEqual(ys(2), ys(2));
  assert.notDeepEqual(ys(1), ys(2));
  assert.deepEqual(ys(1), [...make(4).trainBatches(1)].map((b) => Array.from(b.Y)));
  assert.equal([...data.trainBatches(3)].length, data.batchesPerEpoch);
  assert.equal(data.batchesPerEpoch, Math.ceil(data.trainPairs.length / 32));
  assert.deepEqual(pairsIn(data, data.trainBatches(2)).sort(), pairsIn(data, data.trainBatches(1)).sort(), "every epoch holds every training pair once");
  const val = (d: PairSource) => [...d.valBatches()].map((b) => [Array.from(b.src), Array.from(b.Y)]);
  assert.deepEqual(val(data), val(data));
  assert.deepEqual(val(make(4)), val(data));
  assert.notDeepEqual(make(5).valPairs, data.valPairs, "another seed, another split");
  for (const b of [...data.trainBatches(1), ...data.valBatches(), ...data.testBatches()]) {
    assert.equal(b.srcSteps, data.srcSteps);
    assert.equal(b.numSteps, data.numSteps);
    assert.ok(b.batchSize >= 1 && b.batchSize <= 32);
  }
  assert.equal(data.numSteps, 11, "10 characters of an ISO date + <eos>");
  assert.equal(data.srcSteps, Math.max(...pairs.map((p) => p.input.length)));
  assert.ok(data.srcVocab.has("z"));
  assert.deepEqual(data.encodeSource("zz"), [data.srcVocab.idOf("z"), data.srcVocab.idOf("z")]);
});

test("textPairSource: words, and vocabularies given by the caller", () => {
  const pairs = [
    { input: "good  morning", target: "bonjour" },
    { input: "good night", target: "bonne nuit" },
    { input: "thank you", target: "merci" },
  ];
  const words = textPairSource(pairs, { batchSize: 4, valFraction: 0, testFraction: 0, tokenize: "words" });
  assert.deepEqual(words.srcVocab.tokens, ["<pad>", "good", "morning", "night", "thank", "you"]);
  assert.deepEqual(words.encodeSource("good night"), [1, 3]);
  const nuit = words.tgtVocab.encode(["bonne", "nuit"]);
  assert.equal(words.decodeTarget([...nuit, words.tgtVocab.eosId!]), "bonne nuit");
  const srcVocab = Vocab.build([..."abc"], { reserved: ["<pad>"] });
  const tgtVocab = Vocab.build([..."xyz"], { reserved: ["<bos>", "<eos>"] });
  const given = textPairSource([{ input: "cab", target: "zx" }], { batchSize: 1, valFraction: 0, testFraction: 0, srcVocab, tgtVocab });
  assert.equal(given.srcVocab, srcVocab);
  assert.equal(given.vocabSize, tgtVocab.size);
  const [b] = [...given.trainBatches(1)];
  assert.deepEqual(tgtVocab.decode(b.X), ["<bos>", "z", "x"]);
  assert.deepEqual(tgtVocab.decode(b.Y), ["z", "x", "<eos>"]);
});

test("textPairSource: targetTokenize — characters in, space-separated words out; decodeTarget joins with spaces", () => {
  const pairs = [
    { input: "cat", target: "K AE T" },
    { input: "act", target: "AE K  T" }, // two spaces: still three phonemes
    { input: "at", target: "AE T" },
  ];
  const data = textPairSource(pairs, { batchSize: 4, valFraction: 0, testFraction: 0, tokenize: "chars", targetTokenize: "words" });
  assert.deepEqual([...data.srcVocab.tokens].sort(), ["<pad>", "a", "c", "t"]);
  assert.deepEqual(data.tgtVocab.tokens, ["<pad>", "<bos>", "<eos>", "AE", "T", "K"]);
  assert.equal(data.srcSteps, 3, "the longest source, in characters");
  assert.equal(data.numSteps, 4, "3 phonemes + <eos>");
  assert.deepEqual(data.encodeSource("tac"), ["t", "a", "c"].map((c) => data.srcVocab.idOf(c)), "sources stay characters");
  assert.equal(data.decodeTarget([...data.tgtVocab.encode(["K", "AE", "T"]), data.tgtVocab.eosId!, 3]), "K AE T");
  const [b] = [...data.trainBatches(1)];
  const r = sourcesOf(data, b).indexOf("act");
  assert.deepEqual(data.tgtVocab.decode(row(b.Y, r, 4)), ["AE", "K", "T", "<eos>"]);
  // Without targetTokenize both sides follow tokenize: the same targets become characters (and spaces).
  const chars = textPairSource(pairs, { batchSize: 4, valFraction: 0, testFraction: 0 });
  assert.ok(chars.tgtVocab.has(" ") && chars.tgtVocab.has("A") && !chars.tgtVocab.has("AE"));
  assert.equal(chars.decodeTarget(chars.tgtVocab.encode([..."K AE"])), "K AE");
  // And the reverse: words in, characters out.
  const rev = textPairSource([{ input: "good day", target: "ok" }], { batchSize: 1, valFraction: 0, testFraction: 0, tokenize: "words", targetTokenize: "chars" });
  assert.deepEqual(rev.encodeSource("day good"), [rev.srcVocab.idOf("day"), rev.srcVocab.idOf("good")]);
  assert.equal(rev.decodeTarget(rev.tgtVocab.encode(["o", "k"])), "ok");
  assert.throws(() => textPairSource(pairs, { batchSize: 1, targetTokenize: "phones" as "words" }), /targetTokenize must be "chars" or "words", got "phones"/);
  const tgtVocab = Vocab.build(["K", "AE"], { reserved: ["<pad>", "<bos>", "<eos>"] });
  assert.throws(
    () => textPairSource(pairs, { batchSize: 1, valFraction: 0, testFraction: 0, targetTokenize: "words", tgtVocab }),
    /word "T" of target 0 \("K AE T"\) is not in the vocabulary/,
  );
});

test("textPairSource: errors say what to do", () => {
  const ok = [{ input: "a", target: "b" }];
  const one = { batchSize: 1, valFraction: 0, testFraction: 0 };
  assert.throws(() => textPairSource([], one), /no pairs/);
  assert.throws(() => textPairSource([{ input: "", target: "b" }], one), /pair 0 has an empty input/);
  assert.throws(() => textPairSource([...ok, { input: "a", target: "" }], one), /pair 1 has an empty target/);
  assert.throws(() => textPairSource([{ input: "  ", target: "b" }], { ...one, tokenize: "words" }), /pair 0 has an empty input/);
  assert.throws(() => textPairSource(ok, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => textPairSource(ok, { batchSize: 1.5 }), /batchSize must be a positive integer/);
  assert.throws(() => textPairSource(ok, { batchSize: 1, valFraction: 1 }), /valFraction must be in \[0, 1\), got 1/);
  assert.throws(() => textPairSource(ok, { batchSize: 1, testFraction: -0.1 }), /testFraction must be in \[0, 1\)/);
  assert.throws(() => textPairSource(ok, { batchSize: 1, testFraction: NaN }), /testFraction must be in \[0, 1\)/);
  assert.throws(() => textPairSource(ok, { batchSize: 1, valFraction: 0.5, testFraction: 0.5 }), /leaves nothing for training/);
  const srcVocab = Vocab.build(["a"], { reserved: ["<pad>"] });
  assert.throws(() => textPairSource([...ok, ...ok, { input: "ax", target: "b" }], { ...one, srcVocab }), /character "x" of input 2 \("ax"\) is not in the vocabulary.*Build the vocab from every pair/);
  assert.throws(() => textPairSource(ok, { ...one, srcVocab: Vocab.build(["a"]) }), /srcVocab has no "<pad>"/);
  assert.throws(() => textPairSource(ok, { ...one, tgtVocab: Vocab.build(["b"], { reserved: ["<pad>", "<eos>"] }) }), /tgtVocab needs "<bos>" and "<eos>"/);
  assert.throws(() => textPairSource(ok, { ...one, splitBy: "both" as "input" }), /splitBy must be "target" or "input"/);
  assert.throws(() => textPairSource(ok, { ...one, tokenize: "bytes" as "chars" }), /tokenize must be "chars" or "words"/);
  const data = textPairSource(ok, one);
  assert.throws(() => data.trainBatches(0), /epoch is 1-based/);
  assert.throws(() => data.encodeSource("q"), /character "q" of the text "q" is not in the vocabulary/);
  assert.throws(() => data.encodeSource(""), /has no tokens/);
});

test('textPairSource padding "batch": each batch padded to its own longest pair, similar lengths together, every pair once per epoch, reproducible', () => {
  const words = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggggggggggggggggggggg"];
  const pairs: TextPair[] = Array.from({ length: 2000 }, (_, i) => {
    const w = words[i % 7].slice(0, 1 + (i % words[i % 7].length)) + String.fromCharCode(97 + (i % 26)) + String(i);
    return { input: w, target: w.toUpperCase() };
  });
  const opts = { batchSize: 16, valFraction: 0.1, testFraction: 0.1, splitBy: "input" as const };
  const all = textPairSource(pairs, opts);
  const tight = textPairSource(pairs, { ...opts, padding: "batch" });
  const padded = (b: PairBatch) => b.batchSize * b.srcSteps;
  const [epochAll, epochTight] = [[...all.trainBatches(1)], [...tight.trainBatches(1)]];
  for (const b of epochTight) {
    assert.equal(b.srcSteps, Math.max(...b.srcLens), "padded to its own longest source");
    assert.equal(b.numSteps, Math.max(...b.tgtLens), "padded to its own longest target + <eos>");
  }
  const real = epochTight.reduce((n, b) => n + b.srcLens.reduce((a, x) => a + x, 0), 0);
  const [padAll, padTight] = [epochAll, epochTight].map((e) => e.reduce((n, b) => n + padded(b), 0));
  assert.ok(padTight < 0.5 * padAll && padTight < 1.2 * real, `padded source positions: ${padTight} batch vs ${padAll} all (${real} real)`);
  const key = (b: PairBatch) => Array.from({ length: b.batchSize }, (_, r) => Array.from(b.src.subarray(r * b.srcSteps, r * b.srcSteps + b.srcLens[r])).join());
  assert.deepEqual(epochTight.flatMap(key).sort(), epochAll.flatMap(key).sort(), "the same pairs, each once");
  assert.deepEqual([...tight.trainBatches(1)].flatMap(key), epochTight.flatMap(key), "an epoch is reproducible");
  assert.notDeepEqual([...tight.trainBatches(2)].flatMap(key), epochTight.flatMap(key), "and the next one differs");
  assert.deepEqual([...tight.valBatches()].flatMap(key), [...all.valBatches()].flatMap(key), "validation keeps its order");
  assert.throws(() => textPairSource(pairs, { ...opts, padding: "none" as "all" }), /padding must be "all" or "batch"/);
});
