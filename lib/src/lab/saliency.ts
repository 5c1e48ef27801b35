/**
 * **Where does a direction look?** The saliency of input step `s` for output step `t` is how strongly the
 * block's output at `t` reacts to the (encoded) input at `s`: the norm of a gradient,
 *
 * ```text
 * S[t][s] = ‖ ∂(r · H_t[start:end]) / ∂X_s ‖₂        r: a fixed unit vector over the chosen hidden units
 * ```
 *
 * For a causal (left-to-right) block `S[t][s] = 0` exactly whenever `s > t`: it has not read the future.
 * A reversed block is the mirror image (`S[t][s] = 0` for `s < t`), and the two halves of a bidirectional
 * block's concatenated output (`units: [0, h]` and `[h, 2h]`) show one triangle each. Projecting on one
 * random direction `r` (seeded) keeps it to one gradient per output step; pass a one-hot `projection` to ask
 * about a single unit.
 *
 * **One backward pass for all `t`.** Rows of a batch never interact in a recurrent block (every operation is
 * row by row), so the sequence is copied `T` times into one batch and copy `c` is asked only about its own
 * step `c`: the gradient of `Σ_c r · H_c(copy c)` with respect to copy `c`'s inputs is exactly
 * `∂(r · H_c)/∂X` of the sequence alone. One forward and one backward pass of a batch of `T` replace `T`
 * backward passes of a batch of one (the test checks the two agree).
 *
 * ```ts
 * const S = inputSaliency(tagger, vocab.encode([..."thestateoftheunion"]), { units: [0, 32] }); // the forward half
 * show(heatmap(S, { xLabels: [..."thestateoftheunion"], yLabels: [..."thestateoftheunion"], xTitle: "input step", yTitle: "output step" }));
 * ```
 * @see notebooks/06-bidirectional.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { DEFAULT_SEED, Rng } from "../data/rng";
import type { TokenEncoder } from "../rnn/embedding";
import type { RecurrentBlock } from "../rnn/recurrent";

/** What {@link inputSaliency} needs of a model: its token encoder and its recurrent block. */
export interface SaliencyModel {
  readonly encoder: TokenEncoder;
  readonly block: RecurrentBlock;
}

/** Options of {@link inputSaliency}. */
export interface SaliencyOptions {
  /** Hidden units `[start, end)` of the block's output to look at, e.g. one direction's half. Default: all. */
  readonly units?: readonly [number, number];
  /** The direction `r` over those units (`end − start` numbers, not all zero). Default: a seeded random unit vector. */
  readonly projection?: ArrayLike<number>;
  /** Seed of the random `r`. Default 42. */
  readonly seed?: number;
}

/** Longest sequence {@link inputSaliency} takes: the work grows with its square. */
export const SALIENCY_MAX_STEPS = 512;

/** The direction `r`: the given one, or a seeded normal vector scaled to length 1. */
function projectionVector(where: string, numUnits: number, opts: SaliencyOptions): Float32Array {
  if (opts.projection !== undefined) {
    const r = Float32Array.from(opts.projection);
    if (r.length !== numUnits)
      throw new Error(`${where}: the projection has ${r.length} numbers for ${numUnits} units; give one per unit of [start, end).`);
    if (!r.every((v) => Number.isFinite(v)) || r.every((v) => v === 0))
      throw new Error(`${where}: the projection must be finite and not all zero.`);
    return r;
  }
  const rng = new Rng(opts.seed ?? DEFAULT_SEED);
  const r = Float32Array.from({ length: numUnits }, () => rng.normal());
  const norm = Math.hypot(...r);
  return r.map((v) => v / norm);
}

/**
 * The saliency map of one sequence, `[outputStep][inputStep]` (see the module summary): `S[t][s]` is the
 * norm of the gradient of `r · H_t[start:end]` with respect to the encoded input `X_s`.
 * @param model anything with an `encoder` and a `block` (a tagger, a classifier, a language model)
 * @param ids the sequence's token ids, one batch row
 * @throws Error when `ids` is empty, too long or outside the vocabulary, `units` is not a range inside the
 *   block's output, or the encoder's width does not match the block's inputs.
 */
