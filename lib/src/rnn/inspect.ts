/**
 * Looking inside a trained GRU or LSTM: run it over a string and record every gate, per time step and
 * hidden unit. Nothing is reimplemented here: the trace calls the scratch cell's own `step` (the same
 * function `forward` uses), and a concise `tf.layers` cell is first copied into a scratch one.
 *
 * ```ts
 * const trace = traceGatesOnText(model, "the time traveller", vocab); // model: an LM around a GRU or LSTM
 * show(gateHeatmap(trace, "Z"));          // update gate: units × characters
 * show(gateColoredText(trace, "Z", 3));   // unit 3 of the update gate, as coloured text
 * ```
 * @see notebooks/03-gru.ipynb
 * @see notebooks/04-lstm.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { Vocab } from "../data/vocab";
import { oneHotIds } from "../data/batch-tensors";
import { heatmap } from "../plot/heatmap";
import { coloredText } from "../plot/colored-text";
import type { HtmlView, PlotFigure } from "../plot/figure";
import type { RecurrentBlock } from "./recurrent";
import { GRU, GRUScratch } from "./gru";
import { LSTM, LSTMScratch } from "./lstm";

/** Range of a traced quantity: `"unit"` = `[0, 1]` (sigmoid gates), `"signed"` = `[-1, 1]` (tanh), `"free"` = unbounded (the LSTM cell). */
export type GateRange = "unit" | "signed" | "free";

/** One quantity a cell computes at each step. */
export interface GateInfo {
  /** Key in {@link GateTrace.values}, the name used in the code: `"R"`, `"Z"`, `"H_tilde"`, … */
  readonly name: string;
  /** The symbol in the equations, e.g. `"Z_t"`. */
  readonly symbol: string;
  /** What it does, in a few words. */
  readonly description: string;
  /** Where its values lie. */
  readonly range: GateRange;
}

/** The GRU's traced quantities, in the order of its equations. */
export const GRU_GATES: readonly GateInfo[] = [
  { name: "R", symbol: "R_t", description: "reset gate: how much of H_{t-1} the candidate sees", range: "unit" },
  { name: "Z", symbol: "Z_t", description: "update gate: 1 keeps the old state, 0 takes the candidate", range: "unit" },
  { name: "H_tilde", symbol: "H̃_t", description: "candidate state", range: "signed" },
  { name: "H", symbol: "H_t", description: "hidden state", range: "signed" },
];

/** The LSTM's traced quantities, in the order of its equations. */
export const LSTM_GATES: readonly GateInfo[] = [
  { name: "I", symbol: "I_t", description: "input gate: how much of the candidate is written", range: "unit" },
  { name: "F", symbol: "F_t", description: "forget gate: how much of C_{t-1} is kept", range: "unit" },
  { name: "O", symbol: "O_t", description: "output gate: how much of tanh(C_t) is shown as H_t", range: "unit" },
  { name: "C_tilde", symbol: "C̃_t", description: "candidate memory", range: "signed" },
  { name: "C", symbol: "C_t", description: "memory cell (unbounded)", range: "free" },
  { name: "H", symbol: "H_t", description: "hidden state", range: "signed" },
];

/** Every gate of a cell over one sequence (batch of one). */
export interface GateTrace {
  /** Which cell produced it. */
  readonly cell: "GRU" | "LSTM";
  /** One label per time step (the input characters for text). */
  readonly labels: readonly string[];
  /** The traced quantities, in equation order. */
  readonly gates: readonly GateInfo[];
  /** `values[name][t][unit]`: each entry is `[numSteps][numHiddens]`. */
  readonly values: Readonly<Record<string, number[][]>>;
  readonly numSteps: number;
  readonly numHiddens: number;
}

/** Cells whose gates can be traced: scratch or concise GRU and LSTM, or a model holding one as `block`. */
export type InspectableCell = GRUScratch | LSTMScratch | GRU | LSTM | { readonly block: RecurrentBlock };

