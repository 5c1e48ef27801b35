/**
 * The bake-off: RNN, GRU and LSTM language models trained on the same batches, with the same step
 * budget, optimiser and seed, then compared on one plot of validation perplexity and one table
 * (parameters, wall time, chars/s, best validation perplexity).
 *
 * ```ts
 * const result = keep("bakeoff", await runBakeoff({ data, numHiddens: 128, maxEpochs: 10, stepsPerEpoch: 50, lr: 0.01 }));
 * show(result.figure);
 * show(result.table);
 * ```
 * @see notebooks/04-lstm.ipynb
 */
import { CELL_KINDS, CellKind, cellLabel, parseCellKind } from "../cells";
import type { TokenBatchSource } from "../data/batch";
import { buildBlock } from "../rnn/blocks";
import { LanguageModel, RNNLM, RNNLMScratch } from "../rnn/rnn-lm";
import type { HtmlView, PlotFigure } from "../plot/figure";
import { lineChart } from "../plot/line-chart";
import { table } from "../plot/table";
import { TrainingBoard } from "../plot/board";
import type { ProgressListener, TrainingPlan, TrainingProgress } from "../train/progress";
import { OptimizerName, TrainResult, Trainer } from "../train/trainer";
import { scaled } from "../quick";

/** Seed of every model and of the batch order when none is given. */
export const BAKEOFF_DEFAULT_SEED = 1;

/** Sizes of a language model built by {@link buildCellLM}. */
export interface CellLMConfig {
  /** Vocabulary size: one-hot inputs and logits. */
  readonly vocabSize: number;
  /** Width of the hidden state. */
  readonly numHiddens: number;
  /** Scratch blocks (`tf.variable`s and ops, default) or concise ones (`tf.layers`). */
  readonly scratch?: boolean;
  /** Seed of the initialisation. Default {@link BAKEOFF_DEFAULT_SEED}. */
  readonly seed?: number;
}

/**
 * A language model around an RNN, GRU or LSTM block: `RNNLMScratch` with a scratch block, or `RNNLM`
 * with a concise one. Scratch blocks use their d2l initialisation (`N(0, 0.01²)` weights).
 */
export function buildCellLM(cell: CellKind, config: CellLMConfig): LanguageModel {
  const { vocabSize, numHiddens, scratch = true, seed = BAKEOFF_DEFAULT_SEED } = config;
  const block = buildBlock(parseCellKind(cell), scratch ? "scratch" : "concise", { numInputs: vocabSize, numHiddens, seed });
  return scratch ? new RNNLMScratch({ block, vocabSize, seed }) : new RNNLM({ vocabSize, numHiddens, seed, block });
}

/** Options of {@link runBakeoff}. */
export interface BakeoffConfig {
  /** Training and validation batches; every model sees the same ones, in the same order. */
  readonly data: TokenBatchSource;
  /** Width of every model's hidden state. */
  readonly numHiddens: number;
  /** Epochs at full settings (scaled down under `RNNLAB_QUICK`). */
  readonly maxEpochs: number;
  /** Optimiser steps per epoch at full settings (all batches when absent); the budget is `maxEpochs · stepsPerEpoch` for every model. */
  readonly stepsPerEpoch?: number;
  /** Learning rate, the same for every model. */
  readonly lr: number;
  /** `"adam"` (default) or `"sgd"`. */
  readonly optimizer?: OptimizerName;
  /** Gradient clipping by global norm. Default 1. */
  readonly clipNorm?: number;
  /** Which cells compete, in order. Default every kind: `["rnn", "gru", "lstm"]`. */
  readonly cells?: readonly CellKind[];
  /** Scratch blocks (default) or concise `tf.layers` ones. */
  readonly scratch?: boolean;
  /** Seed of every model's initialisation. Default {@link BAKEOFF_DEFAULT_SEED}. */
  readonly seed?: number;
  /** At most this many validation batches per evaluation; all when absent. */
  readonly maxValBatches?: number;
  /**
   * Where live progress goes, with metric names prefixed by the model (`"GRU val ppl"`). Default: one
   * {@link TrainingBoard} plotting every model's validation perplexity. `null` for silence.
   */
  readonly listener?: ProgressListener | null;
}

/** One contestant's outcome. */
export interface BakeoffRun {
  /** Which cell. */
  readonly cell: CellKind;
  /** The model's class and block, e.g. `"GRUScratch"` or `"GRU (tf.layers)"`. */
  readonly name: string;
  /** The trained model (owned by the {@link BakeoffResult}). */
  readonly model: LanguageModel;
  /** Scalar parameters, output layer included. */
  readonly params: number;
  /** Validation perplexity before training (epoch 0). */
  readonly initialValPerplexity: number;
  /** Lowest validation perplexity seen after any epoch. */
  readonly bestValPerplexity: number;
  /** The Trainer's summary: history, wall time, chars/s. */
  readonly result: TrainResult;
}

/** What {@link runBakeoff} returns. Dispose it (or `keep` it) to free the models. */
export interface BakeoffResult {
  readonly runs: readonly BakeoffRun[];
  /** Validation perplexity against epoch, one line per model. */
  readonly figure: PlotFigure;
  /** Parameters, wall time, chars/s, best validation perplexity per model. */
  readonly table: HtmlView;
  /** Frees every model. */
  dispose(): void;
}

/** Counts the scalar parameters of a model. */
export function countParameters(model: LanguageModel): number {
  return model.trainableVariables().reduce((n, v) => n + v.size, 0);
}

