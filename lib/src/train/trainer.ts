/**
 * The one training loop of the course (d2l's `Trainer`). It knows nothing about the model: it sees a
 * {@link Trainable} — `loss(batch)` and `trainableVariables()` — and a {@link BatchSource} of any batch
 * type, so the same loop trains language models, taggers and seq2seq models. Adam or SGD, optional
 * gradient clipping, pluggable metrics (perplexity for language models, accuracy for taggers, …), an
 * optional hidden state carried across sequential batches, and progress to a {@link ProgressListener}
 * (the live board in a notebook, text elsewhere).
 *
 * ```ts
 * const trainer = new Trainer({ maxEpochs: 20, lr: 0.01, clipNorm: 1, listener: board });
 * const result = await trainer.fit(model, data); // result.final["val ppl"], result.itemsPerSecond, …
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import type { BatchSource } from "../data/batch";
import type { EvalMetric, LossMetric, Metric } from "../data/metrics";
import { quickFactor, scaled } from "../quick";
import { GradMap, clipByGlobalNorm, clipByValue, globalNorm } from "./clip";
import type { ProgressListener, TrainingPlan, TrainingProgress } from "./progress";

/** What the Trainer needs of a model. Everything but `loss` and `trainableVariables` is optional. */
export interface Trainable<B> {
  /** The mean loss of one batch, as a scalar tfjs can differentiate. `training` is true during training steps. */
  loss(batch: B, opts?: { readonly training?: boolean }): tf.Scalar;
  /** The variables the optimiser updates. */
  trainableVariables(): tf.Variable[];
  /** How much a batch counts in averages and speeds (tokens for a language model). Default 1 per batch. */
  countItems?(batch: B): number;
  /** What {@link countItems} counts, e.g. `"tokens"`. Default `"batches"`. */
  readonly itemName?: string;
  /** Metrics reported by default for this model (a language model: perplexity). */
  readonly metrics?: readonly Metric<B, never>[];
  /** The loss of a batch read from `state` and the state after it; needed for `carryState`. */
  lossAndState?(batch: B, state?: tf.Tensor2D[], opts?: { readonly training?: boolean }): { loss: tf.Scalar; state: tf.Tensor2D[] };
}

/** Optimisers the Trainer knows. */
export type OptimizerName = "adam" | "sgd";

/** How the learning rate changes over training (see {@link TrainerConfig.lrSchedule}). */
export type LrSchedule = "constant" | "cosine";

/** The learning rate of step `step` (0-based) of `totalSteps` under `schedule`, from `lr` to `lrFinal`. */
export function scheduledLr(schedule: LrSchedule, lr: number, lrFinal: number, step: number, totalSteps: number): number {
  if (schedule === "constant") return lr;
  const progress = totalSteps <= 1 ? 1 : Math.min(1, step / (totalSteps - 1));
  return lrFinal + ((lr - lrFinal) * (1 + Math.cos(Math.PI * progress))) / 2;
}

/** Sets an optimizer's learning rate between steps (SGD keeps it in a tensor; Adam reads a field). */
function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (o.setLearningRate) o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** Configuration of a {@link Trainer}. */
export interface TrainerConfig {
  /** Epochs at full settings; the run does `scaled(maxEpochs)` (fewer under `RNNLAB_QUICK`). */
  readonly maxEpochs: number;
  /** Learning rate. */
  readonly lr: number;
  /** `"adam"` (default) or `"sgd"`. */
  readonly optimizer?: OptimizerName;
  /**
   * How the learning rate moves over the planned steps: `"constant"` (default) or `"cosine"`, from `lr` down
   * to `lrFinal` along half a cosine, which lets the last steps settle instead of jumping around a minimum.
   */
  readonly lrSchedule?: LrSchedule;
  /** The learning rate at the last planned step of a `"cosine"` schedule. Default `lr / 20`. */
  readonly lrFinal?: number;
  /** Clip the gradients' global norm to this value (off when absent). */
  readonly clipNorm?: number;
  /** Clamp every gradient element to `[−clipValue, clipValue]` (off when absent). Applied before `clipNorm`. */
  readonly clipValue?: number;
  /** At most this many batches per epoch at full settings (scaled like `maxEpochs`); all when absent. */
  readonly maxStepsPerEpoch?: number;
  /** At most this many validation batches per evaluation at full settings (scaled like `maxEpochs`); all when absent. */
  readonly maxValBatches?: number;
  /**
   * A time budget: stop once this many seconds of training steps (validation excluded) have passed, at full
   * settings (scaled like `maxEpochs`). The epoch in progress ends there and is validated. Off when absent.
   */
  readonly maxSeconds?: number;
  /** Metrics to report; default the model's own `metrics` (perplexity for language models), else only the loss. */
  readonly metrics?: readonly Metric<never, never>[];
  /**
   * Carry the hidden state from each batch to the next, detached from the graph (d2l's sequential
   * partitioning): the batch source must be `sequential` and the model must have `lossAndState`. The
   * state starts from zeros every epoch and whenever the batch size changes. Default false.
   */
  readonly carryState?: boolean;
  /** Where progress goes: a listener, several, or `null` for silence. Default: a {@link ConsoleProgress}. */
  readonly listener?: ProgressListener | readonly ProgressListener[] | null;
  /** Title announced to the listener, e.g. `"RNNScratch on SOTU"`. */
  readonly title?: string;
  /** Training reports per epoch, besides the one at its end. Default 10. */
  readonly reportsPerEpoch?: number;
}

