/**
 * **Sequence to sequence** (d2l's encoder–decoder). An encoder reads the whole source sequence; its final
 * state becomes the **context** `C`, one vector per sequence. A decoder writes the target one token at a
 * time: at step `t` it reads the previous target token and `C`, starting from the encoder's final state.
 *
 * ```text
 * source  x_1 … x_T ──encoder──▶ H_T  = C          (the encoder's state after each sequence's last real token)
 * decoder input   <bos>  y_1  …  y_{T'}            (teacher forcing: the target shifted right)
 * decoder state   S_0 = H_T,  S_t = f([e(y_{t−1}), C], S_{t−1})
 * decoder output  y_1 … y_{T'} <eos>               O_t = S_t W_hq + b_q, loss masked to the real targets
 * ```
 *
 * In training the decoder reads the **true** previous token (teacher forcing); at prediction time it reads
 * its own previous choice (a {@link Seq2SeqDecoder} step by step, through the `Stepper` of
 * `decode/seq2seq-stepper.ts`). `teacherForcing: p < 1` trains on the model's own choices with probability
 * `1 − p`, to show what teacher forcing buys.
 *
 * ```ts
 * const model = buildSeq2Seq("gru", "fused", { srcVocabSize: data.srcVocab.size, tgtVocabSize: data.tgtVocab.size,
 *   embedSize: 32, numHiddens: 128, bosId: data.tgtVocab.bosId! });
 * await new Trainer({ maxEpochs: 10, lr: 0.005 }).fit(model, data);
 * ```
 * @see notebooks/07-seq2seq.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { CellKind } from "../cells";
import type { TokenBatch } from "../data/batch";
import { idsTensor } from "../data/batch-tensors";
import type { Metric, TokenScores } from "../data/metrics";
import { exactMatch, tokenAccuracy } from "../data/metrics";
import { sequenceCrossEntropy } from "../data/perplexity";
import { Rng } from "../data/rng";
import { buildBlock, buildStack } from "./blocks";
import type { BlockStyle } from "./blocks";
import { Embedding, EmbeddingScratch } from "./embedding";
import type { TokenEncoder } from "./embedding";
import { DEFAULT_INIT_SEED, glorotLimit, initVariable } from "./init";
import { finalHiddenOf } from "./recurrent";
import type { RecurrentBlock, RecurrentState } from "./recurrent";

/** What an encoder–decoder needs of a batch: a padded source per row, and a teacher-forced target batch. */
export interface Seq2SeqBatch extends TokenBatch {
  /** Source ids, row-major `[batchSize, srcSteps]`, padded at the end. */
  readonly src: Int32Array;
  /** The padded source length. */
  readonly srcSteps: number;
  /** Real source tokens of each row, `[batchSize]`. */
  readonly srcLens: Int32Array;
}

/** What the encoder hands the decoder. The tensors belong to whoever asked for them. */
export interface EncoderResult {
  /** Every source step's output, `[srcSteps, batchSize, numHiddens]` (zeros on padding): what attention reads. */
  readonly outputs: tf.Tensor3D;
  /** The encoder's final state (after each row's last real token). */
  readonly state: RecurrentState;
  /** The context `C`, `[batchSize, numHiddens]`: the top layer's final hidden state. */
  readonly context: tf.Tensor2D;
  /** Valid source lengths, int32 `[batchSize]`. */
  readonly srcLens: tf.Tensor1D;
}

/** A decoder's state while it writes: the encoder's result and its own recurrent state. */
export interface DecoderState {
  readonly encoded: EncoderResult;
  /** The decoder block's state. */
  readonly hidden: RecurrentState;
  /**
   * What a decoder computed once from the encoder's result and reads at every step, batch-first
   * `[batchSize, …]` (an attention decoder's values and prepared keys). Shared between steps like `encoded`.
   */
  readonly memory?: readonly tf.Tensor[];
}

/** Every tensor of a decoder state (to dispose or keep it). */
export function decoderStateTensors(state: DecoderState): tf.Tensor[] {
  const e = state.encoded;
  return [e.outputs, ...e.state, e.context, e.srcLens, ...state.hidden, ...(state.memory ?? [])];
}

