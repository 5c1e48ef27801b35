/**
 * Notebook 08's dinosaur-name model, portable: {@link nameDemoOf} packs the trained model, its vocabulary and
 * its training names as JSON (for the book's in-browser demo), {@link loadNameDemo} rebuilds the model from it
 * anywhere tfjs runs, and {@link demoNames} samples names with the lib's own sampler, each marked new, in the
 * training set, or a held-out real name.
 *
 * ```ts
 * const json = nameDemoOf(model, vocab, names, { cell: "lstm", numHiddens: 128 }); // Node, after training
 * const demo = loadNameDemo(json);                                                // in the page
 * demoNames(demo, { prefix: "tyr", count: 8, temperature: 0.8, seed: 1 });         // [{ name, label, mark }, …]
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import type { CellKind } from "../cells";
import { exportWeights, importWeights } from "../checkpoint/portable";
import type { PortableWeights } from "../checkpoint/portable";
import { Vocab } from "../data/vocab";
import type { VocabJSON } from "../data/vocab";
import type { RNNLMScratch } from "../rnn/rnn-lm";
import { sampleNames } from "./generate";
import { NAME_MARKS } from "./generate";
import { buildNameLM } from "./modern";
import { labelName, splitNames } from "./split";
import type { NameLabel, NameSplit } from "./split";

/** The format of {@link NameDemoJSON}. */
export const NAME_DEMO_FORMAT = "rnnlab-name-demo";

/** A trained name model as JSON: sizes, vocabulary, the names it learnt from (and how they were split), weights. */
export interface NameDemoJSON {
  readonly format: typeof NAME_DEMO_FORMAT;
  readonly version: 1;
  readonly cell: CellKind;
  readonly numHiddens: number;
  readonly vocab: VocabJSON;
  readonly names: readonly string[];
  readonly valFraction: number;
  readonly splitSeed: number;
  readonly weights: PortableWeights;
}

/** A name model rebuilt from {@link NameDemoJSON}. */
export interface NameDemo {
  readonly model: RNNLMScratch;
  readonly vocab: Vocab;
  readonly split: NameSplit;
}

/** Packs a trained name model (see the module summary). `split` defaults to notebook 08's (10 % held out, seed 42). */
export function nameDemoOf(
  model: RNNLMScratch,
  vocab: Vocab,
  names: readonly string[],
  sizes: { readonly cell: CellKind; readonly numHiddens: number; readonly valFraction?: number; readonly splitSeed?: number },
): NameDemoJSON {
  return {
    format: NAME_DEMO_FORMAT,
    version: 1,
    cell: sizes.cell,
    numHiddens: sizes.numHiddens,
    vocab: vocab.toJSON(),
    names: [...names],
    valFraction: sizes.valFraction ?? 0.1,
    splitSeed: sizes.splitSeed ?? 42,
    weights: exportWeights(model.trainableVariables()),
  };
}

/**
 * Rebuilds the model of a {@link NameDemoJSON}; the caller disposes `model`.
 * @throws Error when the JSON is not a name demo, or its weights do not fit its sizes.
 */
export function loadNameDemo(json: NameDemoJSON): NameDemo {
  if (!json || json.format !== NAME_DEMO_FORMAT || json.version !== 1) {
    throw new Error(`loadNameDemo: this is not an ${NAME_DEMO_FORMAT} (version 1); export it with nameDemoOf.`);
  }
  const vocab = Vocab.fromJSON(json.vocab);
  const model = buildNameLM(vocab.size, { cell: json.cell, numHiddens: json.numHiddens });
  try {
    importWeights(model.trainableVariables(), json.weights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, vocab, split: splitNames(json.names, { valFraction: json.valFraction, seed: json.splitSeed }) };
}

/** Options of {@link demoNames}. */
export interface DemoNamesOptions {
  /** Letters every name starts with. Default "". */
  readonly prefix?: string;
  /** How many names. Default 8. */
  readonly count?: number;
  /** Sampling temperature (> 0). Default 1. */
  readonly temperature?: number;
  /** Seed of the sampling. Default 0. */
  readonly seed?: number;
}

/** Samples names from a loaded demo, each with its label and the mark notebook 08 prints (`·` trained on, `★` held out). */
export function demoNames(demo: NameDemo, opts: DemoNamesOptions = {}): { name: string; label: NameLabel; mark: string }[] {
  const { prefix = "", count = 8, temperature = 1, seed = 0 } = opts;
  if (!(temperature > 0)) throw new Error(`demoNames: temperature must be above 0, got ${temperature}.`);
  const clean = prefix.trim().toLowerCase();
  const names = sampleNames(demo.model, demo.vocab, { count, method: { kind: "temperature", temperature }, prefix: clean, seed });
  return names.map((name) => {
    const label = labelName(name, demo.split);
    return { name, label, mark: NAME_MARKS[label] };
  });
}
