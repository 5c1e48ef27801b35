/**
 * A character language model of Tang quatrains, and poems written with it under constraints. The corpus is
 * both forms (five- and seven-character quatrains) in one script; each poem is one line of the batch source,
 * `<bos>` … `<eos>`. The model is an embedding, a fused recurrent stack and the fused output layer; it is
 * trained through the training cache. Writing goes through the one sampling interface with the
 * `allowedTokens` rules of `decode/poem-constraints.ts`, so the form is guaranteed whatever the model learnt.
 *
 * ```ts
 * const corpus = quatrainCorpus({ script: "simplified" });
 * const { model } = await trainQuatrainLM(corpus, QUATRAIN_LM);
 * writeQuatrains(model, corpus, { form: 5, n: 4, heads: "春夏秋冬", rhyme: true });
 * ```
 * @see notebooks/09-tang-poems.ipynb
 */
import type { CellKind } from "../cells";
import { dataFingerprint, trainOrLoad } from "../checkpoint/cache";
import { lineBatchSource } from "../data/line-batches";
import type { LineBatchSource } from "../data/line-batches";
import { tangPoems } from "../data/tang";
import { rhymeGroup, tonalClass, TONE_PATTERNS } from "../data/tones";
import { Vocab } from "../data/vocab";
import { endRhyme, quatrainConstraint, quatrainMaxLength, quatrainTokenIds } from "../decode/poem-constraints";
import type { QuatrainConstraintOptions } from "../decode/poem-constraints";
import { beamSearch } from "../decode/beam-search";
import { sample } from "../decode/sampling";
import type { DecodeMethod } from "../decode/sampling";
import { languageModelStepper } from "../decode/stepper";
import { buildBlock, buildStack } from "../rnn/blocks";
import { RNNLMScratch } from "../rnn/rnn-lm";
import type { ProgressListener } from "../train/progress";
import { Trainer } from "../train/trainer";
import type { TrainResult } from "../train/trainer";

/** The training data of the quatrain model. */
export interface QuatrainCorpus {
  readonly script: "traditional" | "simplified";
  /** Every poem's text with its punctuation, both forms, in the corpus's order. */
  readonly texts: readonly string[];
  /** `<pad>`, `<bos>`, `<eos>` and every character of the corpus (or `<unk>` and those seen `minCount` times). */
  readonly vocab: Vocab;
  /** One poem per row, `<bos>` … `<eos>`, padded; a seeded validation split. */
  readonly data: LineBatchSource;
  /** The texts of the training poems (what the model sees; novelty is measured against these). */
  readonly trainTexts: readonly string[];
  /** The texts of the held-out validation poems. */
  readonly valTexts: readonly string[];
}

/** Options of {@link quatrainCorpus}. */
export interface QuatrainCorpusOptions {
  /** Default `"simplified"`. */
  readonly script?: "traditional" | "simplified";
  /** Poems per batch. Default 64. */
  readonly batchSize?: number;
  /** Share of poems held out for validation. Default 0.07: over 200 held-out poems of each form (226 and 756 at seed 1). */
  readonly valFraction?: number;
  /** Seed of the split and the shuffles. Default 1. */
  readonly seed?: number;
  /**
   * Keep only characters seen at least this often; the rest become `<unk>` (never written: the form rule allows Han
   * characters only). Default 1: every character. 3 keeps 3,694 of 5,191 simplified characters (99.52 % of the text)
   * and makes the output layer, most of a training step, 29 % smaller.
   */
  readonly minCount?: number;
}

/** Both forms of `tangPoems` as one character-level corpus (see the module summary). */
export function quatrainCorpus(opts: QuatrainCorpusOptions = {}): QuatrainCorpus {
  const { script = "simplified", batchSize = 64, valFraction = 0.07, seed = 1, minCount = 1 } = opts;
  if (!(Number.isInteger(minCount) && minCount >= 1))
    throw new Error(`quatrainCorpus: minCount must be a positive integer, got ${minCount}.`);
  const texts = [...tangPoems({ form: "5", script }), ...tangPoems({ form: "7", script })].map((p) => p.text);
  const vocab = Vocab.build(
    texts.flatMap((t) => [...t]),
    minCount === 1 ? { reserved: ["<pad>", "<bos>", "<eos>"] } : { reserved: ["<pad>", "<unk>", "<bos>", "<eos>"], minFreq: minCount },
  );
  const encoded = texts.map((t) => vocab.encode([...t]));
  const data = lineBatchSource(encoded, vocab, { batchSize, valFraction, seed });
  const textOf = new Map<readonly number[], string>(encoded.map((e, i) => [e, texts[i]])); // the split keeps the encoded arrays themselves
  const back = (items: readonly (readonly number[])[]): string[] => items.map((it) => textOf.get(it) as string);
  return { script, texts, vocab, data, trainTexts: back(data.trainItems), valTexts: back(data.valItems) };
}

