/**
 * Turning a model into text, one token at a time, for a whole batch of rows at once. The model first
 * reads each row's prefix (the "prime", warming up its state); then each step picks the next token from
 * the distribution `softmax(o / T)` over the vocabulary, feeds it back in, and a row stops at `<eos>` or
 * a maximum length. Every sampler drives a {@link Stepper}, so it works for any model that has one.
 *
 * - **greedy**: always the most likely token (deterministic, often repetitive);
 * - **temperature**: sample from `softmax(o / T)`; `T < 1` sharpens, `T > 1` flattens, `T → 0` is greedy;
 * - **top-k**: sample among the `k` most likely tokens only;
 * - **top-p** (nucleus): sample among the smallest set of tokens whose probability reaches `p`;
 * - **constraints**: `allowedTokens(t, generated, row)` limits the choice at every step (poem forms, rhymes).
 *
 * Every sampler is seeded: the same seed gives the same text.
 *
 * ```ts
 * const rows = sample(languageModelStepper(model), [[bos], [bos, t]], { method: { kind: "topP", p: 0.9 }, maxLength: 20, eosId });
 * generateText(model, vocab, "the ", { kind: "temperature", temperature: 0.8 }, { maxLength: 60 });
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import { Rng } from "../data/rng";
import type { LanguageModel } from "../rnn/rnn-lm";
import { Prefixes, Stepper, languageModelStepper } from "./stepper";

// ---------------------------------------------------------------- distributions (plain numbers)

/** `softmax(logits / T)` in float64. `T = 0` gives all mass to the (first) largest logit. */
export function softmaxTemperature(logits: ArrayLike<number>, temperature = 1): Float64Array {
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new Error(`softmaxTemperature: the temperature must be a number ≥ 0, got ${temperature}.`);
  }
  const n = logits.length;
  const p = new Float64Array(n);
  let max = -Infinity;
  let arg = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(logits[i])) throw new Error(`softmaxTemperature: logit ${i} is NaN; the model's weights are broken (retrain it).`);
    if (logits[i] > max) [max, arg] = [logits[i], i];
  }
  if (temperature === 0) {
    p[arg] = 1;
    return p;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += p[i] = Math.exp((logits[i] - max) / temperature);
  for (let i = 0; i < n; i++) p[i] /= sum;
  return p;
}

/** Keeps the `k` most probable tokens and renormalises. */
export function topKFilter(probs: ArrayLike<number>, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new Error(`topKFilter: k must be a positive integer, got ${k}.`);
  const order = Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a]);
  const out = new Float64Array(probs.length);
  let sum = 0;
  for (const i of order.slice(0, k)) sum += out[i] = probs[i];
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/**
 * Keeps the smallest set of most probable tokens whose total probability reaches `p` (the nucleus), renormalised.
 * Ties at the nucleus's edge are taken in index order. A numeric sort of the candidate values (no index sort), so
 * a vocabulary of thousands costs a small fraction of a millisecond per row.
 */
export function topPFilter(probs: ArrayLike<number>, p: number): Float64Array {
  if (!(p > 0 && p <= 1)) throw new Error(`topPFilter: p must be in (0, 1], got ${p}.`);
  const n = probs.length;
  if (p === 1) {
    // Every token (summing in a different order must not drop the last ones by rounding).
    let total = 0;
    for (let i = 0; i < n; i++) total += probs[i];
    return Float64Array.from(probs, (v) => v / total);
  }
  // Tokens below (1 − p)/n are never in the nucleus (all of them together hold less than 1 − p): sort only the rest.
  const floor = (1 - p) / n;
  const values = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (probs[i] >= floor) values[m++] = probs[i];
  const sorted = values.subarray(0, m).sort(); // ascending
  let k = m - 1;
  for (let mass = 0; k > 0; k--) {
    mass += sorted[k];
    if (mass >= p) break;
  }
  const edge = sorted[k]; // the least probable token of the nucleus
  const out = new Float64Array(n);
  let mass = 0;
  for (let i = 0; i < n; i++) {
    if (probs[i] > edge) mass += out[i] = probs[i];
  }
  for (let i = 0; i < n && mass < p; i++) {
    if (probs[i] === edge) mass += out[i] = probs[i];
  }
  for (let i = 0; i < n; i++) out[i] /= mass;
  return out;
}

