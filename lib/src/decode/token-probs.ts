/**
 * How probable a language model finds each token of given sequences (teacher forcing: every token is
 * predicted from the true tokens before it), and the most likely tokens at a position. These score text the
 * model did not write (the corpus) and text a constrained decoder forced on it: the perplexity of constrained
 * samples says how far the constraints pushed the model from what it would have written.
 *
 * ```ts
 * const lp = tokenLogProbs(model, [[bos, a, b, eos]]); // [[log P(a | bos), log P(b | bos a), log P(eos | bos a b)]]
 * perplexityOf(lp);                                    // exp(−mean)
 * topTokens(nextTokenProbs(logits, { kind: "greedy" }), 5);
 * ```
 * @see notebooks/09-tang-poems.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { idsTensor } from "../data/batch-tensors";
import type { LanguageModel } from "../rnn/rnn-lm";

/** Options of {@link tokenLogProbs}. */
export interface TokenLogProbsOptions {
  /** Rows per forward pass. Default 64. */
  readonly batchSize?: number;
}

/**
 * Natural-log probabilities of every token after the first, per row: `out[r][t − 1] = log P(rows[r][t] | rows[r][< t])`.
 * Rows may differ in length (each needs at least two tokens, e.g. `<bos>` and one more).
 */
export function tokenLogProbs(model: LanguageModel, rows: readonly (readonly number[])[], opts: TokenLogProbsOptions = {}): Float64Array[] {
  const { batchSize = 64 } = opts;
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new Error(`tokenLogProbs: batchSize must be a positive integer, got ${batchSize}.`);
  const V = model.vocabSize;
  rows.forEach((row, r) => {
    if (row.length < 2) throw new Error(`tokenLogProbs: row ${r} has ${row.length} token(s); give at least two (e.g. <bos> and one more).`);
    for (const id of row) {
      if (!(Number.isInteger(id) && id >= 0 && id < V))
        throw new Error(`tokenLogProbs: row ${r} holds id ${id}, not in the model's vocabulary of ${V}.`);
    }
  });
  const out: Float64Array[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = rows.slice(start, start + batchSize);
    const B = chunk.length;
    const inLens = chunk.map((row) => row.length - 1); // inputs: every token but the last
    const T = Math.max(...inLens);
    const padded = chunk.flatMap((row) => [...row.slice(0, -1), ...new Array<number>(T - row.length + 1).fill(0)]); // [B, T]
    const ragged = inLens.some((n) => n !== T);
    // Only the target's log-probability leaves the backend: logSoftmax [T, B, V] gathered at [T · B] flat indices.
    const targetIdx = new Int32Array(T * B);
    chunk.forEach((row, b) => {
      for (let t = 0; t < T; t++) targetIdx[t * B + b] = (t * B + b) * V + (t + 1 < row.length ? row[t + 1] : 0);
    });
    const picked = tf.tidy(() => {
      const [logits] = model.forward(idsTensor(padded, B, T), undefined, ragged ? { validLens: inLens } : {}); // [T, B, V]
      const flat = tf.logSoftmax(logits).reshape([T * B * V]);
      return tf.gather(flat, tf.tensor1d(targetIdx, "int32"));
    });
    const lp = picked.dataSync();
    picked.dispose();
    chunk.forEach((row, b) => {
      const r = new Float64Array(row.length - 1);
      for (let t = 0; t < r.length; t++) r[t] = lp[t * B + b];
      out.push(r);
    });
  }
  return out;
}

/** `exp(−mean log-probability)` over every token of every row (per-token perplexity). */
export function perplexityOf(logProbs: readonly ArrayLike<number>[]): number {
  let sum = 0;
  let n = 0;
  for (const row of logProbs) {
    for (let i = 0; i < row.length; i++) sum += row[i];
    n += row.length;
  }
  if (n === 0) throw new Error("perplexityOf: no tokens; give at least one row with one log-probability.");
  return Math.exp(-sum / n);
}

/** The `k` most probable ids of a distribution, most probable first (ties: lower id first). */
export function topTokens(probs: ArrayLike<number>, k: number): { readonly id: number; readonly p: number }[] {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`topTokens: k must be a positive integer, got ${k}.`);
  const ids = Array.from({ length: probs.length }, (_, i) => i);
  ids.sort((a, b) => probs[b] - probs[a] || a - b);
  return ids.slice(0, k).map((id) => ({ id, p: probs[id] }));
}
