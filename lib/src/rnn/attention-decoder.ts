/**
 * An **attention decoder** (d2l 11.4): the encoder–decoder of notebook 07, except that each output step
 * makes its own context from every encoder output instead of reading one fixed `C`. It implements the
 * {@link SequenceDecoder} contract, so `EncoderDecoder` trains it, and `seq2seqStepper`, the samplers and
 * beam search decode it, unchanged; decoding is incremental (the encoder runs once, its outputs and
 * prepared keys wait in the state's `memory`, one decoder step per token).
 *
 * ```text
 * bahdanau  c_t = attention(query s_{t−1}, encoder outputs)      the previous state asks (d2l, Bahdanau 2015)
 *           s_t = f([e(y_{t−1}), c_t], s_{t−1});   O_t = s_t W_hq + b_q
 * luong     s_t = f(e(y_{t−1}), s_{t−1})                         the current state asks (Luong 2015, no input feeding)
 *           c_t = attention(query s_t, encoder outputs);   h̃_t = tanh([c_t, s_t] W_c);   O_t = h̃_t W_hq + b_q
 * ```
 *
 * Bahdanau's recurrence reads `c_t`, so training runs the decoder one step at a time; Luong's does not, so
 * with teacher forcing the recurrent block runs over the whole target at once and attention answers every
 * step's query in one batched product: much faster to train.
 *
 * ```ts
 * const model = buildAttentionSeq2Seq("gru", "fused", { srcVocabSize, tgtVocabSize, bosId, embedSize: 32, numHiddens: 64,
 *   score: "additive", variant: "bahdanau", bidirectional: true });
 * const { weights } = attentionMap(model, data.encodeSource("saturday 9 may 2018"), targetIds); // [targetSteps, sourceSteps]
 * ```
 * @see notebooks/07b-attention.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { CellKind } from "../cells";
import type { Attention, AttentionScore } from "./attention";
import { buildAttention } from "./attention";
import { buildBidirectional } from "./bidirectional";
import { buildBlock, buildStack } from "./blocks";
import type { BlockStyle } from "./blocks";
import { Embedding, EmbeddingScratch } from "./embedding";
import type { TokenEncoder } from "./embedding";
import { DEFAULT_INIT_SEED, glorotLimit, initVariable } from "./init";
import { finalHiddenOf } from "./recurrent";
import type { RecurrentBlock, RecurrentState } from "./recurrent";
import { EncoderDecoder, Seq2SeqEncoder, decoderStateTensors, encoderStartState } from "./seq2seq";
import type { DecoderState, EncoderResult, Seq2SeqSizes, SequenceDecoder } from "./seq2seq";
import { Stacked } from "./stacked";

/** Where attention sits: before the recurrence (Bahdanau: the previous state asks) or after it (Luong: the current state asks). */
export type AttentionVariant = "bahdanau" | "luong";

/**
 * How the decoder's state starts: the encoder's final state (d2l; same cell, layers and width needed),
 * zeros, or a learnt **bridge** `s_0 = tanh(C W_b + b_b)` from the context (fits any encoder, e.g. a bidirectional one).
 */
export type DecoderInit = "encoder" | "zeros" | "bridge";

/** Configuration of {@link AttentionDecoder}. */
export interface AttentionDecoderConfig {
  /**
   * The recurrent block. It reads `embedSize + contextSize` features in `"bahdanau"` (the previous token and
   * the step's context), `embedSize` in `"luong"`.
   */
  readonly block: RecurrentBlock;
  /** Scores queries of `block.numHiddens` against keys of `contextSize`. The decoder owns it. */
  readonly attention: Attention;
  /** Target tokens. */
  readonly vocabSize: number;
  /** Width of the target embedding. */
  readonly embedSize: number;
  /** Width of the encoder outputs (keys and values): the encoder's `numHiddens`. */
  readonly contextSize: number;
  /** Default `"bahdanau"`. */
  readonly variant?: AttentionVariant;
  /** Default `"encoder"`. */
  readonly init?: DecoderInit;
  /** `tf.layers.embedding` instead of the scratch table. Default false. */
  readonly concise?: boolean;
  /** Seed of the embedding, the bridge and the output layers. Default 0. */
  readonly seed?: number;
}

/** The decoder's logits, its new state and (when asked) the attention weights `[batchSize, numSteps, sourceSteps]`. */
export interface AttentionStep {
  readonly logits: tf.Tensor3D;
  readonly state: DecoderState;
  readonly weights?: tf.Tensor3D;
}

