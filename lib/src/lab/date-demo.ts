/**
 * Notebook 07b's date translator with attention, portable: {@link dateDemoOf} packs the trained model and its two
 * vocabularies as JSON (for the book's in-browser demo), {@link loadDateDemo} rebuilds it anywhere tfjs runs, and
 * {@link demoDate} translates one date with the lib's own greedy decoding (the seq2seq stepper and `sample`), held to
 * real ISO dates by a constraint ({@link isoDateConstraint}), and reads back where each output character looked
 * (`attentionMap`).
 *
 * ```ts
 * const json = dateDemoOf(model, data.srcVocab, data.tgtVocab, sizes); // Node, after training
 * const demo = loadDateDemo(json);                                    // in the page
 * demoDate(demo, "saturday 9 may 2018");                              // { output: "2018-05-09", weights, … }
 * ```
 * @see notebooks/07b-attention.ipynb
 */
import { exportWeights, importWeights } from "../checkpoint/portable";
import type { PortableWeights } from "../checkpoint/portable";
import { charTokens } from "../data/tokenize";
import { Vocab } from "../data/vocab";
import type { VocabJSON } from "../data/vocab";
import { sample } from "../decode/sampling";
import type { AllowedTokens } from "../decode/sampling";
import { seq2seqStepper } from "../decode/seq2seq-stepper";
import { attentionMap, buildAttentionSeq2Seq } from "../rnn/attention-decoder";
import type { AttentionDecoder, AttentionSeq2SeqSizes } from "../rnn/attention-decoder";
import type { EncoderDecoder } from "../rnn/seq2seq";

/** The format of {@link DateDemoJSON}. */
export const DATE_DEMO_FORMAT = "rnnlab-date-demo";

/** The sizes of the model (those of `buildAttentionSeq2Seq`, without metrics), as JSON. */
export type DateDemoSizes = Omit<AttentionSeq2SeqSizes, "metrics">;

/** A trained date translator as JSON: its GRU sizes, both vocabularies (characters), its weights. */
export interface DateDemoJSON {
  readonly format: typeof DATE_DEMO_FORMAT;
  readonly version: 1;
  readonly sizes: DateDemoSizes;
  readonly srcVocab: VocabJSON;
  readonly tgtVocab: VocabJSON;
  readonly weights: PortableWeights;
}

/** A date translator rebuilt from {@link DateDemoJSON}. */
export interface DateDemo {
  readonly model: EncoderDecoder<AttentionDecoder>;
  readonly srcVocab: Vocab;
  readonly tgtVocab: Vocab;
}

/** Packs a trained attention model of GRUs (see the module summary). */
export function dateDemoOf(model: EncoderDecoder<AttentionDecoder>, srcVocab: Vocab, tgtVocab: Vocab, sizes: DateDemoSizes): DateDemoJSON {
  return {
    format: DATE_DEMO_FORMAT,
    version: 1,
    sizes,
    srcVocab: srcVocab.toJSON(),
    tgtVocab: tgtVocab.toJSON(),
    weights: exportWeights(model.trainableVariables()),
  };
}

/**
 * Rebuilds the model of a {@link DateDemoJSON} (fused GRU blocks: their JS kernels where the wasm ones cannot load);
 * the caller disposes `model`.
 * @throws Error when the JSON is not a date demo, or its weights do not fit its sizes.
 */
export function loadDateDemo(json: DateDemoJSON): DateDemo {
  if (!json || json.format !== DATE_DEMO_FORMAT || json.version !== 1) {
    throw new Error(`loadDateDemo: this is not an ${DATE_DEMO_FORMAT} (version 1); export it with dateDemoOf.`);
  }
  return restoreAttentionModel(json);
}

/**
 * The GRU attention model of a demo's JSON (its sizes, vocabularies and weights), as {@link loadDateDemo} and the
 * G2P demo rebuild it; the caller disposes `model`.
 */
