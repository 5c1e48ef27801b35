/**
 * Exercises of notebook 05: counting the parameters of a GRU stack, the stacked forward pass from two
 * blocks, and which layer a probe of a low-level property reads best.
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { GRUScratch } from "../rnn/gru";
import { seededTensor } from "../rnn/init";
import type { RecurrentBlock } from "../rnn/recurrent";
import { Stacked } from "../rnn/stacked";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { asCount, describe, fmt, howFarOff, isFeedback, tensorGap, tidyFeedback } from "./feedback";

/** Exercise 1: the parameters of 3 stacked GRU layers of 4 units reading 5 input features. */
export function gruStackParamCount(): number {
  const gru = (d: number, h: number) => 3 * (d * h + h * h + h); // reset gate, update gate, candidate: W_x· [d, h], W_h· [h, h], b· [h]
  return gru(5, 4) + gru(4, 4) + gru(4, 4); // layer 1 reads X_t (5 features), layers 2 and 3 the 4 outputs of the layer below
}

/** The inputs each layer of exercise 1's stack reads, and its width. */
const STACK_INPUTS = [5, 4, 4];
const STACK_HIDDENS = 4;

/** The parameters of a stack of cells with `sets` sets of `W_x·`, `W_h·`, `b·` per layer, keeping only the parts `keep` names. */
function stackCount(
  inputs: readonly number[],
  sets: number,
  keep: { x: boolean; h: boolean; b: boolean } = { x: true, h: true, b: true },
): number {
  const h = STACK_HIDDENS;
  return inputs.reduce((n, d) => n + sets * ((keep.x ? d * h : 0) + (keep.h ? h * h : 0) + (keep.b ? h : 0)), 0);
}

function checkStackCount(answer: number): Feedback {
  const count = asCount(answer);
  if (isFeedback(count)) return count;
  const expected = stackCount(STACK_INPUTS, 3);
  if (count === expected)
    return correct(`${expected} numbers: layers 2 and 3 have smaller W_x· than layer 1, because they read 4 values, not 5`);
  if (count === stackCount([5, 5, 5], 3)) {
    return wrong("your count gives every layer 5 inputs, but only layer 1 reads X_t: layers 2 and 3 read the outputs of the layer below");
  }
  if (count === stackCount([4, 4, 4], 3))
    return wrong("your count gives layer 1 as many inputs as hidden units, but it reads the 5 features of X_t");
  if (count === stackCount([5], 3)) return wrong("that is one GRU layer; the stack has three");
  if (count === stackCount([5, 4], 3)) return wrong("that is two GRU layers; the stack has three");
  if (count === stackCount(STACK_INPUTS, 1)) return wrong("that is a stack of vanilla RNN layers: a GRU layer has three sets of weights");
  if (count === stackCount(STACK_INPUTS, 4)) return wrong("that is a stack of LSTM layers: a GRU layer has three sets of weights");
  const parts = [
    ["W_x·", { x: false, h: true, b: true }],
    ["W_h·", { x: true, h: false, b: true }],
    ["b·", { x: true, h: true, b: false }],
  ] as const;
  for (const [name, keep] of parts) {
    if (count === stackCount(STACK_INPUTS, 3, keep)) return wrong(`your count leaves out ${name}`);
  }
  return wrong(
    `${count} is ${howFarOff(count, expected)}: count W_x·, W_h· and b· of the three gates of each layer, with each layer's own input width`,
  );
}

/** The answer of exercise 2: two layers run one on top of the other (`undefined` while not written). */
export type StackedForwardFunction = (X: tf.Tensor3D, layer1: RecurrentBlock, layer2: RecurrentBlock) => tf.Tensor | undefined;

/** Exercise 2: the stacked forward pass, `H^(1) = layer1(X)`, `H^(2) = layer2(H^(1))`; returns the top layer's outputs. */
export function stackedForward(X: tf.Tensor3D, layer1: RecurrentBlock, layer2: RecurrentBlock): tf.Tensor3D {
  const [H1] = layer1.forward(X); // every step's output of layer 1: [numSteps, batchSize, h1]
  const [H2] = layer2.forward(H1); // layer 2 reads that whole sequence: [numSteps, batchSize, h2]
  return H2;
}

/** Sizes of the check's two layers: the widths differ, so a layer fed the wrong tensor is caught by its shape. */
const CHECK_SIZES = { numSteps: 6, batchSize: 2, numInputs: 3, h1: 5, h2: 4 } as const;