/** Rows `rows` of a decoder state, in that order (rows may repeat: beam search duplicates them). New tensors. */
export function gatherDecoderState(state: DecoderState, rows: readonly number[]): DecoderState {
  const e = state.encoded;
  const memory = state.memory ?? [];
  const [outputs, context, srcLens, ...rest] = tf.tidy(() => {
    const idx = tf.tensor1d(Int32Array.from(rows), "int32");
    return [tf.gather(e.outputs, idx, 1), ...[e.context, e.srcLens, ...e.state, ...state.hidden, ...memory].map((t) => tf.gather(t, idx))];
  });
  const encoded: EncoderResult = {
    outputs: outputs as tf.Tensor3D,
    context: context as tf.Tensor2D,
    srcLens: srcLens as tf.Tensor1D,
    state: rest.slice(0, e.state.length) as tf.Tensor2D[],
  };
  const numHidden = state.hidden.length;
  const hidden = rest.slice(e.state.length, e.state.length + numHidden) as tf.Tensor2D[];
  return state.memory ? { encoded, hidden, memory: rest.slice(e.state.length + numHidden) } : { encoded, hidden };
}

/**
 * A decoder's first state copied from the encoder's final state (d2l), which must fit `block`: the same number of
 * state tensors, each `[batchSize, block.numHiddens]`. New tensors.
 * @throws Error naming both shapes and `otherwise` (what to do instead) when it does not fit.
 */
export function encoderStartState(where: string, encoded: EncoderResult, block: RecurrentBlock, otherwise: string): RecurrentState {
  const batchSize = encoded.context.shape[0];
  const fits =
    encoded.state.length === block.numStates && encoded.state.every((s) => s.shape[0] === batchSize && s.shape[1] === block.numHiddens);
  if (!fits) {
    throw new Error(
      `${where}: the encoder's final state (${encoded.state.map((s) => `[${s.shape}]`).join(", ")}) does not fit the decoder block ` +
        `(${block.numStates} × [${batchSize},${block.numHiddens}]). Give both the same cell, layers and numHiddens, or ${otherwise}.`,
    );
  }
  return encoded.state.map((s) => tf.clone(s));
}

/**
 * d2l's `Decoder` contract, which {@link EncoderDecoder}, the `Stepper` and every sampler rely on: a
 * state made from the encoder's result, then logits for any number of target steps from that state.
 * {@link Seq2SeqDecoder} and the attention decoder implement it.
 */
export interface SequenceDecoder {
  /** Target tokens (the width of the logits). */
  readonly vocabSize: number;
  /** Width of the encoder outputs the decoder reads (the encoder's `numHiddens`). */
  readonly contextSize: number;
  /** The state before the first target token. It takes ownership of nothing: `encoded` stays the caller's. */
  initState(encoded: EncoderResult): DecoderState;
  /**
   * Logits `[numSteps, batchSize, vocabSize]` for `ids` int32 `[numSteps, batchSize]` (the previous tokens),
   * and the state after the last step: new `hidden`, the same `encoded` and `memory`.
   */
  forward(ids: tf.Tensor2D, state: DecoderState, opts?: { readonly training?: boolean }): [tf.Tensor3D, DecoderState];
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

/** Configuration of {@link Seq2SeqEncoder}. */
export interface Seq2SeqEncoderConfig {
  /** Any recurrent block reading `embedSize` features (a GRU, a stack, a bidirectional block); the encoder owns it. */
  readonly block: RecurrentBlock;
  /** Source tokens. */
  readonly vocabSize: number;
  /** Width of the source embedding; must be the block's `numInputs`. */
  readonly embedSize: number;
  /** `tf.layers.embedding` instead of the scratch table. Default false. */
  readonly concise?: boolean;
  /** Seed of the embedding. Default 0. */
  readonly seed?: number;
}

/** d2l's `Seq2SeqEncoder`: an embedding and any block, run over each source within its valid length. */
export class Seq2SeqEncoder {
  readonly embedding: TokenEncoder;
  readonly block: RecurrentBlock;
  readonly vocabSize: number;
  /** Width of the outputs and of the context. */
  readonly numHiddens: number;

