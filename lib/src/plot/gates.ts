/**
 * Pictures of a gate trace (`rnn/trace.ts`): one gate as a heatmap (hidden units × input characters),
 * or one unit of one gate as coloured text.
 *
 * ```ts
 * const trace = traceGatesOnText(model, "the time traveller", vocab);
 * show(gateHeatmap(trace, "Z"));          // update gate: units × characters
 * show(gateColoredText(trace, "Z", 3));   // unit 3 of the update gate, as coloured text
 * ```
 * @see notebooks/03-gru.ipynb
 */
import { cellLabel } from "../cells";
import { GateTrace, gateInfo, gateMatrix } from "../rnn/trace";
import { coloredText } from "./colored-text";
import type { HtmlView, PlotFigure } from "./figure";
import { UNIT_COLORSCALE, heatmap } from "./heatmap";

/** `"GRU"`, or `"GRU layer 2"` for a layer of a stack. */
function traceName(trace: GateTrace): string {
  return trace.layer === undefined ? cellLabel(trace.cell) : `${cellLabel(trace.cell)} layer ${trace.layer}`;
}

/** Options of {@link gateHeatmap}. */
export interface GateHeatmapConfig {
  /** Units to draw, as rows (default: the first {@link GATE_HEATMAP_MAX_UNITS}). */
  readonly units?: readonly number[];
  /** Title; default the gate's symbol and description. */
  readonly title?: string;
}

/** Units a gate heatmap shows by default. */
export const GATE_HEATMAP_MAX_UNITS = 24;

/**
 * A heatmap of one gate: hidden units as rows, input characters as columns. Sigmoid gates use a fixed `[0, 1]` scale
 * from white (0) to orange (1), the colours of {@link gateColoredText}, so that in both pictures darker means closer
 * to 1; tanh quantities use `[-1, 1]` (blue, white, red). The colour bar says what 1 means for the gate.
 */
export function gateHeatmap(trace: GateTrace, gate: string, config: GateHeatmapConfig = {}): PlotFigure {
  const info = gateInfo(trace, gate);
  const units = config.units ?? Array.from({ length: Math.min(trace.numHiddens, GATE_HEATMAP_MAX_UNITS) }, (_, u) => u);
  const scale =
    info.range === "unit"
      ? { zmin: 0, zmax: 1, colorscale: UNIT_COLORSCALE, colorbarTitle: `${info.symbol}: 0 white → 1 dark` }
      : info.range === "signed"
        ? { zmin: -1, zmax: 1, colorbarTitle: `${info.symbol}: −1 blue, +1 red` }
        : { colorbarTitle: `${info.symbol}: − blue, + red` };
  return heatmap(gateMatrix(trace, gate, units), {
    title: config.title ?? `${traceName(trace)} ${info.symbol}: ${info.description}`,
    xLabels: [...trace.labels],
    yLabels: units.map((u) => `unit ${u}`),
    xTitle: "input character",
    ...scale,
  });
}

/**
 * The text, each character coloured by one unit of one gate at that step. The unbounded LSTM cell `C`
 * is shown as `tanh(C)`, the value the output gate sees.
 */
export function gateColoredText(trace: GateTrace, gate: string, unit: number): HtmlView {
  const info = gateInfo(trace, gate);
  const [row] = gateMatrix(trace, gate, [unit]);
  const values = info.range === "free" ? row.map(Math.tanh) : row;
  const shown = info.range === "free" ? `tanh(${info.symbol})` : info.symbol;
  return coloredText(trace.labels.join(""), values, {
    range: info.range === "unit" ? "unit" : "signed",
    title: `${traceName(trace)} ${shown}, unit ${unit}`,
  });
}
