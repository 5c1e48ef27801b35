/**
 * The contract between training loops and whatever shows their progress (the live board of
 * `plot/board.ts` in a notebook, a text line in a terminal). Training code only ever calls a
 * {@link ProgressListener}; no notebook writes its own loop.
 */

/** The plan a training run announces before its first step. */
export interface TrainingPlan {
  /** Epochs the run will do (after any `RNNLAB_QUICK` scaling). */
  readonly maxEpochs: number;
  /** Optimiser steps the run will do in total, for the ETA. */
  readonly totalSteps: number;
  /** A short title, e.g. `"RNNScratch on SOTU"`. */
  readonly title?: string;
  /** What the speed counts, e.g. `"tokens"` (items per second). */
  readonly itemName?: string;
}

/** One report from a training loop. */
export interface TrainingProgress {
  /** Current epoch, 1-based. */
  readonly epoch: number;
  /** Optimiser steps done so far, 1-based. */
  readonly step: number;
  /** Seconds since the run started. */
  readonly elapsedSeconds: number;
  /** Training throughput in items (tokens for a language model) per second, when known. */
  readonly itemsPerSecond?: number;
  /** Position on the x axis of the plot, in epochs; may be fractional (`epoch - 1 + batch / batches`). */
  readonly x: number;
  /**
   * Values to plot at `x`, one series per name, e.g. `{ "train loss": 2.1, "val ppl": 8.3 }`.
   * Names starting with `val` are usually reported once per epoch, the others more often.
   */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Receives a training run's progress. Every method is optional except `onProgress`. */
export interface ProgressListener {
  /** Called once, before the first step. */
  onStart?(plan: TrainingPlan): void;
  /** Called as often as the loop likes; listeners throttle their own drawing. */
  onProgress(progress: TrainingProgress): void;
  /** Called once at the end (also after an early stop), with the last report; listeners draw their final state. */
  onEnd?(last: TrainingProgress | undefined, reason?: string): void;
}

/**
 * Forwards the progress of several runs, one after another, to one listener: metric names get the run's
 * prefix (`"GRU val ppl"`) and steps are counted across runs. Set `prefix` before each run and add its steps
 * to `stepOffset` after it.
 */
export class PrefixedListener implements ProgressListener {
  /** Put before every metric name of the current run. */
  prefix = "";
  /** Steps of the runs before the current one. */
  stepOffset = 0;
  /** The last report forwarded. */
  last: TrainingProgress | undefined;

  constructor(private readonly target: ProgressListener) {}

  onProgress(p: TrainingProgress): void {
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(p.metrics)) metrics[`${this.prefix} ${k}`] = v;
    this.last = { ...p, step: p.step + this.stepOffset, metrics };
    this.target.onProgress(this.last);
  }
}
