/**
 * Decoding an encoder–decoder through the one {@link Stepper} interface: `start(sources)` encodes a batch of
 * source sequences, hands the decoder the context and the encoder's final state, feeds `<bos>` and returns
 * the logits of each row's first target token; `step` and `reorder` work as for a language model. So the
 * samplers (`sample`: greedy, temperature, top-k, top-p, constraints) and beam search decode a seq2seq model
 * unchanged.
 *
 * ```ts
 * const ids = translate(model, [data.encodeSource("3 may 1979")], { maxLength: 12, eosId: data.tgtVocab.eosId! });
 * data.decodeTarget(ids[0]); // "1979-05-03"
 * ```
 * @see notebooks/07-seq2seq.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { EvalMetric } from "../data/metrics";
import type { EncoderResult, DecoderState, Seq2SeqBatch } from "../rnn/seq2seq";
import { decoderStateTensors, gatherDecoderState } from "../rnn/seq2seq";
import { sample } from "./sampling";
import type { Stepper } from "./stepper";

/** Source sequences, one list of source-token ids per row (each at least one token). */
export type Sources = readonly (readonly number[])[];

/** What {@link seq2seqStepper} needs of a model (an `EncoderDecoder`, or one with attention). */
export interface Seq2SeqModel {
  readonly bosId: number;
  readonly vocabSize: number;
  encodeSources(sources: Sources, padId?: number): EncoderResult;
  readonly decoder: {
    initState(encoded: EncoderResult): DecoderState;
    forward(ids: tf.Tensor2D, state: DecoderState): [tf.Tensor3D, DecoderState];
  };
}

class Seq2SeqStepper implements Stepper<Sources> {
  readonly vocabSize: number;
  private state: DecoderState | undefined;
  private rows = 0;

  constructor(
    private readonly model: Seq2SeqModel,
    private readonly srcPadId: number,
  ) {
    this.vocabSize = model.vocabSize;
  }

  get numRows(): number {
    return this.rows;
  }

  start(sources: Sources): Float32Array {
    if (sources.length === 0) throw new Error("Stepper.start: no sources; give at least one source sequence.");
    sources.forEach((s, b) => {
      if (s.length === 0) throw new Error(`Stepper.start: source ${b} is empty; every source needs at least one token.`);
    });
    this.dispose();
    const encoded = this.model.encodeSources(sources, this.srcPadId);
    this.rows = sources.length;
    try {
      this.state = this.model.decoder.initState(encoded);
    } catch (err) {
      tf.dispose([encoded.outputs, ...encoded.state, encoded.context, encoded.srcLens]);
      throw err;
    }
    return this.feed(new Array<number>(this.rows).fill(this.model.bosId));
  }

  step(ids: readonly number[]): Float32Array {
    if (this.state === undefined) throw new Error("Stepper.step: call start(sources) first.");
    if (ids.length !== this.rows) throw new Error(`Stepper.step: ${ids.length} ids for ${this.rows} rows; give one token per row.`);
    for (const id of ids) {
      if (!(Number.isInteger(id) && id >= 0 && id < this.vocabSize)) {
        throw new Error(`Stepper.step: id ${id} is not in the target vocabulary of ${this.vocabSize}.`);
      }
    }
    return this.feed(ids);
  }

  /** One decoder step for every row; the old recurrent state is freed, the encoder's part kept. */
  private feed(ids: readonly number[]): Float32Array {
    const old = this.state as DecoderState;
    const input = tf.tensor2d(Int32Array.from(ids), [1, this.rows], "int32");
    try {
      const [logits, next] = this.model.decoder.forward(input, old); // [1, rows, V]
      tf.dispose(old.hidden);
      this.state = next;
      const out = logits.dataSync() as Float32Array;
      logits.dispose();
      return out;
    } finally {
      input.dispose();
    }
  }

  reorder(rows: readonly number[]): void {
    if (this.state === undefined) throw new Error("Stepper.reorder: call start(sources) first.");
    if (rows.length === 0) throw new Error("Stepper.reorder: keep at least one row (dispose the stepper to stop).");
    for (const r of rows) {
      if (!(Number.isInteger(r) && r >= 0 && r < this.rows))
        throw new Error(`Stepper.reorder: row ${r} does not exist; rows go from 0 to ${this.rows - 1}.`);
    }
    const old = this.state;
    this.state = gatherDecoderState(old, rows);
    tf.dispose(decoderStateTensors(old));
    this.rows = rows.length;
  }

  dispose(): void {
    if (this.state !== undefined) tf.dispose(decoderStateTensors(this.state));
    this.state = undefined;
    this.rows = 0;
  }
}

/**
 * The {@link Stepper} of an encoder–decoder (see the module summary). `srcPadId` pads sources of different
 * lengths (default 0, `<pad>` of a vocabulary built with it first).
 */
export function seq2seqStepper(model: Seq2SeqModel, opts: { readonly srcPadId?: number } = {}): Stepper<Sources> {
  return new Seq2SeqStepper(model, opts.srcPadId ?? 0);
}

/** Options of {@link translate}. */
export interface TranslateOptions {
  /** At most this many target tokens per row. */
  readonly maxLength: number;
  /** The target vocabulary's `<eos>`: a row stops there (it is not included). */
  readonly eosId: number;
  /** Source padding id. Default 0. */
  readonly srcPadId?: number;
}

/** Greedy decoding of every source, batched: the target ids of each (without `<eos>`). */
export function translate(model: Seq2SeqModel, sources: Sources, opts: TranslateOptions): number[][] {
  return sample(seq2seqStepper(model, { srcPadId: opts.srcPadId }), sources, {
    method: { kind: "greedy" },
    maxLength: opts.maxLength,
    eosId: opts.eosId,
  });
}

/** The source id lists of a padded batch. */
export function batchSources(batch: Seq2SeqBatch): number[][] {
  return Array.from(batch.srcLens, (len, b) => Array.from(batch.src.subarray(b * batch.srcSteps, b * batch.srcSteps + len)));
}

/** The target id lists of a batch (its `Y` up to, not including, `eosId`). */
export function batchTargets(batch: Seq2SeqBatch, eosId: number): number[][] {
  return Array.from({ length: batch.batchSize }, (_, b) => {
    const row = Array.from(batch.Y.subarray(b * batch.numSteps, (b + 1) * batch.numSteps));
    const end = row.indexOf(eosId);
    return end < 0 ? row : row.slice(0, end);
  });
}

/**
 * Exact match of **greedy decoding**: the share of sources whose decoded target (reading its own choices, no
 * teacher forcing) equals the truth. Reported as `"val greedy exact"`. Slower than the teacher-forced
 * `exactMatch` (one decoder step per token), and what a user of the model sees.
 */
export function greedyExactMatch(opts: { readonly eosId: number; readonly srcPadId?: number }): EvalMetric<Seq2SeqBatch, Seq2SeqModel> {
  return {
    kind: "eval",
    name: "greedy exact",
    measure: (model, batch) => {
      const truth = batchTargets(batch, opts.eosId);
      const out = translate(model, batchSources(batch), { maxLength: batch.numSteps, eosId: opts.eosId, srcPadId: opts.srcPadId });
      const hits = out.filter((ids, b) => ids.length === truth[b].length && ids.every((id, t) => id === truth[b][t])).length;
      return { hits, total: batch.batchSize };
    },
  };
}
