/**
 * The live training board: one plot of the training curves and one status line (epoch, step, loss,
 * perplexity, tokens/s, ETA), redrawn in place while a training loop runs. It is a
 * {@link ProgressListener}, so training code reports to it and no notebook writes its own loop.
 * Outside a notebook (node scripts, tests) it prints a readable progress line every few seconds.
 *
 * ```ts
 * const board = new TrainingBoard({ title: "RNN on The Time Machine", logY: true });
 * trainer.fit(model, data, board); // calls board.onStart / onProgress / onEnd
 * ```
 * @see notebooks/00b-plots.ipynb
 */
import { DisplayHandle, inNotebook } from "../notebook/display";
import type { ProgressListener, TrainingPlan, TrainingProgress } from "../train/progress";
import { PlotFigure } from "./figure";
import { escapeHtml, formatDuration } from "./util";
import { lineChart, LineSeries } from "./line-chart";
import { ensurePlotlyLoaded, show } from "./show";

/** Seconds between two redraws in a notebook (so at most 2 updates per second). */
export const BOARD_MIN_INTERVAL_SECONDS = 0.5;

/** Seconds between two progress lines outside a notebook. */
export const BOARD_TEXT_INTERVAL_SECONDS = 2;

/** Options of {@link TrainingBoard}; every field has a default. */
export interface TrainingBoardConfig {
  /** Plot title; default the plan's title, else `"training"`. */
  readonly title?: string;
  /** Names of the metrics to plot; default every metric reported. The status line shows them all. */
  readonly metrics?: readonly string[];
  /** Logarithmic y axis (default false). */
  readonly logY?: boolean;
  /** Label of the x axis (default `"epoch"`). */
  readonly xTitle?: string;
  /** Label of the left y axis (default `""`). */
  readonly yTitle?: string;
  /**
   * Show `ppl = exp(loss)` in the status line when no perplexity metric is reported (default true:
   * right for cross-entropy losses; set false for other losses such as mean squared error).
   */
  readonly perplexity?: boolean;
  /** Minimum seconds between redraws in a notebook (default {@link BOARD_MIN_INTERVAL_SECONDS}). */
  readonly minIntervalSeconds?: number;
  /** Minimum seconds between printed lines outside a notebook (default {@link BOARD_TEXT_INTERVAL_SECONDS}). */
  readonly textIntervalSeconds?: number;
  /** Longest curve drawn; longer ones are averaged over buckets of consecutive reports (default {@link BOARD_MAX_POINTS}). */
  readonly maxPointsPerCurve?: number;
  /** Plot height in pixels (default 320). */
  readonly height?: number;
  /** Draw as in a notebook (true) or print text lines (false); default: detect. */
  readonly notebook?: boolean;
  /** Where text lines go outside a notebook (default `console.log`). */
  readonly print?: (line: string) => void;
  /** Clock in milliseconds (default `Date.now`); tests pass a fake one. */
  readonly now?: () => number;
}

/** Points per curve above which the board draws bucket averages, so redraws stay small on long runs. */
export const BOARD_MAX_POINTS = 2000;

/**
 * Shrinks a curve to at most `maxPoints` points by averaging buckets of consecutive points (NaN values
 * are skipped; a bucket of only NaN stays NaN, so gaps survive). Curves that are short enough are returned as they are.
 */
export function downsampleCurve(x: readonly number[], y: readonly number[], maxPoints: number): { x: number[]; y: number[] } {
  if (x.length !== y.length) throw new Error(`downsampleCurve: ${x.length} x values but ${y.length} y values.`);
  if (!(Number.isInteger(maxPoints) && maxPoints >= 1))
    throw new Error(`downsampleCurve: maxPoints must be an integer ≥ 1, got ${maxPoints}.`);
  if (x.length <= maxPoints) return { x: [...x], y: [...y] };
  const bucket = Math.ceil(x.length / maxPoints);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let start = 0; start < x.length; start += bucket) {
    const end = Math.min(start + bucket, x.length);
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let i = start; i < end; i++) {
      sx += x[i];
      if (Number.isFinite(y[i])) {
        sy += y[i];
        n++;
      }
    }
    xs.push(sx / (end - start));
    ys.push(n > 0 ? sy / n : NaN);
  }
  return { x: xs, y: ys };
}

