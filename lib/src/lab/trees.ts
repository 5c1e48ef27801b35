/**
 * Trees against chains (notebook 05): does a network that follows an expression's tree generalise to
 * deeper expressions better than one that reads its text left to right?
 *
 * Both models learn the value mod 10 of arithmetic expressions from the same training expressions of
 * depth 1–2 (the 300 one-operator expressions — the operator tables — repeated in every epoch, and
 * thousands of two-operator ones), in the same batches, with the same optimiser, epochs and seed, and
 * with about the same number of parameters:
 *
 * - a {@link RecursiveScratch} reads each expression as a tree, bottom-up;
 * - a {@link SequenceClassifier} (an embedding, an LSTM, a linear layer on the last state) reads its
 *   fully parenthesised text, e.g. `((3+4)*(2-7))`, one character at a time.
 *
 * Then both are tested on fresh expressions of every depth in `testDepths`, and the result is their
 * accuracy against depth: numbers, a line chart and a table.
 *
 * ```ts
 * const board = new TrainingBoard({ title: "Trees vs chains", metrics: ["recursive val acc", "chain val acc"] });
 * const r = keep("trees", await runTreeVsChain({ listener: board }));
 * show(r.figure);
 * show(r.table);
 * r.tree.accuracy; // one number per depth in r.depths
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { CELL_GATES, CellKind, cellLabel, parseCellKind } from "../cells";
import type { LabeledTextBatch } from "../data/batch";
import type { Expression, ExpressionSource, TreeBatch } from "../data/expressions";
import {
  EXPRESSION_NUM_CLASSES,
  EXPRESSION_TEXT_TOKENS,
  EXPRESSION_TREE_TOKENS,
  expressionTextSource,
  randomExpressions,
  textBatch,
  treeBatch,
  treeBatchSource,
} from "../data/expressions";
import type { TokenScores } from "../data/metrics";
import { tokenAccuracy } from "../data/metrics";
import { Rng } from "../data/rng";
import { BlockStyle, buildBlock } from "../rnn/blocks";
import { RecursiveScratch } from "../rnn/recursive";
import { SequenceClassifier } from "../rnn/sequence-classifier";
import type { HtmlView, PlotFigure } from "../plot/figure";
import { lineChart } from "../plot/line-chart";
import { table } from "../plot/table";
import { TrainingBoard } from "../plot/board";
import { countParameters } from "./compare";
import { PrefixedListener } from "../train/progress";
import type { ProgressListener } from "../train/progress";
import { TrainResult, Trainer } from "../train/trainer";
import { scaled } from "../quick";

// ---------------------------------------------------------------- the experiment

/** Defaults of {@link runTreeVsChain}: about 35 s on two cores (wasm backend), both models together. */
export const TREE_VS_CHAIN_DEFAULTS = {
  /** Training expressions have depths 1 … trainMaxDepth. */
  trainMaxDepth: 2,
  /** Depths tested, each on fresh expressions. */
  testDepths: [2, 3, 4, 5, 6, 7, 8] as readonly number[],
  /** Distinct training expressions (all 300 one-operator ones among them when there is room). */
  numTrain: 6000,
  /** How often each one-operator expression (the operator tables) is in an epoch. */
  tableRepeats: 6,
  /** Held-out validation expressions of depth `trainMaxDepth`, reported during training. */
  numVal: 200,
  /** Test expressions per depth. */
  numTestPerDepth: 200,
  /** Width of the token embeddings of both models. */
  embedSize: 16,
  /** Width of the recursive network's node state. */
  numHiddens: 64,
  /** Width of the recursive cell's hidden layer. */
  cellHiddens: 128,
  /** The chain's cell. */
  chainCell: "lstm" as CellKind,
  /** The chain block's style: fused (fast) by default. */
  chainStyle: "fused" as BlockStyle,
  maxEpochs: 12,
  batchSize: 32,
  lr: 0.005,
  clipNorm: 5,
  seed: 1,
} as const;

/** Spread of the chain block's initial weights, `N(0, 0.1²)` (the course's default 0.01 learns slowly here). */
export const CHAIN_SIGMA = 0.1;

