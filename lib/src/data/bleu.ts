/**
 * BLEU: how many of a prediction's n-grams (runs of n tokens) also occur in a reference translation,
 * for n = 1 … 4, with a penalty for predictions that are too short. Two versions:
 *
 * - {@link bleu} is d2l's score of one prediction against one label, with weights `1/2^n` that favour
 *   long n-grams: the number printed beside each translated sentence;
 * - {@link corpusBleu} is the standard corpus BLEU of Papineni et al. (2002), the number papers report:
 *   n-gram matches and counts are summed over all candidates before dividing, each candidate may have
 *   several references, and it agrees with NLTK's `corpus_bleu`.
 *
 * Tokens are strings; for character-level BLEU split text with `charTokens` (`data/tokenize.ts`):
 *
 * ```ts
 * bleu(charTokens("2024-01-05"), charTokens("2024-01-15"), 4);     // 0.842
 * corpusBleu(preds.map(charTokens), labels.map((l) => [charTokens(l)])).bleu;
 * ```
 * @see notebooks/07-seq2seq.ipynb
 */
/** A list of tokens: words (`text.split(" ")`) or characters (`charTokens(text)`). */
export type Tokens = readonly string[];

/**
 * d2l's BLEU of one predicted token list against one label:
 * `exp(min(0, 1 − len_label/len_pred)) · Π_{n=1..k} p_n^(1/2^n)`, where `p_n` is the clipped n-gram
 * precision: each n-gram of `pred` counts as a match at most as often as it occurs in `label`, divided
 * by the number of n-grams in `pred`. Equal lists score 1.
 *
 * Edge cases (d2l divides by `len_pred − n + 1`, which is 0 or negative for short predictions):
 * - an empty `pred` scores 0 (there is nothing to score, even if `label` is empty too);
 * - orders `n > pred.length` are skipped, as in d2l (factor 1): `["a"]` against `["a"]` scores 1 for
 *   every `k`; a short prediction is still punished by the length factor `exp(1 − len_label/len_pred)`;
 * - an order with no match scores 0 (e.g. a label shorter than `n` while `pred` is not).
 *
 * ```ts
 * bleu("il est paresseux .".split(" "), "il est calme .".split(" "), 2); // √(3/4) · (1/3)^(1/4) = 0.658
 * bleu(charTokens("2024-01-05"), charTokens("2024-01-15"), 4);            // 0.842
 * ```
 * @param pred the predicted tokens
 * @param label the reference tokens
 * @param k the longest n-gram that counts (d2l uses 2 for words; 4 is usual)
 * @see notebooks/07-seq2seq.ipynb
 */
export function bleu(pred: Tokens, label: Tokens, k: number): number {
  checkTokens("bleu", "pred", pred);
  checkTokens("bleu", "label", label);
  checkOrder("bleu", "k", k);
  if (pred.length === 0) return 0;
  let score = Math.exp(Math.min(0, 1 - label.length / pred.length)); // length factor, < 1 only if pred is shorter
  for (let n = 1; n <= Math.min(k, pred.length); n++) {
    const { matches, total } = clippedMatches(pred, [label], n);
    score *= Math.pow(matches / total, Math.pow(0.5, n)); // p_n^(1/2^n); total = len_pred − n + 1 ≥ 1
  }
  return score;
}

/** How {@link corpusBleu} treats an n-gram order without matches. */
export type BleuSmoothing = "none" | "add1";

/** Options of {@link corpusBleu}. */
export interface CorpusBleuOptions {
  /** The longest n-gram that counts. Default: `weights.length` if `weights` are given, else 4. */
  readonly maxN?: number;
  /**
   * Weight of each order's log precision, `[w_1, …, w_maxN]`: finite, non-negative, not all 0, used as
   * given (not rescaled). Default: uniform, `1/maxN` each. An order of weight 0 is ignored.
   */
  readonly weights?: readonly number[];
  /**
   * `"none"` (default): an order with no match makes BLEU 0. `"add1"`: orders n ≥ 2 use
   * `(matches + 1) / (n-grams + 1)` (Lin and Och 2004; NLTK's `method2`); unigrams stay unsmoothed.
   */
  readonly smoothing?: BleuSmoothing;
}

/** What {@link corpusBleu} returns: the score and the parts it is made of. */
export interface CorpusBleuResult {
  /** `brevityPenalty · exp(Σ_n w_n · log precisions[n−1])`, in `[0, 1]` for weights that sum to 1. */
  readonly bleu: number;
  /** Corpus n-gram precision for n = 1 … maxN (after smoothing): clipped matches / n-grams, summed over candidates. */
  readonly precisions: number[];
  /** `1` if `candidateLength > referenceLength`, else `exp(1 − referenceLength / candidateLength)` (0 when there are no candidate tokens). */
  readonly brevityPenalty: number;
  /** Total number of candidate tokens, `c`. */
  readonly candidateLength: number;
  /** Sum over candidates of the reference length closest to the candidate's (ties: the shorter), `r`. */
  readonly referenceLength: number;
}

