/**
 * Turning a language model into text, one token at a time. The model first reads a prefix (the
 * "prime", warming up its hidden state); then each step picks the next token from the distribution
 * `softmax(o / T)` over the vocabulary, feeds it back in, and stops at `<eos>` or a maximum length.
 *
 * - **greedy**: always the most likely token (deterministic, often repetitive);
 * - **temperature**: sample from `softmax(o / T)`; `T < 1` sharpens, `T > 1` flattens, `T → 0` is greedy;
 * - **top-k**: sample among the `k` most likely tokens only;
 * - **top-p** (nucleus): sample among the smallest set of tokens whose probability reaches `p`.
 *
 * Every sampler is seeded: the same seed gives the same text.
 *
 * ```ts
 * const ids = sampleTopP(model, vocab.encode(["t", "h"]), { p: 0.9, maxLength: 50, seed: 1 });
 * generateText(model, vocab, "the ", { kind: "temperature", temperature: 0.8 }, { maxLength: 60 });
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { oneHotIds } from "../data/batch-tensors";
import { Rng } from "../data/rng";
import type { LanguageModel } from "../rnn/rnn-lm";

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
  for (let i = 0; i < n; i++) sum += (p[i] = Math.exp((logits[i] - max) / temperature));
  for (let i = 0; i < n; i++) p[i] /= sum;
  return p;
}

/** Keeps the `k` most probable tokens and renormalises. */
export function topKFilter(probs: ArrayLike<number>, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new Error(`topKFilter: k must be a positive integer, got ${k}.`);
  const order = Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a]);
  const out = new Float64Array(probs.length);
  let sum = 0;
  for (const i of order.slice(0, k)) sum += (out[i] = probs[i]);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** Keeps the smallest set of most probable tokens whose total probability reaches `p` (the nucleus), renormalised. */
export function topPFilter(probs: ArrayLike<number>, p: number): Float64Array {
  if (!(p > 0 && p <= 1)) throw new Error(`topPFilter: p must be in (0, 1], got ${p}.`);
  const order = Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a]);
  const out = new Float64Array(probs.length);
  let mass = 0;
  for (const i of order) {
    out[i] = probs[i];
    mass += probs[i];
    if (mass >= p) break;
  }
  for (let i = 0; i < out.length; i++) out[i] /= mass;
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
export function entropyVsTemperature(logits: ArrayLike<number>, temperatures: readonly number[]): { temperature: number; entropy: number }[] {
  return temperatures.map((temperature) => ({ temperature, entropy: entropyBits(softmaxTemperature(logits, temperature)) }));
}

// ---------------------------------------------------------------- decoding with a model

/** How the next token is chosen. */
export type DecodeMethod =
  | { readonly kind: "greedy" }
  | { readonly kind: "temperature"; readonly temperature: number }
  | { readonly kind: "topK"; readonly k: number; readonly temperature?: number }
  | { readonly kind: "topP"; readonly p: number; readonly temperature?: number };

/** Options shared by every decoder. */
export interface DecodeOptions {
  /** At most this many new tokens. */
  readonly maxLength: number;
  /** Stop when this token is produced (it is not included in the result). */
  readonly eosId?: number;
  /** Seed of the sampling; the same seed gives the same tokens. Default 0. */
  readonly seed?: number;
}

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

/** Runs `ids` through the model from `state` (consumed) and returns the last step's logits and the new state. */
function step(model: LanguageModel, ids: readonly number[], state: tf.Tensor2D[] | undefined): [Float32Array, tf.Tensor2D[]] {
  const X = oneHotIds(ids, 1, ids.length, model.vocabSize); // [numSteps, 1, vocabSize]
  const [logits, newState] = model.forward(X, state);
  const last = tf.tidy(() => tf.slice(logits, [ids.length - 1, 0, 0], [1, 1, model.vocabSize]).dataSync() as Float32Array);
  tf.dispose([X, logits, ...(state ?? [])]);
  return [last, newState];
}

/** The logits of the token that would follow `prefix` (ids), `[vocabSize]`; no tensors are left behind. */
export function nextTokenLogits(model: LanguageModel, prefix: readonly number[]): Float32Array {
  if (prefix.length === 0) throw new Error("nextTokenLogits: the prefix is empty; give at least one token (e.g. the <bos> id).");
  const [logits, state] = step(model, prefix, undefined);
  tf.dispose(state);
  return logits;
}

/**
 * Generates up to `maxLength` new token ids after `prefix`, choosing each with `method`.
 * Returns only the new ids (without the prefix, and without the `<eos>` that stopped it).
 */
export function decode(model: LanguageModel, prefix: readonly number[], method: DecodeMethod, opts: DecodeOptions): number[] {
  if (prefix.length === 0) throw new Error("decode: the prefix is empty; give at least one token (for names, the <bos> id or a first letter).");
  if (!(Number.isInteger(opts.maxLength) && opts.maxLength >= 0)) throw new Error(`decode: maxLength must be an integer ≥ 0, got ${opts.maxLength}.`);
  for (const id of prefix) {
    if (!(Number.isInteger(id) && id >= 0 && id < model.vocabSize)) {
      throw new Error(`decode: prefix id ${id} is not in the model's vocabulary of ${model.vocabSize}; encode the prefix with the model's vocab.`);
    }
  }
  const rng = new Rng(opts.seed ?? 0);
  const out: number[] = [];
  let [logits, state] = step(model, prefix, undefined); // warm-up: read the whole prefix
  try {
    while (out.length < opts.maxLength) {
      const next = sampleIndex(nextTokenProbs(logits, method), rng);
      if (next === opts.eosId) break;
      out.push(next);
      if (out.length === opts.maxLength) break;
      [logits, state] = step(model, [next], state);
    }
  } finally {
    tf.dispose(state);
  }
  return out;
}

/** The most likely token at every step. */
export function greedy(model: LanguageModel, prefix: readonly number[], opts: DecodeOptions): number[] {
  return decode(model, prefix, { kind: "greedy" }, opts);
}

/** Samples from `softmax(o / T)`. */
export function sampleTemperature(model: LanguageModel, prefix: readonly number[], opts: DecodeOptions & { readonly temperature: number }): number[] {
  return decode(model, prefix, { kind: "temperature", temperature: opts.temperature }, opts);
}

/** Samples among the `k` most likely tokens. */
export function sampleTopK(model: LanguageModel, prefix: readonly number[], opts: DecodeOptions & { readonly k: number; readonly temperature?: number }): number[] {
  return decode(model, prefix, { kind: "topK", k: opts.k, temperature: opts.temperature }, opts);
}

/** Samples from the nucleus: the most likely tokens that together reach probability `p`. */
export function sampleTopP(model: LanguageModel, prefix: readonly number[], opts: DecodeOptions & { readonly p: number; readonly temperature?: number }): number[] {
  return decode(model, prefix, { kind: "topP", p: opts.p, temperature: opts.temperature }, opts);
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
export function generateText(model: LanguageModel, vocab: TokenCodec, prefix: string, method: DecodeMethod, opts: GenerateTextOptions): string {
  if (opts.bos && vocab.bosId === undefined) throw new Error('generateText: bos: true needs a vocab with "<bos>"; build it with { reserved: ["<bos>", …] }.');
  const start = opts.bos ? [vocab.bosId as number] : [];
  const ids = decode(model, [...start, ...vocab.encode([...prefix])], method, { eosId: vocab.eosId, ...opts });
  return prefix + vocab.decode(ids).join("");
}