/** One epoch's summary: `"train loss"`, `"val loss"` and every metric, e.g. `"train ppl"`, `"val ppl"`, `"val acc"`. */
export interface EpochRecord {
  readonly epoch: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** What {@link Trainer.fit} returns. */
export interface TrainResult {
  /** Epochs completed. */
  readonly epochs: number;
  /** Optimiser steps done. */
  readonly steps: number;
  /** The metrics of the last completed epoch (empty if none completed), e.g. `final["val ppl"]`. */
  readonly final: Readonly<Record<string, number>>;
  /** Wall time of the run, in seconds. */
  readonly seconds: number;
  /** Training items (tokens for a language model) per second, time spent in validation excluded. */
  readonly itemsPerSecond: number;
  /** What the items are, e.g. `"tokens"`. */
  readonly itemName: string;
  /** Per-epoch summaries. */
  readonly history: readonly EpochRecord[];
  /** The training loss of every step. */
  readonly stepLosses: readonly number[];
  /** The global gradient norm of every step, before clipping. */
  readonly gradNorms: readonly number[];
  /** Why the run stopped early, if it did (e.g. the loss became NaN). */
  readonly stopped?: string;
  /** True when the time budget (`maxSeconds`) ended the run. */
  readonly outOfTime: boolean;
}

function listenersOf(config: TrainerConfig): ProgressListener[] {
  if (config.listener === null) return [];
  if (config.listener === undefined) return [new ConsoleProgress()];
  return Array.isArray(config.listener) ? [...(config.listener as readonly ProgressListener[])] : [config.listener as ProgressListener];
}

/** Lets the event loop run, so a notebook's live board can be sent to the browser during training. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Weighted sums of the loss over batches, turned into the loss and the loss metrics of one split. */
function lossMetrics(split: "train" | "val", nats: number, items: number, metrics: readonly LossMetric[]): Record<string, number> {
  const loss = nats / items;
  const out: Record<string, number> = { [`${split} loss`]: loss };
  for (const m of metrics) out[`${split} ${m.name}`] = m.fromLoss(loss);
  return out;
}

/** The metrics a progress report shows: the loss metrics when there are any (perplexity), else the loss; and eval metrics. */
function shown(values: Record<string, number>, metrics: readonly Metric<never, never>[]): Record<string, number> {
  const hasLossMetric = metrics.some((m) => m.kind === "loss");
  return Object.fromEntries(Object.entries(values).filter(([k]) => !(hasLossMetric && k.endsWith(" loss"))));
}

/** Trains any {@link Trainable}. One Trainer may fit several models, one after another. */
export class Trainer {
  readonly config: TrainerConfig;