function scratchCellOf(cell: InspectableCell): { scratch: GRUScratch | LSTMScratch; temporary: boolean } {
  if (cell instanceof GRUScratch || cell instanceof LSTMScratch) return { scratch: cell, temporary: false };
  if (cell instanceof GRU) return { scratch: GRUScratch.fromConcise(cell), temporary: true };
  if (cell instanceof LSTM) return { scratch: LSTMScratch.fromConcise(cell), temporary: true };
  if (typeof cell === "object" && cell !== null && "block" in cell) {
    const block = cell.block;
    if (block instanceof GRUScratch || block instanceof LSTMScratch || block instanceof GRU || block instanceof LSTM) {
      return scratchCellOf(block);
    }
    throw new Error(
      `traceGates: the model's block is a ${block?.constructor?.name ?? typeof block}; only GRU and LSTM blocks ` +
        `(GRUScratch, GRU, LSTMScratch, LSTM) have gates to trace.`,
    );
  }
  throw new Error("traceGates: give a GRUScratch, GRU, LSTMScratch or LSTM, or a language model whose block is one of them.");
}

/**
 * Runs a cell over one sequence and records every gate at every step.
 * @param inputs `[numSteps, numInputs]` (one sequence) or `[numSteps, 1, numInputs]`
 * @param labels one label per step (default `"0"`, `"1"`, …)
 * @returns a {@link GateTrace}; its arrays are plain numbers, so no tensor outlives the call.
 */
export function traceGates(cell: InspectableCell, inputs: tf.Tensor2D | tf.Tensor3D, labels?: readonly string[]): GateTrace {
  const { scratch, temporary } = scratchCellOf(cell);
  try {
    const shapeOk = inputs.rank === 2 || (inputs.rank === 3 && inputs.shape[1] === 1);
    const numSteps = inputs.shape[0];
    if (!shapeOk || inputs.shape[inputs.rank - 1] !== scratch.numInputs || numSteps < 1) {
      throw new Error(
        `traceGates: inputs must be one sequence, [numSteps, ${scratch.numInputs}] or [numSteps, 1, ${scratch.numInputs}], ` +
          `got [${inputs.shape}]. One-hot encode the text with the model's vocabulary (or use traceGatesOnText).`,
      );
    }
    if (labels !== undefined && labels.length !== numSteps) {
      throw new Error(`traceGates: ${labels.length} labels for ${numSteps} steps; give one label per step.`);
    }
    const isGRU = scratch instanceof GRUScratch;
    const gates = isGRU ? GRU_GATES : LSTM_GATES;
    // Stack each gate over time inside one tidy: [numSteps, numHiddens] per gate.
    const stacked = tf.tidy(() => {
      const X = tf.reshape(inputs, [numSteps, 1, scratch.numInputs]);
      const perStep: Record<string, tf.Tensor2D[]> = Object.fromEntries(gates.map((g) => [g.name, []]));
      let state = scratch.initState(1);
      for (const X_t of tf.unstack(X) as tf.Tensor2D[]) {
        const step: Record<string, tf.Tensor2D> =
          scratch instanceof GRUScratch ? scratch.step(X_t, state[0]) : scratch.step(X_t, state[0], state[1]);
        for (const g of gates) perStep[g.name].push(step[g.name]);
        state = isGRU ? [step.H] : [step.H, step.C];
      }
      return Object.fromEntries(gates.map((g) => [g.name, tf.concat(perStep[g.name], 0)])) as Record<string, tf.Tensor2D>;
    });
    const values: Record<string, number[][]> = {};
    for (const g of gates) values[g.name] = stacked[g.name].arraySync();
    tf.dispose(Object.values(stacked));
    return {
      cell: isGRU ? "GRU" : "LSTM",
      labels: labels ?? Array.from({ length: numSteps }, (_, t) => String(t)),
      gates,
      values,
      numSteps,
      numHiddens: scratch.numHiddens,
    };
  } finally {
    if (temporary) scratch.dispose();
  }
}

/**
 * Runs a cell (or a language model around one) over `text`, one character per step, encoded with
 * `vocab` as one-hot vectors. Labels are the characters.
 * @throws Error when `text` is empty or has a character the vocabulary does not know.
 */
