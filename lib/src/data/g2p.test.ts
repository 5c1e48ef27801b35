import { test } from "node:test";
import * as assert from "node:assert/strict";
import { CMUDICT_COUNTS, cmudict } from "./cmudict";
import { G2P_COUNTS, editDistance, g2pErrorRates, g2pPairs, g2pSource } from "./g2p";
import type { G2pSource } from "./g2p";
import type { TextPair } from "./pairs";
import { Rng } from "./rng";

/** Pairs grouped by word: word → its targets, in order. */
function targetsByWord(pairs: readonly TextPair[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of pairs) m.set(p.input, [...(m.get(p.input) ?? []), p.target]);
  return m;
}

let full: G2pSource | undefined;
/** The source of every word, default split, built once (it takes a second or two). */
const source = (): G2pSource => (full ??= g2pSource({ batchSize: 128 }));

test("g2pPairs: the documented counts, stress-free phonemes joined by one space, one pair per distinct pronunciation", () => {
  const pairs = g2pPairs();
  assert.deepEqual(G2P_COUNTS, {
    words: 116_506,
    entries: 124_567,
    pairs: 124_277,
    wordsWithVariants: 7_226,
    maxPronunciations: 4,
    phonemes: 39,
    longestWord: 34,
    longestPronunciation: 32,
  });
  assert.equal(cmudict({ variants: true, stress: false }).length, G2P_COUNTS.entries);
  assert.equal(G2P_COUNTS.entries, CMUDICT_COUNTS.withVariants);
  assert.equal(pairs.length, G2P_COUNTS.pairs);
  assert.equal(new Set(pairs.map((p) => `${p.input} → ${p.target}`)).size, pairs.length, "no pair twice");
  const byWord = targetsByWord(pairs);
  assert.equal(byWord.size, G2P_COUNTS.words);
  assert.equal([...byWord.values()].filter((t) => t.length > 1).length, G2P_COUNTS.wordsWithVariants);
  assert.equal(Math.max(...[...byWord.values()].map((t) => t.length)), G2P_COUNTS.maxPronunciations);
  assert.deepEqual(byWord.get("associate"), ["AH S OW S IY AH T", "AH S OW S IY EY T", "AH S OW SH IY AH T", "AH S OW SH IY EY T"]);
  assert.deepEqual(byWord.get("cat"), ["K AE T"]);
  assert.deepEqual(byWord.get("either"), ["IY DH ER", "AY DH ER"], "listed order: the main entry first");
  const phonemes = new Set(pairs.flatMap((p) => p.target.split(" ")));
  assert.equal(phonemes.size, G2P_COUNTS.phonemes);
  assert.ok([...phonemes].every((p) => /^[A-Z]{1,2}$/.test(p)), "no stress digits, no empty phoneme");
  assert.ok(pairs.every((p) => /^[a-z]+$/.test(p.input) && /^[A-Z]+( [A-Z]+)*$/.test(p.target)), "single spaces, nothing at the ends");
  assert.equal(Math.max(...pairs.map((p) => p.input.length)), G2P_COUNTS.longestWord);
  assert.equal(Math.max(...pairs.map((p) => p.target.split(" ").length)), G2P_COUNTS.longestPronunciation);
  assert.ok(pairs.every((p, i) => i === 0 || pairs[i - 1].input <= p.input), "dictionary order");
  // 290 entries differed only in stress: with stress they are distinct, without it they are kept once.
  const stressed = new Set(cmudict({ variants: true }).map((e) => `${e.word} ${e.phonemes.join(" ")}`));
  assert.equal(stressed.size - pairs.length, 290);
});