/** Everything that decides the quatrain model and its training. */
export interface QuatrainLMRecipe {
  readonly cell: CellKind;
  readonly embedSize: number;
  readonly numHiddens: number;
  readonly numLayers: number;
  readonly epochs: number;
  /** Cap on steps per epoch (lets test mode scale the run down). */
  readonly maxStepsPerEpoch: number;
  /** Adam's learning rate at the start; a cosine schedule takes it to `lrFinal`. */
  readonly lr: number;
  readonly lrFinal: number;
  readonly clipNorm: number;
  readonly seed: number;
}

/**
 * The recipe of notebook 09: one fused GRU of 256 units over 128-wide embeddings, two epochs of a corpus cut at
 * `minCount: 3` in batches of 64 (205 steps each), Adam from 0.008 down to 0.0005 on a cosine. Measured alone on
 * the 2-core machine: ≈ 5,000 tokens/s, about 3 minutes, validation perplexity ≈ 140. (Batches of 128, or a learning
 * rate of 0.005, reached only 214–229 in the same time; a third epoch gains little and overfits: train 97 vs
 * validation 136.)
 */
export const QUATRAIN_LM: QuatrainLMRecipe = {
  cell: "gru",
  embedSize: 128,
  numHiddens: 256,
  numLayers: 1,
  epochs: 2,
  maxStepsPerEpoch: 205,
  lr: 0.008,
  lrFinal: 0.0005,
  clipNorm: 1,
  seed: 0,
};

/** An untrained model of `recipe`: embedding → fused block (or stack) → the fused output layer in training. */
export function buildQuatrainLM(vocabSize: number, recipe: QuatrainLMRecipe): RNNLMScratch {
  const { cell, embedSize, numHiddens, numLayers, seed } = recipe;
  const block =
    numLayers === 1
      ? buildBlock(cell, "fused", { numInputs: embedSize, numHiddens, seed })
      : buildStack(cell, "fused", { numInputs: embedSize, numHiddens, numLayers, seed });
  return new RNNLMScratch({ block, vocabSize, embedSize, seed, fusedHead: true });
}

/** A trained (or loaded) quatrain model. */
export interface QuatrainLMRun {
  readonly model: RNNLMScratch;
  readonly fromCache: boolean;
  readonly history: TrainResult;
}

/** Trains `recipe` on the corpus, or loads it from the training cache when the same recipe and data were trained before. */
export async function trainQuatrainLM(
  corpus: QuatrainCorpus,
  recipe: QuatrainLMRecipe,
  opts: { readonly listener?: ProgressListener | null; readonly force?: boolean; readonly log?: (m: string) => void } = {},
): Promise<QuatrainLMRun> {
  const model = buildQuatrainLM(corpus.vocab.size, recipe);
  const trainer = new Trainer({
    maxEpochs: recipe.epochs,
    maxStepsPerEpoch: recipe.maxStepsPerEpoch,
    lr: recipe.lr,
    lrSchedule: "cosine",
    lrFinal: recipe.lrFinal,
    clipNorm: recipe.clipNorm,
    reportsPerEpoch: 4,
    listener: opts.listener,
    title: `Tang quatrains · ${recipe.cell.toUpperCase()} ${recipe.numHiddens}`,
  });
  const run = await trainOrLoad({
    name: `09-quatrains-${recipe.cell}${recipe.numHiddens}`,
    settings: { task: "tang-quatrains-v1", recipe, script: corpus.script, data: dataFingerprint(corpus.texts) },
    variables: () => model.trainableVariables(),
    train: () => trainer.fit(model, corpus.data),
    force: opts.force,
    log: opts.log,
  });
  return { model, fromCache: run.fromCache, history: run.history };
}

