/**
 * Notebook 07b's spelling-to-sound model (G2P), portable: {@link g2pDemoOf} packs the trained model and its letter
 * and phoneme vocabularies as JSON (for the book's in-browser demo), {@link loadG2PDemo} rebuilds it, and
 * {@link demoG2P} reads a word aloud in ARPAbet phonemes with the lib's own decoding (the seq2seq stepper and beam
 * search) and returns where each phoneme looked (`attentionMap`).
 *
 * ```ts
 * const demo = loadG2PDemo(g2pDemoOf(model, data, recipe));
 * demoG2P(demo, "knight"); // { phonemes: ["N", "AY", "T"], weights, … }
 * ```
 * @see notebooks/07b-attention.ipynb
 */
import { exportWeights } from "../checkpoint/portable";
import { charTokens } from "../data/tokenize";
import type { Vocab } from "../data/vocab";
import { beamSearch } from "../decode/beam-search";
import { seq2seqStepper } from "../decode/seq2seq-stepper";
import type { AttentionDecoder } from "../rnn/attention-decoder";
import { attentionMap } from "../rnn/attention-decoder";
import type { EncoderDecoder } from "../rnn/seq2seq";
import { restoreAttentionModel } from "./date-demo";
import type { DateDemo, DateDemoJSON } from "./date-demo";
import { g2pSizes } from "./g2p";
import type { G2PRecipe } from "./g2p";

/** The format of {@link G2PDemoJSON}. */
export const G2P_DEMO_FORMAT = "rnnlab-g2p-demo";

/** A trained G2P model as JSON: the same fields as a date demo's, under its own format. */
export type G2PDemoJSON = Omit<DateDemoJSON, "format"> & { readonly format: typeof G2P_DEMO_FORMAT };

/** Packs a G2P model built by `g2pModel(data, recipe)` (with its sizes, `g2pSizes(data, recipe)`). */
export function g2pDemoOf(
  model: EncoderDecoder<AttentionDecoder>,
  data: { readonly srcVocab: Vocab; readonly tgtVocab: Vocab },
  recipe: G2PRecipe,
): G2PDemoJSON {
  return {
    format: G2P_DEMO_FORMAT,
    version: 1,
    sizes: g2pSizes(data, recipe),
    srcVocab: data.srcVocab.toJSON(),
    tgtVocab: data.tgtVocab.toJSON(),
    weights: exportWeights(model.trainableVariables()),
  };
}

/**
 * Rebuilds the model of a {@link G2PDemoJSON}; the caller disposes `model`.
 * @throws Error when the JSON is not a G2P demo, or its weights do not fit its sizes.
 */
export function loadG2PDemo(json: G2PDemoJSON): DateDemo {
  if (!json || json.format !== G2P_DEMO_FORMAT || json.version !== 1) {
    throw new Error(`loadG2PDemo: this is not an ${G2P_DEMO_FORMAT} (version 1); export it with g2pDemoOf.`);
  }
  return restoreAttentionModel(json);
}

/** What {@link demoG2P} returns: the phonemes, and `weights[t][j]`, the attention phoneme `t` gave letter `j`. */
export interface DemoG2PResult {
  readonly phonemes: string[];
  readonly letters: string[];
  /** `[phonemes.length + 1][letters.length]` (the last row: the step that writes `<eos>`); rows sum to 1. */
  readonly weights: number[][];
}

/**
 * Reads `word` aloud: the best of a beam search of width `beamSize` (default 4, as the notebook's best row).
 * @throws Error for an empty word or letters the model never saw.
 */
export function demoG2P(demo: DateDemo, word: string, opts: { readonly beamSize?: number } = {}): DemoG2PResult {
  const letters = charTokens(word.trim().toLowerCase());
  if (letters.length === 0) throw new Error("demoG2P: type a word, e.g. knight.");
  const unknown = [...new Set(letters.filter((c) => !demo.srcVocab.has(c)))];
  if (unknown.length > 0)
    throw new Error(`demoG2P: the model reads the letters a–z and ' only; ${unknown.map((c) => JSON.stringify(c)).join(", ")} is not one.`);
  const src = demo.srcVocab.encode(letters);
  const eos = demo.tgtVocab.eosId as number;
  const [[best]] = beamSearch(seq2seqStepper(demo.model), [src], {
    beamSize: opts.beamSize ?? 4,
    maxLength: letters.length + 6,
    eosId: eos,
  });
  const ids = best.ids.filter((id) => id !== eos);
  const { weights } = attentionMap(demo.model, src, ids);
  return { phonemes: ids.map((id) => demo.tgtVocab.tokenOf(id)), letters, weights };
}
