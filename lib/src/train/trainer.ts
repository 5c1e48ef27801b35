/**
 * The one training loop of the course (d2l's `Trainer`): it trains any {@link LanguageModel} on any
 * {@link BatchSource}, with Adam or SGD, optional gradient clipping, and reports train and validation
 * perplexity and chars/s to a {@link ProgressListener} (the live board in a notebook, text elsewhere).
 *
 * ```ts
 * const trainer = new Trainer({ maxEpochs: 20, lr: 0.01, clipNorm: 1, listener: board });
 * const result = await trainer.fit(model, data); // result.valPerplexity, result.charsPerSecond, …
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { BatchSource, TokenBatch } from "../data/batch";
import type { LanguageModel } from "../rnn/rnn-lm";
import { scaled } from "../quick";
import { GradMap, clipByGlobalNorm, clipByValue, globalNorm } from "./clip";
import type { ProgressListener, TrainingPlan, TrainingProgress } from "./progress";

/** Optimisers the Trainer knows. */
export type OptimizerName = "adam" | "sgd";

/** Configuration of a {@link Trainer}. */
export interface TrainerConfig {
  /** Epochs at full settings; the run does `scaled(maxEpochs)` (fewer under `RNNLAB_QUICK`). */
  readonly maxEpochs: number;
  /** Learning rate. */
  readonly lr: number;
  /** `"adam"` (default) or `"sgd"`. */
  readonly optimizer?: OptimizerName;
  /** Clip the gradients' global norm to this value (off when absent). */
  readonly clipNorm?: number;
  /** Clamp every gradient element to `[−clipValue, clipValue]` (off when absent). Applied before `clipNorm`. */
  readonly clipValue?: number;
  /** At most this many batches per epoch at full settings (scaled like `maxEpochs`); all when absent. */
  readonly maxStepsPerEpoch?: number;
  /** At most this many validation batches per evaluation at full settings (scaled like `maxEpochs`); all when absent. */
  readonly maxValBatches?: number;
  /** Where progress goes: a listener, several, or `null` for silence. Default: a {@link ConsoleProgress}. */
  readonly listener?: ProgressListener | readonly ProgressListener[] | null;
  /** Title announced to the listener, e.g. `"RNNScratch on SOTU"`. */
  readonly title?: string;
  /** Training-perplexity reports per epoch, besides the one at its end. Default 10. */
  readonly reportsPerEpoch?: number;
}

/** One epoch's summary. */
export interface EpochRecord {
  readonly epoch: number;
  readonly trainPerplexity: number;
  readonly valPerplexity: number;
  readonly seconds: number;
}

/** What {@link Trainer.fit} returns. */
export interface TrainResult {
  /** Epochs completed. */
  readonly epochs: number;
  /** Optimiser steps done. */
  readonly steps: number;
  /** Training perplexity of the last completed epoch (`NaN` if none completed). */
  readonly trainPerplexity: number;
  /** Validation perplexity after the last completed epoch (`NaN` if none completed). */
  readonly valPerplexity: number;
  /** Wall time of the run, in seconds. */
  readonly seconds: number;
  /** Training tokens per second (time spent in validation excluded). */
  readonly charsPerSecond: number;
  /** Per-epoch summaries. */
  readonly history: readonly EpochRecord[];
  /** The training loss of every step, in nats per token. */
  readonly stepLosses: readonly number[];
  /** The global gradient norm of every step, before clipping. */
  readonly gradNorms: readonly number[];
  /** Why the run stopped early, if it did (e.g. the loss became NaN). */
  readonly stopped?: string;
}

