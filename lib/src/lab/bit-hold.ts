/**
 * Holding the bit (notebook 04b): the gates of a trained agreement classifier along one long example, and how much
 * of the subject's number its state still holds at each step. The example is read twice, after `S` and after `P`
 * with the same distractors; where the two states differ, the bit is still there.
 *
 * ```ts
 * const traces = agreementTraces(model, "S" + distractors + "?", vocab);
 * heldBit(traces);                  // per step: max over units of |H(S…) − H(P…)|
 * const units = bitUnits(traces, 6); // the units that carry it
 * show(holdHeatmap(traces.singular, "Z", { units, marked: units }));
 * ```
 * @see notebooks/04b-long-range.ipynb
 */
import type { HeatmapData } from "plotly.js-dist";
import { cellLabel } from "../cells";
import type { Vocab } from "../data/vocab";
import type { GateTrace } from "../rnn/trace";
import { gateInfo, gateMatrix, traceGatesOnText } from "../rnn/trace";
import type { SequenceClassifier } from "../rnn/sequence-classifier";
import type { PlotFigure } from "../plot/figure";
import { UNIT_COLORSCALE, heatmap } from "../plot/heatmap";
import { lineChart } from "../plot/line-chart";
import { otherNumber } from "./agreement-task";

/** The traces of one example read with each subject: the same distractors after `S` and after `P`. */
export interface AgreementTraces {
  /** The example with `S` first. */
  readonly singular: GateTrace;
  /** The same example with `P` first. */
  readonly plural: GateTrace;
}

/**
 * Traces every gate of a classifier's cell over `text` (a task sequence such as `"Sabh…?"`) and over the same
 * text with the other subject marker.
 * @throws Error when the text does not start with `S` or `P`, or holds a token the vocabulary lacks.
 */
export function agreementTraces(model: SequenceClassifier, text: string, vocab: Vocab): AgreementTraces {
  const other = otherNumber(text);
  const [singular, plural] = text[0] === "S" ? [text, other] : [other, text];
  return { singular: traceGatesOnText(model, singular, vocab), plural: traceGatesOnText(model, plural, vocab) };
}

/** `|value after S − value after P|` of `name` at every step and unit, `[numSteps][numHiddens]`. */
function bitDifference(traces: AgreementTraces, name: string): number[][] {
  gateInfo(traces.singular, name);
  const a = traces.singular.values[name];
  const b = traces.plural.values[name];
  return a.map((row, t) => row.map((v, u) => Math.abs(v - b[t][u])));
}

/**
 * How much of the bit the state still holds at each step: the largest `|H_t(S…) − H_t(P…)|` over the units
 * (or of another traced value, e.g. the LSTM's cell `"C"`). 0 means the two subjects left no trace at step `t`.
 */
export function heldBit(traces: AgreementTraces, name = "H"): number[] {
  return bitDifference(traces, name).map((row) => Math.max(...row));
}

/**
 * The `k` units whose `name` (default the hidden state) differs most between the two subjects, on average over
 * the distractor steps (every step but the first and the last): the units that carry the bit, most first.
 */
export function bitUnits(traces: AgreementTraces, k: number, name = "H"): number[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`bitUnits: k must be a positive integer, got ${k}.`);
  const diff = bitDifference(traces, name);
  const inner = diff.length > 2 ? diff.slice(1, -1) : diff;
  const mean = diff[0].map((_, u) => inner.reduce((sum, row) => sum + row[u], 0) / inner.length);
  return mean
    .map((m, u) => [m, u] as const)
    .sort((x, y) => y[0] - x[0] || x[1] - y[1])
    .slice(0, k)
    .map(([, u]) => u);
}

/** What 0 (dark) and 1 (light) mean for each sigmoid gate, for colour bars and captions. */
export const GATE_MEANING: Readonly<Record<string, string>> = {
  Z: "1 = keep the old state, 0 = take the candidate",
  R: "1 = use the old state, 0 = ignore it",
  F: "1 = keep the cell, 0 = erase it",
  I: "1 = write the candidate, 0 = write nothing",
  O: "1 = show the cell, 0 = hide it",
};