  constructor(config: Seq2SeqEncoderConfig) {
    const { block, vocabSize, embedSize, concise = false, seed = DEFAULT_INIT_SEED } = config;
    if (block.numInputs !== embedSize) {
      throw new Error(
        `Seq2SeqEncoder: the block reads ${block.numInputs} features but embedSize is ${embedSize}; build the block with numInputs = embedSize.`,
      );
    }
    this.embedding = concise ? new Embedding({ vocabSize, embedSize, seed }) : new EmbeddingScratch({ vocabSize, embedSize, seed });
    this.block = block;
    this.vocabSize = vocabSize;
    this.numHiddens = block.numHiddens;
  }

  /**
   * Encodes a padded batch of sources.
   * @param src int32 time-major `[srcSteps, batchSize]`, padded at the end
   * @param srcLens real tokens of each row (≥ 1)
   */
  forward(src: tf.Tensor2D, srcLens: Int32Array, opts: { readonly training?: boolean } = {}): EncoderResult {
    const [srcSteps, batchSize] = src.shape;
    checkLens("Seq2SeqEncoder", srcLens, batchSize, srcSteps);
    return tf.tidy(() => {
      const X = this.embedding.encode(src); // [srcSteps, batchSize, embedSize]
      const [outputs, state] = this.block.forward(X, undefined, { validLens: srcLens, training: opts.training });
      return { outputs, state, context: finalHiddenOf(this.block, state), srcLens: tf.tensor1d(srcLens, "int32") };
    });
  }

  trainableVariables(): tf.Variable[] {
    return [...this.embedding.trainableVariables(), ...this.block.trainableVariables()];
  }

  dispose(): void {
    this.embedding.dispose();
    this.block.dispose();
  }
}

/** Configuration of {@link Seq2SeqDecoder}. */
export interface Seq2SeqDecoderConfig {
  /** The recurrent block; it reads `embedSize + contextSize` features (the previous token and `C`). */
  readonly block: RecurrentBlock;
  /** Target tokens (the output layer's width). */
  readonly vocabSize: number;
  /** Width of the target embedding. */
  readonly embedSize: number;
  /** Width of the context `C` (the encoder's `numHiddens`). */
  readonly contextSize: number;
  /**
   * Start from the encoder's final state (d2l; needs a decoder block with the encoder block's state shapes).
   * Default true; false starts from zeros (a bidirectional encoder's state does not fit a one-way decoder).
   */
  readonly initFromEncoder?: boolean;
  /** `tf.layers.embedding` instead of the scratch table. Default false. */
  readonly concise?: boolean;
  /** Seed of the embedding and the output layer. Default 0. */
  readonly seed?: number;
}

/** d2l's `Seq2SeqDecoder`: embed the previous token, append `C`, run the block, project to the vocabulary. */
export class Seq2SeqDecoder implements SequenceDecoder {
  readonly embedding: TokenEncoder;
  readonly block: RecurrentBlock;
  readonly vocabSize: number;
  readonly contextSize: number;
  readonly initFromEncoder: boolean;
  /** Hidden-to-token weights, `[numHiddens, vocabSize]`. */
  readonly W_hq: tf.Variable;
  /** Token biases, `[vocabSize]`. */
  readonly b_q: tf.Variable;

  constructor(config: Seq2SeqDecoderConfig) {
    const { block, vocabSize, embedSize, contextSize, initFromEncoder = true, concise = false, seed = DEFAULT_INIT_SEED } = config;
    if (block.numInputs !== embedSize + contextSize) {
      throw new Error(
        `Seq2SeqDecoder: the block reads ${block.numInputs} features but each step gives it embedSize + contextSize = ` +
          `${embedSize} + ${contextSize}; build the block with numInputs = ${embedSize + contextSize}.`,
      );
    }
    this.embedding = concise ? new Embedding({ vocabSize, embedSize, seed }) : new EmbeddingScratch({ vocabSize, embedSize, seed });
    this.block = block;
    this.vocabSize = vocabSize;
    this.contextSize = contextSize;
    this.initFromEncoder = initFromEncoder;
    this.W_hq = initVariable([block.numHiddens, vocabSize], { uniform: glorotLimit(block.numHiddens, vocabSize) }, seed, "W_hq");
    this.b_q = initVariable([vocabSize], { fill: 0 }, seed, "b_q");
  }

