/**
 * Looking inside a trained cell: run it over a string and record every gate, per time step and hidden
 * unit. Nothing is reimplemented here: the trace calls the cell's own `step` (the function the runner
 * uses) and reads the values the cell reports for its {@link GateInfo}s. Concise and fused blocks lend a
 * scratch copy of their cell; a language model lends its block's and encodes the text with its encoder.
 * The plots of a trace are in `plot/gates.ts`.
 *
 * ```ts
 * const trace = traceGatesOnText(model, "the time traveller", vocab); // model: an LM around a GRU or LSTM
 * gateMeansAt(trace, " ");   // each gate's mean at spaces and elsewhere
 * ```
 * @see notebooks/03-gru.ipynb
 * @see notebooks/04-lstm.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { cellLabel } from "../cells";
import { idsTensor } from "../data/batch-tensors";
import type { Vocab } from "../data/vocab";
import { OneHot, TokenEncoder } from "./embedding";
import type { GateInfo, LentCell, RecurrentBlock, RecurrentCell } from "./recurrent";
import { isLayered } from "./stacked";

/** Every gate of a cell over one sequence (batch of one). */
export interface GateTrace {
  /** Which cell produced it (its `kind`, e.g. `"gru"`). */
  readonly cell: string;
  /** One label per time step (the input characters for text). */
  readonly labels: readonly string[];
  /** The traced quantities, in equation order. */
  readonly gates: readonly GateInfo[];
  /** `values[name][t][unit]`: each entry is `[numSteps][numHiddens]`. */
  readonly values: Readonly<Record<string, number[][]>>;
  readonly numSteps: number;
  readonly numHiddens: number;
  /** The layer of a stacked block the trace comes from (absent for a single cell). */
  readonly layer?: number;
}

/** Options of {@link traceGates} and {@link traceGatesOnText}. */
export interface TraceOptions {
  /** For a stacked block: which layer (0 = bottom). Default: the top layer. */
  readonly layer?: number;
}

/** What can be traced: a cell (scratch blocks are cells), a block that lends its cell, or a model holding a block. */
export type GateSource = RecurrentCell | RecurrentBlock | { readonly block: RecurrentBlock; readonly encoder?: TokenEncoder };

/** The cell to trace and the inputs it reads: for a layer of a stack, the outputs of the layers below it. */
interface Lent extends LentCell {
  readonly inputs: tf.Tensor3D;
  readonly layer?: number;
  /** True when `inputs` was made here (and must be disposed). */
  readonly ownInputs: boolean;
}

function lend(source: GateSource, inputs: tf.Tensor3D, layer: number | undefined): Lent {
  if ("step" in source) {
    if (layer !== undefined) throw new Error(`traceGates: layer ${layer} was asked for, but a single cell has no layers.`);
    return { cell: source, owned: false, inputs, ownInputs: false };
  }
  const block: RecurrentBlock = "block" in source ? source.block : source;
  if (isLayered(block)) {
    const l = layer ?? block.layers.length - 1;
    block.stateRange(l); // checks l
    const below = l === 0 ? inputs : tf.tidy(() => block.forwardLayers(inputs)[0][l - 1]); // the inputs of layer l
    const inner = lend(block.layers[l], below, undefined);
    return { ...inner, layer: l, ownInputs: l > 0 };
  }
  if (layer !== undefined) throw new Error(`traceGates: layer ${layer} was asked for, but the block is not stacked.`);
  if (block.lendCell) return { ...block.lendCell(), inputs, ownInputs: false };
  throw new Error(
    "traceGates: this block is not one cell (a bidirectional block, say), so it has no gates to trace as a whole; " +
      "trace one of its cells instead.",
  );
}

/**
 * Runs a cell over one sequence and records every value it reports at every step.
 * @param inputs `[numSteps, numInputs]` (one sequence) or `[numSteps, 1, numInputs]`
 * @param labels one label per step (default `"0"`, `"1"`, …)
 * @returns a {@link GateTrace}; its arrays are plain numbers, so no tensor outlives the call.
 */