export function traceGatesOnText(cell: InspectableCell, text: string, vocab: Vocab): GateTrace {
  const chars = [...text];
  if (chars.length === 0) throw new Error("traceGatesOnText: the text is empty; give at least one character.");
  const unknown = [...new Set(chars.filter((c) => !vocab.has(c)))];
  if (unknown.length > 0 && vocab.unkId === undefined) {
    throw new Error(
      `traceGatesOnText: the vocabulary has no ${unknown.map((c) => JSON.stringify(c)).join(", ")}. ` +
        `Use only characters of the training corpus (e.g. lower-case the text, as the corpus was).`,
    );
  }
  const ids = vocab.encode(chars);
  const X = oneHotIds(ids, 1, chars.length, vocab.size); // [numSteps, 1, vocabSize]
  try {
    return traceGates(cell, X, chars);
  } finally {
    X.dispose();
  }
}

function gateInfo(trace: GateTrace, gate: string): GateInfo {
  const info = trace.gates.find((g) => g.name === gate);
  if (info === undefined) {
    throw new Error(`${trace.cell} has no gate "${gate}"; choose one of ${trace.gates.map((g) => g.name).join(", ")}.`);
  }
  return info;
}

/**
 * One gate's values as `[numHiddens][numSteps]` (units as rows, time as columns), the layout of
 * {@link gateHeatmap}.
 */
export function gateMatrix(trace: GateTrace, gate: string, units?: readonly number[]): number[][] {
  gateInfo(trace, gate);
  const rows = units ?? Array.from({ length: trace.numHiddens }, (_, u) => u);
  for (const u of rows) {
    if (!Number.isInteger(u) || u < 0 || u >= trace.numHiddens) {
      throw new Error(`gateMatrix: unit ${u} does not exist; units go from 0 to ${trace.numHiddens - 1}.`);
    }
  }
  return rows.map((u) => trace.values[gate].map((row) => row[u]));
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
 * A heatmap of one gate: hidden units as rows, input characters as columns. Sigmoid gates use a fixed
 * `[0, 1]` scale, tanh quantities `[-1, 1]`, so heatmaps of different models can be compared.
 */
export function gateHeatmap(trace: GateTrace, gate: string, config: GateHeatmapConfig = {}): PlotFigure {
  const info = gateInfo(trace, gate);
  const units = config.units ?? Array.from({ length: Math.min(trace.numHiddens, GATE_HEATMAP_MAX_UNITS) }, (_, u) => u);
  const scale =
    info.range === "unit" ? { zmin: 0, zmax: 1 } : info.range === "signed" ? { zmin: -1, zmax: 1 } : {};
  return heatmap(gateMatrix(trace, gate, units), {
    title: config.title ?? `${trace.cell} ${info.symbol}: ${info.description}`,
    xLabels: [...trace.labels],
    yLabels: units.map((u) => `unit ${u}`),
    xTitle: "input character",
    ...scale,
  });
}

/**
 * The unit of `gate` whose value changes most along the text (largest standard deviation over time):
 * a good first candidate to look at as coloured text.
 */
export function mostActiveUnit(trace: GateTrace, gate: string): number {
  gateInfo(trace, gate);
  let best = 0;
  let bestStd = -1;
  for (let u = 0; u < trace.numHiddens; u++) {
    const xs = trace.values[gate].map((row) => row[u]);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    if (std > bestStd) {
      bestStd = std;
      best = u;
    }
  }
  return best;
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
    title: `${trace.cell} ${shown}, unit ${unit}`,
  });
}

/** Options of {@link stateGradientNorms}. */
export interface StateGradientConfig {
  /** Seed of the random unit vector `g` the loss reads the last state with. Default 0. */
  readonly seed?: number;
}

/**
 * How strongly the last hidden state depends on each earlier state, for any recurrent block: with the
 * loss `L = g · H_T` (`g` a seeded random unit vector), entry `k` of the result is `‖∂L/∂S_{T−k}‖`, the
 * norm of the gradient with respect to the whole state `k` steps before the end (`[H]` for RNN and
 * GRU, `[H, C]` for the LSTM), so entry 0 is 1. The same measurement as notebook 02's gradient-flow lab,
 * but by tfjs autodiff on the real block: a zero tensor is added to the state after every step and the
 * gradient with respect to it is read.
 * @param inputs `[numSteps, batchSize, numInputs]`, e.g. a one-hot text with `batchSize` 1.
 */
