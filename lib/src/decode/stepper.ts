/**
 * The one interface every decoder drives. A {@link Stepper} holds the state of a batch of sequences being
 * generated: `start` reads each row's prefix, `step` feeds one token per row and returns the logits of
 * the next, and `reorder` keeps, drops or duplicates rows. Samplers (greedy, temperature, top-k, top-p,
 * constraints, suffixes) and beam search are written against it once, so they work for every model that
 * offers a stepper: language models now ({@link languageModelStepper}), decoders of seq2seq models later.
 *
 * ```ts
 * const stepper = languageModelStepper(model);
 * let logits = stepper.start([[bos, t, h], [bos, t, h]]); // [2 · vocabSize]: what follows "th", per row
 * logits = stepper.step([e, a]);                          // row 0 reads "e", row 1 reads "a"
 * stepper.reorder([1, 1]);                                // two copies of row 1 (beam search does this)
 * stepper.dispose();
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { idsTensor } from "../data/batch-tensors";
import type { RecurrentState } from "../rnn/recurrent";
import type { LanguageModel } from "../rnn/rnn-lm";

/** Token-id prefixes, one per row (each at least one token long, e.g. `<bos>`). */
export type Prefixes = readonly (readonly number[])[];

/** Step-by-step generation for a batch of rows. `S` is what starts it: prefixes for a language model. */
export interface Stepper<S = Prefixes> {
  /** Width of the logits. */
  readonly vocabSize: number;
  /** Rows being generated. */
  readonly numRows: number;
  /** Starts a new batch (freeing any earlier one) and returns the next-token logits, row-major `[numRows, vocabSize]`. */
  start(input: S): Float32Array;
  /** Feeds one token per row and returns the next-token logits, `[numRows, vocabSize]`. */
  step(ids: readonly number[]): Float32Array;
  /** New row `i` becomes old row `rows[i]`: rows can be dropped, reordered or duplicated. */
  reorder(rows: readonly number[]): void;
  /** Frees the state. */
  dispose(): void;
}

/** Checks that every id of `ids` is a token of a vocabulary of `vocabSize`. */
function checkRowIds(where: string, ids: readonly number[], vocabSize: number): void {
  for (const id of ids) {
    if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
      throw new Error(`${where}: id ${id} is not in the model's vocabulary of ${vocabSize}; encode the prefix with the model's vocab.`);
    }
  }
}

/** A language model's {@link Stepper}: its recurrent state is the decoding state. */
class LanguageModelStepper implements Stepper<Prefixes> {
  readonly vocabSize: number;
  private state: RecurrentState | undefined;
  private rows = 0;

  constructor(private readonly model: LanguageModel) {
    if (!model.block.causal && !model.unsafeNonCausal) {
      throw new Error(
        "languageModelStepper: the model's block is not causal (a bidirectional block reads the future), so it cannot generate: " +
          "when it predicts token t + 1 it expects to see tokens after t, which do not exist yet.",
      );
    }
    this.vocabSize = model.vocabSize;
  }

  get numRows(): number {
    return this.rows;
  }

  start(prefixes: Prefixes): Float32Array {
    if (prefixes.length === 0) throw new Error("Stepper.start: no rows; give at least one prefix.");
    prefixes.forEach((p, b) => {
      if (p.length === 0) throw new Error(`Stepper.start: prefix ${b} is empty; every row needs at least one token (e.g. <bos>).`);
      checkRowIds("Stepper.start", p, this.vocabSize);
    });
    this.dispose();
    const B = prefixes.length;
    const lens = prefixes.map((p) => p.length);
    const T = Math.max(...lens);
    const padded = prefixes.flatMap((p) => [...p, ...new Array<number>(T - p.length).fill(0)]); // row-major [B, T]
    const ragged = lens.some((len) => len !== T);
    const [logits, state] = tf.tidy(() => this.model.forward(idsTensor(padded, B, T), undefined, ragged ? { validLens: lens } : {}));
    const all = logits.dataSync() as Float32Array; // [T, B, V]
    logits.dispose();
    this.state = state;
    this.rows = B;
    const V = this.vocabSize;
    const out = new Float32Array(B * V);
    lens.forEach((len, b) => out.set(all.subarray(((len - 1) * B + b) * V, ((len - 1) * B + b + 1) * V), b * V)); // each row's last real step
    return out;
  }

  step(ids: readonly number[]): Float32Array {
    if (this.state === undefined) throw new Error("Stepper.step: call start(prefixes) first.");
    if (ids.length !== this.rows) throw new Error(`Stepper.step: ${ids.length} ids for ${this.rows} rows; give one token per row.`);
    checkRowIds("Stepper.step", ids, this.vocabSize);
    const old = this.state;
    const [logits, state] = tf.tidy(() => this.model.forward(idsTensor(ids, this.rows, 1), old)); // [1, rows, V]
    tf.dispose(old);
    this.state = state;
    const out = logits.dataSync() as Float32Array;
    logits.dispose();
    return out;
  }

  reorder(rows: readonly number[]): void {
    if (this.state === undefined) throw new Error("Stepper.reorder: call start(prefixes) first.");
    for (const r of rows) {
      if (!(Number.isInteger(r) && r >= 0 && r < this.rows))
        throw new Error(`Stepper.reorder: row ${r} does not exist; rows go from 0 to ${this.rows - 1}.`);
    }
    if (rows.length === 0) throw new Error("Stepper.reorder: keep at least one row (dispose the stepper to stop).");
    const old = this.state;
    this.state = tf.tidy(() => old.map((s) => tf.gather(s, tf.tensor1d(Int32Array.from(rows), "int32")) as tf.Tensor2D));
    tf.dispose(old);
    this.rows = rows.length;
  }

  dispose(): void {
    tf.dispose(this.state);
    this.state = undefined;
    this.rows = 0;
  }
}

/** A {@link Stepper} over a language model: `start(prefixes)` reads the prefixes in one forward pass. */
export function languageModelStepper(model: LanguageModel): Stepper<Prefixes> {
  return new LanguageModelStepper(model);
}
