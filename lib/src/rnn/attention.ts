/**
 * **Attention** (d2l 11.1–11.4): a query looks at every key, scores each, and reads back a weighted mean
 * of the values. In an encoder–decoder the keys and values are the encoder's outputs (one per source
 * token), the query is the decoder's state, and the weighted mean is a context made fresh for every
 * output token instead of one fixed `C`.
 *
 * ```text
 * scores     e_ij = a(q_i, k_j)                                   [batchSize, queries, sourceSteps]
 * weights    α_ij = exp(e_ij) / Σ_{j' < len} exp(e_ij')  (0 on padding, j ≥ len)   masked softmax
 * context    c_i  = Σ_j α_ij v_j                                  [batchSize, queries, valueSize]
 * additive   a(q, k) = w_vᵀ tanh(W_q q + W_k k)                   (Bahdanau; W_q, W_k: → attentionSize)
 * dot        a(q, k) = qᵀ W k / √d                                 (Luong; W = I when the sizes agree)
 * ```
 *
 * A scoring function is prepared once per source (`prepareKeys`: `W_k k` for additive, `W k` for dot), so
 * a decoder that asks one query per output token does not project the keys again every step.
 * `…Scratch` classes hold their matrices as variables; the bare ones apply `tf.layers.dense` layers. tfjs
 * has no attention layer (Keras's `AdditiveAttention` and `Attention` have no tfjs counterpart) and
 * `tf.layers.softmax` takes no mask, so in both the scores, the masked softmax and the weighted mean are
 * tensor ops.
 *
 * ```ts
 * const att = new AdditiveAttentionScratch({ querySize: 64, keySize: 64, attentionSize: 32 });
 * const K = att.prepareKeys(values);                       // [batchSize, sourceSteps, 32]
 * const { context, weights } = att.attend(queries, K, values, validLens);
 * ```
 * @see notebooks/07b-attention.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { fusedAdditiveAttention } from "../fast/fused-attention";
import { DEFAULT_INIT_SEED, glorotLimit, initValues, initVariable } from "./init";

/** The two scoring functions: additive (Bahdanau) and dot product (Luong). */
export type AttentionScore = "additive" | "dot";

/** Valid lengths of a batch of sources: an int32 tensor `[batchSize]`, or plain numbers. */
export type AttentionLens = tf.Tensor1D | Int32Array | readonly number[];

/**
 * Softmax over the last axis of `scores` `[batchSize, queries, sourceSteps]`, where positions at or past a
 * row's valid length get a weight of exactly 0 and the others sum to 1. Without `validLens`, a plain softmax.
 * @throws Error when a valid length is not in 1…sourceSteps or their count differs from batchSize.
 */
export function maskedSoftmax(scores: tf.Tensor3D, validLens?: AttentionLens): tf.Tensor3D {
  if (validLens === undefined) return tf.softmax(scores);
  const [B, , S] = scores.shape;
  const lens = validLens instanceof tf.Tensor ? validLens : null;
  if (lens === null) checkLens(validLens as ArrayLike<number>, B, S);
  else if (lens.shape[0] !== B) throw new Error(`maskedSoftmax: ${lens.shape[0]} valid lengths for ${B} rows; give one per row.`);
  return tf.tidy(() => {
    const L = lens ?? tf.tensor1d(Int32Array.from(validLens as ArrayLike<number>), "int32");
    const keep = tf.broadcastTo(tf.less(tf.reshape(tf.range(0, S, 1, "int32"), [1, 1, S]), tf.reshape(L, [B, 1, 1])), scores.shape); // j < len
    const masked = tf.where(keep, scores, tf.fill(scores.shape, -1e9)); // exp(−1e9 − max) underflows to 0…
    return tf.mul(tf.softmax(masked), tf.cast(keep, "float32")) as tf.Tensor3D; // …and the product makes it exactly 0
  });
}

function checkLens(lens: ArrayLike<number>, batchSize: number, sourceSteps: number): void {
  if (lens.length !== batchSize) throw new Error(`maskedSoftmax: ${lens.length} valid lengths for ${batchSize} rows; give one per row.`);
  for (let b = 0; b < lens.length; b++) {
    const n = lens[b];
    if (!(Number.isInteger(n) && n >= 1 && n <= sourceSteps)) {
      throw new Error(`maskedSoftmax: row ${b} has valid length ${n}; each needs 1 to ${sourceSteps} (the padded length) positions.`);
    }
  }
}

