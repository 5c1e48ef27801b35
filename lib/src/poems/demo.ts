/**
 * Notebook 09's quatrain model, portable: {@link poemDemoOf} packs the trained model and its vocabulary as JSON
 * (for the book's in-browser demo), {@link loadPoemDemo} rebuilds it anywhere tfjs runs, and {@link demoQuatrain}
 * writes an acrostic quatrain with the lib's own constrained decoding ({@link writeQuatrains}: the form always,
 * the heads, rhyme and a tone pattern when asked) and checks it with {@link checkQuatrain}.
 *
 * ```ts
 * const json = poemDemoOf(model, corpus, recipe);                 // Node, after training
 * const demo = loadPoemDemo(json);                                // in the page
 * demoQuatrain(demo, { heads: "春夏秋冬", form: 5, rhyme: true });  // { poem, lines, check }
 * ```
 * @see notebooks/09-tang-poems.ipynb
 */
import { exportWeights, importWeights } from "../checkpoint/portable";
import type { PortableWeights } from "../checkpoint/portable";
import { checkQuatrain } from "../data/quatrain";
import type { QuatrainCheck } from "../data/quatrain";
import { Vocab } from "../data/vocab";
import type { VocabJSON } from "../data/vocab";
import type { RNNLMScratch } from "../rnn/rnn-lm";
import { buildQuatrainLM, writeQuatrains } from "./quatrain-lm";
import type { QuatrainCorpus, QuatrainLMRecipe } from "./quatrain-lm";

/** The format of {@link PoemDemoJSON}. */
export const POEM_DEMO_FORMAT = "rnnlab-poem-demo";

/** A trained quatrain model as JSON: its recipe (sizes), vocabulary and weights. */
export interface PoemDemoJSON {
  readonly format: typeof POEM_DEMO_FORMAT;
  readonly version: 1;
  readonly recipe: QuatrainLMRecipe;
  readonly vocab: VocabJSON;
  readonly weights: PortableWeights;
}

/** A quatrain model rebuilt from {@link PoemDemoJSON}. */
export interface PoemDemo {
  readonly model: RNNLMScratch;
  readonly vocab: Vocab;
}

/** Packs a trained quatrain model (see the module summary). */
export function poemDemoOf(model: RNNLMScratch, corpus: Pick<QuatrainCorpus, "vocab">, recipe: QuatrainLMRecipe): PoemDemoJSON {
  return {
    format: POEM_DEMO_FORMAT,
    version: 1,
    recipe,
    vocab: corpus.vocab.toJSON(),
    weights: exportWeights(model.trainableVariables()),
  };
}

/**
 * Rebuilds the model of a {@link PoemDemoJSON}; the caller disposes `model`.
 * @throws Error when the JSON is not a poem demo, or its weights do not fit its recipe.
 */
export function loadPoemDemo(json: PoemDemoJSON): PoemDemo {
  if (!json || json.format !== POEM_DEMO_FORMAT || json.version !== 1) {
    throw new Error(`loadPoemDemo: this is not an ${POEM_DEMO_FORMAT} (version 1); export it with poemDemoOf.`);
  }
  const vocab = Vocab.fromJSON(json.vocab);
  const model = buildQuatrainLM(vocab.size, json.recipe);
  try {
    importWeights(model.trainableVariables(), json.weights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, vocab };
}

/** Options of {@link demoQuatrain}. */
export interface DemoQuatrainOptions {
  /** Four head characters (藏头诗), one per line. */
  readonly heads: string;
  /** 5 or 7 characters per line. Default 5. */
  readonly form?: 5 | 7;
  /** Lines 2 and 4 rhyme. Default true. */
  readonly rhyme?: boolean;
  /** One of the form's four regulated tone patterns (0–3), or none. Default none. */
  readonly tonePattern?: number;
  /** Seed of the sampler. Default 0. */
  readonly seed?: number;
}

/** Writes one acrostic quatrain and checks it: `{ poem, lines, check }`. */
export function demoQuatrain(demo: PoemDemo, opts: DemoQuatrainOptions): { poem: string; lines: string[]; check: QuatrainCheck } {
  const { form = 5, rhyme = true, tonePattern, seed = 0 } = opts;
  const heads = [...opts.heads.replace(/\s+/g, "")];
  if (heads.length !== 4) throw new Error(`demoQuatrain: give four head characters, one per line; got ${heads.length} ("${opts.heads}").`);
  const [poem] = writeQuatrains(demo.model, demo, {
    form,
    n: 1,
    heads: heads.join(""),
    rhyme,
    ...(tonePattern === undefined ? {} : { tonePattern }),
    seed,
  });
  const lines = poem.match(/[^，。！？；、]+[，。！？；、]/gu) ?? [poem];
  return { poem, lines, check: checkQuatrain(poem, { form: String(form) as "5" | "7" }) };
}