/** Draws an index with probability `probs[i]` (which must sum to 1). */
export function sampleIndex(probs: ArrayLike<number>, rng: Rng): number {
  let u = rng.next();
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    last = i;
    u -= probs[i];
    if (u < 0) return i;
  }
  return last; // rounding: u was a hair above the total
}

/** Entropy `H(p) = −Σ p log p`, in bits. */
export function entropyBits(probs: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > 0) h -= probs[i] * Math.log2(probs[i]);
  return h;
}

/** Entropy (bits) of `softmax(logits / T)` for each temperature, for the temperature plot. */
export function entropyVsTemperature(
  logits: ArrayLike<number>,
  temperatures: readonly number[],
): { temperature: number; entropy: number }[] {
  return temperatures.map((temperature) => ({ temperature, entropy: entropyBits(softmaxTemperature(logits, temperature)) }));
}

// ---------------------------------------------------------------- decoding through a stepper

/** How the next token is chosen. */
export type DecodeMethod =
  | { readonly kind: "greedy" }
  | { readonly kind: "temperature"; readonly temperature: number }
  | { readonly kind: "topK"; readonly k: number; readonly temperature?: number }
  | { readonly kind: "topP"; readonly p: number; readonly temperature?: number };

/** The next-token distribution a method samples from, given the logits. */
export function nextTokenProbs(logits: ArrayLike<number>, method: DecodeMethod): Float64Array {
  switch (method.kind) {
    case "greedy":
      return softmaxTemperature(logits, 0);
    case "temperature":
      return softmaxTemperature(logits, method.temperature);
    case "topK":
      return topKFilter(softmaxTemperature(logits, method.temperature ?? 1), method.k);
    case "topP":
      return topPFilter(softmaxTemperature(logits, method.temperature ?? 1), method.p);
  }
}

/**
 * A constraint: the ids allowed as token `t` (0-based, counted after the prefix) of row `row`, given the
 * ids that row generated so far; `null` allows every token.
 */
export type AllowedTokens = (t: number, generated: readonly number[], row: number) => readonly number[] | null;

/** `logits` with every token outside `allowed` set to `−∞` (a copy). @throws Error when nothing is allowed. */
export function restrictLogits(logits: ArrayLike<number>, allowed: readonly number[], where = "allowedTokens"): Float32Array {
  if (allowed.length === 0) {
    throw new Error(
      `${where}: no token is allowed at this step, so the constraint cannot be met. Relax it (allow at least one token per step).`,
    );
  }
  const out = new Float32Array(logits.length).fill(-Infinity);
  for (const id of allowed) {
    if (!(Number.isInteger(id) && id >= 0 && id < logits.length))
      throw new Error(`${where}: allowed id ${id} is not in the vocabulary of ${logits.length}.`);
    out[id] = logits[id];
  }
  return out;
}

/** Picks one token from `logits` with `method` (and an optional set of allowed ids), drawing from `rng`. */
export function chooseToken(logits: ArrayLike<number>, method: DecodeMethod, rng: Rng, allowed?: readonly number[] | null): number {
  return sampleIndex(nextTokenProbs(allowed ? restrictLogits(logits, allowed) : logits, method), rng);
}

/** Options of {@link sample}. */
export interface SampleOptions {
  /** How each next token is chosen. */
  readonly method: DecodeMethod;
  /** At most this many new tokens per row. */
  readonly maxLength: number;
  /** A row stops when it produces this token (which is not included in its result). */
  readonly eosId?: number;
  /** Seed of the sampling; the same seed gives the same tokens. Default 0. */
  readonly seed?: number;
  /** A constraint on every step (see {@link AllowedTokens}). */
  readonly allowedTokens?: AllowedTokens;
}

/**
 * Generates up to `maxLength` new tokens for every row the stepper starts with `input`, all rows in one
 * batched step each. A row that produces `eosId` is finished and dropped from the batch (with
 * `reorder`). Returns each row's new ids (without its prefix, and without the `<eos>` that stopped it).
 * The stepper's state is freed at the end.
 */