/** Forwards each model's progress to one listener, with prefixed metric names and steps counted across models. */
class PrefixedListener implements ProgressListener {
  prefix = "";
  stepOffset = 0;
  last: TrainingProgress | undefined;
  constructor(private readonly target: ProgressListener) {}
  onProgress(p: TrainingProgress): void {
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(p.metrics)) metrics[`${this.prefix} ${k}`] = v;
    this.last = { ...p, step: p.step + this.stepOffset, metrics };
    this.target.onProgress(this.last);
  }
}

/** The validation curves of a bake-off, one line per model, epoch 0 being the untrained model. */
export function bakeoffFigure(runs: readonly BakeoffRun[]): PlotFigure {
  return lineChart(
    runs.map((r) => ({
      name: r.name,
      x: [0, ...r.result.history.map((h) => h.epoch)],
      y: [r.initialValPerplexity, ...r.result.history.map((h) => h.metrics["val ppl"])],
      mode: "lines+markers" as const,
    })),
    { title: "Validation perplexity: same data, same steps, same seed", xTitle: "epoch", yTitle: "validation perplexity", logY: true },
  );
}

/** The bake-off table: parameters, steps, wall time, chars/s, best validation perplexity. */
export function bakeoffTable(runs: readonly BakeoffRun[]): HtmlView {
  return table(
    runs.map((r) => ({
      model: r.name,
      params: r.params,
      steps: r.result.steps,
      "time (s)": Number(r.result.seconds.toFixed(1)),
      "chars/s": Math.round(r.result.itemsPerSecond),
      "best val ppl": r.bestValPerplexity,
      "final train ppl": r.result.final["train ppl"],
    })),
    { title: "Bake-off", digits: 4 },
  );
}

/**
 * Trains one language model per cell (RNN, GRU, LSTM by default) on `data` with the same budget of
 * steps, the same optimiser and learning rate, and the same seed, one after another, and compares them.
 * @throws Error when the configuration is invalid (e.g. no cells); a model whose loss becomes NaN stops
 *   early and says so in its `result.stopped`, the others still run.
 */
export async function runBakeoff(config: BakeoffConfig): Promise<BakeoffResult> {
  const cells = (config.cells ?? CELL_KINDS).map(parseCellKind);
  if (cells.length === 0) throw new Error(`runBakeoff: no cells to compare; give cells such as ${JSON.stringify(CELL_KINDS)}.`);
  if (!Number.isInteger(config.numHiddens) || config.numHiddens < 1) {
    throw new Error(`runBakeoff: numHiddens must be a positive integer, got ${config.numHiddens}.`);
  }
  const scratch = config.scratch ?? true;
  const seed = config.seed ?? BAKEOFF_DEFAULT_SEED;
  const target =
    config.listener === undefined
      ? new TrainingBoard({
          title: "Bake-off",
          metrics: cells.map((c) => `${cellLabel(c)} val ppl`),
          logY: true,
          yTitle: "validation perplexity",
        })
      : config.listener;
  const prefixed = target === null ? null : new PrefixedListener(target);
  const runs: BakeoffRun[] = [];
  target?.onStart?.(bakeoffPlan(config, cells));
  try {
    for (const cell of cells) {
      const name = scratch ? `${cellLabel(cell)}Scratch` : `${cellLabel(cell)} (tf.layers)`;
      const trainer = new Trainer({
        maxEpochs: config.maxEpochs,
        maxStepsPerEpoch: config.stepsPerEpoch,
        lr: config.lr,
        optimizer: config.optimizer,
        clipNorm: config.clipNorm ?? 1,
        maxValBatches: config.maxValBatches,
        listener: prefixed,
        title: name,
      });
      const model = buildCellLM(cell, { vocabSize: config.data.vocabSize, numHiddens: config.numHiddens, scratch, seed });
      let run: BakeoffRun;
      try {
        const initialValPerplexity = trainer.evaluate(model, config.data)["val ppl"];
        if (prefixed !== null) {
          prefixed.prefix = cellLabel(cell);
          prefixed.onProgress({ epoch: 0, step: 0, x: 0, elapsedSeconds: 0, metrics: { "val ppl": initialValPerplexity } });
        }
        const result = await trainer.fit(model, config.data);
        const vals = result.history.map((h) => h.metrics["val ppl"]).filter(Number.isFinite);
        run = { cell, name, model, params: countParameters(model), initialValPerplexity, bestValPerplexity: Math.min(...vals), result };
      } catch (err) {
        model.dispose();
        throw err;
      }
      runs.push(run);
      if (prefixed !== null) prefixed.stepOffset += run.result.steps;
    }
  } catch (err) {
    for (const r of runs) r.model.dispose();
    throw err;
  } finally {
    target?.onEnd?.(prefixed?.last);
  }
  return {
    runs,
    figure: bakeoffFigure(runs),
    table: bakeoffTable(runs),
    dispose: () => runs.forEach((r) => r.model.dispose()),
  };
}

function bakeoffPlan(config: BakeoffConfig, cells: readonly CellKind[]): TrainingPlan {
  // The same count the Trainer makes: scaled epochs, each with the first epoch's batches up to the scaled cap.
  const maxEpochs = scaled(config.maxEpochs);
  const cap = config.stepsPerEpoch === undefined ? Infinity : scaled(config.stepsPerEpoch);
  let perEpoch = 0;
  for (const _batch of config.data.trainBatches(1)) if (++perEpoch >= cap) break;
  return {
    maxEpochs,
    totalSteps: maxEpochs * perEpoch * cells.length,
    title: `Bake-off: ${cells.map(cellLabel).join(" vs ")}`,
    itemName: "tokens",
  };
}