/** An RNN decoder with attention over the encoder's outputs (see the module summary). */
export class AttentionDecoder implements SequenceDecoder {
  readonly embedding: TokenEncoder;
  readonly block: RecurrentBlock;
  readonly attention: Attention;
  readonly vocabSize: number;
  readonly contextSize: number;
  readonly variant: AttentionVariant;
  readonly init: DecoderInit;
  /** Luong's attentional layer `[contextSize + numHiddens, numHiddens]` (absent in Bahdanau's). */
  readonly W_c: tf.Variable | undefined;
  /** The bridge `[contextSize, numStates · numHiddens]` and its bias (only with `init: "bridge"`). */
  readonly W_b: tf.Variable | undefined;
  readonly b_b: tf.Variable | undefined;
  /** Hidden-to-token weights `[numHiddens, vocabSize]` and biases `[vocabSize]`. */
  readonly W_hq: tf.Variable;
  readonly b_q: tf.Variable;

  constructor(config: AttentionDecoderConfig) {
    const {
      block,
      attention,
      vocabSize,
      embedSize,
      contextSize,
      variant = "bahdanau",
      init = "encoder",
      concise = false,
      seed = DEFAULT_INIT_SEED,
    } = config;
    const W = "AttentionDecoder";
    if (variant !== "bahdanau" && variant !== "luong")
      throw new Error(`${W}: variant must be "bahdanau" or "luong", got ${JSON.stringify(variant)}.`);
    if (init !== "encoder" && init !== "zeros" && init !== "bridge")
      throw new Error(`${W}: init must be "encoder", "zeros" or "bridge", got ${JSON.stringify(init)}.`);
    const wants = variant === "bahdanau" ? embedSize + contextSize : embedSize;
    if (block.numInputs !== wants) {
      throw new Error(
        `${W}: the block reads ${block.numInputs} features but a ${variant} step gives it ` +
          (variant === "bahdanau" ? `embedSize + contextSize = ${embedSize} + ${contextSize}` : `embedSize = ${embedSize}`) +
          `; build the block with numInputs = ${wants}.`,
      );
    }
    if (attention.querySize !== block.numHiddens || attention.keySize !== contextSize) {
      throw new Error(
        `${W}: the attention scores queries of ${attention.querySize} against keys of ${attention.keySize}, but the decoder's state is ` +
          `${block.numHiddens} wide and the encoder's outputs ${contextSize}; build it with querySize ${block.numHiddens}, keySize ${contextSize}.`,
      );
    }
    const h = block.numHiddens;
    this.embedding = concise ? new Embedding({ vocabSize, embedSize, seed }) : new EmbeddingScratch({ vocabSize, embedSize, seed });
    this.block = block;
    this.attention = attention;
    this.vocabSize = vocabSize;
    this.contextSize = contextSize;
    this.variant = variant;
    this.init = init;
    this.W_c =
      variant === "luong" ? initVariable([contextSize + h, h], { uniform: glorotLimit(contextSize + h, h) }, seed, "W_c") : undefined;
    const bridge = block.numStates * h;
    this.W_b = init === "bridge" ? initVariable([contextSize, bridge], { uniform: glorotLimit(contextSize, h) }, seed, "W_b") : undefined;
    this.b_b = init === "bridge" ? initVariable([bridge], { fill: 0 }, seed, "b_b") : undefined;
    this.W_hq = initVariable([h, vocabSize], { uniform: glorotLimit(h, vocabSize) }, seed, "W_hq");
    this.b_q = initVariable([vocabSize], { fill: 0 }, seed, "b_q");
  }

  /** The state before the first target token: the start state, and in `memory` the values `[B, S, c]` and prepared keys. */
  initState(encoded: EncoderResult): DecoderState {
    const [, B, c] = encoded.outputs.shape;
    if (c !== this.contextSize)
      throw new Error(`AttentionDecoder: the encoder's outputs are ${c} wide but the decoder expects ${this.contextSize}.`);
    const h = this.block.numHiddens;
    let hidden: RecurrentState;
    if (this.init === "zeros") hidden = this.block.initState(B);
    else if (this.init === "bridge") {
      hidden = tf.tidy(() => {
        const all = tf.tanh(tf.add(tf.matMul(encoded.context, this.W_b as tf.Variable), this.b_b as tf.Variable)); // [B, numStates·h]
        return Array.from({ length: this.block.numStates }, (_, i) => tf.slice(all, [0, i * h], [B, h]) as tf.Tensor2D); // one slice per state (tf.split's gradient fails for one part)
      });
    } else hidden = encoderStartState("AttentionDecoder", encoded, this.block, 'use init "bridge" (e.g. for a bidirectional encoder)');
    const memory = tf.tidy(() => {
      const values = tf.transpose(encoded.outputs, [1, 0, 2]) as tf.Tensor3D; // [B, S, c]: batch-first for attention
      return [values, this.attention.prepareKeys(values)];
    });
    return { encoded, hidden, memory };
  }

  forward(ids: tf.Tensor2D, state: DecoderState, opts: { readonly training?: boolean } = {}): [tf.Tensor3D, DecoderState] {
    const { logits, state: next } = this.run(ids, state, opts.training === true, false);
    return [logits, next];
  }