  constructor(config: TrainerConfig) {
    if (!(Number.isFinite(config.lr) && config.lr > 0)) throw new Error(`Trainer: lr must be a positive number, got ${config.lr}.`);
    if (!(Number.isInteger(config.maxEpochs) && config.maxEpochs >= 1)) {
      throw new Error(`Trainer: maxEpochs must be a positive integer, got ${config.maxEpochs}.`);
    }
    if (config.lrSchedule !== undefined && config.lrSchedule !== "constant" && config.lrSchedule !== "cosine") {
      throw new Error(`Trainer: lrSchedule "${config.lrSchedule}" is unknown; use "constant" or "cosine".`);
    }
    if (config.lrFinal !== undefined && !(config.lrFinal >= 0 && config.lrFinal <= config.lr)) {
      throw new Error(`Trainer: lrFinal must be between 0 and lr (${config.lr}), got ${config.lrFinal}.`);
    }
    if (config.optimizer !== undefined && config.optimizer !== "adam" && config.optimizer !== "sgd") {
      throw new Error(`Trainer: optimizer "${config.optimizer}" is unknown; use "adam" or "sgd".`);
    }
    this.config = config;
  }

  private metricsFor<B>(model: Trainable<B>): readonly Metric<never, never>[] {
    return this.config.metrics ?? model.metrics ?? [];
  }

  /**
   * The validation loss and metrics of `model` on `data` (e.g. `{ "val loss": 1.2, "val ppl": 3.3 }`),
   * from at most `maxBatches` batches (default: the config's `maxValBatches`, else all).
   */
  evaluate<B>(model: Trainable<B>, data: BatchSource<B>, maxBatches = this.config.maxValBatches ?? Infinity): Record<string, number> {
    const metrics = this.metricsFor(model);
    const evals = metrics.filter((m): m is EvalMetric<never, never> => m.kind === "eval") as unknown as EvalMetric<B, Trainable<B>>[];
    const hits = evals.map(() => ({ hits: 0, total: 0 }));
    let nats = 0;
    let items = 0;
    let seen = 0;
    for (const batch of data.valBatches()) {
      if (seen >= maxBatches) break;
      const n = model.countItems?.(batch) ?? 1;
      const loss = tf.tidy(() => model.loss(batch));
      nats += loss.dataSync()[0] * n;
      loss.dispose();
      items += n;
      seen++;
      evals.forEach((m, i) => {
        const r = m.measure(model, batch);
        hits[i].hits += r.hits;
        hits[i].total += r.total;
      });
    }
    if (items === 0) throw new Error("Trainer: the validation set is empty. Give the batch source a validation split.");
    const out = lossMetrics(
      "val",
      nats,
      items,
      metrics.filter((m): m is LossMetric => m.kind === "loss"),
    );
    evals.forEach((m, i) => (out[`val ${m.name}`] = hits[i].total > 0 ? hits[i].hits / hits[i].total : NaN));
    return out;
  }

