/**
 * A fair comparison of language models: every contestant trains on the same batches in the same order,
 * with the same optimiser, learning rate and budget — a number of steps, a number of seconds, or both —
 * one after another, with one live board for all. The result is one plot of validation perplexity
 * against epochs and one table (parameters, steps, seconds, chars/s, best validation perplexity). With a
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
import { dataFingerprint, trainOrLoad } from "../checkpoint/cache";
import type { TokenBatch, TokenBatchSource } from "../data/batch";
import type { HtmlView, PlotFigure } from "../plot/figure";
import { lineChart } from "../plot/line-chart";
import { table } from "../plot/table";
import { TrainingBoard } from "../plot/board";
import { PrefixedListener } from "../train/progress";
import type { ProgressListener, TrainingPlan } from "../train/progress";
import { EpochRecord, OptimizerName, Trainable, Trainer } from "../train/trainer";
import { quickFactor, scaled } from "../quick";

/** `T` as a type that does not take part in inference (TypeScript 5.0 has no built-in `NoInfer`). */
type NoInfer<T> = [T][T extends unknown ? 0 : never];

/** A language model the comparison can train and free: any of the course's, or a Keras-style `LayersModelLM`. */
export type ComparableModel = Trainable<TokenBatch> & { dispose(): void };

/** One model to compare: a name (the legend) and how to build it fresh. */
export interface Contestant<M extends ComparableModel = ComparableModel> {
  readonly name: string;
  /** Builds the model; called once, when the contestant's turn comes. */
  readonly build: () => M;
  /** Anything that determines the model and must be part of the cache key (sizes, seed, …). */
  readonly settings?: unknown;
}

/** Options of {@link compareModels}. */
export interface CompareConfig<M extends ComparableModel = ComparableModel> {
  /** Training and validation batches; every contestant sees the same ones, in the same order. */
  readonly data: TokenBatchSource;
  /** The models, in the order they train and appear. */
  readonly contestants: readonly Contestant<M>[];
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
  /** Gradient clipping by global norm. Default 1. */
  readonly clipNorm?: number;
  /** At most this many validation batches per evaluation; all when absent. */
  readonly maxValBatches?: number;
  /** Where live progress goes (metric names prefixed by the contestant). Default: one board of validation perplexity. `null`: silence. */
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
  readonly outOfTime: boolean;
  /** Validation perplexity before training (epoch 0). */
  readonly initialValPerplexity: number;
}

/** One contestant's outcome. */
export interface ComparisonRun<M extends ComparableModel = ComparableModel> {
  readonly name: string;
  /** The trained model (owned by the {@link Comparison}). */
  readonly model: M;
  /** Scalar parameters, encoder and output layer included. */
  readonly params: number;
  /** Lowest validation perplexity after any epoch. */
  readonly bestValPerplexity: number;
  /** The training summary. */
  readonly summary: ComparisonSummary;
  /** True when the model was loaded from the training cache. */
  readonly fromCache: boolean;
}

/** What {@link compareModels} returns. Dispose it (or `keep` it) to free the models. */
export interface Comparison<M extends ComparableModel = ComparableModel> {
  readonly runs: readonly ComparisonRun<M>[];
  /** Validation perplexity against epoch, one line per contestant (epoch 0: untrained). */
  readonly figure: PlotFigure;
  /** Parameters, steps, seconds, chars/s and best validation perplexity per contestant. */
  readonly table: HtmlView;
  /** Frees every model. */
  dispose(): void;
}

/** Counts the scalar parameters of a model. */
export function countParameters(model: Pick<ComparableModel, "trainableVariables">): number {
  return model.trainableVariables().reduce((n, v) => n + v.size, 0);
}

/** The validation curves, one line per contestant, epoch 0 being the untrained model. */
export function comparisonFigure(
  runs: readonly ComparisonRun[],
  title = "Validation perplexity: same data, same budget, same seed",
): PlotFigure {
  return lineChart(
    runs.map((r) => ({
      name: r.name,
      x: [0, ...r.summary.history.map((h) => h.epoch)],
      y: [r.summary.initialValPerplexity, ...r.summary.history.map((h) => h.metrics["val ppl"])],
      mode: "lines+markers" as const,
    })),
    { title, xTitle: "epoch", yTitle: "validation perplexity", logY: true },
  );
}

/** The table: parameters, steps, seconds, chars/s, best validation perplexity, final training perplexity. */
export function comparisonTable(runs: readonly ComparisonRun[], title = "Comparison"): HtmlView {
  return table(
    runs.map((r) => ({
      model: r.name,
      params: r.params,
      steps: r.summary.steps,
      "time (s)": Number(r.summary.seconds.toFixed(1)),
      "chars/s": Math.round(r.summary.itemsPerSecond),
      "best val ppl": r.bestValPerplexity,
      "final train ppl": r.summary.history[r.summary.history.length - 1]?.metrics["train ppl"] ?? NaN,
    })),
    { title, digits: 4 },
  );
}

