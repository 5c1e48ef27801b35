/**
 * A toy encoder–decoder batch shared by the seq2seq and attention tests. Target ids: 0 <pad>, 1 <bos>, 2 <eos>,
 * 3… tokens; source ids: 0 <pad>, 1… tokens.
 */
import { paddedBatch } from "../data/line-batches";
import type { Seq2SeqBatch } from "../rnn/seq2seq";

/** The target side's special ids, as `paddedBatch` takes them. */
export const TGT = { start: 1, eos: 2, pad: 0 };
/** Source vocabulary size. */
export const SRC_V = 7;
/** Target vocabulary size. */
export const TGT_V = 9;

/** A batch of (source, target) id lists: sources padded with 0, targets as paddedBatch makes them. */
export function pairBatch(pairs: readonly [number[], number[]][]): Seq2SeqBatch {
  const b = paddedBatch(
    pairs.map(([, t]) => t),
    TGT,
  );
  const S = Math.max(...pairs.map(([s]) => s.length));
  const src = new Int32Array(pairs.length * S);
  pairs.forEach(([s], i) => src.set(s, i * S));
  return { ...b, src, srcSteps: S, srcLens: Int32Array.from(pairs, ([s]) => s.length) };
}

/** Three pairs of different lengths. */
export const PAIRS: [number[], number[]][] = [
  [
    [1, 2, 3, 4, 5],
    [3, 4, 5, 6],
  ],
  [[6, 2], [7]],
  [
    [3, 3, 1],
    [8, 8, 3, 4, 5],
  ],
];