  /**
   * Trains `model` on `data` for `scaled(maxEpochs)` epochs and returns a summary. Stops early,
   * with the reason in `result.stopped` and the listeners' `onEnd`, when the loss or the gradient norm
   * stops being finite; the weights keep their last finite values.
   */
  async fit<B>(model: Trainable<B>, data: BatchSource<B>): Promise<TrainResult> {
    await setupBackend(); // never train on a backend chosen by accident (tfjs's slow default, cpu)
    const c = this.config;
    const metrics = this.metricsFor(model);
    const lossOnly = metrics.filter((m): m is LossMetric => m.kind === "loss");
    const itemName = model.itemName ?? "batches";
    const countItems = (batch: B): number => model.countItems?.(batch) ?? 1;
    if (c.carryState) {
      if (!model.lossAndState)
        throw new Error("Trainer: carryState needs a model with lossAndState(batch, state) (every language model has it).");
      if (data.sequential !== true) {
        throw new Error(
          "Trainer: carryState needs sequential batches, where each batch continues the rows of the one before: build the source with random: false.",
        );
      }
    }
    const maxEpochs = scaled(c.maxEpochs);
    const stepCap = c.maxStepsPerEpoch === undefined ? Infinity : scaled(c.maxStepsPerEpoch);
    if (c.maxSeconds !== undefined && !(c.maxSeconds > 0))
      throw new Error(`Trainer: maxSeconds must be a positive number, got ${c.maxSeconds}.`);
    const timeBudget = c.maxSeconds === undefined ? Infinity : c.maxSeconds * quickFactor();
    let outOfTime = false;
    const epochBatches = (epoch: number): B[] => {
      const out: B[] = [];
      for (const b of data.trainBatches(epoch)) {
        if (out.length >= stepCap) break;
        out.push(b);
      }
      return out;
    };
    let numVal = 0;
    for (const _batch of data.valBatches()) numVal++;
    const valCap = scaled(Math.min(numVal, c.maxValBatches ?? Infinity)); // validation is a budget too
    let batches = epochBatches(1);
    if (batches.length === 0)
      throw new Error("Trainer.fit: the batch source gave no training batches. Is the corpus shorter than one batch?");
    const listeners = listenersOf(c);
    const plan: TrainingPlan = { maxEpochs, totalSteps: maxEpochs * batches.length, title: c.title, itemName };
    listeners.forEach((l) => l.onStart?.(plan));

    const optimizer: tf.Optimizer = c.optimizer === "sgd" ? tf.train.sgd(c.lr) : tf.train.adam(c.lr);
    const schedule = c.lrSchedule ?? "constant";
    const lrFinal = c.lrFinal ?? c.lr / 20;
    const vars = model.trainableVariables();
    const reportEvery = Math.max(1, Math.floor(batches.length / (c.reportsPerEpoch ?? 10)));
    const t0 = Date.now();
    let trainSeconds = 0;
    let trainItems = 0;
    let step = 0;
    let last: TrainingProgress | undefined;
    let stopped: string | undefined;
    let carried: tf.Tensor2D[] | undefined; // the state carried across batches (carryState)
    let next: tf.Tensor2D[] | undefined; // the state after the current batch
    const history: EpochRecord[] = [];
    const stepLosses: number[] = [];
    const gradNorms: number[] = [];
    const report = (p: TrainingProgress): void => {
      last = p;
      listeners.forEach((l) => l.onProgress(p));
    };
    const speed = (): number => trainItems / Math.max(trainSeconds, 1e-6);
    /** One batch's loss; with carryState, read from the carried state, keeping the state after the batch in `next`. */
    const batchLoss = (batch: B): tf.Scalar => {
      if (!c.carryState || !model.lossAndState) return model.loss(batch, { training: true });
      const { loss, state } = model.lossAndState(batch, carried, { training: true });
      next = state.map((s) => tf.keep(s)); // used as plain values next time: detached from this step's graph
      return loss;
    };

    try {
      for (let epoch = 1; epoch <= maxEpochs && stopped === undefined && !outOfTime; epoch++) {
        if (epoch > 1) batches = epochBatches(epoch);
        tf.dispose(carried);
        carried = undefined;
        const epochStart = Date.now();
        let nats = 0;
        let items = 0;
        for (let i = 0; i < batches.length; i++) {
          const stepStart = Date.now();
          const batch = batches[i];
          if (carried && !carriedFits(carried, batch)) {
            tf.dispose(carried); // a batch of another size: start from zeros
            carried = undefined;
          }
          // Forward and backward; read the loss and the gradient norm before touching the weights.
          const { value, grads } = tf.variableGrads(() => batchLoss(batch), vars);
          if (next !== undefined) {
            tf.dispose(carried); // only now: the backward pass needed it
            [carried, next] = [next, undefined];
          }
          const normT = globalNorm(grads);
          const loss = value.dataSync()[0];
          const norm = normT.dataSync()[0];
          value.dispose();
          normT.dispose();
          step++;
          if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
            tf.dispose(Object.values(grads));
            stopped =
              `Training stopped at step ${step} (epoch ${epoch}): the loss became ${loss} and the gradient norm was ${norm}. ` +
              `The weights keep their values from step ${step - 1}. Lower the learning rate (lr: ${c.lr}) or clip the gradients (e.g. clipNorm: 1).`;
            break;
          }
          if (schedule !== "constant") setLearningRate(optimizer, scheduledLr(schedule, c.lr, lrFinal, step - 1, plan.totalSteps));
          tf.tidy(() => {
            let g: GradMap = grads;
            if (c.clipValue !== undefined) g = clipByValue(g, c.clipValue);
            if (c.clipNorm !== undefined) g = clipByGlobalNorm(g, c.clipNorm).grads;
            optimizer.applyGradients(g as tf.NamedTensorMap);
          });
          tf.dispose(Object.values(grads));
          stepLosses.push(loss);
          gradNorms.push(norm);
          const n = countItems(batch);
          nats += loss * n;
          items += n;
          trainItems += n;
          trainSeconds += (Date.now() - stepStart) / 1000;
          outOfTime = trainSeconds >= timeBudget;
          if (outOfTime) break; // the epoch ends here and is validated below
          const isLast = i === batches.length - 1;
          if (!isLast && (i + 1) % reportEvery === 0) {
            report({
              epoch,
              step,
              x: epoch - 1 + (i + 1) / batches.length,
              elapsedSeconds: (Date.now() - t0) / 1000,
              itemsPerSecond: speed(),
              metrics: shown(lossMetrics("train", nats, items, lossOnly), metrics),
            });
            await yieldToEventLoop();
          }
        }
        if (stopped !== undefined) break;
        const values = { ...lossMetrics("train", nats, items, lossOnly), ...this.evaluate(model, data, valCap) };
        history.push({ epoch, metrics: values, seconds: (Date.now() - epochStart) / 1000 });
        report({
          epoch,
          step,
          x: epoch,
          elapsedSeconds: (Date.now() - t0) / 1000,
          itemsPerSecond: speed(),
          metrics: shown(values, metrics),
        });
        await yieldToEventLoop();
      }
    } finally {
      tf.dispose(carried);
      optimizer.dispose();
      listeners.forEach((l) => l.onEnd?.(last, stopped));
    }
    return {
      epochs: history.length,
      steps: stepLosses.length,
      final: history[history.length - 1]?.metrics ?? {},
      seconds: (Date.now() - t0) / 1000,
      itemsPerSecond: speed(),
      itemName,
      history,
      stepLosses,
      gradNorms,
      stopped,
      outOfTime,
    };
  }
}