/** What {@link Attention.attend} returns (new tensors, the caller's). */
export interface AttentionResult {
  /** `c_i = Σ_j α_ij v_j`, `[batchSize, queries, valueSize]`. */
  readonly context: tf.Tensor3D;
  /** `α_ij`, `[batchSize, queries, sourceSteps]`: each row sums to 1, exactly 0 on padding. */
  readonly weights: tf.Tensor3D;
}

/** A scoring function with its parameters: the one interface of additive and dot-product attention. */
export interface Attention {
  readonly score: AttentionScore;
  /** Width of a query (the decoder's state). */
  readonly querySize: number;
  /** Width of a key (the encoder's output). */
  readonly keySize: number;
  /**
   * The keys as the scores read them, computed once per source: `W_k k` for additive, `W k` for dot.
   * @param keys `[batchSize, sourceSteps, keySize]`
   */
  prepareKeys(keys: tf.Tensor3D): tf.Tensor3D;
  /**
   * Every query against every (prepared) key, the masked softmax, the weighted mean of the values.
   * @param queries `[batchSize, queries, querySize]`
   * @param preparedKeys what {@link prepareKeys} returned, `[batchSize, sourceSteps, ·]`
   * @param values `[batchSize, sourceSteps, valueSize]`
   * @param validLens real source positions of each row; omitted: every position counts
   */
  attend(queries: tf.Tensor3D, preparedKeys: tf.Tensor3D, values: tf.Tensor3D, validLens?: AttentionLens): AttentionResult;
  /** The parameters, in a fixed order. */
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

/** A learnt linear map `[…, inSize] → […, outSize]` without bias: a variable, or a `tf.layers.dense`. */
interface Projection {
  apply(x: tf.Tensor3D): tf.Tensor3D;
  variables(): tf.Variable[];
  dispose(): void;
}

/** The seeded Glorot-uniform values every projection starts from, scratch or layer. */
function projectionValues(inSize: number, outSize: number, seed: number, key: string): Float32Array {
  return initValues([inSize, outSize], { uniform: glorotLimit(inSize, outSize) }, seed, key);
}

function scratchProjection(inSize: number, outSize: number, seed: number, key: string): Projection {
  const W = initVariable([inSize, outSize], { uniform: glorotLimit(inSize, outSize) }, seed, key);
  return {
    apply: (x) => {
      const [B, T] = x.shape;
      return tf.reshape(tf.matMul(tf.reshape(x, [B * T, inSize]), W), [B, T, outSize]) as tf.Tensor3D; // x W
    },
    variables: () => [W],
    dispose: () => W.dispose(),
  };
}

function layerProjection(inSize: number, outSize: number, seed: number, key: string): Projection {
  const layer = tf.layers.dense({ units: outSize, useBias: false, inputShape: [inSize] });
  tf.tidy(() => {
    layer.apply(tf.zeros([1, 1, inSize]));
    layer.setWeights([tf.tensor2d(projectionValues(inSize, outSize, seed, key), [inSize, outSize])]);
  });
  return {
    apply: (x) => layer.apply(x) as tf.Tensor3D, // dense on the last axis
    variables: () => layer.trainableWeights.map((w) => w.read() as tf.Variable),
    dispose: () => layer.dispose(),
  };
}

type ProjectionMaker = (inSize: number, outSize: number, seed: number, key: string) => Projection;

function checkSizes(where: string, sizes: Record<string, number>): void {
  for (const [name, n] of Object.entries(sizes)) {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`${where}: ${name} must be a positive integer, got ${n}.`);
  }
}

function checkWidth(where: string, what: string, t: tf.Tensor, width: number): void {
  if (t.rank !== 3 || t.shape[2] !== width) {
    throw new Error(`${where}: ${what} must be [batchSize, steps, ${width}], got [${t.shape}].`);
  }
}

/** The scores `[B, Q, S]` that `scoresOf` makes, their masked softmax, and the weighted mean of the values (one tidy). */
function attendWith(
  where: string,
  values: tf.Tensor3D,
  validLens: AttentionLens | undefined,
  scoresOf: () => tf.Tensor3D,
): AttentionResult {
  const [context, weights] = tf.tidy((): tf.Tensor3D[] => {
    const scores = scoresOf();
    const [B, , S] = scores.shape;
    if (values.rank !== 3 || values.shape[0] !== B || values.shape[1] !== S) {
      throw new Error(`${where}: values must be [${B}, ${S}, valueSize] like the keys, got [${values.shape}].`);
    }
    const w = maskedSoftmax(scores, validLens); // [B, Q, S]
    return [tf.matMul(w, values) as tf.Tensor3D, w]; // Σ_j α_ij v_j: [B, Q, valueSize]
  });
  return { context, weights };
}