/** Options of {@link runTreeVsChain}; every field has a default in {@link TREE_VS_CHAIN_DEFAULTS}. */
export interface TreeVsChainConfig {
  /** Training expressions have depths `1 … trainMaxDepth`. */
  readonly trainMaxDepth?: number;
  /** Depths to test, each on `numTestPerDepth` expressions that are not training data (so ≥ 2: depth 1 is all training data). */
  readonly testDepths?: readonly number[];
  /** Distinct training expressions at full settings (scaled down under `RNNLAB_QUICK`). */
  readonly numTrain?: number;
  /** Each one-operator training expression is in every epoch this many times (the operator tables, practised). */
  readonly tableRepeats?: number;
  /** Validation expressions (depth `trainMaxDepth`, held out), at full settings. */
  readonly numVal?: number;
  /** Test expressions per depth, at full settings. */
  readonly numTestPerDepth?: number;
  /** Width of both models' token embeddings. */
  readonly embedSize?: number;
  /** Width of the recursive network's node state. */
  readonly numHiddens?: number;
  /** Width of the recursive cell's hidden layer (0: the one-layer cell). */
  readonly cellHiddens?: number;
  /** Cell of the chain model. */
  readonly chainCell?: CellKind;
  /** Style of the chain's block: `"fused"`, `"scratch"` or `"concise"`. */
  readonly chainStyle?: BlockStyle;
  /** Width of the chain's state. Default: the width that gives it the recursive network's parameter count. */
  readonly chainHiddens?: number;
  /** Epochs at full settings, the same for both models. */
  readonly maxEpochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  /** Gradient clipping by global norm. */
  readonly clipNorm?: number;
  /** Seed of the expressions, the batch order and both models. */
  readonly seed?: number;
  /**
   * Where live progress goes, with metric names prefixed by the model (`"recursive val acc"`,
   * `"chain val acc"`). Default: a {@link TrainingBoard} of both validation accuracies; `null` for silence.
   */
  readonly listener?: ProgressListener | null;
}

/** The expressions of one run: training (with the tables repeated), validation, and one test set per depth. */
export interface TreeVsChainData {
  readonly train: readonly Expression[];
  readonly val: readonly Expression[];
  /** `tests[i]`: the test expressions of depth `depths[i]`. */
  readonly tests: readonly (readonly Expression[])[];
  readonly depths: readonly number[];
}

/** One model's outcome. */
export interface TreeVsChainRun<M> {
  /** e.g. `"recursive (tree)"`, `"LSTM (text)"`. */
  readonly name: string;
  /** The trained model (owned by the result). */
  readonly model: M;
  /** Scalar parameters. */
  readonly params: number;
  /** Test accuracy at each depth of `depths`. */
  readonly accuracy: readonly number[];
  /** The Trainer's summary (history, steps, seconds). */
  readonly result: TrainResult;
}

/** What {@link runTreeVsChain} returns. Dispose it (or `keep` it) to free the models. */
export interface TreeVsChainResult {
  /** The tested depths. */
  readonly depths: readonly number[];
  /** Training expressions had depths `1 … trainMaxDepth`. */
  readonly trainMaxDepth: number;
  readonly tree: TreeVsChainRun<RecursiveScratch>;
  readonly chain: TreeVsChainRun<SequenceClassifier>;
  /** Share of the most frequent value at each depth: the accuracy of always guessing it. */
  readonly majority: readonly number[];
  /** Accuracy against depth: both models and the majority guess. */
  readonly figure: PlotFigure;
  /** One row per depth: both accuracies and the majority guess; the caption gives parameters and times. */
  readonly table: HtmlView;
  /** Wall time of the whole experiment. */
  readonly seconds: number;
  /** Frees both models. */
  dispose(): void;
}

type Settings = Required<Omit<TreeVsChainConfig, "listener" | "chainHiddens">> & Pick<TreeVsChainConfig, "chainHiddens">;

function settingsOf(config: TreeVsChainConfig): Settings {
  const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as TreeVsChainConfig;
  const s = { ...TREE_VS_CHAIN_DEFAULTS, ...given };
  const positive = { numTrain: s.numTrain, numVal: s.numVal, numTestPerDepth: s.numTestPerDepth, tableRepeats: s.tableRepeats };
  for (const [key, v] of Object.entries(positive)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`runTreeVsChain: ${key} must be a positive integer, got ${v}.`);
  }
  if (!Number.isInteger(s.trainMaxDepth) || s.trainMaxDepth < 2) {
    throw new Error(
      `runTreeVsChain: trainMaxDepth must be an integer ≥ 2 (depth 1 alone holds no held-out expression), got ${s.trainMaxDepth}.`,
    );
  }
  if (s.testDepths.length === 0 || s.testDepths.some((d) => !Number.isInteger(d) || d < 2)) {
    throw new Error(
      `runTreeVsChain: testDepths must be integers ≥ 2 (every depth-1 expression is training data), got ${JSON.stringify(s.testDepths)}.`,
    );
  }
  return { ...s, chainCell: parseCellKind(s.chainCell) };
}