const SMOOTHINGS: readonly BleuSmoothing[] = ["none", "add1"];

/**
 * Corpus BLEU (Papineni et al. 2002), as NLTK's `corpus_bleu`: for each order n, the candidates'
 * clipped n-gram matches (an n-gram counts at most as often as in the one of its references that has it
 * most often) summed over the corpus, divided by the candidates' n-grams summed over the corpus; then the
 * weighted geometric mean of these precisions times the brevity penalty `BP = 1` if `c > r` else
 * `exp(1 − r/c)`, where `c` is the total candidate length and `r` sums, per candidate, the reference
 * length closest to the candidate's (ties go to the shorter reference).
 *
 * Edge cases: with `smoothing: "none"` an order with no match (weight > 0) gives BLEU 0; an order of
 * which the corpus has no n-gram at all (every candidate shorter than n) has precision 0, so BLEU is 0
 * unless smoothed; no candidate tokens at all give `brevityPenalty` 0 and BLEU 0. Unlike NLTK, a
 * candidate shorter than n adds no n-gram to the count (NLTK counts at least 1 per candidate), so on
 * such candidates our precisions are higher; when every candidate has at least `maxN` tokens the two agree.
 *
 * ```ts
 * const r = corpusBleu(
 *   [["the", "cat", "sat", "on", "the", "mat"]],
 *   [[["the", "cat", "sat", "on", "a", "mat"], ["a", "cat", "sat", "on", "the", "mat"]]],
 * );
 * r.bleu;       // (5/6 · 1 · 1 · 1)^(1/4) = 0.955: the second "the" is clipped (each reference has one)
 * r.precisions; // [0.833…, 1, 1, 1]
 * ```
 * @param candidates one token list per sentence, e.g. `predictions.map(charTokens)`
 * @param references for each candidate, one or more reference token lists
 * @see notebooks/07-seq2seq.ipynb
 */
export function corpusBleu(
  candidates: readonly Tokens[],
  references: readonly (readonly Tokens[])[],
  opts: CorpusBleuOptions = {},
): CorpusBleuResult {
  const fn = "corpusBleu";
  if (!Array.isArray(candidates)) throw new Error(`${fn}: candidates must be an array of token lists, got ${describe(candidates)}.`);
  if (!Array.isArray(references)) {
    throw new Error(`${fn}: references must be an array with one list of reference token lists per candidate, got ${describe(references)}.`);
  }
  if (candidates.length === 0) throw new Error(`${fn}: there are no candidates; pass at least one token list to score.`);
  if (references.length !== candidates.length) {
    throw new Error(
      `${fn}: ${candidates.length} candidates but ${references.length} reference lists; give each candidate its references ` +
        "(wrap a single reference per candidate: labels.map((l) => [l])).",
    );
  }
  candidates.forEach((c, i) => checkTokens(fn, `candidates[${i}]`, c));
  references.forEach((refs, i) => {
    if (!Array.isArray(refs)) {
      throw new Error(`${fn}: references[${i}] must be a list of reference token lists (e.g. [tokens]), got ${describe(refs)}.`);
    }
    if (refs.length === 0) throw new Error(`${fn}: candidate ${i} has no reference; give it at least one reference token list.`);
    if (refs.some((r) => typeof r === "string")) {
      throw new Error(
        `${fn}: references[${i}] holds strings, not token lists; each candidate needs a list of references ` +
          "(one reference per candidate: labels.map((l) => [l])).",
      );
    }
    refs.forEach((r, j) => checkTokens(fn, `references[${i}][${j}]`, r));
  });
  const { maxN, weights, smoothing } = resolveOptions(opts);

  const matches = new Array<number>(maxN).fill(0);
  const totals = new Array<number>(maxN).fill(0);
  let c = 0;
  let r = 0;
  candidates.forEach((cand, i) => {
    for (let n = 1; n <= maxN; n++) {
      const m = clippedMatches(cand, references[i], n);
      matches[n - 1] += m.matches;
      totals[n - 1] += m.total;
    }
    c += cand.length;
    r += closestLength(references[i], cand.length);
  });

  const precisions = matches.map((m, i) => {
    if (smoothing === "add1" && i > 0) return (m + 1) / (totals[i] + 1);
    return totals[i] > 0 ? m / totals[i] : 0;
  });
  const brevityPenalty = c > r ? 1 : c === 0 ? 0 : Math.exp(1 - r / c);
  let logMean = 0; // Σ w_n log p_n
  let zero = false;
  precisions.forEach((p, i) => {
    if (weights[i] === 0) return;
    if (p === 0) zero = true;
    else logMean += weights[i] * Math.log(p);
  });
  const score = zero || brevityPenalty === 0 ? 0 : brevityPenalty * Math.exp(logMean);
  return { bleu: score, precisions, brevityPenalty, candidateLength: c, referenceLength: r };
}