/** Counters that tell how often the board redrew; `updatesPerSecond` is the measured update rate. */
export interface BoardStats {
  /** Calls of `onProgress`. */
  readonly progressCalls: number;
  /** Redraws of the board (notebook) or lines printed (terminal), the final one included. */
  readonly updates: number;
  /** Seconds from `onStart` (or the first report) to the last report or `onEnd`. */
  readonly seconds: number;
  /** `updates / seconds` (0 before any time passed). */
  readonly updatesPerSecond: number;
}

/** One plotted series: x and y positions in report order. */
interface History {
  readonly x: number[];
  readonly y: number[];
}

const PERPLEXITY_NAME = /ppl|perplexity/i;

/** Formats a metric value with 4 significant digits (`NaN` stays visible). */
function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

function formatRate(v: number): string {
  return v >= 1e4 ? `${(v / 1e3).toFixed(1)}k` : String(Math.round(v));
}

/**
 * A live plot of training curves plus a status line, drawn in place; a text progress line outside a notebook.
 * Pass it as the `ProgressListener` of a training loop.
 */
export class TrainingBoard implements ProgressListener {
  private readonly config: TrainingBoardConfig;
  private readonly now: () => number;
  private readonly notebook: boolean;
  private plan: TrainingPlan | undefined;
  private history = new Map<string, History>();
  private latest: Record<string, number> = {};
  private last: TrainingProgress | undefined;
  private statusHandle: DisplayHandle | undefined;
  private plotHandle: DisplayHandle | undefined;
  private startedAt: number | undefined;
  private lastDrawAt = -Infinity;
  private progressCalls = 0;
  private updates = 0;
  private endedAt: number | undefined;
  private dirty = false;