  /** The state before the first target token: the encoder's result, and its final state (or zeros). */
  initState(encoded: EncoderResult): DecoderState {
    if (encoded.context.shape[1] !== this.contextSize) {
      throw new Error(`Seq2SeqDecoder: the context is ${encoded.context.shape[1]} wide but the decoder expects ${this.contextSize}.`);
    }
    const batchSize = encoded.context.shape[0];
    if (!this.initFromEncoder) return { encoded, hidden: this.block.initState(batchSize) };
    return { encoded, hidden: encoderStartState("Seq2SeqDecoder", encoded, this.block, "build the decoder with initFromEncoder: false") };
  }

  /**
   * Runs the decoder over `ids` (teacher forcing when they are the true previous tokens).
   * @param ids int32 time-major `[numSteps, batchSize]`
   * @returns logits `[numSteps, batchSize, vocabSize]` and the state after the last step (the encoder's part shared, not copied)
   */
  forward(ids: tf.Tensor2D, state: DecoderState, opts: { readonly training?: boolean } = {}): [tf.Tensor3D, DecoderState] {
    const [numSteps, batchSize] = ids.shape;
    if (state.encoded.context.shape[0] !== batchSize) {
      throw new Error(`Seq2SeqDecoder.forward: ${batchSize} rows of ids for a state of ${state.encoded.context.shape[0]} rows.`);
    }
    const [O, hidden] = tf.tidy(() => {
      const E = this.embedding.encode(ids); // [numSteps, batchSize, embedSize]
      const C = tf.broadcastTo(tf.expandDims(state.encoded.context, 0), [numSteps, batchSize, this.contextSize]); // C at every step
      const [H, S] = this.block.forward(tf.concat([E, C], -1) as tf.Tensor3D, state.hidden, { training: opts.training }); // [numSteps, batchSize, h]
      const h = H.shape[2];
      const logits = tf.add(tf.matMul(tf.reshape(H, [numSteps * batchSize, h]), this.W_hq), this.b_q); // O_t = S_t W_hq + b_q
      return [tf.reshape(logits, [numSteps, batchSize, this.vocabSize]) as tf.Tensor3D, S] as [tf.Tensor3D, RecurrentState];
    });
    return [O, { encoded: state.encoded, hidden }];
  }

  trainableVariables(): tf.Variable[] {
    return [...this.embedding.trainableVariables(), ...this.block.trainableVariables(), this.W_hq, this.b_q];
  }

  dispose(): void {
    this.embedding.dispose();
    this.block.dispose();
    this.W_hq.dispose();
    this.b_q.dispose();
  }
}

/** Configuration of {@link EncoderDecoder}. */
export interface EncoderDecoderConfig<D extends SequenceDecoder = SequenceDecoder> {
  readonly encoder: Seq2SeqEncoder;
  /** A {@link Seq2SeqDecoder}, an attention decoder, or any {@link SequenceDecoder}. */
  readonly decoder: D;
  /** The target vocabulary's `<bos>`: the decoder's first input. */
  readonly bosId: number;
  /**
   * Probability that the decoder reads the true previous token in training. Default 1: teacher forcing. Below 1,
   * it reads its own arg-max choice instead, step by step (slower; the loss still compares with the truth).
   */
  readonly teacherForcing?: number;
  /** Validation metrics for the Trainer. Default `[exactMatch(), tokenAccuracy()]` (both teacher-forced). */
  readonly metrics?: readonly Metric<Seq2SeqBatch, never>[];
  /** Seed of the teacher-forcing coin. Default 0. */
  readonly seed?: number;
}

/** The batch as tensors, time-major. */
interface PairTensors {
  readonly src: tf.Tensor2D;
  readonly X: tf.Tensor2D;
  readonly Y: tf.Tensor2D;
  readonly mask: tf.Tensor2D;
}

/**
 * d2l's `EncoderDecoder`: the loss of a batch is the masked cross-entropy of the decoder's logits given the
 * encoded source and the target shifted right. Trainable by the generic Trainer (`loss`, `scores`,
 * `trainableVariables`); decoded step by step by `seq2seqStepper`.
 */
export class EncoderDecoder<D extends SequenceDecoder = SequenceDecoder> {
  readonly encoder: Seq2SeqEncoder;
  readonly decoder: D;
  readonly bosId: number;
  readonly teacherForcing: number;
  readonly metrics: readonly Metric<Seq2SeqBatch, never>[];
  /** What `countItems` counts. */
  readonly itemName = "tokens";
  /** Target tokens (what the Trainer and the decoders need). */
  readonly vocabSize: number;
  private readonly rng: Rng;

