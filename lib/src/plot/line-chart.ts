/**
 * Line charts: several named series on shared axes, optionally logarithmic. For loss and
 * perplexity curves, Zipf's law (log-log) and anything else that changes along an axis.
 *
 * ```ts
 * show(lineChart([{ name: "train loss", y: losses }], { title: "Loss", xTitle: "epoch", logY: true }));
 * ```
 * @see notebooks/00b-plots.ipynb
 */
import type { Layout, ScatterData } from "plotly.js-dist";
import { DEFAULT_PLOT_CONFIG, PlotFigure } from "./figure";
import { baseLayout, toPlotNumbers } from "./util";

/** One line of a {@link lineChart}. */
export interface LineSeries {
  /** Legend name, e.g. `"train loss"`. */
  readonly name: string;
  /** Values; NaN and ±Infinity are drawn as gaps. */
  readonly y: ArrayLike<number>;
  /** Positions on the x axis; default `0, 1, 2, ...`. Must have as many entries as `y`. */
  readonly x?: ArrayLike<number>;
  /** `"lines"` (default), `"markers"` or `"lines+markers"`. */
  readonly mode?: "lines" | "markers" | "lines+markers";
  /** Draw this series against the right-hand y axis (for a second unit, e.g. perplexity beside loss). */
  readonly rightAxis?: boolean;
  /** A CSS colour for its line and markers (default: plotly's palette, which repeats after 10 series). */
  readonly color?: string;
}

/** Options of {@link lineChart}. */
export interface LineChartConfig {
  /** Title above the plot. */
  readonly title?: string;
  /** Label of the x axis. */
  readonly xTitle?: string;
  /** Label of the (left) y axis. */
  readonly yTitle?: string;
  /** Label of the right y axis, used when a series has `rightAxis`. */
  readonly y2Title?: string;
  /** Logarithmic x axis (default false). */
  readonly logX?: boolean;
  /** Logarithmic y axis (default false); applies to the right axis too. */
  readonly logY?: boolean;
  /** Height in pixels (default {@link DEFAULT_PLOT_HEIGHT}). */
  readonly height?: number;
}

/**
 * A line chart of one or more named series.
 * @throws Error when there are no series, a series is empty, or its `x` and `y` lengths differ.
 */
export function lineChart(series: LineSeries | readonly LineSeries[], config: LineChartConfig = {}): PlotFigure {
  const list: readonly LineSeries[] = Array.isArray(series) ? series : [series as LineSeries];
  if (list.length === 0) throw new Error('lineChart needs at least one series, e.g. [{ name: "loss", y: losses }].');
  const data = list.map((s, i): Partial<ScatterData> => {
    const label = `lineChart: series ${i} ("${s.name}")`;
    if (s.y === undefined || s.y.length === 0) {
      throw new Error(`${label} is empty: give it at least one y value, or leave the series out.`);
    }
    const y = toPlotNumbers(s.y, `${label} y`);
    let x: (number | null)[];
    if (s.x === undefined) {
      x = y.map((_, j) => j);
    } else {
      if (s.x.length !== y.length) {
        throw new Error(`${label} has ${s.x.length} x values but ${y.length} y values; they must match one to one.`);
      }
      x = toPlotNumbers(s.x, `${label} x`);
    }
    const trace: Partial<ScatterData> = { type: "scatter", mode: s.mode ?? "lines", name: s.name, x, y };
    if (s.rightAxis) trace.yaxis = "y2";
    if (s.color !== undefined) {
      trace.line = { color: s.color };
      trace.marker = { color: s.color };
    }
    return trace;
  });
  const layout: Partial<Layout> = {
    ...baseLayout(config.title, config.height),
    showlegend: list.length > 1,
    xaxis: { type: config.logX ? "log" : "linear", title: { text: config.xTitle ?? "" } },
    yaxis: { type: config.logY ? "log" : "linear", title: { text: config.yTitle ?? "" } },
  };
  if (list.some((s) => s.rightAxis)) {
    layout.yaxis2 = {
      type: config.logY ? "log" : "linear",
      title: { text: config.y2Title ?? "" },
      overlaying: "y",
      side: "right",
      showgrid: false,
    };
    layout.margin = { ...layout.margin, r: 60 };
  }
  return { data, layout, config: { ...DEFAULT_PLOT_CONFIG } };
}