export function sample<S>(stepper: Stepper<S>, input: S, opts: SampleOptions): number[][] {
  const { method, maxLength, eosId, seed = 0, allowedTokens } = opts;
  if (!(Number.isInteger(maxLength) && maxLength >= 0)) throw new Error(`sample: maxLength must be an integer ≥ 0, got ${maxLength}.`);
  const rng = new Rng(seed);
  const V = stepper.vocabSize;
  try {
    let logits = stepper.start(input);
    const out: number[][] = Array.from({ length: stepper.numRows }, () => []);
    let alive = out.map((_, r) => r); // alive[i]: the original row of the stepper's row i
    for (let t = 0; t < maxLength && alive.length > 0; t++) {
      const keep: number[] = [];
      const next: number[] = [];
      alive.forEach((r, i) => {
        const id = chooseToken(logits.subarray(i * V, (i + 1) * V), method, rng, allowedTokens?.(t, out[r], r));
        if (id === eosId) return;
        out[r].push(id);
        keep.push(i);
        next.push(id);
      });
      if (keep.length === 0 || t === maxLength - 1) break;
      if (keep.length < alive.length) {
        stepper.reorder(keep); // finished rows leave the batch
        alive = keep.map((i) => alive[i]);
      }
      logits = stepper.step(next);
    }
    return out;
  } finally {
    stepper.dispose();
  }
}

/** Options of {@link decode}. */
export interface DecodeOptions {
  /** At most this many new tokens. */
  readonly maxLength: number;
  /** Stop when this token is produced (it is not included in the result). */
  readonly eosId?: number;
  /** Seed of the sampling. Default 0. */
  readonly seed?: number;
  /** A constraint on every step. */
  readonly allowedTokens?: AllowedTokens;
}

/**
 * One sequence from a language model: up to `maxLength` new token ids after `prefix`, each chosen with
 * `method`. Returns only the new ids (without the prefix, and without the `<eos>` that stopped it).
 */
export function decode(model: LanguageModel, prefix: readonly number[], method: DecodeMethod, opts: DecodeOptions): number[] {
  if (prefix.length === 0)
    throw new Error("decode: the prefix is empty; give at least one token (for names, the <bos> id or a first letter).");
  return sample(languageModelStepper(model), [prefix] as Prefixes, { ...opts, method })[0];
}

/** The logits of the token that would follow `prefix` (ids), `[vocabSize]`; no tensors are left behind. */
export function nextTokenLogits(model: LanguageModel, prefix: readonly number[]): Float32Array {
  if (prefix.length === 0) throw new Error("nextTokenLogits: the prefix is empty; give at least one token (e.g. the <bos> id).");
  const stepper = languageModelStepper(model);
  try {
    return stepper.start([prefix]);
  } finally {
    stepper.dispose();
  }
}

/** The part of a vocabulary the text helpers need (the course's `Vocab` fits). */
export interface TokenCodec {
  encode(tokens: readonly string[]): number[];
  decode(ids: ArrayLike<number>): string[];
  readonly bosId?: number;
  readonly eosId?: number;
}

/** Options of {@link generateText}. */
export interface GenerateTextOptions extends DecodeOptions {
  /** Start with the vocabulary's `<bos>` before the prefix, as models trained on padded lines (names) expect. Default false. */
  readonly bos?: boolean;
}

/**
 * Character-level convenience: encodes `prefix` letter by letter (after `<bos>` with `bos: true`),
 * decodes with `method`, and returns the prefix followed by the generated text. Stops at the
 * vocabulary's `<eos>` when it has one.
 *
 * ```ts
 * generateText(model, vocab, "ma", { kind: "topK", k: 5 }, { maxLength: 20, bos: true, seed: 1 }); // e.g. "marina"
 * ```
 */
export function generateText(
  model: LanguageModel,
  vocab: TokenCodec,
  prefix: string,
  method: DecodeMethod,
  opts: GenerateTextOptions,
): string {
  if (opts.bos && vocab.bosId === undefined)
    throw new Error('generateText: bos: true needs a vocab with "<bos>"; build it with { reserved: ["<bos>", …] }.');
  const start = opts.bos ? [vocab.bosId as number] : [];
  const ids = decode(model, [...start, ...vocab.encode([...prefix])], method, { eosId: vocab.eosId, ...opts });
  return prefix + vocab.decode(ids).join("");
}
