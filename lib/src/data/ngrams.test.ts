import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ngramCounts, ngramGrowth, ngramPerplexity, topNgrams } from "./ngrams";
import { seq2seqSvg, sequenceShapeSvg, sequenceShapesSvg } from "./shape-diagrams";
import { charTokens } from "./tokenize";

test("n-gram counts and growth on a known text", () => {
  const t = charTokens("abab");
  assert.deepEqual([...ngramCounts(t, 2).entries()], [["a b", 2], ["b a", 1]]);
  assert.deepEqual(topNgrams(charTokens("aaab"), 1, 1), [["a", 3]]);
  const g = ngramGrowth(charTokens("abcabd"), 3);
  assert.deepEqual(g.map((r) => r.distinct), [4, 4, 4]);
  assert.deepEqual(g.map((r) => r.seenOnce), [2, 3, 4]);
  assert.equal(g[0].coverage, 1);
  assert.equal(g[1].coverage, 4 / 16);
  assert.throws(() => ngramCounts(t, 0), /n must be a positive integer/);
});

test("n-gram perplexity: uniform baseline, deterministic text, smoothing", () => {
  // A unigram model with huge alpha is uniform: perplexity = vocabulary size.
  assert.ok(Math.abs(ngramPerplexity([0, 1, 2, 3], [3, 2, 1, 0], { n: 1, vocabSize: 4, alpha: 1e9 }) - 4) < 1e-6);
  // "0 1 0 1 …" is perfectly predictable from one token of context: bigram perplexity → 1 without smoothing.
  const alt = Array.from({ length: 200 }, (_, i) => i % 2);
  assert.equal(ngramPerplexity(alt, alt, { n: 2, vocabSize: 2, alpha: 0 }), 1);
  assert.ok(ngramPerplexity(alt, alt, { n: 1, vocabSize: 2, alpha: 0 }) > 1.99);
  // Without smoothing an unseen token has probability 0: infinite perplexity.
  assert.equal(ngramPerplexity([0, 0, 1], [2, 0], { n: 1, vocabSize: 3, alpha: 0 }), Infinity);
  assert.throws(() => ngramPerplexity([0], [0], { n: 2, vocabSize: 1 }), /shorter than one 2-gram/);
  assert.throws(() => ngramPerplexity([0], [0], { n: 1, vocabSize: 0 }), /vocabSize/);
});

test("shape diagrams are SVG with one input/output box per step as the shape says", () => {
  const count = (svg: string, fill: string) => svg.split(`fill="${fill}"`).length - 1;
  const m2o = sequenceShapeSvg("many-to-one");
  assert.match(m2o, /^<svg[^>]*>.*<\/svg>$/s);
  assert.equal(count(m2o, "#8fb8e8"), 4, "four inputs");
  assert.equal(count(m2o, "#ef9a9a"), 1, "one output");
  assert.equal(count(sequenceShapeSvg("one-to-many"), "#8fb8e8"), 1);
  assert.equal(count(sequenceShapeSvg("encoder-decoder"), "#f6c667"), 3, "three decoder steps");
  assert.equal(sequenceShapesSvg().split("<svg").length - 1, 4);
  assert.throws(() => sequenceShapeSvg("two-to-two" as "many-to-one"), /unknown shape/);
});

test("corpusSizes counts code points, not UTF-16 units", async () => {
  const { corpusSizes } = await import("./corpus-stats");
  assert.deepEqual(corpusSizes("t", ["ab", "𠀀a"]), { corpus: "t", items: 2, characters: 4, vocabulary: 3 });
});

test("seq2seqSvg: one box per source token, decoder input <bos> + target, output target + <eos>, shapes labelled", () => {
  const svg = seq2seqSvg({ source: [..."3 may"], target: [..."05-03"], numHiddens: 128, embedSize: 32 });
  const count = (s: string, sub: string) => s.split(sub).length - 1;
  assert.equal(count(svg, "#8fd18f"), 5, "five encoder steps");
  assert.equal(count(svg, "#f6c667"), 6, "six decoder steps: <bos> and five target tokens");
  assert.equal(count(svg, "#ef9a9a"), 6, "six outputs: five target tokens and <eos>");
  assert.match(svg, /C: \[1, 128\]/);
  assert.match(svg, /\[32 \+ 128\]/);
  assert.match(svg, />␣</, "a space token is drawn visibly");
  assert.throws(() => seq2seqSvg({ source: [], target: ["a"], numHiddens: 1, embedSize: 1 }), /at least one source/);
});
