/**
 * The long-range lab (notebook 04b): does a cell carry one bit (singular or plural) across `d` unrelated
 * tokens? RNN, GRU and LSTM classifiers with about the same number of parameters learn the agreement task of
 * `agreement-task.ts` with the same batches, steps, optimiser and seed, and are tested at every distance:
 *
 * - {@link runLongRange}: one training run on a **mix** of distances (short ones teach what to keep, long ones
 *   demand that it be kept), then accuracy against distance on held-out sequences;
 * - {@link runDistanceSweep}: one fresh model per distance, trained on that distance **alone**, so the
 *   gradient has to cross all `d` steps to find the bit;
 *
 * The gates along one long example are in `bit-hold.ts`.
 *
 * ```ts
 * const mix = keep("mix", await runLongRange({ cache: "long-range-mix" }));
 * show(mix.figure);
 * show(mix.table);
 * ```
 * @see notebooks/04b-long-range.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { CELL_GATES, CELL_KINDS, CellKind, cellLabel, parseCellKind } from "../cells";
import type { LabeledTextBatch } from "../data/batch";
import { buildBlock } from "../rnn/blocks";
import { SequenceClassifier } from "../rnn/sequence-classifier";
import type { HtmlView, PlotFigure } from "../plot/figure";
import { lineChart } from "../plot/line-chart";
import { table } from "../plot/table";
import { TrainingBoard } from "../plot/board";
import type { ProgressListener } from "../train/progress";
import { scaled } from "../quick";
import { Comparison, compareModels } from "./compare";
import { AGREEMENT_LABELS, DEFAULT_NUM_DISTRACTORS, agreementSource, agreementTestSets } from "./agreement-task";

/** Defaults of {@link runLongRange} and {@link runDistanceSweep}. */
export const LONG_RANGE_DEFAULTS = {
  /** Distances tested (and, for the mix, trained on). */
  distances: [1, 2, 4, 8, 16, 32, 64, 128] as readonly number[],
  /** Distractor tokens. */
  numDistractors: DEFAULT_NUM_DISTRACTORS,
  /** Parameters each model gets (about): an LSTM of 32 units; each cell's width is chosen to match. */
  targetParams: 5800,
  /** Spread of the initial recurrent weights, `N(0, sigma²)`, the same for every cell. */
  sigma: 0.1,
  batchSize: 32,
  /** Training batches of each distance per epoch. */
  batchesPerDistance: 10,
  /** Epochs at full settings. */
  maxEpochs: 10,
  lr: 0.005,
  clipNorm: 1,
  /** Validation sequences per distance (reported on the live board). */
  numValPerDistance: 64,
  /** Held-out test sequences per distance. */
  numTestPerDistance: 200,
  seed: 1,
} as const;

/** Options of {@link runLongRange} and {@link runDistanceSweep}; every field has a default in {@link LONG_RANGE_DEFAULTS}. */
export interface LongRangeConfig {
  /** Which cells compete, in order. Default every kind. */
  readonly cells?: readonly CellKind[];
  /** Distances tested; also the distances trained on, unless `trainDistances` says otherwise. */
  readonly distances?: readonly number[];
  /** {@link runLongRange} only: the distances of the training mix. Default `distances`. */
  readonly trainDistances?: readonly number[];
  readonly numDistractors?: number;
  /** Parameters each model gets (about); see {@link classifierWidth}. */
  readonly targetParams?: number;
  readonly sigma?: number;
  readonly batchSize?: number;
  /** Training batches of each distance per epoch (a sweep trains on one distance: its epoch has this many batches). */
  readonly batchesPerDistance?: number;
  /** Epochs at full settings (scaled down under `RNNLAB_QUICK`). */
  readonly maxEpochs?: number;
  readonly lr?: number;
  readonly clipNorm?: number;
  readonly numValPerDistance?: number;
  readonly numTestPerDistance?: number;
  /** Seed of the data and of every model. */
  readonly seed?: number;
  /** Cache name: each model trains once per settings, then reruns load it. Off when absent. */
  readonly cache?: string;
  /** Where live progress goes. Default: a board; `null`: silence. */
  readonly listener?: ProgressListener | null;
  /** Where cache messages go; default `console.log`. */
  readonly log?: (message: string) => void;
}

