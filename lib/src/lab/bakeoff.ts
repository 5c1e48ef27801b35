/**
 * The bake-off: RNN, GRU and LSTM language models trained on the same batches, with the same step
 * budget, optimiser and seed, then compared on one plot of validation perplexity and one table
 * (parameters, wall time, chars/s, best validation perplexity): a {@link compareModels} of three cells.
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
import { TrainingBoard } from "../plot/board";
import { Comparison, CompareConfig, ComparisonRun, Contestant, compareModels } from "./compare";

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

/** Options of {@link runBakeoff}: a {@link compareModels} of one language model per cell. */
export interface BakeoffConfig extends Omit<CompareConfig<LanguageModel>, "contestants" | "title" | "data" | "score"> {
  /** Training and validation batches; every model sees the same ones, in the same order. */
  readonly data: TokenBatchSource;
  /** Width of every model's hidden state. */
  readonly numHiddens: number;
  /** Which cells compete, in order. Default every kind: `["rnn", "gru", "lstm"]`. */
  readonly cells?: readonly CellKind[];
  /** Scratch blocks (default) or concise `tf.layers` ones. */
  readonly scratch?: boolean;
  /** Seed of every model's initialisation. Default {@link BAKEOFF_DEFAULT_SEED}. */
  readonly seed?: number;
}

/** One contestant of the bake-off: a {@link ComparisonRun} and its cell. */
export interface BakeoffRun extends ComparisonRun<LanguageModel> {
  /** Which cell. */
  readonly cell: CellKind;
}

/** What {@link runBakeoff} returns. Dispose it (or `keep` it) to free the models. */
export interface BakeoffResult extends Comparison<LanguageModel> {
  readonly runs: readonly BakeoffRun[];
}

/**
 * Trains one language model per cell (RNN, GRU, LSTM by default) on `data` with the same budget of
 * steps, the same optimiser and learning rate, and the same seed, one after another, and compares them.
 * @throws Error when the configuration is invalid (e.g. no cells).
 */
export async function runBakeoff(config: BakeoffConfig): Promise<BakeoffResult> {
  const cells = (config.cells ?? CELL_KINDS).map(parseCellKind);
  if (cells.length === 0) throw new Error(`runBakeoff: no cells to compare; give cells such as ${JSON.stringify(CELL_KINDS)}.`);
  if (!Number.isInteger(config.numHiddens) || config.numHiddens < 1) {
    throw new Error(`runBakeoff: numHiddens must be a positive integer, got ${config.numHiddens}.`);
  }
  const { numHiddens, scratch = true, seed = BAKEOFF_DEFAULT_SEED } = config;
  const names = cells.map((cell) => (scratch ? `${cellLabel(cell)}Scratch` : `${cellLabel(cell)} (tf.layers)`));
  const result = await compareModels<Contestant<LanguageModel>>({
    ...config,
    title: `Bake-off: ${cells.map(cellLabel).join(" vs ")}`,
    listener:
      config.listener === undefined
        ? new TrainingBoard({ title: "Bake-off", metrics: names.map((n) => `${n} val ppl`), logY: true, yTitle: "validation perplexity" })
        : config.listener,
    contestants: cells.map((cell, i) => ({
      name: names[i],
      settings: { cell, numHiddens, scratch, seed },
      build: () => buildCellLM(cell, { vocabSize: config.data.vocabSize, numHiddens, scratch, seed }),
    })),
  });
  return { ...result, runs: result.runs.map((r, i) => ({ ...r, cell: cells[i] })) };
}