/** Sizes of an additive attention. */
export interface AdditiveAttentionConfig {
  readonly querySize: number;
  readonly keySize: number;
  /** Width of the hidden layer `tanh(W_q q + W_k k)` (deeplearning.ai's `Dense(10, tanh)`: 10). */
  readonly attentionSize: number;
  /** Seed of `W_q`, `W_k`, `w_v`. Default 0. */
  readonly seed?: number;
  /**
   * Run the tanh layer, the scores, the masked softmax and the weighted mean as one op on the fused kernels
   * (`fast/fused-attention.ts`; the same function, several times faster on wasm). Default false: tensor ops.
   */
  readonly fused?: boolean;
}

/** Additive (Bahdanau) attention on a given kind of projection. */
class Additive implements Attention {
  readonly score = "additive" as const;
  readonly querySize: number;
  readonly keySize: number;
  readonly attentionSize: number;
  readonly fused: boolean;
  private readonly W_q: Projection;
  private readonly W_k: Projection;
  private readonly w_v: Projection;

  constructor(
    private readonly name: string,
    config: AdditiveAttentionConfig,
    make: ProjectionMaker,
  ) {
    const { querySize, keySize, attentionSize, seed = DEFAULT_INIT_SEED } = config;
    checkSizes(name, { querySize, keySize, attentionSize });
    this.querySize = querySize;
    this.keySize = keySize;
    this.attentionSize = attentionSize;
    this.fused = config.fused === true;
    this.W_q = make(querySize, attentionSize, seed, "W_q");
    this.W_k = make(keySize, attentionSize, seed, "W_k");
    this.w_v = make(attentionSize, 1, seed, "w_v");
  }

  prepareKeys(keys: tf.Tensor3D): tf.Tensor3D {
    checkWidth(this.name, "keys", keys, this.keySize);
    return tf.tidy(() => this.W_k.apply(keys)); // W_k k: [B, S, attentionSize]
  }

  attend(queries: tf.Tensor3D, preparedKeys: tf.Tensor3D, values: tf.Tensor3D, validLens?: AttentionLens): AttentionResult {
    checkWidth(this.name, "queries", queries, this.querySize);
    checkWidth(this.name, "prepared keys", preparedKeys, this.attentionSize);
    if (this.fused && tf.getBackend() !== "tensorflow") return this.attendFused(queries, preparedKeys, values, validLens);
    return attendWith(this.name, values, validLens, () => {
      const [B, Q] = queries.shape;
      const S = preparedKeys.shape[1];
      const q = this.W_q.apply(queries); // [B, Q, a]
      const features = tf.tanh(tf.add(tf.expandDims(q, 2), tf.expandDims(preparedKeys, 1))); // [B, Q, S, a]
      return tf.reshape(this.w_v.apply(tf.reshape(features, [B, Q * S, this.attentionSize]) as tf.Tensor3D), [B, Q, S]) as tf.Tensor3D; // w_vᵀ tanh(…)
    });
  }

  /** {@link attend} as one fused op after the query projection (see {@link AdditiveAttentionConfig.fused}). */
  private attendFused(queries: tf.Tensor3D, preparedKeys: tf.Tensor3D, values: tf.Tensor3D, validLens?: AttentionLens): AttentionResult {
    const [B, , S] = [queries.shape[0], 0, preparedKeys.shape[1]];
    if (values.rank !== 3 || values.shape[0] !== B || values.shape[1] !== S) {
      throw new Error(`${this.name}: values must be [${B}, ${S}, valueSize] like the keys, got [${values.shape}].`);
    }
    let lens: Int32Array | null = null;
    if (validLens !== undefined) {
      lens = Int32Array.from(validLens instanceof tf.Tensor ? validLens.dataSync() : validLens);
      checkLens(lens, B, S);
    }
    const [context, weights] = tf.tidy(() => {
      const q = this.W_q.apply(queries); // [B, Q, a]
      const wv = tf.reshape(this.w_v.variables()[0], [this.attentionSize]) as tf.Tensor1D; // w_v: [a, 1] → [a]
      const r = fusedAdditiveAttention(q, preparedKeys, wv, values, lens);
      return [r.context, r.weights];
    });
    return { context, weights };
  }

  trainableVariables(): tf.Variable[] {
    return [...this.W_q.variables(), ...this.W_k.variables(), ...this.w_v.variables()];
  }

  dispose(): void {
    [this.W_q, this.W_k, this.w_v].forEach((p) => p.dispose());
  }
}