export function stateGradientNorms(block: RecurrentBlock, inputs: tf.Tensor3D, config: StateGradientConfig = {}): number[] {
  if (inputs.rank !== 3 || inputs.shape[2] !== block.numInputs || inputs.shape[0] < 1) {
    throw new Error(`stateGradientNorms: inputs must be [numSteps, batchSize, ${block.numInputs}], got [${inputs.shape}].`);
  }
  const [numSteps, batchSize] = inputs.shape;
  const sums = tf.tidy(() => {
    const init = block.initState(batchSize);
    const numParts = init.length;
    // tfjs treats seed 0 as "unseeded", hence the + 1.
    const g = tf.randomNormal([batchSize, block.numHiddens], 0, 1, "float32", (config.seed ?? 0) + 1);
    const unitG = tf.div(g, tf.norm(g));
    const steps = tf.split(inputs, numSteps, 0) as tf.Tensor3D[]; // each [1, batchSize, numInputs]
    // L as a function of offsets E added to the state after every step (all zero: L is unchanged).
    // After the last step only H gets one: L reads H_T alone, so a C_T offset would have no gradient.
    const slots: [number, number][] = []; // (step, part) of each offset
    for (let t = 0; t < numSteps; t++) for (let j = 0; j < (t === numSteps - 1 ? 1 : numParts); j++) slots.push([t, j]);
    const loss = (...E: tf.Tensor[]): tf.Scalar => {
      let state = init;
      let k = 0;
      for (let t = 0; t < numSteps; t++) {
        const [, next] = block.forward(steps[t], state);
        state = next.map((s, j) => (t === numSteps - 1 && j > 0 ? s : (tf.add(s, E[k++]) as tf.Tensor2D)));
      }
      return tf.sum(tf.mul(state[0], unitG)) as tf.Scalar;
    };
    const grads = tf.grads(loss)(slots.map(([, j]) => tf.zerosLike(init[j])));
    // ‖∂L/∂S_t‖² summed over the state's parts, one value per step t.
    const perStep: tf.Scalar[][] = Array.from({ length: numSteps }, () => []);
    grads.forEach((d, i) => perStep[slots[i][0]].push(tf.sum(tf.square(d))));
    return tf.stack(perStep.map((parts) => tf.addN(parts)));
  });
  const squared = sums.dataSync();
  sums.dispose();
  return Array.from(squared, Math.sqrt).reverse(); // entry k: k steps before the end
}

/** One row of {@link gateMeansAt}. */
export interface GateMeanRow {
  /** Gate name, e.g. `"Z"`. */
  readonly gate: string;
  /** Mean over the steps whose label is the chosen one, all units. */
  readonly at: number;
  /** Mean over every other step, all units (`NaN` when there is none). */
  readonly elsewhere: number;
}

/**
 * Each gate's mean over the steps whose input is `label` (a space by default: word boundaries) against
 * its mean over the other steps. Sigmoid gates only (`R`, `Z` or `I`, `F`, `O`), whose means read as
 * "how open". Plain numbers, ready for `table`.
 * @throws Error when no step has that label.
 */
export function gateMeansAt(trace: GateTrace, label = " "): GateMeanRow[] {
  const hits = trace.labels.map((l) => l === label);
  if (!hits.some((h) => h)) {
    throw new Error(`gateMeansAt: no step of the trace is ${JSON.stringify(label)}; choose a label that occurs in it.`);
  }
  const mean = (rows: number[][]): number => {
    const vals = rows.flat();
    return vals.length === 0 ? NaN : vals.reduce((a, b) => a + b, 0) / vals.length;
  };
  return trace.gates
    .filter((g) => g.range === "unit")
    .map((g) => ({
      gate: g.name,
      at: mean(trace.values[g.name].filter((_, t) => hits[t])),
      elsewhere: mean(trace.values[g.name].filter((_, t) => !hits[t])),
    }));
}