function checkStackedForward(forward: StackedForwardFunction): Feedback {
  if (typeof forward !== "function") return wrong(`your answer is ${describe(forward)}, not a function`);
  const { numSteps, batchSize, numInputs, h1, h2 } = CHECK_SIZES;
  const layer1 = new GRUScratch({ numInputs, numHiddens: h1, sigma: 0.5, seed: 51 });
  const layer2 = new GRUScratch({ numInputs: h1, numHiddens: h2, sigma: 0.5, seed: 52 });
  const stack = new Stacked({ layers: [layer1, layer2] }); // owns both layers
  try {
    return tidyFeedback(() => {
      const X = seededTensor([numSteps, batchSize, numInputs], { uniform: 1 }, 5, "X") as tf.Tensor3D;
      const [reference] = stack.forward(X); // [numSteps, batchSize, h2]
      const [bottom] = stack.forwardLayers(X)[0]; // layer 1's outputs: [numSteps, batchSize, h1]
      const mine = forward(X, layer1, layer2);
      if (mine === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
      if (mine instanceof tf.Tensor) {
        const shape = mine.shape.join(", ");
        if (mine.shape.join() === bottom.shape.join()) {
          return wrong(
            `your function returns a tensor of shape [${shape}], the width of layer 1's outputs: return what the top layer outputs`,
          );
        }
        if (mine.rank === 3 && mine.shape[0] === 1 && mine.shape[2] === h2) {
          return wrong(
            `your function returns ${mine.shape[0]} step instead of ${numSteps}: layer 2 must read layer 1's output at every step, not only its final state`,
          );
        }
        if (mine.rank === 2 && mine.shape.join() === `${batchSize},${h2}`) {
          return wrong(
            `your function returns a tensor of shape [${shape}], one step's state: return the top layer's outputs at every step`,
          );
        }
      }
      const gap = tensorGap(mine, reference, "the top layer's outputs, [numSteps, batchSize, h2],");
      if (isFeedback(gap)) return gap;
      if (gap < 1e-5)
        return correct("your two layers compute what Stacked computes: each layer reads the whole output sequence of the one below");
      return wrong(
        `your outputs have the right shape but differ from the stack's by up to ${fmt(gap)}; does each layer start from a zero state?`,
      );
    });
  } finally {
    stack.dispose();
  }
}

/** The context of exercise 3: what the notebook measured. */
export interface ProbeAccuracies {
  /** The probes' test accuracy per layer, bottom (layer 0) first: `rows.map((r) => r.accuracy)` of `probeLayers`. */
  readonly accuracies: readonly number[];
}

/** Exercise 3: the layer (0-based) whose probe reads the property best. */
export function bestProbeLayer({ accuracies }: ProbeAccuracies): number {
  return accuracies.indexOf(Math.max(...accuracies)); // the measurement decides, not the layer's height
}

function checkBestLayer(answer: number, { accuracies }: ProbeAccuracies): Feedback {
  if (!Array.isArray(accuracies) || accuracies.length === 0 || !accuracies.every((a) => typeof a === "number" && a >= 0 && a <= 1)) {
    return wrong("the accuracies passed in the context must be numbers between 0 and 1, one per layer: pass rows.map((r) => r.accuracy)");
  }
  const layer = asCount(answer);
  if (isFeedback(layer)) return layer;
  const best = Math.max(...accuracies);
  if (layer >= accuracies.length) {
    return layer === accuracies.length
      ? wrong("layers are numbered from 0 here (layer 0 is the bottom), so your number is one too high for every layer")
      : wrong(`the stack has only ${accuracies.length} layers, numbered from 0`);
  }
  const pct = (a: number): string => `${fmt(100 * a)}%`;
  if (accuracies[layer] >= best - 1e-9) {
    return correct(`the probe on layer ${layer} is right ${pct(accuracies[layer])} of the time, the most of all layers`);
  }
  const top = layer === accuracies.length - 1 ? " (the top layer is not always the one that holds a property most plainly)" : "";
  return wrong(`the probe on layer ${layer} is right ${pct(accuracies[layer])} of the time, and another layer's probe does better${top}`);
}

/** The exercises of notebook 05-deep-rnn. */
export const DEEP_RNN_EXERCISES = {
  notebook: "05-deep-rnn",
  file: "exercises/deep-rnn.ts",
  exercises: {
    1: valueExercise<number>({
      title: "parameters of a 3-layer GRU stack",
      hint: "Each layer is a GRU with three sets of W_x· [d, 4], W_h· [4, 4] and b· [4]. What is d for the first layer, and what does each layer above read?",
      explanation:
        "Only W_x· depends on what a layer reads: layer 1 reads X_t (d = 5), every layer above reads the h = 4 outputs of the layer below.",
      solution: gruStackParamCount,
      mistake: () => 3 * 3 * (5 * 4 + 4 * 4 + 4),
      check: checkStackCount,
    }),
    2: functionExercise<StackedForwardFunction>({
      title: "the stacked forward pass",
      hint: "block.forward(inputs) returns [outputs, state]. Which of the two does layer 2 read: every step of layer 1, or only where layer 1 ended?",
      explanation:
        "H^(l) at every step is the input sequence of layer l + 1; Stacked.forwardLayers is this loop over any number of layers.",
      solution: stackedForward,
      mistake: (X, layer1, layer2) => {
        const [, [H]] = layer1.forward(X); // the final state only: [batchSize, h1]
        return layer2.forward(tf.expandDims(H, 0) as tf.Tensor3D)[0];
      },
      check: checkStackedForward,
    }),
    3: valueExercise<number, ProbeAccuracies>({
      title: "where a probe reads the property best",
      hint: "Read the bar chart of the probes: which bar is highest? Number the layers from 0 at the bottom.",
      explanation:
        "A linear probe measures how plainly a layer holds a property; higher layers are not always better, so measure instead of assuming.",
      needs: ["accuracies"],
      example: () => ({ accuracies: [0.88, 0.95, 0.91] }),
      solution: bestProbeLayer,
      mistake: ({ accuracies }) => accuracies.length - 1,
      check: checkBestLayer,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
