/**
 * A fair comparison of models: every contestant trains on the same batches in the same order, with the
 * same optimiser, learning rate and budget — a number of steps, a number of seconds, or both — one after
 * another, with one live board for all. The result is one plot of a validation score (perplexity for
 * language models; accuracy or F1 for taggers and classifiers) against epochs and one table (parameters,
 * steps, seconds, speed, best score). With a
 * `cache` name every contestant goes through the training cache, so a rerun of the cell loads the trained
 * models and shows the same figures instead of training again. The bake-off of notebook 04 and the depth
 * studies of notebook 05 are such comparisons.
 *
 * ```ts
 * const cmp = keep("depth", await compareModels({ data, lr: 0.01, maxEpochs: 10, stepsPerEpoch: 40,
 *   contestants: [1, 2, 3].map((n) => ({ name: `${n} layers`, build: () => buildDeepLM(n) })) }));
 * show(cmp.figure);
 * show(cmp.table);
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { dataFingerprint, trainOrLoad } from "../checkpoint/cache";
import type { BatchSource, TokenBatch } from "../data/batch";
import type { HtmlView, PlotFigure } from "../plot/figure";
import { lineChart } from "../plot/line-chart";
import { table } from "../plot/table";
import { TrainingBoard } from "../plot/board";
import { PrefixedListener } from "../train/progress";
import type { ProgressListener, TrainingPlan } from "../train/progress";
import { EpochRecord, LrSchedule, OptimizerName, Trainable, Trainer } from "../train/trainer";
import { quickFactor, scaled } from "../quick";

/** A model the comparison can train and free: a language model, a Keras-style `LayersModelLM`, a tagger, a classifier. */
export type ComparableModel<B = TokenBatch> = Trainable<B> & { dispose(): void };

/** What every batch of a comparison has: its input ids (they fingerprint the data for the cache). */
export interface ComparableBatch {
  readonly X: Int32Array;
}

/** One model to compare: a name (the legend) and how to build it fresh. */
export interface Contestant<M> {
  readonly name: string;
  /** Builds the model; called once, when the contestant's turn comes. */
  readonly build: () => M;
  /** Anything that determines the model and must be part of the cache key (sizes, seed, …). */
  readonly settings?: unknown;
}

/**
 * The model a contestant builds; for a union of contestants (an array of different models), the union of their
 * models. {@link compareModels} infers it, so a run's model keeps its type (`RNNLMScratch`, `SequenceTagger`, …).
 */
export type ContestantModel<C> = C extends Contestant<infer M> ? M : never;

/** Options of {@link compareModels}. */
export interface CompareConfig<M, B extends ComparableBatch = TokenBatch> {
  /** Training and validation batches; every contestant sees the same ones, in the same order. */
  readonly data: BatchSource<B>;
  /** The models, in the order they train and appear. */
  readonly contestants: readonly Contestant<M>[];
  /**
   * The validation metric of the curves, the table and "best". Default `"val ppl"` (lower is better). Taggers
   * and classifiers use e.g. `"val f1"` or `"val acc"` (higher is better: any name not ending in "ppl" or "loss").
   */
  readonly score?: string;
  /** Epochs at full settings (scaled down under `RNNLAB_QUICK`). */
  readonly maxEpochs: number;
  /** Optimiser steps per epoch at full settings (all batches when absent). */
  readonly stepsPerEpoch?: number;
  /** Seconds of training per contestant at full settings (a matched time budget); none when absent. */
  readonly maxSeconds?: number;
  /** Learning rate, the same for every contestant. */
  readonly lr: number;
  /** `"adam"` (default) or `"sgd"`. */
  readonly optimizer?: OptimizerName;
  /** The learning-rate schedule, the same for every contestant (see the Trainer's `lrSchedule`). Default `"constant"`. */
  readonly lrSchedule?: LrSchedule;
  /** Gradient clipping by global norm. Default 1. */
  readonly clipNorm?: number;
  /** At most this many validation batches per evaluation; all when absent. */
  readonly maxValBatches?: number;
  /** Where live progress goes (metric names prefixed by the contestant). Default: one board of the score. `null`: silence. */
  readonly listener?: ProgressListener | null;
  /** Title of the board and the table. Default `"Comparison"`. */
  readonly title?: string;
  /** Cache name: train each contestant once per settings, then load it on reruns. Off when absent. */
  readonly cache?: string;
  /** Where messages go (cache hits and saves); default `console.log`. */
  readonly log?: (message: string) => void;
}