  /** {@link forward}, also returning the attention weights `[batchSize, numSteps, sourceSteps]`. */
  forwardWithWeights(ids: tf.Tensor2D, state: DecoderState): AttentionStep {
    return this.run(ids, state, false, true);
  }

  private run(ids: tf.Tensor2D, state: DecoderState, training: boolean, keepWeights: boolean): AttentionStep {
    const [T, B] = ids.shape;
    const memory = state.memory;
    if (!memory || memory.length !== 2)
      throw new Error("AttentionDecoder.forward: the state has no attention memory; make it with this decoder's initState.");
    if (state.encoded.context.shape[0] !== B)
      throw new Error(`AttentionDecoder.forward: ${B} rows of ids for a state of ${state.encoded.context.shape[0]} rows.`);
    const [values, keys] = memory as [tf.Tensor3D, tf.Tensor3D];
    const lens = state.encoded.srcLens;
    const h = this.block.numHiddens;
    const [logits, weights, ...hidden] = tf.tidy((): tf.Tensor[] => {
      const E = this.embedding.encode(ids); // [T, B, embedSize]
      let H: tf.Tensor3D; // the states that make the output, [T, B, h]
      let S: RecurrentState;
      let W: tf.Tensor3D; // [B, T, S]
      if (this.variant === "bahdanau") {
        const outs: tf.Tensor3D[] = [];
        const ws: tf.Tensor3D[] = [];
        S = state.hidden;
        for (let t = 0; t < T; t++) {
          const query = tf.expandDims(finalHiddenOf(this.block, S), 1) as tf.Tensor3D; // s_{t−1}: [B, 1, h]
          const { context, weights: w } = this.attention.attend(query, keys, values, lens); // [B, 1, c], [B, 1, S]
          const x = tf.concat([tf.slice(E, [t, 0, 0], [1, B, -1]), tf.transpose(context, [1, 0, 2])], -1) as tf.Tensor3D; // [1, B, e + c]
          const [Ht, St] = this.block.forward(x, S, { training });
          outs.push(Ht);
          ws.push(w);
          S = St;
        }
        H = T === 1 ? outs[0] : (tf.concat(outs, 0) as tf.Tensor3D);
        W = T === 1 ? ws[0] : (tf.concat(ws, 1) as tf.Tensor3D);
      } else {
        const [Hs, St] = this.block.forward(E, state.hidden, { training }); // the whole target at once
        S = St;
        const Q = tf.transpose(Hs, [1, 0, 2]) as tf.Tensor3D; // [B, T, h]: every step's query
        const { context, weights: w } = this.attention.attend(Q, keys, values, lens); // [B, T, c]
        const att = tf.tanh(tf.matMul(tf.reshape(tf.concat([context, Q], -1), [B * T, this.contextSize + h]), this.W_c as tf.Variable)); // h̃
        H = tf.transpose(tf.reshape(att, [B, T, h]), [1, 0, 2]) as tf.Tensor3D;
        W = w;
      }
      const O = tf.add(tf.matMul(tf.reshape(H, [T * B, h]), this.W_hq), this.b_q); // O_t = H_t W_hq + b_q
      return [tf.reshape(O, [T, B, this.vocabSize]), keepWeights ? W : tf.zeros([0]), ...S];
    });
    const next: DecoderState = { encoded: state.encoded, hidden: hidden as tf.Tensor2D[], memory };
    if (keepWeights) return { logits: logits as tf.Tensor3D, state: next, weights: weights as tf.Tensor3D };
    weights.dispose();
    return { logits: logits as tf.Tensor3D, state: next };
  }

  trainableVariables(): tf.Variable[] {
    const own = [this.W_c, this.W_b, this.b_b].filter((v): v is tf.Variable => v !== undefined);
    return [
      ...this.embedding.trainableVariables(),
      ...this.block.trainableVariables(),
      ...this.attention.trainableVariables(),
      ...own,
      this.W_hq,
      this.b_q,
    ];
  }

  dispose(): void {
    this.embedding.dispose();
    this.block.dispose();
    this.attention.dispose();
    [this.W_c, this.W_b, this.b_b, this.W_hq, this.b_q].forEach((v) => v?.dispose());
  }
}

/** Sizes of {@link buildAttentionSeq2Seq}: those of `buildSeq2Seq`, and the attention's. */
export interface AttentionSeq2SeqSizes extends Seq2SeqSizes {
  /** Default `"additive"`. */
  readonly score?: AttentionScore;
  /** Default `"bahdanau"`. */
  readonly variant?: AttentionVariant;
  /** Hidden width of additive attention. Default `numHiddens`. */
  readonly attentionSize?: number;
  /** A bidirectional encoder (its outputs are `2 · encoderHiddens` wide). Default false. */
  readonly bidirectional?: boolean;
  /** Units of the encoder's layers (per direction). Default `numHiddens`. */
  readonly encoderHiddens?: number;
  /** How the decoder starts. Default `"encoder"` when the encoder's state fits the decoder, else `"bridge"`. */
  readonly init?: DecoderInit;
}

