/**
 * Bar charts, e.g. a model's next-token probability distribution.
 *
 * ```ts
 * show(barChart([..."abc"], [0.7, 0.2, 0.1], { title: "P(next | 'th')", yTitle: "probability" }));
 * ```
 * @see notebooks/00b-plots.ipynb
 */
import type * as tf from "@tensorflow/tfjs";
import type { BarData, Layout } from "plotly.js-dist";
import { DEFAULT_PLOT_CONFIG, PlotFigure } from "./figure";
import { baseLayout, charLabel, isTensor, toPlotNumbers } from "./util";

/** Options of {@link barChart}. */
export interface BarChartConfig {
  /** Title above the plot. */
  readonly title?: string;
  /** Label of the category axis. */
  readonly xTitle?: string;
  /** Label of the value axis. */
  readonly yTitle?: string;
  /** Bars grow to the right, categories listed top-down (default false: bars grow upwards). */
  readonly horizontal?: boolean;
  /** Height in pixels (default {@link DEFAULT_PLOT_HEIGHT}). */
  readonly height?: number;
}

/**
 * One bar per label; `values` may be an array or a rank-1 tensor. Labels are drawn as tick text over numeric positions, so repeated labels stay separate;
 * single whitespace characters are made visible (`␣`, `⏎`).
 * @throws Error when there are no bars or the numbers of labels and values differ.
 */
export function barChart(
  labels: readonly (string | number)[],
  values: ArrayLike<number> | tf.Tensor,
  config: BarChartConfig = {},
): PlotFigure {
  if (isTensor(values)) {
    if (values.rank !== 1) throw new Error(`barChart needs a rank-1 tensor of values, got shape [${values.shape.join(", ")}].`);
    values = values.dataSync();
  }
  if (labels.length === 0) throw new Error("barChart needs at least one bar: labels is empty.");
  if (labels.length !== values.length) {
    throw new Error(`barChart got ${labels.length} labels but ${values.length} values; give one value per label.`);
  }
  const v = toPlotNumbers(values, "barChart values");
  const pos = labels.map((_, i) => i);
  const text = labels.map((l) => charLabel(String(l)));
  const trace: Partial<BarData> = config.horizontal
    ? { type: "bar", orientation: "h", x: v, y: pos, hovertext: text }
    : { type: "bar", x: pos, y: v, hovertext: text };
  const categoryAxis = { tickmode: "array" as const, tickvals: pos, ticktext: text };
  const layout: Partial<Layout> = config.horizontal
    ? {
        ...baseLayout(config.title, config.height),
        xaxis: { title: { text: config.yTitle ?? "" } },
        yaxis: { title: { text: config.xTitle ?? "" }, autorange: "reversed", ...categoryAxis },
      }
    : {
        ...baseLayout(config.title, config.height),
        xaxis: { title: { text: config.xTitle ?? "" }, ...categoryAxis },
        yaxis: { title: { text: config.yTitle ?? "" } },
      };
  return { data: [trace], layout, config: { ...DEFAULT_PLOT_CONFIG } };
}
