/**
 * Heatmaps with labelled rows and columns: hidden states (one row per unit, one column per input
 * character), gate activations, attention weights.
 *
 * ```ts
 * show(heatmap(H, { xLabels: [..."hello"], yLabels: units, title: "hidden state", zmin: -1, zmax: 1 }));
 * ```
 * @see notebooks/00b-plots.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { HeatmapData, Layout } from "plotly.js-dist";
import { DEFAULT_PLOT_CONFIG, PlotFigure } from "./figure";
import { baseLayout, charLabel, isTensor, toPlotNumbers } from "./util";

/** Options of {@link heatmap}. */
export interface HeatmapConfig {
  /** Title above the plot. */
  readonly title?: string;
  /** One label per column (e.g. the input characters); duplicates are fine. Default `0, 1, 2, ...`. */
  readonly xLabels?: readonly (string | number)[];
  /** One label per row (e.g. `"unit 3"`). Default `0, 1, 2, ...`. */
  readonly yLabels?: readonly (string | number)[];
  /** Label of the x axis. */
  readonly xTitle?: string;
  /** Label of the y axis. */
  readonly yTitle?: string;
  /** Value mapped to the bottom of the colour scale (default: the data's minimum). */
  readonly zmin?: number;
  /** Value mapped to the top of the colour scale (default: the data's maximum). */
  readonly zmax?: number;
  /**
   * A plotly colour scale: a name, or `[position, colour]` stops from 0 to 1 (e.g. {@link UNIT_COLORSCALE}). Default
   * {@link DIVERGING_COLORSCALE} (symmetric about 0) for signed data, else `"Viridis"`.
   */
  readonly colorscale?: string | readonly (readonly [number, string])[];
  /** Title of the colour bar: what a colour means, e.g. `"Z (1 = keep the old state)"`. */
  readonly colorbarTitle?: string;
  /** Row 0 at the top, like a matrix (default true). */
  readonly rowsTopDown?: boolean;
  /** Height in pixels; default grows with the number of rows. */
  readonly height?: number;
}

/** Blue (−) through white (0) to red (+): the colours of {@link coloredText}, for signed values. */
export const DIVERGING_COLORSCALE: [number, string][] = [
  [0, "rgb(31,119,180)"],
  [0.5, "rgb(255,255,255)"],
  [1, "rgb(214,39,40)"],
];

/** White (0) to orange (1): the colours of {@link coloredText} for values in [0, 1] (darker = closer to 1). */
export const UNIT_COLORSCALE: [number, string][] = [
  [0, "rgb(255,255,255)"],
  [1, "rgb(255,127,14)"],
];

/** A matrix given as nested arrays or as a rank-2 tensor. */
export type HeatmapMatrix = readonly ArrayLike<number>[] | tf.Tensor;

function toRows(z: HeatmapMatrix): number[][] {
  if (isTensor(z)) {
    if (z.rank !== 2) {
      throw new Error(`heatmap needs a rank-2 tensor [rows, columns], got shape [${z.shape.join(", ")}]. Reshape or slice it first.`);
    }
    return z.arraySync() as number[][];
  }
  if (!Array.isArray(z)) throw new Error("heatmap needs a matrix: an array of rows (number[][]) or a rank-2 tensor.");
  return z.map((row) => Array.from(row));
}

/**
 * A heatmap of a matrix: `z[row][column]`, rows drawn top-down by default.
 *
 * Labels are drawn as tick text over numeric positions, so repeated characters (`"hello"` has two `l`)
 * each keep their own column.
 * @throws Error when the matrix is empty or ragged, or a label list does not match its size.
 */
export function heatmap(z: HeatmapMatrix, config: HeatmapConfig = {}): PlotFigure {
  const rows = toRows(z);
  if (rows.length === 0 || rows[0].length === 0) {
    throw new Error("heatmap got an empty matrix; it needs at least one row and one column.");
  }
  const numCols = rows[0].length;
  const values = rows.map((row, i) => {
    if (row.length !== numCols) {
      throw new Error(`heatmap: row ${i} has ${row.length} values but row 0 has ${numCols}; every row needs the same length.`);
    }
    return toPlotNumbers(row, `heatmap: row ${i}`);
  });
  const { xLabels, yLabels } = config;
  if (xLabels !== undefined && xLabels.length !== numCols) {
    throw new Error(`heatmap: ${xLabels.length} xLabels for ${numCols} columns; give one label per column.`);
  }
  if (yLabels !== undefined && yLabels.length !== rows.length) {
    throw new Error(`heatmap: ${yLabels.length} yLabels for ${rows.length} rows; give one label per row.`);
  }
  const finite = values.flat().filter((v): v is number => v !== null);
  const dataMin = finite.length ? Math.min(...finite) : 0;
  const dataMax = finite.length ? Math.max(...finite) : 1;
  const signed = (config.zmin ?? dataMin) < 0;
  // Signed data gets a range symmetric about 0, so that white means exactly 0.
  const bound = Math.max(Math.abs(dataMin), Math.abs(dataMax));
  const lo = config.zmin ?? (signed ? -bound : dataMin);
  const hi = config.zmax ?? (signed ? bound : dataMax);
  const xs = values[0].map((_, j) => j);
  const ys = values.map((_, i) => i);
  const trace: Partial<HeatmapData> = {
    type: "heatmap",
    z: values,
    x: xs,
    y: ys,
    zmin: lo,
    zmax: hi,
    colorscale: (config.colorscale ?? (signed ? DIVERGING_COLORSCALE : "Viridis")) as HeatmapData["colorscale"],
    hoverongaps: false,
    ...(config.colorbarTitle === undefined ? {} : { colorbar: { title: { text: config.colorbarTitle, side: "right" } } }),
  };
  const ticks = (labels: readonly (string | number)[] | undefined, n: number) =>
    labels === undefined
      ? {}
      : { tickmode: "array" as const, tickvals: Array.from({ length: n }, (_, i) => i), ticktext: labels.map((l) => charLabel(String(l))) };
  const height = config.height ?? Math.min(900, Math.max(240, 120 + 22 * rows.length));
  const layout: Partial<Layout> = {
    ...baseLayout(config.title, height),
    xaxis: { title: { text: config.xTitle ?? "" }, ...ticks(xLabels, numCols) },
    yaxis: {
      title: { text: config.yTitle ?? "" },
      autorange: config.rowsTopDown === false ? true : "reversed",
      ...ticks(yLabels, rows.length),
    },
  };
  return { data: [trace], layout, config: { ...DEFAULT_PLOT_CONFIG } };
}