function checkConfig<M extends ComparableModel>(config: CompareConfig<M>): void {
  if (config.contestants.length === 0) throw new Error("compareModels: no contestants; give at least one { name, build }.");
  const names = config.contestants.map((c) => c.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`compareModels: two contestants are called "${twice}"; give each a different name.`);
}

/** The steps the whole comparison will do (the Trainer's count), for the board's ETA. */
function comparisonPlan<M extends ComparableModel>(config: CompareConfig<M>): TrainingPlan {
  const maxEpochs = scaled(config.maxEpochs);
  const cap = config.stepsPerEpoch === undefined ? Infinity : scaled(config.stepsPerEpoch);
  let perEpoch = 0;
  for (const _batch of config.data.trainBatches(1)) if (++perEpoch >= cap) break;
  return { maxEpochs, totalSteps: maxEpochs * perEpoch * config.contestants.length, title: config.title, itemName: "tokens" };
}

/**
 * Trains every contestant on `data` with the same budget, optimiser and learning rate, one after
 * another, and compares them (see the file comment).
 * @throws Error when the configuration is invalid; a contestant whose loss becomes NaN ends early, and its
 *   summary says so through its shorter history.
 */
export async function compareModels<M extends ComparableModel = ComparableModel>(
  config: CompareConfig<NoInfer<M>>,
): Promise<Comparison<M>> {
  checkConfig(config);
  const title = config.title ?? "Comparison";
  const target =
    config.listener === undefined
      ? new TrainingBoard({
          title,
          metrics: config.contestants.map((c) => `${c.name} val ppl`),
          logY: true,
          yTitle: "validation perplexity",
        })
      : config.listener;
  const prefixed = target === null ? null : new PrefixedListener(target);
  const trainer = new Trainer({
    maxEpochs: config.maxEpochs,
    maxStepsPerEpoch: config.stepsPerEpoch,
    maxSeconds: config.maxSeconds,
    lr: config.lr,
    optimizer: config.optimizer,
    clipNorm: config.clipNorm ?? 1,
    maxValBatches: config.maxValBatches,
    listener: prefixed,
  });
  const ids = (batches: Iterable<{ readonly X: Int32Array }>): number[] => [...batches].flatMap((b) => Array.from(b.X));
  const fingerprint =
    config.cache === undefined ? "" : dataFingerprint([...ids(config.data.trainBatches(1)), ...ids(config.data.valBatches())]);
  const runs: ComparisonRun<M>[] = [];
  target?.onStart?.(comparisonPlan(config));
  try {
    for (const contestant of config.contestants) {
      const model = contestant.build();
      try {
        const train = async (): Promise<ComparisonSummary> => {
          const initialValPerplexity = trainer.evaluate(model, config.data)["val ppl"];
          if (prefixed !== null) {
            prefixed.prefix = contestant.name;
            prefixed.onProgress({ epoch: 0, step: 0, x: 0, elapsedSeconds: 0, metrics: { "val ppl": initialValPerplexity } });
          }
          const r = await trainer.fit(model, config.data);
          return {
            history: r.history,
            steps: r.steps,
            seconds: r.seconds,
            itemsPerSecond: r.itemsPerSecond,
            outOfTime: r.outOfTime,
            initialValPerplexity,
          };
        };
        const settings = {
          format: 1,
          contestant: contestant.name,
          model: contestant.settings,
          shapes: model.trainableVariables().map((v) => v.shape),
          budget: { maxEpochs: config.maxEpochs, stepsPerEpoch: config.stepsPerEpoch, maxSeconds: config.maxSeconds, quick: quickFactor() },
          optimizer: { lr: config.lr, optimizer: config.optimizer ?? "adam", clipNorm: config.clipNorm ?? 1 },
          data: fingerprint,
        };
        const got =
          config.cache === undefined
            ? { fromCache: false, history: await train() }
            : await trainOrLoad<ComparisonSummary>({
                name: `${config.cache}`,
                settings,
                variables: () => model.trainableVariables(),
                train,
                log: config.log,
              });
        const summary = got.history;
        if (got.fromCache && prefixed !== null) {
          // Draw the cached curve on the board, as training would have.
          prefixed.prefix = contestant.name;
          prefixed.onProgress({ epoch: 0, step: 0, x: 0, elapsedSeconds: 0, metrics: { "val ppl": summary.initialValPerplexity } });
          for (const h of summary.history)
            prefixed.onProgress({ epoch: h.epoch, step: 0, x: h.epoch, elapsedSeconds: 0, metrics: { "val ppl": h.metrics["val ppl"] } });
        }
        const vals = summary.history.map((h) => h.metrics["val ppl"]).filter(Number.isFinite);
        runs.push({
          name: contestant.name,
          model,
          params: countParameters(model),
          bestValPerplexity: Math.min(...vals),
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
    figure: comparisonFigure(runs),
    table: comparisonTable(runs, title),
    dispose: () => runs.forEach((r) => r.model.dispose()),
  };
}
