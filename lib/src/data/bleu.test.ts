import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CorpusBleuOptions, CorpusBleuResult } from "./bleu";
import { bleu, corpusBleu } from "./bleu";
import { Rng } from "./rng";
import { charTokens } from "./tokenize";

const words = (s: string): string[] => s.split(" ");
const close = (actual: number, expected: number, msg?: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${msg ?? ""} got ${actual}, expected ${expected}`);

test("bleu (d2l): equal lists score 1, clipping counts a repeated token once per label occurrence, k = 2 and k = 4", () => {
  assert.equal(bleu(words("il est calme ."), words("il est calme ."), 2), 1);
  assert.equal(bleu(charTokens("2024-01-15"), charTokens("2024-01-15"), 4), 1);
  // d2l's example: BP = 1 (4 = 4); p1 = 3/4 (il est .), p2 = 1/3 ("il est" of il·est, est·paresseux, paresseux·.)
  // → (3/4)^(1/2) · (1/3)^(1/4) = 0.8660 · 0.7598 = 0.658
  close(bleu(words("il est paresseux ."), words("il est calme ."), 2), Math.sqrt(3 / 4) * Math.pow(1 / 3, 1 / 4));
  // Clipping: pred "a a b", label "a b c". p1: a counts once (the label has one a), b once → 2/3 (not 3/3);
  // p2: "a a" no, "a b" yes → 1/2. BP = 1. → (2/3)^(1/2) · (1/2)^(1/4) = 0.6866
  close(bleu(["a", "a", "b"], ["a", "b", "c"], 2), Math.sqrt(2 / 3) * Math.pow(1 / 2, 1 / 4));
  // k = 1, "the the the the" vs "the cat": p1 = 1/4 (clipped to one "the") → (1/4)^(1/2) = 0.5; unclipped it would be 1.
  close(bleu(words("the the the the"), words("the cat"), 1), 0.5);
  // Characters, k = 4: "2024-01-05" vs "2024-01-15" (10 chars each, BP = 1).
  // p1 = 9/10 (the third "0" has no partner: the label has two), p2 = 7/9 ("-0" twice in pred, once in label; "05" no),
  // p3 = 6/8 (all but "1-0", "-05"), p4 = 5/7 (all but "01-0", "1-05")
  // → (9/10)^(1/2) · (7/9)^(1/4) · (6/8)^(1/8) · (5/7)^(1/16) = 0.8416; with k = 2 only the first two factors: 0.8909
  const p = charTokens("2024-01-05");
  const l = charTokens("2024-01-15");
  close(bleu(p, l, 4), Math.pow(9 / 10, 1 / 2) * Math.pow(7 / 9, 1 / 4) * Math.pow(6 / 8, 1 / 8) * Math.pow(5 / 7, 1 / 16));
  close(bleu(p, l, 2), Math.pow(9 / 10, 1 / 2) * Math.pow(7 / 9, 1 / 4));
  assert.ok(Math.abs(bleu(p, l, 4) - 0.8416) < 1e-4);
});

test("bleu (d2l): the length factor punishes only short predictions; orders longer than the prediction are skipped; empty → 0", () => {
  // pred "a b" vs label "a b c d": p1 = p2 = 1, factor exp(min(0, 1 − 4/2)) = exp(−1) = 0.368.
  close(bleu(["a", "b"], ["a", "b", "c", "d"], 2), Math.exp(-1));
  // k = 4 with a 2-token prediction: orders 3 and 4 are skipped (d2l), still exp(−1) and not 0.
  close(bleu(["a", "b"], ["a", "b", "c", "d"], 4), Math.exp(-1));
  // A longer prediction has factor 1: "a b c d e" vs "a b c": p1 = 3/5, p2 = 2/4 → (3/5)^(1/2) · (1/2)^(1/4).
  close(bleu(words("a b c d e"), words("a b c"), 2), Math.sqrt(3 / 5) * Math.pow(1 / 2, 1 / 4));
  // A one-token exact match scores 1 for every k.
  assert.equal(bleu(["x"], ["x"], 4), 1);
  // Empty prediction: 0 (d2l would divide by zero), even against an empty label.
  assert.equal(bleu([], ["a"], 2), 0);
  assert.equal(bleu([], [], 2), 0);
  // A label shorter than n (pred is not): no n-gram can match → 0. p1 = 1/2, p2 = 0/1.
  assert.equal(bleu(["a", "b"], ["a"], 2), 0);
  assert.equal(bleu(["a"], [], 1), 0);
  // Tokens with spaces are tokens, not separators: the bigram ("a b", "c") is not ("a", "b c"), although both
  // read "a b c". pred "a | a b | c", label "a b | a | b c": p1 = 2/3, p2 = 0/2 → 0; k = 1 → (2/3)^(1/2).
  assert.equal(bleu(["a", "a b", "c"], ["a b", "a", "b c"], 2), 0);
  close(bleu(["a", "a b", "c"], ["a b", "a", "b c"], 1), Math.sqrt(2 / 3));
  close(bleu(["a b", "c"], ["a b", "c"], 2), 1);
});

test("corpusBleu: sums clipped matches and n-grams over the corpus, clips by the best reference, BP from the closest reference", () => {
  // maxN = 2, weights 1/2 each. Three candidates:
  //  1. "the the cat", refs "the cat sat" | "the the dog ran": unigrams the×2 (clip max(1, 2) = 2), cat (1) → 3/3;
  //     bigrams "the the" (ref 2), "the cat" (ref 1) → 2/2; length 3, refs 3 and 4 → r = 3
  //  2. "a b a b", refs "a b c" | "b a": a×2 and b×2 clip to 1 each → 2/4; bigrams "a b"×2 (clip 1), "b a" (1) → 2/3;
  //     length 4, refs 3 and 2 → r = 3
  //  3. "x y", refs "x y z w" | "x q y z w v": unigrams 2/2, bigram "x y" → 1/1; length 2, refs 4 and 6 → r = 4
  // p1 = (3 + 2 + 2)/(3 + 4 + 2) = 7/9, p2 = (2 + 2 + 1)/(2 + 3 + 1) = 5/6; c = 9 ≤ r = 10 → BP = exp(1 − 10/9)
  // BLEU = exp(−1/9) · (7/9 · 5/6)^(1/2) = 0.7204 (NLTK: 0.7204140926255445)
  const r = corpusBleu(
    [words("the the cat"), words("a b a b"), words("x y")],
    [
      [words("the cat sat"), words("the the dog ran")],
      [words("a b c"), words("b a")],
      [words("x y z w"), words("x q y z w v")],
    ],
    { maxN: 2 },
  );
  assert.equal(r.candidateLength, 9);
  assert.equal(r.referenceLength, 10);
  close(r.brevityPenalty, Math.exp(-1 / 9));
  assert.deepEqual(r.precisions, [7 / 9, 5 / 6]);
  close(r.bleu, Math.exp(-1 / 9) * Math.sqrt((7 / 9) * (5 / 6)));
  close(r.bleu, 0.7204140926255445);
  // Averaging per-sentence scores would give something else: corpus BLEU is a micro-average.

  // The TSDoc example: each reference has one "the", so the candidate's second "the" does not count.
  // p = [5/6, 5/5, 4/4, 3/3], BP = 1 (6 = 6) → (5/6)^(1/4) = 0.9554
  const doc = corpusBleu([words("the cat sat on the mat")], [[words("the cat sat on a mat"), words("a cat sat on the mat")]]);
  assert.deepEqual(doc.precisions, [5 / 6, 1, 1, 1]);
  close(doc.bleu, Math.pow(5 / 6, 1 / 4));

  // maxN = 4 (default): "a b c d e" vs "a b c d f": p = 4/5, 3/4, 2/3, 1/2 → (1/5)^(1/4).
  close(corpusBleu([words("a b c d e")], [[words("a b c d f")]]).bleu, Math.pow(1 / 5, 1 / 4));

  // Ties in the closest reference length go to the shorter one: "a b" with refs of lengths 1 and 3 → r = 1,
  // c = 2 > 1 → BP = 1 (with r = 3 it would be exp(1 − 3/2) = 0.61), in either reference order.
  for (const refs of [[["a"], words("a b c")], [words("a b c"), ["a"]]]) {
    const t = corpusBleu([["a", "b"]], [refs], { maxN: 1 });
    assert.equal(t.referenceLength, 1);
    assert.equal(t.brevityPenalty, 1);
    assert.equal(t.bleu, 1);
  }
  // The closest, not the shortest: "a b c d" with refs of lengths 2 and 5 → r = 5, BP = exp(1 − 5/4).
  const near = corpusBleu([words("a b c d")], [[words("a b"), words("a b c d e")]], { maxN: 1 });
  assert.equal(near.referenceLength, 5);
  close(near.brevityPenalty, Math.exp(1 - 5 / 4));
  close(near.bleu, Math.exp(1 - 5 / 4));
});

test("corpusBleu: zero matches give 0 without smoothing, add1 smooths orders ≥ 2, weights, candidates shorter than n", () => {
  // "a b c d" vs "a b d c": p1 = 4/4, p2 = 1/3 ("a b"), p3 = 0/2, p4 = 0/1 → BLEU 0.
  const zero = corpusBleu([words("a b c d")], [[words("a b d c")]]);
  assert.deepEqual(zero.precisions, [1, 1 / 3, 0, 0]);
  assert.equal(zero.bleu, 0);
  assert.equal(zero.brevityPenalty, 1);
  // add1: p1 = 1, p2 = (1+1)/(3+1), p3 = (0+1)/(2+1), p4 = (0+1)/(1+1) → (1 · 1/2 · 1/3 · 1/2)^(1/4) = (1/12)^(1/4).
  const add1 = corpusBleu([words("a b c d")], [[words("a b d c")]], { smoothing: "add1" });
  assert.deepEqual(add1.precisions, [1, 1 / 2, 1 / 3, 1 / 2]);
  close(add1.bleu, Math.pow(1 / 12, 1 / 4));
  // Unigrams are not smoothed: no unigram match is still 0.
  assert.equal(corpusBleu([["x", "y"]], [[["a", "b"]]], { smoothing: "add1" }).bleu, 0);
  // An order of weight 0 is ignored: weights [1/2, 1/2, 0, 0] → (1 · 1/3)^(1/2).
  close(corpusBleu([words("a b c d")], [[words("a b d c")]], { weights: [0.5, 0.5, 0, 0] }).bleu, Math.sqrt(1 / 3));
  // maxN defaults to the number of weights: [1] is unigram precision only → 1.
  const uni = corpusBleu([words("a b c d")], [[words("a b d c")]], { weights: [1] });
  assert.deepEqual(uni.precisions, [1]);
  assert.equal(uni.bleu, 1);
  // A candidate shorter than n adds no n-gram (NLTK would count 1): "a" and "a b c" vs themselves, maxN 2:
  // p2 = 2/2 (NLTK: 2/3). A corpus with no bigram at all has p2 = 0 → BLEU 0 (add1 → 1/1).
  assert.deepEqual(corpusBleu([["a"], words("a b c")], [[["a"]], [words("a b c")]], { maxN: 2 }).precisions, [1, 1]);
  assert.deepEqual(corpusBleu([["a"]], [[["a"]]], { maxN: 2 }).precisions, [1, 0]);
  assert.equal(corpusBleu([["a"]], [[["a"]]], { maxN: 2 }).bleu, 0);
  assert.equal(corpusBleu([["a"]], [[["a"]]], { maxN: 2, smoothing: "add1" }).bleu, 1);
  // Empty candidates: no tokens → BP 0, BLEU 0, no NaN.
  const empty = corpusBleu([[]], [[["a"]]]);
  assert.deepEqual([empty.bleu, empty.brevityPenalty, empty.candidateLength, empty.referenceLength], [0, 0, 0, 1]);
  assert.deepEqual(empty.precisions, [0, 0, 0, 0]);
});

test("bleu and corpusBleu: clear errors for wrong inputs", () => {
  const as = <T>(x: unknown): T => x as T;
  assert.throws(() => bleu(as<string[]>("a b"), ["a"], 2), /bleu: pred must be an array of string tokens, got the string "a b" \(split it first/);
  assert.throws(() => bleu(["a"], as<string[]>(null), 2), /bleu: label must be an array .* got null/);
  assert.throws(() => bleu(as<string[]>([1, 2]), ["a"], 2), /pred\[0\] is number 1; tokens must be strings/);
  assert.throws(() => bleu(["a"], ["a"], 0), /bleu: k must be an integer ≥ 1 .* got number 0/);
  assert.throws(() => bleu(["a"], ["a"], 1.5), /k must be an integer ≥ 1/);
  assert.throws(() => corpusBleu(as<string[][]>("a b"), [[["a"]]]), /corpusBleu: candidates must be an array of token lists/);
  assert.throws(() => corpusBleu([["a"]], as<string[][][]>(undefined)), /references must be an array with one list of reference token lists per candidate/);
  assert.throws(() => corpusBleu([], []), /there are no candidates/);
  assert.throws(() => corpusBleu([["a"], ["b"]], [[["a"]]]), /2 candidates but 1 reference lists; give each candidate its references/);
  assert.throws(() => corpusBleu([["a"], ["b"]], [[["a"]], []]), /candidate 1 has no reference/);
  assert.throws(() => corpusBleu([["a"]], as<string[][][]>([["a"]])), /references\[0\] holds strings, not token lists.*labels\.map\(\(l\) => \[l\]\)/);
  assert.throws(() => corpusBleu([["a"]], as<string[][][]>(["a"])), /references\[0\] must be a list of reference token lists/);
  assert.throws(() => corpusBleu([as<string[]>("ab")], [[["a"]]]), /candidates\[0\] must be an array of string tokens/);
  assert.throws(() => corpusBleu([["a"]], [[["a"]]], { maxN: 0 }), /corpusBleu: maxN must be an integer ≥ 1/);
  assert.throws(() => corpusBleu([["a"]], [[["a"]]], { weights: [0.5, 0.5], maxN: 4 }), /weights has 2 entries but maxN is 4/);
  assert.throws(() => corpusBleu([["a"]], [[["a"]]], { weights: [] }), /weights is empty; give one weight per n-gram order/);
  assert.throws(() => corpusBleu([["a"]], [[["a"]]], { weights: [1, -1] }), /weights\[1\] is -1; weights must be finite and non-negative/);
  assert.throws(() => corpusBleu([["a"]], [[["a"]]], { weights: [0, 0] }), /all weights are 0/);
  assert.throws(() => corpusBleu([["a"]], [[["a"]]], { smoothing: as<"none">("add2") }), /smoothing must be "none" or "add1", got the string "add2"/);
});

// ---- Cross-check against NLTK ----

/** A Python that can `import nltk`: /usr/bin/python3 first, then python3 on PATH; undefined if none. */
function pythonWithNltk(): string | undefined {
  for (const py of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(py, ["-c", "import nltk"], { encoding: "utf8" });
    if (!r.error && r.status === 0) return py;
  }
  return undefined;
}

// For each case: NLTK's corpus_bleu, and the summed numerators/denominators of modified_precision, the
// closest reference lengths and the brevity penalty, all from nltk.translate.bleu_score.
const NLTK_SCRIPT = `
import json, sys, warnings
warnings.simplefilter("ignore")
from nltk.translate.bleu_score import corpus_bleu, modified_precision, closest_ref_length, brevity_penalty, SmoothingFunction
cases = json.load(open(sys.argv[1], encoding="utf-8"))
out = []
for case in cases:
    cands, refs = case["candidates"], case["references"]
    weights = tuple(case["weights"])
    smooth = SmoothingFunction().method2 if case["smoothing"] == "add1" else None
    nums = [0] * len(weights)
    dens = [0] * len(weights)
    c = r = 0
    for cand, rs in zip(cands, refs):
        for n in range(1, len(weights) + 1):
            p = modified_precision(rs, cand, n)
            nums[n - 1] += p.numerator
            dens[n - 1] += p.denominator
        c += len(cand)
        r += closest_ref_length(rs, len(cand))
    bleu = corpus_bleu(refs, cands, weights=weights, smoothing_function=smooth)
    out.append({"bleu": float(bleu), "nums": nums, "dens": dens, "c": c, "r": r, "bp": float(brevity_penalty(r, c))})
json.dump(out, sys.stdout)
`;

interface NltkCase {
  readonly candidates: string[][];
  readonly references: string[][][];
  readonly weights: number[];
  readonly smoothing: "none" | "add1";
}
interface NltkResult {
  readonly bleu: number;
  readonly nums: number[];
  readonly dens: number[];
  readonly c: number;
  readonly r: number;
  readonly bp: number;
}

// Tokens with spaces and overlapping spellings, so that a careless n-gram key ("a b" vs "a"+"b") would show.
// ("a b", "a") and ("a", "b a") both read "a b a".
const VOCAB = ["a", "b", "c", "ab", " ", "a b", "b a"];

/** `base` with tokens deleted, substituted and inserted at random. */
function mutate(rng: Rng, base: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of base) {
    const u = rng.next();
    if (u >= 0.08) out.push(u < 0.2 ? rng.choice(VOCAB) : t);
    if (rng.next() < 0.08) out.push(rng.choice(VOCAB));
  }
  return out;
}

/** One candidate of length ≥ 4 (so NLTK's at-least-one-n-gram rule never applies) and 1–4 references. */
function randomPair(rng: Rng): { cand: string[]; refs: string[][] } {
  const base = Array.from({ length: rng.intBetween(3, 12) }, () => rng.choice(VOCAB));
  const refs = [base, ...Array.from({ length: rng.int(4) }, () => mutate(rng, base))];
  const cand = mutate(rng, base);
  while (cand.length < 4) cand.push(rng.choice(VOCAB));
  return { cand, refs };
}

test("corpusBleu agrees with NLTK's corpus_bleu on 200 random seeded candidates (corpora, single sentences, weights, add1)", (t) => {
  const py = pythonWithNltk();
  if (!py) {
    t.skip("no Python with NLTK (tried /usr/bin/python3, then python3 on PATH): install python3-nltk (apt) or `pip install nltk` to run it; CI installs python3-nltk");
    return;
  }
  const rng = new Rng(2002);
  const pairs = Array.from({ length: 200 }, () => randomPair(rng));
  const corpora = Array.from({ length: 40 }, (_, i) => pairs.slice(5 * i, 5 * i + 5));
  const uniform = [0.25, 0.25, 0.25, 0.25];
  const cases: NltkCase[] = [
    ...corpora.map((ps) => ({ candidates: ps.map((p) => p.cand), references: ps.map((p) => p.refs), weights: uniform, smoothing: "none" as const })),
    // Single sentences: many have no 3- or 4-gram match (NLTK returns ~1e-77 there, we return 0).
    ...pairs.map((p) => ({ candidates: [p.cand], references: [p.refs], weights: uniform, smoothing: "none" as const })),
    ...corpora.map((ps) => ({ candidates: ps.map((p) => p.cand), references: ps.map((p) => p.refs), weights: [0.5, 0.3, 0.2], smoothing: "none" as const })),
    ...pairs.map((p) => ({ candidates: [p.cand], references: [p.refs], weights: uniform, smoothing: "add1" as const })),
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-bleu-"));
  let nltk: NltkResult[];
  try {
    const file = path.join(dir, "cases.json");
    fs.writeFileSync(file, JSON.stringify(cases));
    const r = spawnSync(py, ["-c", NLTK_SCRIPT, file], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, `${py} failed: ${r.stderr}`);
    nltk = JSON.parse(r.stdout) as NltkResult[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(nltk.length, cases.length);

  let maxDiff = 0;
  let zeros = 0;
  let positive = 0;
  cases.forEach((c, i) => {
    const opts: CorpusBleuOptions = { weights: c.weights, smoothing: c.smoothing };
    const ours: CorpusBleuResult = corpusBleu(c.candidates, c.references, opts);
    const want = nltk[i];
    const where = `case ${i} (${c.candidates.length} candidates, weights ${c.weights.join("/")}, ${c.smoothing})`;
    assert.equal(ours.candidateLength, want.c, where);
    assert.equal(ours.referenceLength, want.r, where);
    assert.ok(Math.abs(ours.brevityPenalty - want.bp) < 1e-12, where);
    const precisions = want.nums.map((m, n) => (c.smoothing === "add1" && n > 0 ? (m + 1) / (want.dens[n] + 1) : m / want.dens[n]));
    ours.precisions.forEach((p, n) => assert.ok(Math.abs(p - precisions[n]) < 1e-12, `${where}: p${n + 1} ${p} vs ${precisions[n]}`));
    maxDiff = Math.max(maxDiff, Math.abs(ours.bleu - want.bleu));
    if (ours.bleu === 0) {
      zeros++;
      assert.ok(want.bleu < 1e-50, `${where}: we say 0, NLTK ${want.bleu}`);
    } else positive++;
  });
  assert.ok(maxDiff < 1e-9, `max |ours − NLTK| = ${maxDiff}`);
  // The data exercise both regimes and the tie rule of the closest reference length.
  assert.ok(zeros >= 20 && positive >= 200, `zero cases ${zeros}, positive ${positive}`);
  const ties = pairs.filter(({ cand, refs }) => {
    const d = refs.map((r) => Math.abs(r.length - cand.length));
    const best = Math.min(...d);
    return new Set(refs.filter((_, j) => d[j] === best).map((r) => r.length)).size > 1;
  }).length;
  assert.ok(ties > 0, "some candidate is equally close to a shorter and a longer reference");
  t.diagnostic(`${cases.length} cases, ${zeros} with BLEU 0, ${ties} length ties; max |ours − NLTK| = ${maxDiff.toExponential(2)}`);
});