export function inputSaliency(model: SaliencyModel, ids: readonly number[], opts: SaliencyOptions = {}): number[][] {
  const where = "inputSaliency";
  const { encoder, block } = model;
  if (encoder.numOutputs !== block.numInputs) {
    throw new Error(
      `${where}: the encoder gives ${encoder.numOutputs} features per token but the block reads ${block.numInputs}; pass the model's own encoder and block.`,
    );
  }
  const T = ids.length;
  if (T === 0) throw new Error(`${where}: no ids; give the token ids of one sequence, e.g. vocab.encode([..."some text"]).`);
  if (T > SALIENCY_MAX_STEPS)
    throw new Error(`${where}: ${T} steps is more than ${SALIENCY_MAX_STEPS} (the work grows with the square); take a shorter piece.`);
  ids.forEach((id, s) => {
    if (!Number.isInteger(id) || id < 0 || id >= encoder.vocabSize) {
      throw new Error(
        `${where}: id ${id} at step ${s} is outside the vocabulary [0, ${encoder.vocabSize}); encode the text with the model's vocab.`,
      );
    }
  });
  const H = block.numHiddens;
  const [start, end] = opts.units ?? [0, H];
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > H || start >= end) {
    throw new Error(
      `${where}: units [${start}, ${end}) must be a non-empty range of whole numbers inside [0, ${H}) (the block's output width); e.g. [0, ${H / 2}) for a concatenated forward half.`,
    );
  }
  const r = projectionVector(where, end - start, opts);

  const S = tf.tidy(() => {
    const X = tf.tile(encoder.encode(tf.tensor2d(Int32Array.from(ids), [T, 1], "int32")), [1, T, 1]); // [T steps, T copies, numInputs]
    const diag = tf.reshape(tf.eye(T), [T, T, 1]); // diag[t, c] = 1 when t = c: copy c answers for output step c
    const R = tf.tensor3d(r, [1, 1, end - start]);
    const f = (x: tf.Tensor): tf.Scalar => {
      const [outputs] = block.forward(x as tf.Tensor3D); // [T, T, H]
      const Hc = tf.slice(outputs, [0, 0, start], [T, T, end - start]); // [T, T, units]
      return tf.sum(tf.mul(tf.mul(Hc, R), diag)); // Σ_c r · H_c(copy c)
    };
    const g = tf.grad(f)(X); // [T input steps s, T copies c, numInputs]: ∂(r · H_c)/∂X_s
    return tf.transpose(tf.norm(g, "euclidean", -1)); // [c = output step, s = input step]
  });
  try {
    return S.arraySync() as number[][];
  } finally {
    S.dispose();
  }
}

/** What {@link saliencyByOffset} returns: for each offset `k = s − t`, the mean share of saliency there. */
export interface SaliencyProfile {
  /** `−maxOffset … maxOffset`: negative looks back, positive looks ahead. */
  readonly offsets: number[];
  /** Mean over output steps `t` of `S[t][t + k] / Σ_s S[t][s]` (steps where `t + k` is outside the sequence count 0). */
  readonly share: number[];
  /** The share of saliency on inputs after `t` (offsets > 0), over all offsets, not only the plotted ones. */
  readonly ahead: number;
}

/**
 * How a saliency map of {@link inputSaliency} spreads over **relative** position: each output step's row is
 * scaled to sum to 1, then averaged along the diagonals `s − t = k`. A left-to-right block has no share at
 * `k > 0`; a bidirectional one splits its attention between both sides.
 * @throws Error when the map is empty, not square, or has negative or non-finite entries.
 */
export function saliencyByOffset(S: readonly (readonly number[])[], maxOffset = 10): SaliencyProfile {
  const T = S.length;
  if (T === 0 || S.some((row) => row.length !== T))
    throw new Error("saliencyByOffset: the map must be square, [outputStep][inputStep], as inputSaliency returns it.");
  if (!Number.isInteger(maxOffset) || maxOffset < 0)
    throw new Error(`saliencyByOffset: maxOffset must be a whole number ≥ 0, got ${maxOffset}.`);
  if (S.some((row) => row.some((v) => !(v >= 0) || !Number.isFinite(v))))
    throw new Error("saliencyByOffset: the map has negative or non-finite entries; pass gradient norms from inputSaliency.");
  const offsets = Array.from({ length: 2 * maxOffset + 1 }, (_, i) => i - maxOffset);
  const share = offsets.map(() => 0);
  let ahead = 0;
  for (let t = 0; t < T; t++) {
    const total = S[t].reduce((a, b) => a + b, 0);
    if (total === 0) continue; // an output that reads nothing (cannot happen for a trained block) adds nothing
    for (let s = 0; s < T; s++) {
      const k = s - t;
      if (k > 0) ahead += S[t][s] / total / T;
      if (Math.abs(k) <= maxOffset) share[k + maxOffset] += S[t][s] / total / T;
    }
  }
  return { offsets, share, ahead };
}