export function traceGates(
  source: GateSource,
  inputs: tf.Tensor2D | tf.Tensor3D,
  labels?: readonly string[],
  opts: TraceOptions = {},
): GateTrace {
  const shapeOk = inputs.rank === 2 || (inputs.rank === 3 && inputs.shape[1] === 1);
  const numSteps = inputs.shape[0];
  const width = inputs.shape[inputs.rank - 1];
  if (!shapeOk || numSteps < 1) {
    throw new Error(
      `traceGates: inputs must be one sequence, [numSteps, numInputs] or [numSteps, 1, numInputs], got [${inputs.shape}]. ` +
        `Encode the text with the model's encoder (or use traceGatesOnText).`,
    );
  }
  const X3 = tf.reshape(inputs, [numSteps, 1, width]) as tf.Tensor3D;
  let lent: Lent;
  try {
    lent = lend(source, X3, opts.layer);
  } catch (err) {
    X3.dispose();
    throw err;
  }
  const { cell, owned } = lent;
  try {
    if (lent.inputs.shape[2] !== cell.numInputs) {
      throw new Error(
        `traceGates: inputs must be one sequence, [numSteps, ${cell.numInputs}] or [numSteps, 1, ${cell.numInputs}], ` +
          `got [${inputs.shape}]. Encode the text with the model's encoder (or use traceGatesOnText).`,
      );
    }
    if (labels !== undefined && labels.length !== numSteps) {
      throw new Error(`traceGates: ${labels.length} labels for ${numSteps} steps; give one label per step.`);
    }
    const gates = cell.gates;
    // Stack each value over time inside one tidy: [numSteps, numHiddens] per gate.
    const stacked = tf.tidy(() => {
      const X = lent.inputs;
      const perStep: Record<string, tf.Tensor2D[]> = Object.fromEntries(gates.map((g) => [g.name, []]));
      let state = cell.initState(1);
      for (const X_t of tf.unstack(X) as tf.Tensor2D[]) {
        const step = cell.step(X_t, state);
        for (const g of gates) perStep[g.name].push(step.values[g.name]);
        state = step.state;
      }
      return Object.fromEntries(gates.map((g) => [g.name, tf.concat(perStep[g.name], 0)])) as Record<string, tf.Tensor2D>;
    });
    const values: Record<string, number[][]> = {};
    for (const g of gates) values[g.name] = stacked[g.name].arraySync();
    tf.dispose(Object.values(stacked));
    return {
      cell: cell.kind,
      labels: labels ?? Array.from({ length: numSteps }, (_, t) => String(t)),
      gates,
      values,
      numSteps,
      numHiddens: cell.numHiddens,
      ...(lent.layer === undefined ? {} : { layer: lent.layer }),
    };
  } finally {
    if (owned) cell.dispose();
    if (lent.ownInputs) lent.inputs.dispose();
    X3.dispose();
  }
}

/**
 * Runs a cell (or a language model around one) over `text`, one character per step, encoded with
 * `vocab` by the model's encoder (one-hot for a bare cell or block). Labels are the characters.
 * @throws Error when `text` is empty or has a character the vocabulary does not know.
 */
export function traceGatesOnText(source: GateSource, text: string, vocab: Vocab, opts: TraceOptions = {}): GateTrace {
  const chars = [...text];
  if (chars.length === 0) throw new Error("traceGatesOnText: the text is empty; give at least one character.");
  const unknown = [...new Set(chars.filter((c) => !vocab.has(c)))];
  if (unknown.length > 0 && vocab.unkId === undefined) {
    throw new Error(
      `traceGatesOnText: the vocabulary has no ${unknown.map((c) => JSON.stringify(c)).join(", ")}. ` +
        `Use only characters of the training corpus (e.g. lower-case the text, as the corpus was).`,
    );
  }
  const encoder = "encoder" in source && source.encoder ? source.encoder : new OneHot(vocab.size);
  const X = tf.tidy(() => encoder.encode(idsTensor(vocab.encode(chars), 1, chars.length))); // [numSteps, 1, numInputs]
  try {
    return traceGates(source, X, chars, opts);
  } finally {
    X.dispose();
  }
}

/** The description of one gate of a trace; throws with the valid names for an unknown one. */
export function gateInfo(trace: GateTrace, gate: string): GateInfo {
  const info = trace.gates.find((g) => g.name === gate);
  if (info === undefined) {
    throw new Error(`${cellLabel(trace.cell)} has no gate "${gate}"; choose one of ${trace.gates.map((g) => g.name).join(", ")}.`);
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

/** What {@link gateExtremes} counts: shares of a gate's values near 0 and near 1. */
export interface GateExtremes {
  readonly gate: string;
  /** Values counted (steps × units). */
  readonly count: number;
  /** Share below `low` (default 0.1). */
  readonly below: number;
  /** Share above `high` (default 0.9). */
  readonly above: number;
}

/**
 * How far a gate has moved from its initial 0.5: the shares of its values below `low` and above `high`, over every
 * step and the first `units` units (default all; 24 matches what {@link gateMatrix}'s heatmaps show).
 *
 * ```ts
 * gateExtremes(trace, "Z", { units: 24 }); // { gate: "Z", count: 1176, below: 0.59, above: 0.13 }
 * ```
 */
export function gateExtremes(trace: GateTrace, gate: string, opts: { units?: number; low?: number; high?: number } = {}): GateExtremes {
  const info = gateInfo(trace, gate);
  if (info.range !== "unit") throw new Error(`gateExtremes: ${gate} is not a gate in [0, 1]; choose one of the gates.`);
  const { units = trace.numHiddens, low = 0.1, high = 0.9 } = opts;
  if (!(Number.isInteger(units) && units >= 1)) throw new Error(`gateExtremes: units must be a positive integer, got ${units}.`);
  const values = trace.values[gate].flatMap((row) => row.slice(0, units));
  return {
    gate,
    count: values.length,
    below: values.filter((v) => v < low).length / values.length,
    above: values.filter((v) => v > high).length / values.length,
  };
}