/**
 * An encoder–decoder with attention of `kind` cells in `style` (scratch, concise or fused blocks): the
 * encoder has `numLayers` layers (bidirectional ones when asked), the decoder `numLayers` layers of
 * `numHiddens` with a `score` attention in the `variant` position.
 */
export function buildAttentionSeq2Seq(kind: CellKind, style: BlockStyle, sizes: AttentionSeq2SeqSizes): EncoderDecoder<AttentionDecoder> {
  const { srcVocabSize, tgtVocabSize, bosId, embedSize, numHiddens, numLayers = 1, teacherForcing, metrics, seed = 0, sigma } = sizes;
  const { score = "additive", variant = "bahdanau", bidirectional = false, encoderHiddens = numHiddens } = sizes;
  const concise = style === "concise";
  const encLayer = (numInputs: number, s: number): RecurrentBlock =>
    bidirectional
      ? buildBidirectional(kind, style, { numInputs, numHiddens: encoderHiddens, merge: "concat", seed: s, sigma })
      : buildBlock(kind, style, { numInputs, numHiddens: encoderHiddens, seed: s, sigma });
  const width = bidirectional ? 2 * encoderHiddens : encoderHiddens;
  const encBlock =
    numLayers === 1
      ? encLayer(embedSize, seed + 1)
      : new Stacked({ layers: Array.from({ length: numLayers }, (_, l) => encLayer(l === 0 ? embedSize : width, seed + 1 + 2 * l)) });
  const encoder = new Seq2SeqEncoder({ block: encBlock, vocabSize: srcVocabSize, embedSize, concise, seed });
  const decIn = variant === "bahdanau" ? embedSize + width : embedSize;
  const decSeed = seed + 1 + 2 * numLayers;
  const decBlock =
    numLayers === 1
      ? buildBlock(kind, style, { numInputs: decIn, numHiddens, seed: decSeed, sigma })
      : buildStack(kind, style, { numInputs: decIn, numHiddens, numLayers, seed: decSeed, sigma });
  const init = sizes.init ?? (!bidirectional && encoderHiddens === numHiddens ? "encoder" : "bridge");
  const attention = buildAttention(score, concise, {
    querySize: numHiddens,
    keySize: width,
    attentionSize: sizes.attentionSize ?? numHiddens,
    seed: decSeed + numLayers,
    fused: style === "fused",
  });
  const decoder = new AttentionDecoder({
    block: decBlock,
    attention,
    vocabSize: tgtVocabSize,
    embedSize,
    contextSize: width,
    variant,
    init,
    concise,
    seed: decSeed + numLayers + 1,
  });
  return new EncoderDecoder({ encoder, decoder, bosId, teacherForcing, metrics, seed });
}

/** What {@link attentionMap} needs: an encoder–decoder whose decoder is an {@link AttentionDecoder}. */
export interface AttentionModel {
  readonly bosId: number;
  encodeSources(sources: readonly (readonly number[])[], padId?: number): EncoderResult;
  readonly decoder: SequenceDecoder;
}

/**
 * Where the decoder looked while writing `target` for `source`: `weights[t][j]` is the attention the step
 * that outputs token `t` (the last row: the one that outputs `<eos>`) gave source position `j`. Rows sum to 1.
 * Feed it the model's own output (from `translate`) to see what it read when it decoded; the decoder is
 * deterministic, so the teacher-forced pass over its own tokens gives the same weights as decoding did.
 */
export function attentionMap(model: AttentionModel, source: readonly number[], target: readonly number[]): { weights: number[][] } {
  const decoder = model.decoder as Partial<AttentionDecoder> & SequenceDecoder;
  if (typeof decoder.forwardWithWeights !== "function")
    throw new Error("attentionMap: the model's decoder has no attention; build it with buildAttentionSeq2Seq.");
  if (source.length === 0) throw new Error("attentionMap: the source is empty; give at least one token.");
  const encoded = model.encodeSources([source]);
  const ids = tf.tensor2d(Int32Array.from([model.bosId, ...target]), [target.length + 1, 1], "int32");
  const state = decoder.initState(encoded);
  const out = (decoder as AttentionDecoder).forwardWithWeights(ids, state);
  try {
    const w = out.weights as tf.Tensor3D; // [1, T + 1, S]
    return { weights: (w.arraySync() as number[][][])[0] };
  } finally {
    tf.dispose([ids, out.logits, out.weights as tf.Tensor3D, ...out.state.hidden, ...decoderStateTensors(state)]); // the encoder's part too
  }
}
