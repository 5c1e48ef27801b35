/**
 * What do the layers of a deep RNN learn? A **linear probe** answers it: freeze the trained model, read
 * each layer's hidden state `H_t^(l)` at every character of a text, and fit a multinomial logistic
 * regression from those states to one property of the text (the next character is a space, the position
 * inside the word, …). If a *linear* classifier reads the property off a layer much better than chance,
 * that layer encodes it explicitly:
 *
 * ```text
 * P(y_t = k | H_t^(l)) = softmax(H_t^(l) W + b)_k      one probe per layer; only W and b are trained
 * ```
 *
 * The probe ({@link trainProbe}, in `linear-probe.ts`) trains in plain JavaScript in a few hundred
 * milliseconds; the steps are split at random (seeded) into a training and a test part, the same for
 * every layer, and each probe's test accuracy is compared with the majority-class baseline (always
 * answering the most frequent class of the training part).
 *
 * ```ts
 * const rows = probeLayers(model, text, vocab, { property: nextIsSpace }); // one row per layer, bottom first
 * show(probeChart(rows, "is the next character a space?"));
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { BarData } from "plotly.js-dist";
import { idsTensor } from "../data/batch-tensors";
import type { Vocab } from "../data/vocab";
import { barChart } from "../plot/bar-chart";
import type { PlotFigure } from "../plot/figure";
import type { TokenEncoder } from "../rnn/embedding";
import type { RecurrentBlock, RecurrentState } from "../rnn/recurrent";
import { isLayered } from "../rnn/stacked";
import { ProbeConfig, trainProbe } from "./linear-probe";

// ---------------------------------------------------------------- properties of the text

/**
 * A property of the text at step `i` (the character `text[i]`, the state having read `text[0 … i]`):
 * a class, an integer ≥ 0, or `null` to leave the step out (the property is undefined there).
 */
export type ProbeProperty = (text: string, i: number) => number | null;

const isSpace = (c: string): boolean => /\s/.test(c);

/**
 * 1 when the character after step `i` is whitespace (a space, a newline, …), else 0; `null` at the last
 * step, which has no next character. What a language model must predict, so its top layer knows it.
 */
export function nextIsSpace(text: string, i: number): number | null {
  if (i + 1 >= text.length) return null;
  return isSpace(text[i + 1]) ? 1 : 0;
}

/**
 * The position of character `i` inside its word (words are runs of non-whitespace): 0 for the first
 * letter, 1, 2, and 3 for every later one. `null` on whitespace, and in a first word whose start the
 * text cut off. The state has to count to know it: the current character alone does not tell.
 */
export function positionInWord(text: string, i: number): number | null {
  if (isSpace(text[i])) return null;
  let k = 0;
  for (let j = i - 1; k < 3; j--, k++) {
    if (j < 0) return null; // the word may have started before the text
    if (isSpace(text[j])) break;
  }
  return k; // 0, 1, 2 or 3 (= 3 or more)
}

// ---------------------------------------------------------------- the layers' states

/** A model the probe can read: a recurrent block (a stack or a single block) and the encoder of its inputs, e.g. `RNNLMScratch`. */
export interface ProbedModel {
  readonly block: RecurrentBlock;
  readonly encoder: TokenEncoder;
}

/** `text` as one character per step, checked against the vocabulary and the model. */
function textIds(where: string, model: ProbedModel, text: string, vocab: Vocab): number[] {
  if (typeof text !== "string" || text.length === 0) throw new Error(`${where}: the text is empty; give at least one character.`);
  const chars = [...text];
  if (chars.length !== text.length) {
    throw new Error(
      `${where}: the text has characters made of two UTF-16 code units (emoji, rare CJK); a property reads text[i] at step i, ` +
        `so remove them first.`,
    );
  }
  if (vocab.size !== model.encoder.vocabSize) {
    throw new Error(
      `${where}: the vocabulary has ${vocab.size} tokens but the model reads ${model.encoder.vocabSize}; use the vocabulary the model was trained with.`,
    );
  }
  const unknown = [...new Set(chars.filter((c) => !vocab.has(c)))];
  if (unknown.length > 0) {
    throw new Error(
      `${where}: the vocabulary has no ${unknown.map((c) => JSON.stringify(c)).join(", ")}. ` +
        `Probe with characters of the training corpus (e.g. lower-case the text, as the corpus was).`,
    );
  }
  return vocab.encode(chars);
}