  constructor(config: EncoderDecoderConfig<D>) {
    const { encoder, decoder, bosId, teacherForcing = 1, seed = 0 } = config;
    if (!(teacherForcing >= 0 && teacherForcing <= 1))
      throw new Error(`EncoderDecoder: teacherForcing is a probability in [0, 1], got ${teacherForcing}.`);
    if (!(Number.isInteger(bosId) && bosId >= 0 && bosId < decoder.vocabSize)) {
      throw new Error(`EncoderDecoder: bosId ${bosId} is not a target token; pass the target vocabulary's bosId.`);
    }
    if (decoder.contextSize !== encoder.numHiddens) {
      throw new Error(
        `EncoderDecoder: the encoder's context is ${encoder.numHiddens} wide but the decoder expects ${decoder.contextSize}.`,
      );
    }
    this.encoder = encoder;
    this.decoder = decoder;
    this.bosId = bosId;
    this.teacherForcing = teacherForcing;
    this.metrics = config.metrics ?? [exactMatch<Seq2SeqBatch>(), tokenAccuracy<Seq2SeqBatch>()];
    this.vocabSize = decoder.vocabSize;
    this.rng = new Rng(seed);
  }

  /** Encodes source id lists (each ≥ 1 token; padded here with `padId`). */
  encodeSources(sources: readonly (readonly number[])[], padId = 0): EncoderResult {
    if (sources.length === 0) throw new Error("EncoderDecoder.encodeSources: no sources.");
    const lens = Int32Array.from(sources, (s) => s.length);
    const T = Math.max(...lens);
    const flat = new Int32Array(sources.length * T).fill(padId);
    sources.forEach((s, b) => flat.set(s, b * T));
    const src = idsTensor(flat, sources.length, T);
    try {
      return this.encoder.forward(src, lens);
    } finally {
      src.dispose();
    }
  }

  /** Checks a batch and makes its tensors (time-major); the caller disposes them. */
  private tensors(batch: Seq2SeqBatch): PairTensors {
    const { batchSize: B, numSteps: T, srcSteps: S } = batch;
    if (batch.src.length !== B * S || batch.srcLens.length !== B) {
      throw new Error(
        `EncoderDecoder: src must hold [batchSize, srcSteps] = [${B}, ${S}] ids and srcLens ${B} lengths; got ${batch.src.length} and ${batch.srcLens.length}.`,
      );
    }
    if (batch.X.length !== B * T || batch.Y.length !== B * T) {
      throw new Error(
        `EncoderDecoder: X and Y must each hold [batchSize, numSteps] = [${B}, ${T}] ids; got ${batch.X.length} and ${batch.Y.length}.`,
      );
    }
    const mask = batch.mask ?? new Float32Array(B * T).fill(1);
    return {
      src: idsTensor(batch.src, B, S),
      X: idsTensor(batch.X, B, T),
      Y: idsTensor(batch.Y, B, T),
      mask: idsTensor(mask, B, T, true, "float32"),
    };
  }

  /**
   * The decoder's logits for every target step, `[numSteps, batchSize, vocabSize]`: teacher-forced, or (in
   * training with `teacherForcing < 1`) reading its own previous choice where the coin says so.
   */
  private logits(t: PairTensors, batch: Seq2SeqBatch, training: boolean): tf.Tensor3D {
    return tf.tidy(() => {
      const encoded = this.encoder.forward(t.src, batch.srcLens, { training });
      const state = this.decoder.initState(encoded);
      if (!training || this.teacherForcing === 1) return this.decoder.forward(t.X, state, { training })[0];
      const { batchSize: B, numSteps: T } = batch;
      const steps: tf.Tensor3D[] = [];
      let s = state;
      let input = tf.slice(t.X, [0, 0], [1, B]) as tf.Tensor2D; // <bos>
      for (let step = 0; step < T; step++) {
        const [O, next] = this.decoder.forward(input, s, { training });
        steps.push(O);
        s = next;
        if (step + 1 < T) {
          // Its own arg-max choice, read back as plain values: no gradient flows into a choice of ids.
          const own = tf.argMax(O, -1).dataSync(); // [B]
          const ids = Int32Array.from({ length: B }, (_, b) =>
            this.rng.next() < this.teacherForcing ? batch.X[b * T + step + 1] : own[b],
          );
          input = tf.tensor2d(ids, [1, B], "int32");
        }
      }
      return tf.concat(steps, 0) as tf.Tensor3D;
    });
  }