export function restoreAttentionModel(json: Pick<DateDemoJSON, "sizes" | "srcVocab" | "tgtVocab" | "weights">): DateDemo {
  const srcVocab = Vocab.fromJSON(json.srcVocab);
  const tgtVocab = Vocab.fromJSON(json.tgtVocab);
  const model = buildAttentionSeq2Seq("gru", "fused", json.sizes);
  try {
    importWeights(model.trainableVariables(), json.weights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, srcVocab, tgtVocab };
}

/** What {@link demoDate} returns: the output, and `weights[t][j]`, the attention output step `t` gave input character `j`. */
export interface DemoDateResult {
  readonly output: string;
  /** The input's characters (the heatmap's columns). */
  readonly inputChars: string[];
  /** The output's characters and `<eos>` (the heatmap's rows). */
  readonly outputChars: string[];
  /** `[outputChars.length][inputChars.length]`; each row sums to 1. */
  readonly weights: number[][];
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A decoding constraint that lets a decoder write only real dates `YYYY-MM-DD` and then `<eos>`: digits for the year,
 * a month from 01 to 12, a day that month has (29 February only in leap years). The model still chooses among them.
 * @throws Error when `vocab` lacks a digit, "-" or `<eos>`.
 */
export function isoDateConstraint(vocab: Vocab): AllowedTokens {
  const id = (c: string): number => {
    if (!vocab.has(c))
      throw new Error(`isoDateConstraint: the target vocabulary has no ${JSON.stringify(c)}; it must hold the digits and "-".`);
    return vocab.idOf(c);
  };
  const digit = Array.from({ length: 10 }, (_, d) => id(String(d)));
  const dash = id("-");
  const eos = vocab.eosId;
  if (eos === undefined) throw new Error("isoDateConstraint: the target vocabulary has no <eos>.");
  const value = (ids: readonly number[], from: number, to: number): number =>
    Number(
      ids
        .slice(from, to)
        .map((i) => digit.indexOf(i))
        .join(""),
    );
  const digits = (lo: number, hi: number): number[] => digit.slice(lo, hi + 1);
  return (t, generated) => {
    if (t < 4) return digit;
    if (t === 4 || t === 7) return [dash];
    if (t === 5) return digits(0, 1);
    if (t === 6) return generated[5] === digit[0] ? digits(1, 9) : digits(0, 2);
    const year = value(generated, 0, 4);
    const month = value(generated, 5, 7);
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
    if (t === 8) return digits(0, Math.floor(days / 10));
    if (t === 9) {
      const tens = digit.indexOf(generated[8]);
      return tens === 0 ? digits(1, 9) : tens === Math.floor(days / 10) ? digits(0, days % 10) : digits(0, 9);
    }
    return [eos];
  };
}

/**
 * Translates `input` (a date in any of the notebook's formats) greedily into a real ISO date (see
 * {@link isoDateConstraint}) and returns it with its attention map.
 * @throws Error naming characters the model never saw, or an empty input.
 */
export function demoDate(demo: DateDemo, input: string): DemoDateResult {
  const text = input.trim().toLowerCase().replace(/\s+/g, " "); // the dates of the notebook are lower-case
  const chars = charTokens(text);
  if (chars.length === 0) throw new Error("demoDate: type a date, e.g. saturday 9 may 2018.");
  const unknown = [...new Set(chars.filter((c) => !demo.srcVocab.has(c)))];
  if (unknown.length > 0)
    throw new Error(
      `demoDate: the model never saw ${unknown.map((c) => JSON.stringify(c)).join(", ")}; use letters, digits, spaces and the punctuation of dates.`,
    );
  const src = demo.srcVocab.encode(chars);
  const eos = demo.tgtVocab.eosId as number;
  const [out] = sample(seq2seqStepper(demo.model), [src], {
    method: { kind: "greedy" },
    maxLength: 11,
    eosId: eos,
    allowedTokens: isoDateConstraint(demo.tgtVocab),
  });
  const ids = out.filter((id) => id !== eos);
  const outputChars = ids.map((id) => demo.tgtVocab.tokenOf(id));
  const { weights } = attentionMap(demo.model, src, ids);
  return { output: outputChars.join(""), inputChars: chars, outputChars: [...outputChars, "<eos>"], weights };
}
