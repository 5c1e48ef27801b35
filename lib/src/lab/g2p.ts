/**
 * **Spelling to sound**: an attention encoder–decoder that reads a word letter by letter and writes its
 * phonemes (CMUdict, no stress digits), trained through the cache and scored the way published G2P
 * results are: WER, the share of test words with any error (a prediction is right if it equals any listed
 * pronunciation), and PER, phoneme edits per reference phoneme.
 *
 * Two recipes share everything but their size: {@link G2P_NOTEBOOK} trains in a few minutes inside
 * notebook 07b; {@link G2P_LONG_RUN} trains to convergence outside it (`npm run g2p`), saves its checkpoint
 * in the training cache with its test scores beside it, and the notebook loads it when it exists.
 *
 * ```ts
 * const data = g2pData();
 * const { model } = await trainG2P(data, G2P_NOTEBOOK);
 * transcribe(model, data, ["colonel"]);            // [["K", "ER", "N", "AH", "L"]]
 * evaluateG2P(model, data, data.testWords, { beamSize: 4 }); // { wer, per, … }
 * ```
 * @see notebooks/07b-attention.ipynb
 */
import * as fs from "fs";
import * as path from "path";
import { cachedRun, dataFingerprint, trainOrLoad } from "../checkpoint/cache";
import { g2pErrorRates, g2pSource } from "../data/g2p";
import type { G2pErrorRatesResult, G2pSource } from "../data/g2p";
import type { AttentionScore } from "../rnn/attention";
import { buildAttentionSeq2Seq } from "../rnn/attention-decoder";
import type { AttentionDecoder, AttentionSeq2SeqSizes, AttentionVariant } from "../rnn/attention-decoder";
import type { EncoderDecoder } from "../rnn/seq2seq";
import { beamSearch } from "../decode/beam-search";
import { seq2seqStepper, translate } from "../decode/seq2seq-stepper";
import { Trainer } from "../train/trainer";
import type { ProgressListener } from "../train/progress";
import type { TrainResult } from "../train/trainer";

/** Everything that decides a G2P model: its sizes and how it trains. */
export interface G2PRecipe {
  /** Width of the letter and phoneme embeddings. */
  readonly embedSize: number;
  /** Units per direction of the bidirectional GRU encoder (its outputs are twice as wide). */
  readonly encoderHiddens: number;
  /** Units of the decoder's GRU. */
  readonly numHiddens: number;
  readonly score: AttentionScore;
  readonly variant: AttentionVariant;
  readonly batchSize: number;
  readonly epochs: number;
  /** Cut each epoch to this many steps (the notebook's recipe trains part of an epoch). */
  readonly maxStepsPerEpoch?: number;
  /** Adam's learning rate at the start; a cosine schedule takes it to `lrFinal`. */
  readonly lr: number;
  readonly lrFinal: number;
  readonly clipNorm: number;
  readonly seed: number;
}

/** The notebook's model: about two minutes of training on this course's 2-core machine. */
export const G2P_NOTEBOOK: G2PRecipe = {
  embedSize: 32,
  encoderHiddens: 64,
  numHiddens: 128,
  score: "dot",
  variant: "luong",
  batchSize: 128,
  epochs: 2,
  maxStepsPerEpoch: 800, // every batch of an epoch (777); set so that test mode (RNNLAB_QUICK) can scale it down
  lr: 0.005,
  lrFinal: 0.0005,
  clipNorm: 1,
  seed: 0,
};

/** The long run of `npm run g2p`: a wider model trained for many epochs (about 40 minutes here). */
export const G2P_LONG_RUN: G2PRecipe = {
  embedSize: 64,
  encoderHiddens: 128,
  numHiddens: 256,
  score: "dot",
  variant: "luong",
  batchSize: 128,
  epochs: 15,
  lr: 0.003,
  lrFinal: 0.0001,
  clipNorm: 1,
  seed: 0,
};

/** The CMUdict split every G2P model here uses: 80/10/10 by word, seed 42, batches padded per batch. */
export function g2pData(batchSize = 128): G2pSource {
  return g2pSource({ batchSize, padding: "batch" });
}

/** An untrained model of `recipe` for `data`: a bidirectional GRU encoder, an attention GRU decoder, fused kernels. */
export function g2pModel(data: Pick<G2pSource, "srcVocab" | "tgtVocab">, recipe: G2PRecipe): EncoderDecoder<AttentionDecoder> {
  return buildAttentionSeq2Seq("gru", "fused", g2pSizes(data, recipe));
}

/** The sizes {@link g2pModel} builds with: the vocabularies' and the recipe's. */
export function g2pSizes(data: Pick<G2pSource, "srcVocab" | "tgtVocab">, recipe: G2PRecipe): AttentionSeq2SeqSizes {
  const bosId = data.tgtVocab.bosId;
  if (bosId === undefined) throw new Error("g2pModel: the target vocabulary has no <bos>; make the data with g2pData().");
  return {
    srcVocabSize: data.srcVocab.size,
    tgtVocabSize: data.tgtVocab.size,
    bosId,
    embedSize: recipe.embedSize,
    numHiddens: recipe.numHiddens,
    encoderHiddens: recipe.encoderHiddens,
    bidirectional: true,
    score: recipe.score,
    variant: recipe.variant,
    seed: recipe.seed,
  };
}

/** The cache settings of a recipe on some data (the data enters by a fingerprint of its training words). */
function settingsOf(data: G2pSource, recipe: G2PRecipe): unknown {
  return { task: "g2p-cmudict-v1", recipe, train: dataFingerprint(data.trainWords), test: dataFingerprint(data.testWords) };
}