/** True when a carried state fits a batch (same number of rows). */
function carriedFits(state: tf.Tensor2D[], batch: unknown): boolean {
  const rows = (batch as { batchSize?: number }).batchSize;
  return rows === undefined || state.every((s) => s.shape[0] === rows);
}

/** A {@link ProgressListener} that prints one line per epoch (about ten lines per run) to the console. */
export class ConsoleProgress implements ProgressListener {
  private maxEpochs = 1;
  private itemName = "items";
  private title = "";
  private readonly print: (line: string) => void;
  private readonly everyReport: boolean;

  /**
   * @param print where lines go; `console.log` by default.
   * @param opts `everyReport: true` prints every report (`reportsPerEpoch` per epoch), not only about ten epoch ends: for long runs.
   */
  constructor(print: (line: string) => void = (line) => console.log(line), opts: { readonly everyReport?: boolean } = {}) {
    this.print = print;
    this.everyReport = opts.everyReport === true;
  }

  onStart(plan: TrainingPlan): void {
    this.maxEpochs = plan.maxEpochs;
    this.itemName = plan.itemName ?? "items";
    this.title = plan.title ? `${plan.title}: ` : "";
  }

  onProgress(p: TrainingProgress): void {
    if (this.everyReport) return this.print(formatProgress(p, this.maxEpochs, this.title, this.itemName));
    const every = Math.max(1, Math.round(this.maxEpochs / 10));
    const endOfEpoch = Object.keys(p.metrics).some((k) => k.startsWith("val "));
    if (!endOfEpoch || (p.epoch % every !== 0 && p.epoch !== 1 && p.epoch !== this.maxEpochs)) return;
    this.print(formatProgress(p, this.maxEpochs, this.title, this.itemName));
  }

  onEnd(last: TrainingProgress | undefined, reason?: string): void {
    if (reason !== undefined) this.print(reason);
    else if (last !== undefined) this.print(`${this.title}done in ${last.elapsedSeconds.toFixed(1)} s`);
  }
}

/** One line for people: `epoch 3/20 · step 120 · train ppl 8.21 · val ppl 9.02 · 3,450 tokens/s · 12.3 s`. */
export function formatProgress(p: TrainingProgress, maxEpochs: number, prefix = "", itemName = "items"): string {
  const metrics = Object.entries(p.metrics).map(([k, v]) => `${k} ${v.toFixed(2)}`);
  const speed = p.itemsPerSecond === undefined ? [] : [`${Math.round(p.itemsPerSecond).toLocaleString("en-US")} ${itemName}/s`];
  return prefix + [`epoch ${p.epoch}/${maxEpochs}`, `step ${p.step}`, ...metrics, ...speed, `${p.elapsedSeconds.toFixed(1)} s`].join(" · ");
}