test("g2pPairs: maxLetters and a seeded maxWords subset keep whole words, in dictionary order; bad values rejected", () => {
  const all = targetsByWord(g2pPairs());
  const short = g2pPairs({ maxLetters: 3 });
  const shortWords = targetsByWord(short);
  assert.equal(shortWords.size, 26 + 193 + 1522, "words of 1, 2 and 3 letters");
  assert.ok(short.every((p) => p.input.length <= 3));
  const sub = g2pPairs({ maxWords: 500, seed: 1 });
  const subWords = targetsByWord(sub);
  assert.equal(subWords.size, 500);
  for (const [w, targets] of subWords) assert.deepEqual(targets, all.get(w), `every pronunciation of "${w}"`);
  assert.ok(sub.every((p, i) => i === 0 || sub[i - 1].input <= p.input), "dictionary order");
  assert.deepEqual(g2pPairs({ maxWords: 500, seed: 1 }), sub, "same seed, same words");
  assert.notDeepEqual(g2pPairs({ maxWords: 500, seed: 2 }), sub, "another seed, other words");
  const both = targetsByWord(g2pPairs({ maxLetters: 3, maxWords: 100 }));
  assert.equal(both.size, 100);
  assert.ok([...both.keys()].every((w) => shortWords.has(w)));
  assert.throws(() => g2pPairs({ maxWords: 0 }), /maxWords must be an integer from 1 to 116506, got 0/);
  assert.throws(() => g2pPairs({ maxWords: 2.5 }), /maxWords must be an integer/);
  assert.throws(() => g2pPairs({ maxLetters: 1, maxWords: 27 }), /from 1 to 26 \(the words of at most 1 letter\), got 27/);
  assert.throws(() => g2pPairs({ maxLetters: 0 }), /maxLetters must be a positive integer, got 0/);
});

test("g2pSource: split by word — sizes, no word in two splits, all pronunciations of a word together, letters in, phonemes out", () => {
  const data = source();
  assert.deepEqual(
    [data.trainWords.length, data.valWords.length, data.testWords.length],
    [93_206, 11_650, 11_650],
  );
  assert.deepEqual(
    [data.trainPairs.length, data.valPairs.length, data.testPairs.length],
    [99_452, 12_401, 12_424],
  );
  assert.equal(data.trainPairs.length + data.valPairs.length + data.testPairs.length, G2P_COUNTS.pairs);
  assert.deepEqual([data.srcSteps, data.numSteps], [34, 33], "the longest word (a test word) and its 32 phonemes + <eos>");
  assert.equal(data.srcVocab.size, 27, "<pad> + 26 letters");
  assert.equal(data.vocabSize, 42, "<pad>, <bos>, <eos> + 39 phonemes");
  assert.equal(data.batchesPerEpoch, Math.ceil(99_452 / 128));
  const all = targetsByWord(g2pPairs());
  const splits = [data.trainPairs, data.valPairs, data.testPairs].map(targetsByWord);
  for (let i = 0; i < 3; i++) {
    for (let j = i + 1; j < 3; j++) assert.ok(![...splits[i].keys()].some((w) => splits[j].has(w)), `splits ${i} and ${j} share a word`);
    for (const [w, targets] of splits[i]) assert.deepEqual(targets, all.get(w), `all pronunciations of "${w}" in split ${i}`);
  }
  assert.deepEqual(data.testWords, [...splits[2].keys()]);
  assert.deepEqual(data.valWords, [...splits[1].keys()]);
  assert.deepEqual(data.trainWords, [...splits[0].keys()]);
  // The first validation batch holds the first validation pairs, letter by letter and phoneme by phoneme.
  const [b] = [...data.valBatches()];
  for (let r = 0; r < 3; r++) {
    const p = data.valPairs[r];
    const src = Array.from(b.src.slice(r * b.srcSteps, r * b.srcSteps + b.srcLens[r]));
    assert.deepEqual(src, data.encodeSource(p.input));
    assert.equal(data.srcVocab.decode(src).join(""), p.input);
    assert.deepEqual(data.decodePhonemes(b.Y.slice(r * b.numSteps, (r + 1) * b.numSteps)), p.target.split(" "));
    assert.equal(data.decodeTarget(b.Y.slice(r * b.numSteps, (r + 1) * b.numSteps)), p.target);
  }
  assert.deepEqual(data.decodePhonemes([data.tgtVocab.eosId!]), [], "nothing before <eos>: no phonemes, not [\"\"]");
  assert.deepEqual(data.pronunciations("either"), [
    ["IY", "DH", "ER"],
    ["AY", "DH", "ER"],
  ]);
  data.pronunciations("cat")[0].push("S");
  assert.deepEqual(data.pronunciations("cat"), [["K", "AE", "T"]], "fresh arrays: a caller cannot change the references");
  assert.throws(() => data.pronunciations("Cat"), /"Cat" is not a word of this source \(116506 words, lower-case a–z\)/);
});

