/**
 * The modern path for names: a batched character LSTM (or GRU) language model on the fused wasm
 * layers of `fast/`, trained with Adam and gradient-norm clipping by the course's {@link Trainer}.
 * Names are batched with padding and a mask, so padding never counts in the loss; the weights of the
 * epoch with the best validation perplexity are kept; the whole run sits behind the training cache.
 *
 * ```ts
 * const vocab = nameVocab(names);
 * const data = nameData(names, vocab, { batchSize: 32 });
 * const model = keep("model", buildNameLM(vocab.size, { numHiddens: 128 }));
 * const { history, fromCache } = await trainNameLM(model, data, names, { maxEpochs: 30, listener: board });
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { CellKind } from "../cells";
import { dataFingerprint, trainOrLoad } from "../checkpoint/cache";
import { LineBatchSource, lineBatchSource } from "../data/line-batches";
import { charTokens } from "../data/tokenize";
import { Vocab } from "../data/vocab";
import { FusedRecurrentBlock } from "../rnn/fused";
import { RNNLMScratch } from "../rnn/rnn-lm";
import { EpochRecord, Trainer } from "../train/trainer";
import type { ProgressListener, TrainingProgress } from "../train/progress";

/** Sizes of the modern name model. */
export interface NameLMConfig {
  /** `"lstm"` (default), `"gru"` or `"rnn"`. */
  readonly cell?: CellKind;
  /** Width of the hidden state. Default 128. */
  readonly numHiddens?: number;
  /** Standard deviation of the initial weights. Default 0.1. */
  readonly sigma?: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/** Defaults of {@link NameLMConfig}. */
export const NAME_LM_DEFAULTS: Required<NameLMConfig> = { cell: "lstm", numHiddens: 128, sigma: 0.1, seed: 0 };

/** Batching of names. */
export interface NameDataConfig {
  /** Names per batch. Default 32. */
  readonly batchSize?: number;
  /** Fraction held out for validation. Default 0.1. */
  readonly valFraction?: number;
  /** Seed of the split and the shuffles. Default 42, as {@link splitNames}. */
  readonly seed?: number;
}

/** Training settings of the modern path. */
export interface NameTrainConfig {
  /** Epochs at full settings (scaled under `RNNLAB_QUICK`). Default 30. */
  readonly maxEpochs?: number;
  /** Adam's learning rate. Default 0.005. */
  readonly lr?: number;
  /** Clip the global gradient norm to this. Default 1. */
  readonly clipNorm?: number;
  /** At most this many batches per epoch at full settings (scaled); all when absent. */
  readonly maxStepsPerEpoch?: number;
}

/** Defaults of {@link NameTrainConfig}. */
export const NAME_TRAIN_DEFAULTS = { maxEpochs: 30, lr: 0.005, clipNorm: 1 } as const;

/** A character vocabulary for names: `<eos>` (id 0, which also starts and pads every name), then the letters. */
export function nameVocab(names: readonly string[]): Vocab {
  return Vocab.build(names.flatMap(charTokens), { reserved: ["<eos>"] });
}

/** Padded, masked train/validation batches of names (see {@link lineBatchSource}); same split as {@link splitNames}. */
export function nameData(names: readonly string[], vocab: Vocab, config: NameDataConfig = {}): LineBatchSource {
  const { batchSize = 32, valFraction = 0.1, seed = 42 } = config;
  return lineBatchSource(
    names.map((n) => vocab.encode(charTokens(n))),
    vocab,
    { batchSize, valFraction, seed },
  );
}

/**
 * A character LM on a fused recurrent block: one-hot letters → fused LSTM/GRU → `O_t = H_t W_hq + b_q`.
 * Seeded; an LSTM starts with forget-gate bias 1 so it remembers by default.
 */
export function buildNameLM(vocabSize: number, config: NameLMConfig = {}): RNNLMScratch {
  const { cell, numHiddens, sigma, seed } = { ...NAME_LM_DEFAULTS, ...config };
  const block = new FusedRecurrentBlock({ kind: cell, numInputs: vocabSize, numHiddens, sigma, seed, forgetBias: 1 });
  return new RNNLMScratch({ block, vocabSize, sigma, seed });
}

/**
 * A {@link ProgressListener} that remembers the weights of the epoch with the lowest validation
 * perplexity; {@link BestWeights.restore} puts them back after training.
 */
export class BestWeights implements ProgressListener {
  private readonly variables: tf.Variable[];
  private snapshot: tf.Tensor[] = [];
  /** Lowest validation perplexity seen (`Infinity` before the first). */
  bestValPerplexity = Infinity;
  /** The epoch it was reached (0 before the first). */
  bestEpoch = 0;