/**
 * The expressions of a run: the test sets first (so each depth gets fresh ones), then the validation set
 * (depth `trainMaxDepth`), then the training set, disjoint from both, with every one-operator training
 * expression repeated `tableRepeats` times. Sizes are scaled under `RNNLAB_QUICK`.
 */
export function treeVsChainData(config: TreeVsChainConfig = {}): TreeVsChainData {
  const s = settingsOf(config);
  const rng = new Rng(s.seed);
  const depths = [...s.testDepths];
  const tests = depths.map((d) => randomExpressions({ count: scaled(s.numTestPerDepth), minDepth: d, seed: rng.nextUint32() }));
  const val = randomExpressions({ count: scaled(s.numVal), minDepth: s.trainMaxDepth, seed: rng.nextUint32(), exclude: tests.flat() });
  const distinct = randomExpressions({
    count: scaled(s.numTrain),
    minDepth: 1,
    maxDepth: s.trainMaxDepth,
    seed: rng.nextUint32(),
    exclude: [...tests.flat(), ...val],
  });
  const tables = distinct.filter((e) => e.depth === 1);
  const train = [...distinct, ...Array.from({ length: s.tableRepeats - 1 }, () => tables).flat()];
  return { train, val, tests, depths };
}

/**
 * The state width `h` that gives a chain classifier (embedding, `kind` block, linear layer over the ten
 * values) the parameter count closest to `target`. Fused, scratch and concise blocks hold the same weights.
 */
export function matchedWidth(kind: CellKind, target: number, embedSize: number, vocabSize: number): number {
  const C = EXPRESSION_NUM_CLASSES;
  const params = (h: number): number => vocabSize * embedSize + CELL_GATES[kind] * (embedSize * h + h * h + h) + h * C + C;
  let h = 1;
  while (Math.abs(params(h + 1) - target) < Math.abs(params(h) - target)) h++;
  return h;
}

/** Accuracy of `model` over `batches`: the share of items classified right. */
function accuracyOn<B>(model: { scores(batch: B): TokenScores }, batches: readonly B[]): number {
  const metric = tokenAccuracy<B>();
  let hits = 0;
  let total = 0;
  for (const b of batches) {
    const r = metric.measure(model, b);
    hits += r.hits;
    total += r.total;
  }
  return hits / total;
}

/** Chunks of `items`, `size` per chunk. */
function chunked<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** The line chart of a result: accuracy against depth for both models and the majority guess. */
export function treeVsChainFigure(r: Pick<TreeVsChainResult, "depths" | "trainMaxDepth" | "tree" | "chain" | "majority">): PlotFigure {
  return lineChart(
    [
      { name: r.tree.name, x: r.depths, y: r.tree.accuracy, mode: "lines+markers" },
      { name: r.chain.name, x: r.depths, y: r.chain.accuracy, mode: "lines+markers" },
      { name: "majority guess", x: r.depths, y: r.majority, mode: "lines" },
    ],
    {
      title: `Test accuracy against depth (trained on depths 1–${r.trainMaxDepth})`,
      xTitle: "depth (operators on the longest path)",
      yTitle: "accuracy",
    },
  );
}

/** The table of a result: one row per depth; the caption gives each model's parameters and training time. */
export function treeVsChainTable(r: Pick<TreeVsChainResult, "depths" | "trainMaxDepth" | "tree" | "chain" | "majority">): HtmlView {
  const about = (run: TreeVsChainRun<unknown>) =>
    `${run.name}: ${run.params.toLocaleString("en-US")} parameters, ${run.result.seconds.toFixed(1)} s`;
  return table(
    r.depths.map((depth, i) => ({
      depth,
      "in training": depth <= r.trainMaxDepth ? "yes (held out)" : "no",
      [r.tree.name]: r.tree.accuracy[i],
      [r.chain.name]: r.chain.accuracy[i],
      "majority guess": r.majority[i],
    })),
    { title: `Accuracy per depth · ${about(r.tree)} · ${about(r.chain)}`, digits: 3 },
  );
}

