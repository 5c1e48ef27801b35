/**
 * Counting n-grams, and the simplest language models there are: n-gram counts with add-α smoothing.
 * They show why counting stops working — the number of distinct n-grams explodes with n while
 * most of them are seen only once — and give a perplexity baseline before any RNN.
 *
 * ```ts
 * ngramCounts(charTokens("abab"), 2);           // Map { "a b" => 2, "b a" => 1 }
 * ngramPerplexity(trainIds, testIds, { n: 3, vocabSize: vocab.size });
 * ```
 * @see notebooks/01-language-models.ipynb
 */

/** How often each n-gram (tokens joined by `sep`) occurs in `tokens`. */
export function ngramCounts(tokens: readonly string[], n: number, sep = " "): Map<string, number> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`ngramCounts: n must be a positive integer, got ${n}.`);
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(sep);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The `k` most frequent n-grams, most frequent first (ties in order of first appearance). */
export function topNgrams(tokens: readonly string[], n: number, k = 10, sep = " "): [string, number][] {
  return [...ngramCounts(tokens, n, sep).entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
}

/** One row of {@link ngramGrowth}. */
export interface NgramGrowthRow {
  readonly n: number;
  /** Distinct n-grams that occur. */
  readonly distinct: number;
  /** Distinct n-grams seen exactly once. */
  readonly seenOnce: number;
  /** Fraction of the n-grams that are possible (`types^n`) which occur at all. */
  readonly coverage: number;
}

/**
 * Counts of the n-grams of an id sequence, keyed by a number (`Σ idₖ·baseᵏ`), which is far faster than
 * string keys. Needs `base^n < 2^53`; returns `undefined` when that does not hold.
 */
function numericNgramCounts(ids: ArrayLike<number>, n: number, base: number): Map<number, number> | undefined {
  if (Math.pow(base, n) >= Number.MAX_SAFE_INTEGER) return undefined;
  const counts = new Map<number, number>();
  for (let i = 0; i + n <= ids.length; i++) {
    let key = 0;
    for (let k = 0; k < n; k++) key = key * base + ids[i + k];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Distinct n-grams for `n = 1 … maxN`: the explosion that makes counting impractical. */
export function ngramGrowth(tokens: readonly string[], maxN: number): NgramGrowthRow[] {
  if (tokens.length === 0) throw new Error("ngramGrowth: no tokens; is the text empty?");
  const index = new Map<string, number>();
  const ids = new Int32Array(tokens.length);
  tokens.forEach((t, i) => {
    let id = index.get(t);
    if (id === undefined) index.set(t, (id = index.size));
    ids[i] = id;
  });
  const types = index.size;
  const rows: NgramGrowthRow[] = [];
  for (let n = 1; n <= maxN; n++) {
    const counts: Map<number | string, number> = numericNgramCounts(ids, n, types) ?? ngramCounts(tokens, n, "\u0001");
    let once = 0;
    for (const c of counts.values()) if (c === 1) once++;
    rows.push({ n, distinct: counts.size, seenOnce: once, coverage: counts.size / Math.pow(types, n) });
  }
  return rows;
}

/** Options of {@link ngramPerplexity}. */
export interface NgramModelOptions {
  /** Order: 1 = unigram (no context), 2 = bigram (one token of context), … */
  readonly n: number;
  /** Size of the vocabulary the ids come from. */
  readonly vocabSize: number;
  /** Add-α smoothing: every count gets `alpha` extra, so no probability is 0. Default 1 (Laplace); 0 allows ∞. */
  readonly alpha?: number;
}

/**
 * Perplexity on `test` of an n-gram model counted on `train` (ids), with add-α smoothing:
 * `P(x_t | context) = (count(context, x_t) + α) / (count(context) + α·V)`. The first `n-1` test tokens
 * only serve as context.
 */
export function ngramPerplexity(train: ArrayLike<number>, test: ArrayLike<number>, opts: NgramModelOptions): number {
  const { n, vocabSize: V, alpha = 1 } = opts;
  if (!Number.isInteger(n) || n < 1) throw new Error(`ngramPerplexity: n must be a positive integer, got ${n}.`);
  if (!Number.isInteger(V) || V < 1) throw new Error(`ngramPerplexity: vocabSize must be a positive integer, got ${V}.`);
  if (!(alpha >= 0)) throw new Error(`ngramPerplexity: alpha must be >= 0, got ${alpha}.`);
  if (test.length < n) throw new Error(`ngramPerplexity: the test text (${test.length} tokens) is shorter than one ${n}-gram.`);
  const numeric = Math.pow(V, n) < Number.MAX_SAFE_INTEGER;
  // Key of the window of `len` ids starting at `from`: a number when it fits, else a string.
  const key = (ids: ArrayLike<number>, from: number, len: number): number | string => {
    if (!numeric) return Array.prototype.slice.call(ids, from, from + len).join(",");
    let k = 0;
    for (let j = 0; j < len; j++) k = k * V + ids[from + j];
    return k;
  };
  const full = new Map<number | string, number>();
  const ctx = new Map<number | string, number>();
  for (let i = 0; i + n <= train.length; i++) {
    const c = key(train, i, n - 1);
    const f = key(train, i, n);
    full.set(f, (full.get(f) ?? 0) + 1);
    ctx.set(c, (ctx.get(c) ?? 0) + 1);
  }
  let nll = 0;
  let count = 0;
  for (let i = 0; i + n <= test.length; i++) {
    const p = ((full.get(key(test, i, n)) ?? 0) + alpha) / ((ctx.get(key(test, i, n - 1)) ?? 0) + alpha * V);
    nll -= Math.log(p);
    count++;
  }
  return Math.exp(nll / count);
}