type Settings = Required<Omit<LongRangeConfig, "cache" | "listener" | "log">>;

function settingsOf(where: string, config: LongRangeConfig): Settings {
  const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as LongRangeConfig;
  const s = { ...LONG_RANGE_DEFAULTS, cells: CELL_KINDS, ...given };
  const trainDistances = given.trainDistances ?? s.distances;
  for (const [key, ds] of Object.entries({ distances: s.distances, trainDistances })) {
    if (ds.length === 0) throw new Error(`${where}: ${key} is empty; give distances such as [1, 4, 16, 64].`);
    for (const d of ds) {
      if (!Number.isInteger(d) || d < 1) {
        throw new Error(`${where}: ${key} must hold integers ≥ 1 (distractors between subject and verb), got ${JSON.stringify(ds)}.`);
      }
    }
  }
  if (s.cells.length === 0) throw new Error(`${where}: no cells; give cells such as ${JSON.stringify(CELL_KINDS)}.`);
  if (!(s.targetParams >= 100)) throw new Error(`${where}: targetParams must be a number ≥ 100, got ${s.targetParams}.`);
  return { ...s, trainDistances, cells: s.cells.map(parseCellKind) };
}

/**
 * The state width that gives a sequence classifier (one-hot or embedded inputs, a `kind` block, a linear layer
 * over `numClasses`) the parameter count closest to `targetParams`. Fused, scratch and concise blocks hold the
 * same weights.
 */
export function classifierWidth(
  kind: CellKind,
  targetParams: number,
  sizes: { readonly vocabSize: number; readonly numClasses?: number; readonly embedSize?: number },
): number {
  const { vocabSize, numClasses = 2, embedSize } = sizes;
  const inputs = embedSize ?? vocabSize;
  const encoder = embedSize === undefined ? 0 : vocabSize * embedSize;
  const params = (h: number): number => encoder + CELL_GATES[kind] * (inputs * h + h * h + h) + h * numClasses + numClasses;
  let h = 1;
  while (Math.abs(params(h + 1) - targetParams) < Math.abs(params(h) - targetParams)) h++;
  return h;
}

/** A classifier of the agreement task: one-hot tokens, a fused `kind` block of `numHiddens`, two classes. */
export function buildAgreementClassifier(
  kind: CellKind,
  sizes: { readonly vocabSize: number; readonly numHiddens: number; readonly sigma?: number; readonly seed?: number },
): SequenceClassifier {
  const { vocabSize, numHiddens, sigma = LONG_RANGE_DEFAULTS.sigma, seed = LONG_RANGE_DEFAULTS.seed } = sizes;
  const block = buildBlock(kind, "fused", { numInputs: vocabSize, numHiddens, seed, sigma });
  return new SequenceClassifier({ block, vocabSize, numClasses: AGREEMENT_LABELS.length, seed });
}

/** Share of the sequences of `batch` that `model` labels right. */
export function accuracyOf(model: SequenceClassifier, batch: LabeledTextBatch): number {
  const predicted = tf.tidy(() => tf.argMax(model.forward(batch), -1).dataSync()); // [batchSize]
  let hits = 0;
  predicted.forEach((p, b) => (hits += p === batch.labels[b] ? 1 : 0));
  return hits / batch.batchSize;
}

/** The contestants of one comparison: a classifier per cell, widths matched to the same parameter count. */
function contestantsOf(s: Settings, vocabSize: number) {
  return s.cells.map((cell) => {
    const numHiddens = classifierWidth(cell, s.targetParams, { vocabSize });
    return {
      name: cellLabel(cell),
      cell,
      numHiddens,
      settings: { task: "agreement", cell, numHiddens, sigma: s.sigma, seed: s.seed },
      build: () => buildAgreementClassifier(cell, { vocabSize, numHiddens, sigma: s.sigma, seed: s.seed }),
    };
  });
}