test("g2pSource: maxLetters shortens every batch; options are passed on to textPairSource", () => {
  const data = g2pSource({ batchSize: 64, maxLetters: 15, maxWords: 2000, valFraction: 0.2, testFraction: 0.05, seed: 7 });
  assert.deepEqual(
    [data.trainWords.length, data.valWords.length, data.testWords.length],
    [1500, 400, 100],
  );
  assert.ok(data.srcSteps <= 15);
  assert.deepEqual(g2pSource({ batchSize: 64, maxLetters: 15, maxWords: 2000, valFraction: 0.2, testFraction: 0.05, seed: 7 }).testWords, data.testWords);
  assert.throws(() => g2pSource({ batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => g2pSource({ batchSize: 8, maxWords: 200_000 }), /maxWords must be an integer from 1 to 116506/);
});

/** Levenshtein distance by its recursive definition (memoized): the reference the loop is checked against. */
function slowDistance(a: readonly string[], b: readonly string[]): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const key = `${i},${j}`;
    if (!memo.has(key)) memo.set(key, Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    return memo.get(key)!;
  };
  return d(a.length, b.length);
}

test("editDistance: hand examples, the empty list, symmetry, and the recursive definition on random lists", () => {
  assert.equal(editDistance([..."kitten"], [..."sitting"]), 3, "k→s, e→i, +g");
  assert.equal(editDistance([..."sitting"], [..."kitten"]), 3);
  assert.equal(editDistance([..."flaw"], [..."lawn"]), 2, "−f, +n");
  assert.equal(editDistance([..."intention"], [..."execution"]), 5);
  assert.equal(editDistance(["K", "AE", "T"], ["K", "AA", "T", "S"]), 2, "on phonemes: AE→AA, +S");
  assert.equal(editDistance(["K", "AE", "T"], ["K", "AE", "T"]), 0);
  assert.equal(editDistance([], ["A", "B"]), 2);
  assert.equal(editDistance(["A", "B"], []), 2);
  assert.equal(editDistance([], []), 0);
  assert.equal(editDistance(["AH"], ["A", "H"]), 2, "tokens, not characters");
  const rng = new Rng(5);
  const list = (): string[] => Array.from({ length: rng.int(8) }, () => "abc"[rng.int(3)]);
  for (let t = 0; t < 300; t++) {
    const [a, b] = [list(), list()];
    assert.equal(editDistance(a, b), slowDistance(a, b), `${a.join("")} / ${b.join("")}`);
  }
});

test("g2pErrorRates: WER and PER by hand, any listed pronunciation counts, closest reference with ties to the shorter", () => {
  const refs = new Map<string, string[][]>([
    ["either", [["IY", "DH", "ER"], ["AY", "DH", "ER"]]],
    ["cat", [["K", "AE", "T"]]],
    ["read", [["R", "EH", "D"], ["R", "IY", "D"]]],
    ["ab", [["A", "B", "C", "D"], ["A", "B"]]],
    ["kay", [["K", "EY"]]],
  ]);
  const lookup = (w: string): string[][] => refs.get(w)!;
  const r = g2pErrorRates(
    [
      { word: "either", phonemes: ["AY", "DH", "ER"] }, // the second pronunciation: right, 0 of 3
      { word: "cat", phonemes: ["K", "AE"] }, // T missing: 1 of 3
      { word: "read", phonemes: ["R", "IH", "D"] }, // 1 from both, both 3 long: the first listed, 1 of 3
      { word: "ab", phonemes: ["A", "B", "C"] }, // 1 from both: the shorter "A B", 1 of 2
      { word: "kay", phonemes: [] }, // nothing: 2 of 2
    ],
    lookup,
  );
  assert.equal(r.words, 5);
  assert.equal(r.wordErrors, 4);
  assert.equal(r.wer, 4 / 5);
  assert.equal(r.phonemeErrors, 0 + 1 + 1 + 1 + 2);
  assert.equal(r.refPhonemes, 3 + 3 + 3 + 2 + 2);
  assert.equal(r.per, 5 / 13);
  assert.deepEqual(
    r.perWord.map((s) => [s.word, s.closest.join(" "), s.distance]),
    [
      ["either", "AY DH ER", 0],
      ["cat", "K AE T", 1],
      ["read", "R EH D", 1],
      ["ab", "A B", 1],
      ["kay", "K EY", 2],
    ],
  );
  // A closer but longer reference wins over a shorter one: distance first, length only on ties.
  const closer = g2pErrorRates([{ word: "ab", phonemes: ["A", "B", "C", "D", "E"] }], lookup);
  assert.deepEqual([closer.phonemeErrors, closer.refPhonemes, closer.wer], [1, 4, 1]);
  // Too long a prediction: PER above 1.
  const long = g2pErrorRates([{ word: "kay", phonemes: ["K", "EY", "K", "EY", "K"] }], lookup);
  assert.equal(long.per, 3 / 2);
});

test("g2pErrorRates on the real test split: a listed pronunciation is always right, a dropped last phoneme always wrong", () => {
  const data = source();
  const words = data.testWords.slice(0, 2000);
  const last = g2pErrorRates(
    words.map((word) => ({ word, phonemes: data.pronunciations(word).at(-1)! })),
    data.pronunciations, // passed as is
  );
  assert.deepEqual([last.words, last.wordErrors, last.phonemeErrors, last.wer, last.per], [2000, 0, 0, 0, 0]);
  const cut = g2pErrorRates(
    words.map((word) => ({ word, phonemes: data.pronunciations(word)[0].slice(0, -1) })),
    data.pronunciations,
  );
  assert.equal(cut.wordErrors, 2000 - cut.perWord.filter((s) => s.distance === 0).length);
  assert.ok(cut.wer > 0.95, "only a word whose other pronunciation is one phoneme shorter stays right");
  assert.ok(cut.per > 0 && cut.per < 0.2);
});

test("g2pErrorRates: errors say what to do", () => {
  const one = (): string[][] => [["K", "AE", "T"]];
  const cat = { word: "cat", phonemes: ["K", "AE", "T"] };
  assert.throws(() => g2pErrorRates([], one), /no predictions; give one \{ word, phonemes \} per word/);
  assert.throws(() => g2pErrorRates([cat, { ...cat }], one), /"cat" is predicted twice \(again at 1\); score each word once \(testWords, not testPairs\)/);
  assert.throws(() => g2pErrorRates([{ word: "", phonemes: [] }], one), /prediction 0 has no word/);
  assert.throws(() => g2pErrorRates([{ word: "cat", phonemes: "K AE T" as unknown as string[] }], one), /the prediction for "cat" is not an array/);
  assert.throws(() => g2pErrorRates([{ word: "cat", phonemes: [""] }], one), /phoneme 0 of the prediction for "cat" is "", not one phoneme/);
  assert.throws(() => g2pErrorRates([{ word: "cat", phonemes: ["K", "AE T"] }], one), /phoneme 1 of the prediction for "cat" is "AE T"/);
  assert.throws(() => g2pErrorRates([cat], () => []), /no reference pronunciation for "cat"/);
  assert.throws(() => g2pErrorRates([cat], () => undefined as unknown as string[][]), /no reference pronunciation for "cat"/);
  assert.throws(() => g2pErrorRates([cat], () => [["K", "AE", "T"], []]), /reference 1 of "cat" is empty/);
  const data = source();
  assert.throws(() => g2pErrorRates([{ word: "qqq", phonemes: ["K"] }], data.pronunciations), /"qqq" is not a word of this source/);
});