/** What is kept of a contestant's training (it is also what the cache stores). */
export interface ComparisonSummary {
  readonly history: readonly EpochRecord[];
  readonly steps: number;
  readonly seconds: number;
  readonly itemsPerSecond: number;
  /** What the speed counts, e.g. `"tokens"`. */
  readonly itemName: string;
  readonly outOfTime: boolean;
  /** The score before training (epoch 0). */
  readonly initialScore: number;
}

/** One contestant's outcome. */
export interface ComparisonRun<M> {
  readonly name: string;
  /** The trained model (owned by the {@link Comparison}). */
  readonly model: M;
  /** Scalar parameters, encoder and output layer included. */
  readonly params: number;
  /** The best score after any epoch (the lowest perplexity or loss, the highest accuracy or F1). */
  readonly bestScore: number;
  /** The training summary. */
  readonly summary: ComparisonSummary;
  /** True when the model was loaded from the training cache. */
  readonly fromCache: boolean;
}

/** What {@link compareModels} returns. Dispose it (or `keep` it) to free the models. */
export interface Comparison<M> {
  readonly runs: readonly ComparisonRun<M>[];
  /** The metric compared, e.g. `"val ppl"`. */
  readonly score: string;
  /** The score against epoch, one line per contestant (epoch 0: untrained). */
  readonly figure: PlotFigure;
  /** Parameters, steps, seconds, speed and best score per contestant. */
  readonly table: HtmlView;
  /** Frees every model. */
  dispose(): void;
}

/** Counts the scalar parameters of a model. */
export function countParameters(model: { trainableVariables(): tf.Variable[] }): number {
  return model.trainableVariables().reduce((n, v) => n + v.size, 0);
}

/** True when a larger value of the metric is better (accuracy, F1); false for perplexities and losses. */
export function higherIsBetter(score: string): boolean {
  return !/(ppl|loss)$/.test(score);
}

/** The curves of a score, one line per contestant, epoch 0 being the untrained model. */
export function comparisonFigure(runs: readonly ComparisonRun<unknown>[], score = "val ppl", title?: string): PlotFigure {
  const perplexity = score.endsWith("ppl");
  return lineChart(
    runs.map((r) => ({
      name: r.name,
      x: [0, ...r.summary.history.map((h) => h.epoch)],
      y: [r.summary.initialScore, ...r.summary.history.map((h) => h.metrics[score])],
      mode: "lines+markers" as const,
    })),
    {
      title: title ?? `Validation ${perplexity ? "perplexity" : score.replace(/^val /, "")}: same data, same budget, same seed`,
      xTitle: "epoch",
      yTitle: perplexity ? "validation perplexity" : score,
      logY: perplexity,
    },
  );
}

/** The table: parameters, steps, seconds, speed, best score, final training perplexity (or loss). */
export function comparisonTable(runs: readonly ComparisonRun<unknown>[], score = "val ppl", title = "Comparison"): HtmlView {
  return table(
    runs.map((r) => {
      const last = r.summary.history[r.summary.history.length - 1]?.metrics ?? {};
      const train = last["train ppl"] !== undefined ? "train ppl" : "train loss";
      return {
        model: r.name,
        params: r.params,
        steps: r.summary.steps,
        "time (s)": Number(r.summary.seconds.toFixed(1)),
        [`${r.summary.itemName === "tokens" ? "chars" : r.summary.itemName}/s`]: Math.round(r.summary.itemsPerSecond),
        [`best ${score}`]: r.bestScore,
        [`final ${train}`]: last[train] ?? NaN,
      };
    }),
    { title, digits: 4 },
  );
}

function checkConfig<M, B extends ComparableBatch>(config: CompareConfig<M, B>): void {
  if (config.contestants.length === 0) throw new Error("compareModels: no contestants; give at least one { name, build }.");
  const names = config.contestants.map((c) => c.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`compareModels: two contestants are called "${twice}"; give each a different name.`);
}

/** The steps the whole comparison will do (the Trainer's count), for the board's ETA. */
function comparisonPlan<M, B extends ComparableBatch>(config: CompareConfig<M, B>): TrainingPlan {
  const maxEpochs = scaled(config.maxEpochs);
  const cap = config.stepsPerEpoch === undefined ? Infinity : scaled(config.stepsPerEpoch);
  let perEpoch = 0;
  for (const _batch of config.data.trainBatches(1)) if (++perEpoch >= cap) break;
  return { maxEpochs, totalSteps: maxEpochs * perEpoch * config.contestants.length, title: config.title };
}

/**
 * Trains every contestant on `data` with the same budget, optimiser and learning rate, one after
 * another, and compares them by `score` (see the file comment).
 * @throws Error when the configuration is invalid or the models do not report the score; a contestant whose
 *   loss becomes NaN ends early, and its summary says so through its shorter history.
 */