/** One model of {@link runLongRange}. */
export interface LongRangeRun {
  readonly cell: CellKind;
  /** `"RNN"`, `"GRU"`, `"LSTM"`. */
  readonly name: string;
  readonly numHiddens: number;
  readonly params: number;
  /** The trained classifier (owned by the result). */
  readonly model: SequenceClassifier;
  /** Held-out accuracy at each distance of `distances`. */
  readonly accuracy: readonly number[];
  /** Seconds of training (the cached run's, when loaded). */
  readonly seconds: number;
  readonly fromCache: boolean;
}

/** What {@link runLongRange} returns. Dispose it (or `keep` it) to free the models. */
export interface LongRangeResult {
  readonly distances: readonly number[];
  readonly trainDistances: readonly number[];
  readonly runs: readonly LongRangeRun[];
  /** Optimiser steps each model did. */
  readonly steps: number;
  /** The comparison behind it: validation accuracy against epoch, and its table. */
  readonly comparison: Comparison<SequenceClassifier>;
  /** Accuracy against distance (log x), one line per cell, chance dashed. */
  readonly figure: PlotFigure;
  /** One row per distance, one column per cell. */
  readonly table: HtmlView;
  dispose(): void;
}

/** Accuracy against distance: one line per model and the 50 % of guessing. */
export function accuracyByDistanceFigure(
  distances: readonly number[],
  lines: readonly { readonly name: string; readonly accuracy: readonly number[] }[],
  title: string,
): PlotFigure {
  return lineChart(
    [
      ...lines.map((l) => ({ name: l.name, x: distances, y: l.accuracy, mode: "lines+markers" as const })),
      { name: "chance (50 %)", x: [distances[0], distances[distances.length - 1]], y: [0.5, 0.5], color: "rgb(150,150,150)" },
    ],
    { title, xTitle: "distance d (distractors between subject and verb; log scale)", yTitle: "held-out accuracy", logX: true },
  );
}

/** One row per distance: each model's accuracy (a column per model), with a caption. */
export function accuracyByDistanceTable(
  distances: readonly number[],
  lines: readonly { readonly name: string; readonly accuracy: readonly number[] }[],
  title: string,
  extra?: (i: number) => Record<string, string | number>,
): HtmlView {
  return table(
    distances.map((d, i) => ({ distance: d, ...Object.fromEntries(lines.map((l) => [l.name, l.accuracy[i]])), ...(extra?.(i) ?? {}) })),
    { title, digits: 3 },
  );
}

/**
 * Trains one classifier per cell on a mix of distances (every epoch `batchesPerDistance` fresh batches of each
 * training distance, shuffled) with the same batches, steps, optimiser and seed, then tests each at every
 * distance on held-out sequences.
 * @throws Error when the configuration is invalid.
 */
export async function runLongRange(config: LongRangeConfig = {}): Promise<LongRangeResult> {
  const s = settingsOf("runLongRange", config);
  const data = agreementSource({
    distances: s.trainDistances,
    batchSize: s.batchSize,
    batchesPerDistance: s.batchesPerDistance,
    numValPerDistance: s.numValPerDistance,
    numDistractors: s.numDistractors,
    seed: s.seed,
  });
  const contestants = contestantsOf(s, data.vocabSize);
  const comparison = await compareModels({
    data,
    contestants,
    score: "val acc",
    maxEpochs: s.maxEpochs,
    stepsPerEpoch: data.batchesPerEpoch,
    lr: s.lr,
    clipNorm: s.clipNorm,
    title: "Agreement on a mix of distances",
    cache: config.cache,
    listener: config.listener,
    log: config.log,
  });
  try {
    const tests = agreementTestSets(s.distances, { count: s.numTestPerDistance, numDistractors: s.numDistractors, seed: s.seed });
    const runs: LongRangeRun[] = comparison.runs.map((r, i) => ({
      cell: contestants[i].cell,
      name: r.name,
      numHiddens: contestants[i].numHiddens,
      params: r.params,
      model: r.model,
      accuracy: tests.map((batch) => accuracyOf(r.model, batch)),
      seconds: r.summary.seconds,
      fromCache: r.fromCache,
    }));
    const steps = comparison.runs[0].summary.steps;
    const about = runs.map((r) => `${r.name} ${r.numHiddens} units, ${r.params.toLocaleString("en-US")} parameters`).join(" · ");
    const trained = `trained on d ∈ {${s.trainDistances.join(", ")}}`;
    return {
      distances: s.distances,
      trainDistances: s.trainDistances,
      runs,
      steps,
      comparison,
      figure: accuracyByDistanceFigure(s.distances, runs, `Agreement accuracy against distance (${trained}, ${steps} steps each)`),
      table: accuracyByDistanceTable(
        s.distances,
        runs,
        `Held-out accuracy per distance (${s.numTestPerDistance} sequences each; chance 0.5) · ${about}`,
      ),
      dispose: () => comparison.dispose(),
    };
  } catch (err) {
    comparison.dispose();
    throw err;
  }
}