/** Additive (Bahdanau) attention with its matrices as variables (tensor ops only). */
export class AdditiveAttentionScratch extends Additive {
  constructor(config: AdditiveAttentionConfig) {
    super("AdditiveAttentionScratch", config, scratchProjection);
  }
}

/** Additive attention with `W_q`, `W_k`, `w_v` as `tf.layers.dense` layers; same seeded start as the scratch one. */
export class AdditiveAttention extends Additive {
  constructor(config: AdditiveAttentionConfig) {
    super("AdditiveAttention", config, layerProjection);
  }
}

/** Sizes of a dot-product attention. */
export interface DotProductAttentionConfig {
  readonly querySize: number;
  readonly keySize: number;
  /** Divide the scores by `√querySize` (d2l's scaled dot product). Default true. */
  readonly scaled?: boolean;
  /** Seed of `W` (only when the sizes differ). Default 0. */
  readonly seed?: number;
}

/**
 * Dot-product (Luong) attention: `a(q, k) = qᵀ k / √d`. When keys and queries differ in width (a
 * bidirectional encoder under a one-way decoder), the keys first go through a learnt `W`
 * (Luong's "general" score `qᵀ W k`); when they agree there is nothing to learn.
 */
class Dot implements Attention {
  readonly score = "dot" as const;
  readonly querySize: number;
  readonly keySize: number;
  readonly scaled: boolean;
  private readonly W: Projection | undefined;

  constructor(
    private readonly name: string,
    config: DotProductAttentionConfig,
    make: ProjectionMaker,
  ) {
    const { querySize, keySize, scaled = true, seed = DEFAULT_INIT_SEED } = config;
    checkSizes(name, { querySize, keySize });
    this.querySize = querySize;
    this.keySize = keySize;
    this.scaled = scaled;
    this.W = keySize === querySize ? undefined : make(keySize, querySize, seed, "W_k");
  }

  prepareKeys(keys: tf.Tensor3D): tf.Tensor3D {
    checkWidth(this.name, "keys", keys, this.keySize);
    return tf.tidy(() => (this.W ? this.W.apply(keys) : tf.clone(keys))); // [B, S, querySize]
  }

  attend(queries: tf.Tensor3D, preparedKeys: tf.Tensor3D, values: tf.Tensor3D, validLens?: AttentionLens): AttentionResult {
    checkWidth(this.name, "queries", queries, this.querySize);
    checkWidth(this.name, "prepared keys", preparedKeys, this.querySize);
    return attendWith(this.name, values, validLens, () => {
      const scores = tf.matMul(queries, preparedKeys, false, true) as tf.Tensor3D; // q·k: [B, Q, S]
      return this.scaled ? tf.div(scores, Math.sqrt(this.querySize)) : scores;
    });
  }

  trainableVariables(): tf.Variable[] {
    return this.W ? this.W.variables() : [];
  }

  dispose(): void {
    this.W?.dispose();
  }
}

/** Dot-product attention in tensor ops (a variable `W` when the sizes differ). */
export class DotProductAttentionScratch extends Dot {
  constructor(config: DotProductAttentionConfig) {
    super("DotProductAttentionScratch", config, scratchProjection);
  }
}

/** Dot-product attention whose key projection (when the sizes differ) is a `tf.layers.dense`. */
export class DotProductAttention extends Dot {
  constructor(config: DotProductAttentionConfig) {
    super("DotProductAttention", config, layerProjection);
  }
}

/** Sizes of {@link buildAttention}. */
export interface BuildAttentionConfig {
  readonly querySize: number;
  readonly keySize: number;
  /** Hidden width of additive attention. Default `querySize`. */
  readonly attentionSize?: number;
  readonly seed?: number;
  /** Additive attention as one fused op (see {@link AdditiveAttentionConfig.fused}). Default false. */
  readonly fused?: boolean;
}

/** An attention of `score` kind, scratch or on `tf.layers`. */
export function buildAttention(score: AttentionScore, concise: boolean, config: BuildAttentionConfig): Attention {
  const { querySize, keySize, attentionSize = querySize, seed, fused } = config;
  if (score === "additive") {
    const c = { querySize, keySize, attentionSize, seed, fused };
    return concise ? new AdditiveAttention(c) : new AdditiveAttentionScratch(c);
  }
  if (score === "dot")
    return concise ? new DotProductAttention({ querySize, keySize, seed }) : new DotProductAttentionScratch({ querySize, keySize, seed });
  throw new Error(`buildAttention: score must be "additive" or "dot", got ${JSON.stringify(score)}.`);
}