  /** Mean cross-entropy per real target token (the mask drops the padding after `<eos>`). */
  loss(batch: Seq2SeqBatch, opts: { readonly training?: boolean } = {}): tf.Scalar {
    const t = this.tensors(batch);
    try {
      return tf.tidy(() => sequenceCrossEntropy(this.logits(t, batch, opts.training === true), t.Y, t.mask));
    } finally {
      tf.dispose([t.src, t.X, t.Y, t.mask]);
    }
  }

  /** Teacher-forced logits, targets and mask of a batch, for token metrics. */
  scores(batch: Seq2SeqBatch): TokenScores {
    const t = this.tensors(batch);
    try {
      return { logits: this.logits(t, batch, false), targets: t.Y, mask: t.mask };
    } finally {
      tf.dispose([t.src, t.X]);
    }
  }

  /** Real target tokens of a batch (`<eos>` included). */
  countItems(batch: Seq2SeqBatch): number {
    if (!batch.mask) return batch.batchSize * batch.numSteps;
    let n = 0;
    for (const m of batch.mask) n += m;
    return n;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables(), ...this.decoder.trainableVariables()];
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}

/** Sizes of {@link buildSeq2Seq}. */
export interface Seq2SeqSizes {
  readonly srcVocabSize: number;
  readonly tgtVocabSize: number;
  /** `<bos>` of the target vocabulary. */
  readonly bosId: number;
  /** Width of both embeddings. */
  readonly embedSize: number;
  /** Units of every recurrent layer, encoder and decoder. */
  readonly numHiddens: number;
  /** Layers of the encoder and of the decoder. Default 1. */
  readonly numLayers?: number;
  /** See {@link EncoderDecoderConfig.teacherForcing}. Default 1. */
  readonly teacherForcing?: number;
  /** Metrics for the Trainer (see {@link EncoderDecoderConfig.metrics}). */
  readonly metrics?: readonly Metric<Seq2SeqBatch, never>[];
  /** Seed of every initialisation (each part offset from it). Default 0. */
  readonly seed?: number;
  /** Standard deviation of scratch and fused recurrent weights (concise ones use Keras's). */
  readonly sigma?: number;
}

/**
 * d2l's encoder–decoder of `kind` cells in `style`: scratch (`GRUScratch`… and a scratch embedding),
 * concise (`tf.layers`) or fused (WebAssembly kernels), with `numLayers` layers on each side.
 */
export function buildSeq2Seq(kind: CellKind, style: BlockStyle, sizes: Seq2SeqSizes): EncoderDecoder<Seq2SeqDecoder> {
  const { srcVocabSize, tgtVocabSize, bosId, embedSize, numHiddens, numLayers = 1, teacherForcing, metrics, seed = 0, sigma } = sizes;
  const block = (numInputs: number, s: number): RecurrentBlock =>
    numLayers === 1
      ? buildBlock(kind, style, { numInputs, numHiddens, seed: s, sigma })
      : buildStack(kind, style, { numInputs, numHiddens, numLayers, seed: s, sigma });
  const concise = style === "concise";
  const encoder = new Seq2SeqEncoder({ block: block(embedSize, seed + 1), vocabSize: srcVocabSize, embedSize, concise, seed });
  const decoder = new Seq2SeqDecoder({
    block: block(embedSize + numHiddens, seed + 1 + numLayers),
    vocabSize: tgtVocabSize,
    embedSize,
    contextSize: numHiddens,
    concise,
    seed: seed + 2 + 2 * numLayers,
  });
  return new EncoderDecoder({ encoder, decoder, bosId, teacherForcing, metrics, seed });
}

function checkLens(where: string, lens: ArrayLike<number>, batchSize: number, numSteps: number): void {
  if (lens.length !== batchSize) throw new Error(`${where}: ${lens.length} valid lengths for ${batchSize} rows.`);
  for (let b = 0; b < batchSize; b++) {
    const n = lens[b];
    if (!(Number.isInteger(n) && n >= 1 && n <= numSteps)) {
      throw new Error(`${where}: row ${b} has valid length ${n}; each source needs 1 to ${numSteps} (the padded length) real tokens.`);
    }
  }
}
