/**
 * Forcing a suffix ("…saurus"): sequences that end with a given run of tokens, placed where the model
 * finds it most natural. Each row samples a stem with the end token forbidden; after every stem length
 * the model scores how likely `suffix` (which should end with `<eos>`) would follow; finally each row is
 * cut at a stem length drawn in proportion to that likelihood, so the model decides where the suffix
 * fits. The scoring runs beside the sampling in the same batched steps: at every stem length the
 * stepper's rows are duplicated with `reorder`, and the copies read the suffix while the originals read
 * the next stem token. Works for any {@link Stepper}.
 *
 * ```ts
 * const rows = sampleWithSuffix(languageModelStepper(model), prefixes, suffixIds, { method: { kind: "topP", p: 0.9 }, eosId });
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import { Rng } from "../data/rng";
import { AllowedTokens, DecodeMethod, chooseToken } from "./sampling";
import type { Stepper } from "./stepper";

/** Options of {@link sampleWithSuffix}. */
export interface SuffixOptions {
  /** How each stem token is chosen. */
  readonly method: DecodeMethod;
  /** The token that ends a sequence; never sampled inside a stem. */
  readonly eosId: number;
  /** Shortest stem (tokens between the prefix and the suffix). Default 1. */
  readonly minStem?: number;
  /** Longest stem. Default 12. */
  readonly maxStem?: number;
  /** Seed of the sampling. Default 0. */
  readonly seed?: number;
  /** A constraint on the stem's tokens. */
  readonly allowedTokens?: AllowedTokens;
}

/** `log softmax(logits)[id]` for one row of logits. */
function logProb(logits: ArrayLike<number>, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return logits[id] - max - Math.log(sum);
}

/** Suffix scorers spawned at one stem length: copies of the sampled rows that read the suffix. */
interface Scorer {
  readonly stem: number;
  /** Index in the suffix of the token these rows read next. */
  next: number;
  /** `log p(suffix[0 … next] | stem)` per row. */
  readonly score: Float64Array;
}

/**
 * Samples one stem per row and returns, per row, the chosen stem (ids, without the prefix) followed by
 * `suffix`, minus the suffix's final `<eos>` if it has one. The stepper's state is freed at the end.
 * @param suffix the forced ending, e.g. the ids of "saurus" then `<eos>`
 */
export function sampleWithSuffix<S>(stepper: Stepper<S>, input: S, suffix: readonly number[], opts: SuffixOptions): number[][] {
  const { method, eosId, minStem = 1, maxStem = 12, seed = 0, allowedTokens } = opts;
  if (suffix.length === 0) throw new Error("sampleWithSuffix: the suffix is empty; use sample() for free sequences.");
  if (!(Number.isInteger(minStem) && Number.isInteger(maxStem) && 0 <= minStem && minStem <= maxStem)) {
    throw new Error(`sampleWithSuffix: need integers 0 ≤ minStem ≤ maxStem, got ${minStem} and ${maxStem}.`);
  }
  const rng = new Rng(seed);
  const V = stepper.vocabSize;
  try {
    let logits = stepper.start(input);
    const M = stepper.numRows; // rows 0 … M−1 sample stems; then M rows per scorer
    const stems: number[][] = Array.from({ length: M }, () => []);
    const scores: Float64Array[] = Array.from({ length: maxStem + 1 }, () => new Float64Array(M).fill(-Infinity));
    let scorers: Scorer[] = [];
    for (let k = 0; ; k++) {
      // 1. Scorers read the logits of their next suffix token; finished ones record their score.
      scorers.forEach((s, g) => {
        s.next++;
        for (let b = 0; b < M; b++)
          s.score[b] += logProb(logits.subarray(((g + 1) * M + b) * V, ((g + 1) * M + b + 1) * V), suffix[s.next]);
      });
      const done = scorers.filter((s) => s.next === suffix.length - 1);
      for (const s of done) scores[s.stem] = s.score;
      const kept = scorers.map((s, g) => [s, g] as const).filter(([s]) => s.next < suffix.length - 1);
      // 2. At this stem length, a new scorer starts from the sampling rows' state.
      const spawn = k >= minStem && k <= maxStem;
      const fresh: Scorer | null = spawn
        ? { stem: k, next: 0, score: Float64Array.from({ length: M }, (_, b) => logProb(logits.subarray(b * V, (b + 1) * V), suffix[0])) }
        : null;
      if (fresh && suffix.length === 1) scores[k] = fresh.score;
      const live = [...kept.map(([s]) => s), ...(fresh && suffix.length > 1 ? [fresh] : [])];
      if (k >= maxStem && live.length === 0) break;
      // 3. The sampling rows draw the next stem token (never the end token); past maxStem they idle.
      const stemIds = stems.map((stem, b) => {
        if (k >= maxStem) return suffix[0];
        const allowed = allowedTokens?.(k, stem, b) ?? Array.from({ length: V }, (_, i) => i);
        const id = chooseToken(
          logits.subarray(b * V, (b + 1) * V),
          method,
          rng,
          allowed.filter((i) => i !== eosId),
        );
        stem.push(id);
        return id;
      });
      // 4. Rows: the sampling rows, the scorers kept, and a copy of the sampling rows for the new scorer.
      const rows = Array.from({ length: M }, (_, b) => b);
      for (const [, g] of kept) for (let b = 0; b < M; b++) rows.push((g + 1) * M + b);
      if (fresh && suffix.length > 1) for (let b = 0; b < M; b++) rows.push(b);
      if (rows.length !== stepper.numRows || rows.some((r, i) => r !== i)) stepper.reorder(rows);
      scorers = live;
      logits = stepper.step([...stemIds, ...scorers.flatMap((s) => new Array<number>(M).fill(suffix[s.next]))]);
    }
    const body = suffix[suffix.length - 1] === eosId ? suffix.slice(0, -1) : [...suffix];
    return stems.map((stem, b) => {
      const logw = scores.map((s) => s[b]);
      const max = Math.max(...logw);
      if (max === -Infinity) throw new Error("sampleWithSuffix: the suffix has probability 0 after every stem; check the suffix's tokens.");
      const k = rng.categorical(logw.map((l) => Math.exp(l - max))); // where the suffix attaches
      return [...stem.slice(0, k), ...body];
    });
  } finally {
    stepper.dispose();
  }
}