/** Clipped n-gram matches of `cand` against `refs` (each n-gram at most its largest count in one reference), and `cand`'s n-gram count. */
function clippedMatches(cand: Tokens, refs: readonly Tokens[], n: number): { matches: number; total: number } {
  const counts = ngramCounts(cand, n);
  const maxRef = new Map<string, number>();
  for (const ref of refs) {
    for (const [g, k] of ngramCounts(ref, n)) if (counts.has(g) && k > (maxRef.get(g) ?? 0)) maxRef.set(g, k);
  }
  let matches = 0;
  for (const [g, k] of counts) matches += Math.min(k, maxRef.get(g) ?? 0);
  return { matches, total: Math.max(0, cand.length - n + 1) };
}

/** Counts of the n-grams of `tokens`, keyed so that no two different n-grams collide (tokens may hold spaces). */
function ngramCounts(tokens: Tokens, n: number): Map<string, number> {
  const keys = tokens.map((t) => `${t.length}:${t}`); // length-prefixed: ["a b"] and ["a", "b"] differ
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= keys.length; i++) {
    const g = keys.slice(i, i + n).join("");
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

/** The reference length closest to `length`; on a tie the shorter one (as NLTK). */
function closestLength(refs: readonly Tokens[], length: number): number {
  let best = refs[0].length;
  for (const ref of refs) {
    const d = Math.abs(ref.length - length);
    const bestD = Math.abs(best - length);
    if (d < bestD || (d === bestD && ref.length < best)) best = ref.length;
  }
  return best;
}

function resolveOptions(opts: CorpusBleuOptions): { maxN: number; weights: readonly number[]; smoothing: BleuSmoothing } {
  const fn = "corpusBleu";
  if (opts.weights !== undefined && !Array.isArray(opts.weights)) {
    throw new Error(`${fn}: weights must be an array of numbers, one per n-gram order, got ${describe(opts.weights)}.`);
  }
  if (opts.weights?.length === 0) throw new Error(`${fn}: weights is empty; give one weight per n-gram order (e.g. [0.25, 0.25, 0.25, 0.25]).`);
  const maxN = opts.maxN ?? opts.weights?.length ?? 4;
  checkOrder(fn, "maxN", maxN);
  const weights = opts.weights ?? new Array<number>(maxN).fill(1 / maxN);
  if (weights.length !== maxN) {
    throw new Error(`${fn}: weights has ${weights.length} entries but maxN is ${maxN}; give one weight per order 1 … ${maxN} (or leave out maxN).`);
  }
  weights.forEach((w, i) => {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) {
      throw new Error(`${fn}: weights[${i}] is ${String(w)}; weights must be finite and non-negative.`);
    }
  });
  if (weights.every((w) => w === 0)) throw new Error(`${fn}: all weights are 0; give at least one order a positive weight.`);
  const smoothing = opts.smoothing ?? "none";
  if (!SMOOTHINGS.includes(smoothing)) {
    throw new Error(`${fn}: smoothing must be ${SMOOTHINGS.map((s) => `"${s}"`).join(" or ")}, got ${describe(smoothing)}.`);
  }
  return { maxN, weights, smoothing };
}

function checkTokens(fn: string, name: string, tokens: unknown): void {
  if (!Array.isArray(tokens)) {
    const hint = typeof tokens === "string" ? ` (split it first: charTokens(text) or text.split(" "))` : "";
    throw new Error(`${fn}: ${name} must be an array of string tokens, got ${describe(tokens)}${hint}.`);
  }
  const bad = tokens.findIndex((t) => typeof t !== "string");
  if (bad >= 0) {
    throw new Error(`${fn}: ${name}[${bad}] is ${describe(tokens[bad])}; tokens must be strings (turn ids into tokens with vocab.decode(ids)).`);
  }
}

function checkOrder(fn: string, name: string, n: unknown): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new Error(`${fn}: ${name} must be an integer ≥ 1 (the longest n-gram that counts, usually 4), got ${describe(n)}.`);
  }
}

function describe(x: unknown): string {
  if (typeof x === "string") return `the string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x)}`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  return x === null ? "null" : typeof x === "object" ? "an object" : `${typeof x} ${String(x)}`;
}