/** Held-out accuracy at which a model counts as having learned a distance. */
export const LEARNED_ACCURACY = 0.95;

/** One cell of {@link runDistanceSweep}. */
export interface DistanceSweepRun {
  readonly cell: CellKind;
  readonly name: string;
  readonly numHiddens: number;
  readonly params: number;
  /** Held-out accuracy at each distance, mean over the seeds, of the models trained on that distance alone. */
  readonly accuracy: readonly number[];
  /** `perSeed[i][k]`: the held-out accuracy at distance `i` of seed `k`'s model. */
  readonly perSeed: readonly (readonly number[])[];
  /** At each distance: how many seeds' models reached {@link LEARNED_ACCURACY}. */
  readonly learned: readonly number[];
  /** `stepsToLearn[i][k]`: steps until seed `k`'s validation accuracy first reached 95 % (checked once per epoch); `NaN`: never. */
  readonly stepsToLearn: readonly (readonly number[])[];
}

/** What {@link runDistanceSweep} returns: numbers only (every model is freed once measured). */
export interface DistanceSweepResult {
  readonly distances: readonly number[];
  readonly seeds: readonly number[];
  /** One entry per cell. */
  readonly runs: readonly DistanceSweepRun[];
  /** Optimiser steps of each model. */
  readonly steps: number;
  /** Mean held-out accuracy against distance. */
  readonly figure: PlotFigure;
  /** One row per distance: each cell's mean accuracy and how many seeds learned it. */
  readonly table: HtmlView;
  /** Wall time of the sweep (loading from the cache included). */
  readonly seconds: number;
}

/**
 * For each distance and seed, trains a fresh classifier per cell on that distance alone (`maxEpochs ×
 * batchesPerDistance` steps, data and weights seeded by the seed), tests it at the same distance on held-out
 * sequences, and frees it. A model can only succeed if the gradient finds the subject marker `d + 1` steps back.
 * @param seeds the seeds (default `[seed]`); success at long distances differs from seed to seed.
 * With a `cache`, the sweep prints one line (how many models it trained or loaded), not one per model.
 * @throws Error when the configuration is invalid.
 */