/**
 * Trains a recursive network on expression trees and a chain model on the same expressions as text
 * (same batches, epochs, optimiser, seed; about the same parameter count), then measures both on fresh
 * expressions of each test depth. Budgets (expressions, epochs) are scaled under `RNNLAB_QUICK`.
 * @throws Error for invalid settings (e.g. a test depth of 1, whose expressions are all training data).
 */
export async function runTreeVsChain(config: TreeVsChainConfig = {}): Promise<TreeVsChainResult> {
  const t0 = Date.now();
  const s = settingsOf(config);
  const data = treeVsChainData(config);
  const split = { train: data.train, val: data.val };
  const sourceOptions = { batchSize: s.batchSize, seed: s.seed };
  const trees: ExpressionSource<TreeBatch> = treeBatchSource(split, sourceOptions);
  const texts: ExpressionSource<LabeledTextBatch> = expressionTextSource(split, sourceOptions); // the same batches, as text

  const treeNet = new RecursiveScratch({
    tokens: EXPRESSION_TREE_TOKENS,
    embedSize: s.embedSize,
    numHiddens: s.numHiddens,
    cellHiddens: s.cellHiddens,
    numClasses: EXPRESSION_NUM_CLASSES,
    seed: s.seed,
  });
  const V = EXPRESSION_TEXT_TOKENS.length;
  const chainHiddens = s.chainHiddens ?? matchedWidth(s.chainCell, countParameters(treeNet), s.embedSize, V);
  let chainNet: SequenceClassifier;
  try {
    const block = buildBlock(s.chainCell, s.chainStyle, {
      numInputs: s.embedSize,
      numHiddens: chainHiddens,
      seed: s.seed,
      sigma: CHAIN_SIGMA,
    });
    chainNet = new SequenceClassifier({ block, vocabSize: V, embedSize: s.embedSize, numClasses: EXPRESSION_NUM_CLASSES, seed: s.seed });
  } catch (err) {
    treeNet.dispose();
    throw err;
  }
  const names = { tree: "recursive (tree)", chain: `${cellLabel(s.chainCell)} (text)` };
  const target =
    config.listener === undefined
      ? new TrainingBoard({
          title: "Trees vs chains",
          metrics: ["recursive val acc", "chain val acc"],
          yTitle: "validation accuracy",
          perplexity: false,
        })
      : config.listener;
  const prefixed = target === null ? null : new PrefixedListener(target);
  const maxEpochs = scaled(s.maxEpochs);
  target?.onStart?.({ maxEpochs, totalSteps: 2 * maxEpochs * trees.batchesPerEpoch, title: "Trees vs chains", itemName: "expressions" });
  const trainer = (title: string): Trainer =>
    new Trainer({ maxEpochs: s.maxEpochs, lr: s.lr, clipNorm: s.clipNorm, listener: prefixed, title, reportsPerEpoch: 4 });
  try {
    if (prefixed) prefixed.prefix = "recursive";
    const treeResult = await trainer(names.tree).fit(treeNet, trees);
    if (prefixed) [prefixed.prefix, prefixed.stepOffset] = ["chain", treeResult.steps];
    const chainResult = await trainer(names.chain).fit(chainNet, texts);
    const evalSize = Math.max(s.batchSize, 100);
    const run = <M extends { scores(b: B): TokenScores; trainableVariables(): tf.Variable[] }, B>(
      name: string,
      model: M,
      result: TrainResult,
      batch: (xs: readonly Expression[]) => B,
    ): TreeVsChainRun<M> => ({
      name,
      model,
      params: countParameters(model),
      accuracy: data.tests.map((xs) => accuracyOn(model, chunked(xs, evalSize).map(batch))),
      result,
    });
    const tree = run(names.tree, treeNet, treeResult, treeBatch);
    const chain = run(names.chain, chainNet, chainResult, textBatch);
    const majority = data.tests.map((xs) => {
      const counts = new Array<number>(EXPRESSION_NUM_CLASSES).fill(0);
      for (const e of xs) counts[e.value]++;
      return Math.max(...counts) / xs.length;
    });
    const parts = { depths: data.depths, trainMaxDepth: s.trainMaxDepth, tree, chain, majority };
    return {
      ...parts,
      figure: treeVsChainFigure(parts),
      table: treeVsChainTable(parts),
      seconds: (Date.now() - t0) / 1000,
      dispose: () => {
        treeNet.dispose();
        chainNet.dispose();
      },
    };
  } catch (err) {
    treeNet.dispose();
    chainNet.dispose();
    throw err;
  } finally {
    target?.onEnd?.(prefixed?.last);
  }
}