/** What {@link writeQuatrains} should obey, beyond the form (always guaranteed). */
export interface WriteQuatrainsOptions {
  /** 5 or 7 characters per line. */
  readonly form: 5 | 7;
  /** Poems to write. */
  readonly n: number;
  /** Four head characters (藏头诗): line k starts with head k. */
  readonly heads?: string;
  /**
   * Lines 2 and 4 end in the same rhyme group (modern Mandarin, 中华新韵), on 平 characters: `true`, or `"124"` to
   * rhyme line 1 too (首句入韵, as tone patterns named 首句入韵 expect). Default false.
   */
  readonly rhyme?: boolean | "124";
  /** Follow one of the four regulated 平仄 patterns of the form (index into `TONE_PATTERNS[form]`). */
  readonly tonePattern?: number;
  /** A head the vocabulary lacks: `"error"` (default, a message naming it) or `"skip"` (that line starts freely). */
  readonly unknownHead?: "error" | "skip";
  /** How each character is chosen. Default top-p 0.9. Ignored when `beamSize` is given. */
  readonly method?: DecodeMethod;
  /**
   * Beam search instead of sampling: the `n` likeliest poems (under the model, among those that obey the
   * constraints) of one search with this many beams; `n` must not exceed it. Length penalty 0: every poem of a
   * form has the same length.
   */
  readonly beamSize?: number;
  /** Seed of the sampler. Default 0. */
  readonly seed?: number;
}

/**
 * Writes `n` quatrains whose form is guaranteed, with the chosen constraints added (see {@link WriteQuatrainsOptions}):
 * `n` samples in one batch, or the `n` best of one beam search.
 */
export function writeQuatrains(model: RNNLMScratch, corpus: Pick<QuatrainCorpus, "vocab">, opts: WriteQuatrainsOptions): string[] {
  const { form, n, heads, rhyme = false, tonePattern, unknownHead = "error", method = { kind: "topP", p: 0.9 }, beamSize, seed = 0 } = opts;
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`writeQuatrains: n must be a positive integer, got ${n}.`);
  if (beamSize !== undefined && !(Number.isInteger(beamSize) && beamSize >= n)) {
    throw new Error(`writeQuatrains: beamSize must be an integer ≥ n (${n}), the number of poems returned; got ${beamSize}.`);
  }
  const vocab = corpus.vocab;
  const bos = vocab.bosId as number;
  const ids = quatrainTokenIds(vocab);
  const prefixes = Array.from({ length: beamSize === undefined ? n : 1 }, () => [bos]);
  const tok = (id: number): string => vocab.tokens[id];
  const constraint: QuatrainConstraintOptions = { form, prefixes, unknownHead, ...(heads === undefined ? {} : { heads }) };
  let extra: Partial<QuatrainConstraintOptions> = {};
  if (tonePattern !== undefined) {
    const patterns = TONE_PATTERNS[String(form) as "5" | "7"];
    if (!(Number.isInteger(tonePattern) && tonePattern >= 0 && tonePattern < patterns.length)) {
      throw new Error(
        `writeQuatrains: tonePattern is an index from 0 to ${patterns.length - 1} into TONE_PATTERNS["${form}"], got ${tonePattern}.`,
      );
    }
    extra = { tonePattern: patterns[tonePattern].lines, tonalClassOf: (id) => tonalClass(tok(id)) };
  }
  if (rhyme) {
    const groupOf = (id: number): string | undefined => (tonalClass(tok(id)) === "ping" ? rhymeGroup(tok(id)) : undefined);
    extra = { ...extra, rhymeWith: endRhyme(ids, { groupOf, lines: rhyme === "124" ? [0, 1, 3] : [1, 3] }) };
  }
  const allowedTokens = quatrainConstraint(ids, { ...constraint, ...extra });
  const common = { maxLength: quatrainMaxLength(form), eosId: ids.eosId, allowedTokens };
  const out =
    beamSize === undefined
      ? sample(languageModelStepper(model), prefixes, { ...common, method, seed })
      : beamSearch(languageModelStepper(model), prefixes, { ...common, beamSize, numReturn: n, lengthPenalty: 0 })[0].map((h) => h.ids);
  return out.map((row) => vocab.decode(row).join(""));
}