/** A single block's outputs as the one layer of a stack. */
const oneLayer = ([Y, S]: [tf.Tensor3D, RecurrentState]): [tf.Tensor3D[], RecurrentState] => [[Y], S];

/** Steps run at once: a long text goes through the model in pieces of this length, the state carried from one to the next. */
const CHUNK_STEPS = 512;

/**
 * Runs the model over the ids (a batch of one, from a zero state) and returns every output sequence as
 * plain numbers, `[numLayers (+1 with the input)][numSteps][width]`. The text runs in pieces of
 * {@link CHUNK_STEPS} steps with the state carried over, which computes the same states as one pass
 * but keeps the tensors of only one piece alive at a time.
 */
function statesOf(model: ProbedModel, ids: readonly number[], includeInput: boolean): number[][][] {
  const block = model.block;
  const numLayers = isLayered(block) ? block.layers.length : 1;
  const out: number[][][] = Array.from({ length: numLayers + (includeInput ? 1 : 0) }, () => []);
  let state: RecurrentState | undefined;
  try {
    for (let start = 0; start < ids.length; start += CHUNK_STEPS) {
      const piece = ids.slice(start, start + CHUNK_STEPS);
      const next = tf.tidy(() => {
        const X = model.encoder.encode(idsTensor(piece, 1, piece.length)); // [pieceSteps, 1, numInputs]
        const [outputs, S] = isLayered(block) ? block.forwardLayers(X, state) : oneLayer(block.forward(X, state)); // each [pieceSteps, 1, h_l]
        (includeInput ? [X, ...outputs] : outputs).forEach((Y, l) => out[l].push(...(tf.squeeze(Y, [1]) as tf.Tensor2D).arraySync())); // [pieceSteps, h_l]
        return S;
      });
      if (state) tf.dispose(state);
      state = next;
    }
  } finally {
    if (state) tf.dispose(state);
  }
  return out;
}

/**
 * Every layer's hidden states over `text` (one character per step, one sequence, from a zero state):
 * `states[l][t][u]` is unit `u` of layer `l` (0 = bottom) after reading `text[0 … t]`. A block that is
 * not layered counts as one layer. No tensor outlives the call.
 * @returns `[numLayers][numSteps][numHiddens]` as plain numbers.
 * @throws Error when the text is empty or has characters the vocabulary does not know.
 */
export function layerStates(model: ProbedModel, text: string, vocab: Vocab): number[][][] {
  return statesOf(model, textIds("layerStates", model, text, vocab), false);
}

/** Options of {@link probeLayers}: the property and the probe's training settings. */
export interface ProbeLayersConfig extends ProbeConfig {
  /** What to predict at each step, e.g. {@link nextIsSpace} or {@link positionInWord}. */
  readonly property: ProbeProperty;
  /** Also probe the encoder's output (one-hot or embedding of the current character) as a first row, `layer: "input"`. Default false. */
  readonly includeInput?: boolean;
}

/** One probed layer. */
export interface ProbeRow {
  /** The layer, 0 = bottom (as in `Stacked.layers`), or `"input"` for the encoder's output. */
  readonly layer: number | "input";
  /** A label for tables and charts: `"layer 0"`, …, or `"input"`. */
  readonly name: string;
  /** The probe's test accuracy. */
  readonly accuracy: number;
  /** The probe's training accuracy. */
  readonly trainAccuracy: number;
  /** The majority-class baseline on the same test part (the same for every row). */
  readonly baseline: number;
}