function tokensIn(batch: TokenBatch): number {
  if (!batch.mask) return batch.batchSize * batch.numSteps;
  let n = 0;
  for (const m of batch.mask) n += m;
  return n;
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

/** Trains language models. One Trainer may fit several models, one after another. */
export class Trainer {
  readonly config: TrainerConfig;

  constructor(config: TrainerConfig) {
    if (!(Number.isFinite(config.lr) && config.lr > 0)) throw new Error(`Trainer: lr must be a positive number, got ${config.lr}.`);
    if (!(Number.isInteger(config.maxEpochs) && config.maxEpochs >= 1)) {
      throw new Error(`Trainer: maxEpochs must be a positive integer, got ${config.maxEpochs}.`);
    }
    if (config.optimizer !== undefined && config.optimizer !== "adam" && config.optimizer !== "sgd") {
      throw new Error(`Trainer: optimizer "${config.optimizer}" is unknown; use "adam" or "sgd".`);
    }
    this.config = config;
  }

  /** Validation perplexity of `model` on `data`, from at most `maxBatches` batches (default: the config's `maxValBatches`, else all). */
  evaluate(model: LanguageModel, data: BatchSource, maxBatches = this.config.maxValBatches ?? Infinity): number {
    let nats = 0;
    let tokens = 0;
    let seen = 0;
    for (const batch of data.valBatches()) {
      if (seen >= maxBatches) break;
      const n = tokensIn(batch);
      const loss = tf.tidy(() => model.loss(batch));
      nats += loss.dataSync()[0] * n;
      loss.dispose();
      tokens += n;
      seen++;
    }
    if (tokens === 0) throw new Error("Trainer: the validation set has no tokens. Give the batch source a validation split.");
    return Math.exp(nats / tokens);
  }

  /**
   * Trains `model` on `data` for `scaled(maxEpochs)` epochs and returns a summary. Stops early,
   * with the reason in `result.stopped` and the listeners' `onEnd`, when the loss or the gradient norm
   * stops being finite; the weights keep their last finite values.
   */
  async fit(model: LanguageModel, data: BatchSource): Promise<TrainResult> {
    const c = this.config;
    if (data.vocabSize !== model.vocabSize) {
      throw new Error(`Trainer.fit: the data has a vocabulary of ${data.vocabSize} tokens but the model expects ${model.vocabSize}. Build the model with vocabSize: data.vocabSize.`);
    }
    const maxEpochs = scaled(c.maxEpochs);
    const stepCap = c.maxStepsPerEpoch === undefined ? Infinity : scaled(c.maxStepsPerEpoch);
    const epochBatches = (epoch: number): TokenBatch[] => {
      const out: TokenBatch[] = [];
      for (const b of data.trainBatches(epoch)) {
        if (out.length >= stepCap) break;
        out.push(b);
      }
      return out;
    };
    let numVal = 0;
    for (const _ of data.valBatches()) numVal++;
    const valCap = scaled(Math.min(numVal, c.maxValBatches ?? Infinity)); // validation is a budget too
    let batches = epochBatches(1);
    if (batches.length === 0) throw new Error("Trainer.fit: the batch source gave no training batches. Is the corpus shorter than one batch?");
    const listeners = listenersOf(c);
    const plan: TrainingPlan = { maxEpochs, totalSteps: maxEpochs * batches.length, title: c.title };
    listeners.forEach((l) => l.onStart?.(plan));

    const optimizer: tf.Optimizer = c.optimizer === "sgd" ? tf.train.sgd(c.lr) : tf.train.adam(c.lr);
    const vars = model.trainableVariables();
    const reportEvery = Math.max(1, Math.floor(batches.length / (c.reportsPerEpoch ?? 10)));
    const t0 = Date.now();
    let trainSeconds = 0;
    let trainTokens = 0;
    let step = 0;
    let last: TrainingProgress | undefined;
    let stopped: string | undefined;
    const history: EpochRecord[] = [];
    const stepLosses: number[] = [];
    const gradNorms: number[] = [];
    const report = (p: TrainingProgress): void => {
      last = p;
      listeners.forEach((l) => l.onProgress(p));
    };

    try {
      for (let epoch = 1; epoch <= maxEpochs && stopped === undefined; epoch++) {
        if (epoch > 1) batches = epochBatches(epoch);
        const epochStart = Date.now();
        let nats = 0;
        let tokens = 0;
        for (let i = 0; i < batches.length; i++) {
          const stepStart = Date.now();
          const batch = batches[i];
          // Forward and backward; read the loss and the gradient norm before touching the weights.
          const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
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
          tf.tidy(() => {
            let g: GradMap = grads;
            if (c.clipValue !== undefined) g = clipByValue(g, c.clipValue);
            if (c.clipNorm !== undefined) g = clipByGlobalNorm(g, c.clipNorm).grads;
            optimizer.applyGradients(g as tf.NamedTensorMap);
          });
          tf.dispose(Object.values(grads));
          stepLosses.push(loss);
          gradNorms.push(norm);
          const n = tokensIn(batch);
          nats += loss * n;
          tokens += n;
          trainTokens += n;
          trainSeconds += (Date.now() - stepStart) / 1000;
          const isLast = i === batches.length - 1;
          if (!isLast && (i + 1) % reportEvery === 0) {
            report({
              epoch, step, x: epoch - 1 + (i + 1) / batches.length,
              elapsedSeconds: (Date.now() - t0) / 1000,
              charsPerSecond: trainTokens / Math.max(trainSeconds, 1e-6),
              metrics: { "train ppl": Math.exp(nats / tokens) },
            });
            await yieldToEventLoop();
          }
        }
        if (stopped !== undefined) break;
        const trainPerplexity = Math.exp(nats / tokens);
        const valPerplexity = this.evaluate(model, data, valCap);
        history.push({ epoch, trainPerplexity, valPerplexity, seconds: (Date.now() - epochStart) / 1000 });
        report({
          epoch, step, x: epoch,
          elapsedSeconds: (Date.now() - t0) / 1000,
          charsPerSecond: trainTokens / Math.max(trainSeconds, 1e-6),
          metrics: { "train ppl": trainPerplexity, "val ppl": valPerplexity },
        });
        await yieldToEventLoop();
      }
    } finally {
      optimizer.dispose();
      listeners.forEach((l) => l.onEnd?.(last, stopped));
    }
    const lastEpoch = history[history.length - 1];
    return {
      epochs: history.length,
      steps: stepLosses.length,
      trainPerplexity: lastEpoch?.trainPerplexity ?? NaN,
      valPerplexity: lastEpoch?.valPerplexity ?? NaN,
      seconds: (Date.now() - t0) / 1000,
      charsPerSecond: trainTokens / Math.max(trainSeconds, 1e-6),
      history,
      stepLosses,
      gradNorms,
      stopped,
    };
  }
}

/** A {@link ProgressListener} that prints one line per epoch (about ten lines per run) to the console. */
export class ConsoleProgress implements ProgressListener {
  private maxEpochs = 1;
  private title = "";
  private readonly print: (line: string) => void;

  /** @param print where lines go; `console.log` by default. */
  constructor(print: (line: string) => void = (line) => console.log(line)) {
    this.print = print;
  }

  onStart(plan: TrainingPlan): void {
    this.maxEpochs = plan.maxEpochs;
    this.title = plan.title ? `${plan.title}: ` : "";
  }

  onProgress(p: TrainingProgress): void {
    const every = Math.max(1, Math.round(this.maxEpochs / 10));
    const endOfEpoch = p.metrics["val ppl"] !== undefined;
    if (!endOfEpoch || (p.epoch % every !== 0 && p.epoch !== 1 && p.epoch !== this.maxEpochs)) return;
    this.print(formatProgress(p, this.maxEpochs, this.title));
  }

  onEnd(last: TrainingProgress | undefined, reason?: string): void {
    if (reason !== undefined) this.print(reason);
    else if (last !== undefined) this.print(`${this.title}done in ${last.elapsedSeconds.toFixed(1)} s`);
  }
}

/** One line for people: `epoch 3/20 · step 120 · train ppl 8.21 · val ppl 9.02 · 3,450 chars/s · 12.3 s`. */
export function formatProgress(p: TrainingProgress, maxEpochs: number, prefix = ""): string {
  const metrics = Object.entries(p.metrics).map(([k, v]) => `${k} ${v.toFixed(2)}`);
  const speed = p.charsPerSecond === undefined ? [] : [`${Math.round(p.charsPerSecond).toLocaleString("en-US")} chars/s`];
  return prefix + [`epoch ${p.epoch}/${maxEpochs}`, `step ${p.step}`, ...metrics, ...speed, `${p.elapsedSeconds.toFixed(1)} s`].join(" · ");
}