export async function compareModels<C extends Contestant<ComparableModel<B>>, B extends ComparableBatch = TokenBatch>(
  config: Omit<CompareConfig<ComparableModel<B>, B>, "contestants"> & { readonly contestants: readonly C[] },
): Promise<Comparison<ContestantModel<C>>> {
  type M = ContestantModel<C>;
  checkConfig(config);
  const title = config.title ?? "Comparison";
  const score = config.score ?? "val ppl";
  const best = (values: number[]): number => (higherIsBetter(score) ? Math.max(...values) : Math.min(...values));
  const target =
    config.listener === undefined
      ? new TrainingBoard({
          title,
          metrics: config.contestants.map((c) => `${c.name} ${score}`),
          logY: !higherIsBetter(score),
          yTitle: score,
          perplexity: score.endsWith("ppl"),
        })
      : config.listener;
  const prefixed = target === null ? null : new PrefixedListener(target);
  const trainer = new Trainer({
    maxEpochs: config.maxEpochs,
    maxStepsPerEpoch: config.stepsPerEpoch,
    maxSeconds: config.maxSeconds,
    lr: config.lr,
    optimizer: config.optimizer,
    lrSchedule: config.lrSchedule,
    clipNorm: config.clipNorm ?? 1,
    maxValBatches: config.maxValBatches,
    listener: prefixed,
  });
  const ids = (batches: Iterable<ComparableBatch>): number[] => [...batches].flatMap((b) => Array.from(b.X));
  const fingerprint =
    config.cache === undefined ? "" : dataFingerprint([...ids(config.data.trainBatches(1)), ...ids(config.data.valBatches())]);
  const show = (name: string, epoch: number, value: number): void => {
    if (prefixed === null) return;
    prefixed.prefix = name;
    prefixed.onProgress({ epoch, step: 0, x: epoch, elapsedSeconds: 0, metrics: { [score]: value } });
  };
  const runs: ComparisonRun<M>[] = [];
  target?.onStart?.(comparisonPlan(config));
  try {
    for (const contestant of config.contestants) {
      const model = contestant.build() as M;
      try {
        const train = async (): Promise<ComparisonSummary> => {
          const initialScore = trainer.evaluate(model, config.data)[score];
          if (initialScore === undefined)
            throw new Error(`compareModels: the models report no "${score}"; set score to a metric they report.`);
          show(contestant.name, 0, initialScore);
          const r = await trainer.fit(model, config.data);
          return {
            history: r.history,
            steps: r.steps,
            seconds: r.seconds,
            itemsPerSecond: r.itemsPerSecond,
            itemName: r.itemName,
            outOfTime: r.outOfTime,
            initialScore,
          };
        };
        const settings = {
          format: 2,
          contestant: contestant.name,
          model: contestant.settings,
          score,
          shapes: model.trainableVariables().map((v) => v.shape),
          budget: { maxEpochs: config.maxEpochs, stepsPerEpoch: config.stepsPerEpoch, maxSeconds: config.maxSeconds, quick: quickFactor() },
          optimizer: {
            lr: config.lr,
            optimizer: config.optimizer ?? "adam",
            clipNorm: config.clipNorm ?? 1,
            ...(config.lrSchedule === "cosine" ? { lrSchedule: "cosine" } : {}),
          },
          data: fingerprint,
        };
        const got =
          config.cache === undefined
            ? { fromCache: false, history: await train() }
            : await trainOrLoad<ComparisonSummary>({
                name: config.cache,
                settings,
                variables: () => model.trainableVariables(),
                train,
                log: config.log,
              });
        const summary = got.history;
        if (got.fromCache) {
          // Draw the cached curve on the board, as training would have.
          show(contestant.name, 0, summary.initialScore);
          for (const h of summary.history) show(contestant.name, h.epoch, h.metrics[score]);
        }
        const values = summary.history.map((h) => h.metrics[score]).filter(Number.isFinite);
        runs.push({
          name: contestant.name,
          model,
          params: countParameters(model),
          bestScore: best(values),
          summary,
          fromCache: got.fromCache,
        });
        if (prefixed !== null) prefixed.stepOffset += summary.steps;
      } catch (err) {
        model.dispose();
        throw err;
      }
    }
  } catch (err) {
    for (const r of runs) r.model.dispose();
    throw err;
  } finally {
    target?.onEnd?.(prefixed?.last);
  }
  return {
    runs,
    score,
    figure: comparisonFigure(runs, score),
    table: comparisonTable(runs, score, title),
    dispose: () => runs.forEach((r) => r.model.dispose()),
  };
}