/**
 * Trains one linear probe per layer of `model` to predict `property` from that layer's state at each
 * character of `text`, on the same seeded split for every layer, so the rows compare like with like.
 *
 * ```ts
 * const rows = probeLayers(model, text, vocab, { property: positionInWord, includeInput: true });
 * show(table(rows)); // layer · name · accuracy · trainAccuracy · baseline
 * ```
 * @returns one row per layer, bottom first (after the `"input"` row when `includeInput`).
 * @throws Error for an empty text, unknown characters, or a property that returns something other than an integer ≥ 0 or `null`.
 */
export function probeLayers(model: ProbedModel, text: string, vocab: Vocab, config: ProbeLayersConfig): ProbeRow[] {
  const { property, includeInput = false, ...probe } = config;
  if (typeof property !== "function") throw new Error("probeLayers: give a property, e.g. { property: nextIsSpace }.");
  const ids = textIds("probeLayers", model, text, vocab);
  const steps: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const y = property(text, i);
    if (y === null) continue;
    if (!(typeof y === "number" && Number.isInteger(y) && y >= 0)) {
      throw new Error(
        `probeLayers: the property returned ${typeof y === "number" ? y : (JSON.stringify(y) ?? String(y))} at step ${i} ` +
          `(character ${JSON.stringify(text[i])}); a property must return a class, an integer ≥ 0, or null to skip the step.`,
      );
    }
    steps.push(i);
    labels.push(y);
  }
  if (steps.length < 2) {
    throw new Error(`probeLayers: the property gives a class at only ${steps.length} step(s) of the text; give a longer text.`);
  }
  if (new Set(labels).size < 2) {
    throw new Error(`probeLayers: the property gives class ${labels[0]} at every step of the text, so there is nothing to probe.`);
  }
  const states = statesOf(model, ids, includeInput);
  return states.map((S, l) => {
    const r = trainProbe(
      steps.map((t) => S[t]),
      labels,
      probe,
    );
    const layer = includeInput ? (l === 0 ? "input" : l - 1) : l;
    return {
      layer,
      name: layer === "input" ? "input" : `layer ${layer}`,
      accuracy: r.accuracy,
      trainAccuracy: r.trainAccuracy,
      baseline: r.baseline,
    };
  });
}

/**
 * A bar chart of the probes' test accuracy per layer, with each row's majority-class baseline as a
 * dashed line across its bar.
 * @throws Error when there are no rows.
 */
export function probeChart(rows: readonly ProbeRow[], title?: string): PlotFigure {
  if (rows.length === 0) throw new Error("probeChart: no rows; give the rows of probeLayers.");
  const fig = barChart(
    rows.map((r) => r.name),
    rows.map((r) => r.accuracy),
    { title, xTitle: "layer (0 = bottom)", yTitle: "probe accuracy (test)" },
  );
  const bars: Partial<BarData> = {
    ...(fig.data[0] as Partial<BarData>),
    text: rows.map((r) => `${(100 * r.accuracy).toFixed(1)}%`), // the accuracy above each bar
    textposition: "outside",
  };
  const shapes = rows.map((r, i) => ({
    type: "line" as const,
    xref: "x" as const,
    yref: "y" as const,
    x0: i - 0.45,
    x1: i + 0.45,
    y0: r.baseline,
    y1: r.baseline,
    line: { dash: "dash" as const, width: 2, color: "#444" },
  }));
  const note = {
    x: rows.length - 1 + 0.45,
    y: rows[rows.length - 1].baseline,
    xref: "x" as const,
    yref: "y" as const,
    text: "majority class",
    showarrow: false,
    xanchor: "right" as const,
    yanchor: "bottom" as const,
  };
  return {
    ...fig,
    data: [bars],
    layout: { ...fig.layout, yaxis: { ...fig.layout.yaxis, range: [0, 1.08] }, shapes, annotations: [note] },
  };
}