/** Options of {@link holdHeatmap}. */
export interface HoldHeatmapConfig {
  /** Units to draw, as rows, top first. */
  readonly units: readonly number[];
  /** Units to mark in their row label as carrying the bit (e.g. those of {@link bitUnits}). */
  readonly marked?: readonly number[];
  readonly title?: string;
}

/**
 * A heatmap of one sigmoid gate along a sequence: chosen units as rows, steps as columns, on the fixed `[0, 1]`
 * scale of every gate picture of the course (white = 0, dark orange = 1: darker = closer to 1, as `gateHeatmap` and
 * `gateColoredText`) with a colour bar titled by what 0 and 1 mean for that gate.
 */
export function holdHeatmap(trace: GateTrace, gate: string, config: HoldHeatmapConfig): PlotFigure {
  const info = gateInfo(trace, gate);
  if (info.range !== "unit") throw new Error(`holdHeatmap: ${info.symbol} is not a gate in [0, 1]; choose a sigmoid gate.`);
  const marked = new Set(config.marked ?? []);
  const fig = heatmap(gateMatrix(trace, gate, config.units), {
    title: config.title ?? `${cellLabel(trace.cell)} ${info.symbol}: ${info.description}`,
    xLabels: [...trace.labels],
    yLabels: config.units.map((u) => (marked.has(u) ? `unit ${u} ★` : `unit ${u}`)),
    xTitle: "input token (S/P subject, a–z distractors, ? verb slot)",
    zmin: 0,
    zmax: 1,
    colorscale: UNIT_COLORSCALE,
  });
  const meaning = GATE_MEANING[gate] ?? `${info.symbol} in [0, 1]`;
  const [first, ...rest] = fig.data;
  const withBar: Partial<HeatmapData> = {
    ...(first as Partial<HeatmapData>),
    colorbar: { title: { text: `${info.symbol}<br>${meaning.replace(", ", "<br>")}` } },
  };
  return { ...fig, data: [withBar, ...rest] };
}

/**
 * The held bit along the sequence, one line per model ({@link heldBit} of the hidden state; of the LSTM's cell
 * too when `withCell`).
 */
export function heldBitFigure(
  models: readonly { readonly name: string; readonly traces: AgreementTraces }[],
  opts: { readonly withCell?: boolean; readonly title?: string } = {},
): PlotFigure {
  const series = models.flatMap((m) => {
    const steps = m.traces.singular.numSteps;
    const x = Array.from({ length: steps }, (_, t) => t);
    const lines = [{ name: `${m.name} H`, x, y: heldBit(m.traces, "H") }];
    if (opts.withCell && m.traces.singular.values.C !== undefined) lines.push({ name: `${m.name} C`, x, y: heldBit(m.traces, "C") });
    return lines;
  });
  return lineChart(series, {
    title: opts.title ?? "How much of the bit each state still holds: max over units of |state after S − state after P|",
    xTitle: "step (0 = subject marker, last = verb slot)",
    yTitle: "max |ΔH| over units",
  });
}

/**
 * Each sigmoid gate's mean over the distractor steps, for the units that carry the bit and for all the others,
 * and at the subject marker (step 0) for the carrying units. Plain numbers, ready for `table`.
 */
export function gateHoldTable(
  models: readonly { readonly name: string; readonly trace: GateTrace; readonly units: readonly number[] }[],
): Record<string, string | number>[] {
  const mean = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  return models.flatMap(({ name, trace, units }) => {
    const carriers = new Set(units);
    const inner = Array.from({ length: Math.max(0, trace.numSteps - 2) }, (_, i) => i + 1);
    return trace.gates
      .filter((g) => g.range === "unit")
      .map((g) => {
        const v = trace.values[g.name];
        const pick = (steps: number[], keep: (u: number) => boolean) => mean(steps.flatMap((t) => v[t].filter((_, u) => keep(u))));
        return {
          model: name,
          gate: `${g.symbol} (${GATE_MEANING[g.name] ?? g.description})`,
          "bit units, at the subject": pick([0], (u) => carriers.has(u)),
          "bit units, on distractors": pick(inner, (u) => carriers.has(u)),
          "other units, on distractors": pick(inner, (u) => !carriers.has(u)),
        };
      });
  });
}