  constructor(variables: tf.Variable[]) {
    this.variables = variables;
  }

  onProgress(p: TrainingProgress): void {
    const val = p.metrics["val ppl"];
    if (val === undefined || !(val < this.bestValPerplexity)) return;
    this.bestValPerplexity = val;
    this.bestEpoch = p.epoch;
    tf.dispose(this.snapshot);
    this.snapshot = this.variables.map((v) => tf.clone(v));
  }

  /** Copies the best weights back into the variables (nothing happens before the first report). */
  restore(): void {
    this.snapshot.forEach((t, i) => this.variables[i].assign(t));
  }

  dispose(): void {
    tf.dispose(this.snapshot);
    this.snapshot = [];
  }
}

/** What {@link trainNameLM} records (and stores in the checkpoint). */
export interface NameLMHistory {
  /** Per-epoch train and validation perplexity. */
  readonly epochs: readonly EpochRecord[];
  /** Lowest validation perplexity per character, and its epoch (its weights are the ones kept). */
  readonly bestValPerplexity: number;
  readonly bestEpoch: number;
  /** Wall time of the training, in seconds. */
  readonly seconds: number;
  /** Training characters per second. */
  readonly charsPerSecond: number;
  /** Optimiser steps done. */
  readonly steps: number;
}

/** Options of {@link trainNameLM}. */
export interface TrainNameLMOptions extends NameTrainConfig {
  /** Where progress goes, e.g. a {@link TrainingBoard}. */
  readonly listener?: ProgressListener | null;
  /** Cache folder name. Default `"names-lm"`. */
  readonly name?: string;
  /** What the cache key must also cover: the model's config and anything else that changes the result. */
  readonly settings?: unknown;
  /** Retrain even when a cached checkpoint exists. */
  readonly force?: boolean;
  /** Where messages go (cache hits and saves); default `console.log`. */
  readonly log?: (message: string) => void;
}

/**
 * Trains `model` on `data` with Adam and norm clipping, keeps the best epoch's weights, and caches the
 * result: with the same names and settings, a rerun loads the checkpoint instead of training.
 * @param names the names `data` was built from (their fingerprint goes into the cache key).
 */
export async function trainNameLM(
  model: RNNLMScratch,
  data: LineBatchSource,
  names: readonly string[],
  opts: TrainNameLMOptions = {},
): Promise<{ fromCache: boolean; history: NameLMHistory }> {
  const { maxEpochs, lr, clipNorm } = { ...NAME_TRAIN_DEFAULTS, ...opts };
  const shapes = model.trainableVariables().map((v) => v.shape);
  const settings = {
    format: 2, // the history's layout (generic Trainer metrics)
    maxEpochs,
    lr,
    clipNorm,
    maxStepsPerEpoch: opts.maxStepsPerEpoch,
    shapes,
    numSteps: data.numSteps,
    numTrain: data.trainItems.length,
    numVal: data.valItems.length,
    data: dataFingerprint(names),
    model: opts.settings,
  };
  const result = await trainOrLoad<NameLMHistory>({
    name: opts.name ?? "names-lm",
    settings,
    force: opts.force,
    log: opts.log,
    variables: () => model.trainableVariables(),
    train: async () => {
      const best = new BestWeights(model.trainableVariables());
      try {
        const listeners = opts.listener ? [opts.listener, best] : [best];
        const trainer = new Trainer({
          maxEpochs,
          lr,
          clipNorm,
          optimizer: "adam",
          maxStepsPerEpoch: opts.maxStepsPerEpoch,
          listener: listeners,
        });
        const r = await trainer.fit(model, data);
        if (r.stopped !== undefined) throw new Error(r.stopped);
        best.restore();
        return {
          epochs: r.history,
          bestValPerplexity: best.bestValPerplexity,
          bestEpoch: best.bestEpoch,
          seconds: r.seconds,
          charsPerSecond: r.itemsPerSecond,
          steps: r.steps,
        };
      } finally {
        best.dispose();
      }
    },
  });
  return { fromCache: result.fromCache, history: result.history };
}