export async function runDistanceSweep(
  config: LongRangeConfig & { readonly seeds?: readonly number[] } = {},
): Promise<DistanceSweepResult> {
  const s = settingsOf("runDistanceSweep", config);
  const seeds = [...(config.seeds ?? [s.seed])];
  if (seeds.length === 0 || seeds.some((x) => !Number.isInteger(x))) {
    throw new Error(`runDistanceSweep: seeds must be a non-empty list of integers, got ${JSON.stringify(config.seeds)}.`);
  }
  const t0 = Date.now();
  const names = s.cells.map((c) => cellLabel(c));
  const board =
    config.listener === undefined
      ? new TrainingBoard({
          title: "One distance at a time: held-out accuracy (mean over seeds) of the models trained at d",
          metrics: names,
          xTitle: "log₂ d (the distance trained and tested)",
          yTitle: "held-out accuracy",
          perplexity: false,
        })
      : config.listener;
  const stepsEach = scaled(s.maxEpochs) * scaled(s.batchesPerDistance);
  const totalSteps = stepsEach * s.distances.length * seeds.length * s.cells.length;
  board?.onStart?.({ maxEpochs: s.distances.length, totalSteps, title: "One distance at a time" });
  const perSeed = s.cells.map(() => s.distances.map(() => [] as number[]));
  const stepsToLearn = s.cells.map(() => s.distances.map(() => [] as number[]));
  let contestants: ReturnType<typeof contestantsOf> = [];
  let params: number[] = [];
  let steps = 0;
  let [loaded, trained] = [0, 0];
  let last;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  try {
    for (const [i, d] of s.distances.entries()) {
      for (const seed of seeds) {
        const data = agreementSource({
          distances: [d],
          batchSize: s.batchSize,
          batchesPerDistance: s.batchesPerDistance,
          numValPerDistance: s.numValPerDistance,
          numDistractors: s.numDistractors,
          seed,
        });
        contestants = contestantsOf({ ...s, seed }, data.vocabSize);
        const cmp = await compareModels({
          data,
          contestants,
          score: "val acc",
          maxEpochs: s.maxEpochs,
          stepsPerEpoch: s.batchesPerDistance,
          lr: s.lr,
          clipNorm: s.clipNorm,
          cache: config.cache,
          listener: null,
          log: () => {}, // one line for the whole sweep instead, below
        });
        try {
          loaded += cmp.runs.filter((r) => r.fromCache).length;
          trained += cmp.runs.filter((r) => !r.fromCache).length;
          const [test] = agreementTestSets([d], { count: s.numTestPerDistance, numDistractors: s.numDistractors, seed });
          params = cmp.runs.map((r) => r.params);
          cmp.runs.forEach((r, c) => {
            perSeed[c][i].push(accuracyOf(r.model, test));
            const perEpoch = r.summary.steps / Math.max(1, r.summary.history.length);
            const first = r.summary.history.find((h) => h.metrics["val acc"] >= LEARNED_ACCURACY);
            stepsToLearn[c][i].push(first === undefined ? NaN : Math.round(first.epoch * perEpoch));
            steps = r.summary.steps;
          });
        } finally {
          cmp.dispose();
        }
      }
      last = {
        epoch: i + 1,
        step: (i + 1) * stepsEach * seeds.length * s.cells.length,
        x: Math.log2(d),
        elapsedSeconds: (Date.now() - t0) / 1000,
        metrics: Object.fromEntries(names.map((n, c) => [n, mean(perSeed[c][i])])),
      };
      board?.onProgress(last);
    }
  } finally {
    board?.onEnd?.(last);
  }
  if (config.cache !== undefined) {
    const say = config.log ?? ((m: string) => console.log(m));
    say(
      trained === 0
        ? `Loaded all ${loaded} models from the cache ("${config.cache}") instead of training again.`
        : `Trained ${trained} models and saved them to the cache ("${config.cache}")` +
            (loaded > 0 ? `; loaded ${loaded} more from it.` : "; rerunning this cell with the same settings will load them."),
    );
  }
  const runs: DistanceSweepRun[] = s.cells.map((cell, c) => ({
    cell,
    name: names[c],
    numHiddens: contestants[c].numHiddens,
    params: params[c],
    accuracy: perSeed[c].map(mean),
    perSeed: perSeed[c],
    learned: perSeed[c].map((accs) => accs.filter((a) => a >= LEARNED_ACCURACY).length),
    stepsToLearn: stepsToLearn[c],
  }));
  const about = runs.map((r) => `${r.name} ${r.numHiddens} units`).join(" · ");
  const n = seeds.length;
  return {
    distances: s.distances,
    seeds,
    runs,
    steps,
    figure: accuracyByDistanceFigure(
      s.distances,
      runs,
      `Trained at one distance only (${steps} steps; mean of ${n} seed${n > 1 ? "s" : ""}), tested there`,
    ),
    table: accuracyByDistanceTable(
      s.distances,
      runs,
      `Accuracy at d of the models trained at d alone (mean over ${n} seeds; ${s.numTestPerDistance} held-out sequences each; chance 0.5) · ${about}`,
      (i) => Object.fromEntries(runs.map((r) => [`${r.name} learned (≥ ${LEARNED_ACCURACY * 100} %)`, `${r.learned[i]}/${n}`])),
    ),
    seconds: (Date.now() - t0) / 1000,
  };
}