/** Name of a recipe's folder in the training cache. */
function runName(recipe: G2PRecipe): string {
  return `07b-g2p-${recipe.numHiddens}`;
}

/** Where the training cache keeps `recipe`'s model, and whether it has been trained. */
export function g2pRun(data: G2pSource, recipe: G2PRecipe): { readonly dir: string; readonly exists: boolean } {
  return cachedRun(runName(recipe), settingsOf(data, recipe));
}

/** Options of {@link trainG2P}. */
export interface TrainG2POptions {
  /** Training progress (a board in a notebook; console lines when absent). */
  readonly listener?: ProgressListener | null;
  /** Train even when the cache has the model. */
  readonly force?: boolean;
  readonly log?: (message: string) => void;
}

/** A trained (or loaded) model and how it got there. */
export interface G2PRun {
  readonly model: EncoderDecoder<AttentionDecoder>;
  readonly fromCache: boolean;
  readonly dir: string;
  readonly history: TrainResult;
}

/** Trains `recipe` on `data`, or loads it from the training cache when the same recipe was trained before. */
export async function trainG2P(data: G2pSource, recipe: G2PRecipe, opts: TrainG2POptions = {}): Promise<G2PRun> {
  const model = g2pModel(data, recipe);
  const trainer = new Trainer({
    maxEpochs: recipe.epochs,
    maxStepsPerEpoch: recipe.maxStepsPerEpoch,
    lr: recipe.lr,
    lrSchedule: "cosine",
    lrFinal: recipe.lrFinal,
    clipNorm: recipe.clipNorm,
    maxValBatches: 20,
    listener: opts.listener,
    title: `G2P · attention GRU ${recipe.numHiddens}`,
    reportsPerEpoch: 4,
  });
  const run = await trainOrLoad({
    name: runName(recipe),
    settings: settingsOf(data, recipe),
    variables: () => model.trainableVariables(),
    train: () => trainer.fit(model, data),
    force: opts.force,
    log: opts.log,
  });
  return { model, fromCache: run.fromCache, dir: run.dir, history: run.history };
}

/** Options of {@link transcribe}. */
export interface TranscribeOptions {
  /** 1 (default): greedy; more: beam search of that width, the best hypothesis kept. */
  readonly beamSize?: number;
  /** `α` of beam search's length normalisation. Default 0.75. */
  readonly lengthPenalty?: number;
  /** Words decoded together. Default 256. */
  readonly batchSize?: number;
}

/** The phonemes the model writes for each word (greedy or beam search), batched. */
export function transcribe(
  model: EncoderDecoder<AttentionDecoder>,
  data: G2pSource,
  words: readonly string[],
  opts: TranscribeOptions = {},
): string[][] {
  const { beamSize = 1, lengthPenalty = 0.75, batchSize = 256 } = opts;
  if (!(Number.isInteger(beamSize) && beamSize >= 1)) throw new Error(`transcribe: beamSize must be a positive integer, got ${beamSize}.`);
  const eosId = data.tgtVocab.eosId as number;
  const out: string[][] = [];
  for (let i = 0; i < words.length; i += batchSize) {
    const chunk = words.slice(i, i + batchSize);
    const sources = chunk.map((w) => data.encodeSource(w));
    const maxLength = Math.max(...sources.map((s) => s.length)) + 6; // a pronunciation is rarely much longer than its spelling
    const ids =
      beamSize === 1
        ? translate(model, sources, { maxLength, eosId })
        : beamSearch(seq2seqStepper(model), sources, { beamSize, maxLength, eosId, lengthPenalty, numReturn: 1 }).map((h) => h[0].ids);
    for (const row of ids) out.push(data.decodePhonemes(row));
  }
  return out;
}

/** WER and PER of a model on `words` (see {@link g2pErrorRates}), and how long decoding took. */
export interface G2PEvaluation extends G2pErrorRatesResult {
  readonly beamSize: number;
  readonly seconds: number;
}

/** Scores the model on `words` (usually `data.testWords`) with greedy decoding or beam search. */
export function evaluateG2P(
  model: EncoderDecoder<AttentionDecoder>,
  data: G2pSource,
  words: readonly string[],
  opts: TranscribeOptions = {},
): G2PEvaluation {
  const t0 = Date.now();
  const phonemes = transcribe(model, data, words, opts);
  const rates = g2pErrorRates(
    words.map((word, i) => ({ word, phonemes: phonemes[i] })),
    data.pronunciations,
  );
  return { ...rates, beamSize: opts.beamSize ?? 1, seconds: (Date.now() - t0) / 1000 };
}

/** What `npm run g2p` writes beside the long run's checkpoint. */
export interface G2PReport {
  readonly recipe: G2PRecipe;
  readonly trainSeconds: number;
  readonly testWords: number;
  readonly results: readonly { readonly decoder: string; readonly wer: number; readonly per: number; readonly seconds: number }[];
}

const REPORT = "g2p-report.json";

/** Saves the long run's scores beside its checkpoint. */
export function saveG2PReport(dir: string, report: G2PReport): void {
  fs.writeFileSync(path.join(dir, REPORT), JSON.stringify(report, null, 2));
}

/** The scores `npm run g2p` saved beside a checkpoint, or undefined when it has none (or it cannot be read). */
export function readG2PReport(dir: string): G2PReport | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, REPORT), "utf8")) as G2PReport;
  } catch {
    return undefined;
  }
}