  constructor(config: TrainingBoardConfig = {}) {
    for (const key of ["minIntervalSeconds", "textIntervalSeconds"] as const) {
      const v = config[key];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
        throw new Error(`TrainingBoard: ${key} must be a number of seconds ≥ 0, got ${v}.`);
      }
    }
    this.config = config;
    this.now = config.now ?? Date.now;
    this.notebook = config.notebook ?? inNotebook();
  }

  /** Starts a new run: clears the curves and opens a fresh output area. */
  onStart(plan: TrainingPlan): void {
    this.plan = plan;
    this.history = new Map();
    this.latest = {};
    this.last = undefined;
    this.startedAt = this.now();
    this.endedAt = undefined;
    this.lastDrawAt = -Infinity;
    this.progressCalls = 0;
    this.updates = 0;
    this.dirty = false;
    this.statusHandle = undefined;
    this.plotHandle = undefined;
    if (this.notebook) this.drawStatus(`${escapeHtml(this.title())}: starting…`, "starting");
  }

  /** Records one report; redraws when the last redraw is old enough. */
  onProgress(progress: TrainingProgress): void {
    if (this.startedAt === undefined) this.startedAt = this.now() - progress.elapsedSeconds * 1000;
    this.progressCalls++;
    this.last = progress;
    for (const [name, value] of Object.entries(progress.metrics)) {
      this.latest[name] = value;
      let h = this.history.get(name);
      if (h === undefined) this.history.set(name, (h = { x: [], y: [] }));
      h.x.push(progress.x);
      h.y.push(value);
    }
    this.dirty = true;
    const interval = this.notebook
      ? (this.config.minIntervalSeconds ?? BOARD_MIN_INTERVAL_SECONDS)
      : (this.config.textIntervalSeconds ?? BOARD_TEXT_INTERVAL_SECONDS);
    if (this.now() - this.lastDrawAt >= interval * 1000) this.draw();
  }

  /** Draws the final state, with the reason the run ended when given. */
  onEnd(last?: TrainingProgress, reason?: string): void {
    if (last !== undefined) this.last = last;
    this.endedAt = this.now();
    this.draw(reason ?? "done");
  }

  /** The current curves as a figure, e.g. to show them again after training. */
  figure(): PlotFigure {
    const names = this.curveNames();
    if (names.length === 0) throw new Error("TrainingBoard has no curves yet: nothing was reported with onProgress.");
    const twoUnits = names.some((n) => PERPLEXITY_NAME.test(n)) && names.some((n) => !PERPLEXITY_NAME.test(n));
    const series: LineSeries[] = names.map((name) => {
      const h = this.history.get(name) as History;
      const { x, y } = downsampleCurve(h.x, h.y, this.config.maxPointsPerCurve ?? BOARD_MAX_POINTS);
      return { name, x, y, mode: name.startsWith("val") ? "lines+markers" : "lines", rightAxis: twoUnits && PERPLEXITY_NAME.test(name) };
    });
    const fig = lineChart(series, {
      title: this.title(),
      xTitle: this.config.xTitle ?? "epoch",
      yTitle: this.config.yTitle ?? "",
      y2Title: twoUnits ? "perplexity" : undefined,
      logY: this.config.logY,
      height: this.config.height ?? 320,
    });
    // A fixed x range (the whole run) keeps the axes still while the curves grow.
    const maxEpochs = this.plan?.maxEpochs ?? 0;
    const xaxis = maxEpochs > 0 ? { ...fig.layout.xaxis, range: [0, maxEpochs] as [number, number] } : fig.layout.xaxis;
    return { ...fig, layout: { ...fig.layout, xaxis, showlegend: true } };
  }

  /** The status line: epoch, step, metrics, perplexity, speed, elapsed time and ETA. */
  status(): string {
    const p = this.last;
    if (p === undefined) return `${this.title()}: no progress reported yet`;
    const plan = this.plan;
    const parts = [
      `epoch ${p.epoch}${plan ? `/${plan.maxEpochs}` : ""}`,
      `step ${p.step}${plan ? `/${plan.totalSteps}` : ""}`,
      ...Object.entries(this.latest).map(([k, v]) => `${k} ${formatValue(v)}`),
    ];
    const ppl = this.perplexityFromLoss();
    if (ppl !== undefined) parts.push(`ppl ${formatValue(ppl)}`);
    if (p.itemsPerSecond !== undefined) parts.push(`${formatRate(p.itemsPerSecond)} ${plan?.itemName ?? "items"}/s`);
    parts.push(`${formatDuration(p.elapsedSeconds)} elapsed`);
    if (this.endedAt === undefined && plan && plan.totalSteps > 0 && p.step > 0 && p.step < plan.totalSteps) {
      parts.push(`ETA ${formatDuration(((plan.totalSteps - p.step) * p.elapsedSeconds) / p.step)}`);
    }
    return parts.join(" · ");
  }

  /** How often the board redrew in the current run: the measured update rate. */
  get stats(): BoardStats {
    const start = this.startedAt ?? this.now();
    const end = this.endedAt ?? this.now();
    const seconds = Math.max(0, (end - start) / 1000);
    return {
      progressCalls: this.progressCalls,
      updates: this.updates,
      seconds,
      updatesPerSecond: seconds > 0 ? this.updates / seconds : 0,
    };
  }

  private curveNames(): string[] {
    return (this.config.metrics ?? [...this.history.keys()]).filter((n) => (this.history.get(n)?.y.length ?? 0) > 0);
  }

  private title(): string {
    return this.config.title ?? this.plan?.title ?? "training";
  }

  private perplexityFromLoss(): number | undefined {
    if (this.config.perplexity === false) return undefined;
    const names = Object.keys(this.latest);
    if (names.some((n) => PERPLEXITY_NAME.test(n))) return undefined;
    const loss = names.find((n) => /loss/i.test(n) && !/^val/i.test(n)) ?? names.find((n) => /loss/i.test(n));
    return loss === undefined ? undefined : Math.exp(this.latest[loss]);
  }

  private draw(reason?: string): void {
    if (!this.dirty && reason === undefined) return;
    this.lastDrawAt = this.now();
    this.dirty = false;
    this.updates++;
    const line = this.status();
    if (!this.notebook) {
      const prefix = reason === undefined ? this.title() : `${this.title()} (${reason})`;
      (this.config.print ?? console.log)(`${prefix}: ${line}`);
      return;
    }
    const label = reason === undefined ? "" : ` <i>(${escapeHtml(reason)})</i>`;
    this.drawStatus(`<b>${escapeHtml(this.title())}</b>${label}: ${escapeHtml(line)}`, line);
    if (this.curveNames().length > 0) {
      this.plotHandle ??= new DisplayHandle();
      show(this.figure(), this.plotHandle);
    }
  }

  private drawStatus(htmlText: string, plain: string): void {
    if (this.statusHandle === undefined) {
      ensurePlotlyLoaded(); // the library output must come before the board's outputs
      this.statusHandle = new DisplayHandle();
    }
    this.statusHandle.show({
      "text/html": `<div class="rnnlab-board-status" style="font-family:monospace;font-size:90%">${htmlText}</div>`,
      "text/plain": plain,
    });
  }
}
