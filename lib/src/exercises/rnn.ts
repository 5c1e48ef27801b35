/**
 * Exercises of notebook 02: counting parameters, one RNN step by hand, a spectral radius that keeps
 * gradients alive, and a temperature that makes the first letter nearly certain.
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { entropyVsTemperature } from "../decode/sampling";
import { hiddenGradientNorms } from "../rnn/grad-flow";
import { seededTensor } from "../rnn/init";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { asNumber, fmt, isFeedback, judgeParameterCount, maxAbs, tensorGap, tidyFeedback } from "./feedback";

/** Exercise 1: the parameters of an RNN with `numInputs = 5` and `numHiddens = 4`. */
export function rnnParamCount(): number {
  return 5 * 4 + 4 * 4 + 4; // W_xh [5, 4] + W_hh [4, 4] + b_h [4]
}

/** The answer of exercise 2: one RNN step written with tfjs ops (`undefined` while not written). */
export type RNNStepFunction = (
  Xt: tf.Tensor2D,
  Hprev: tf.Tensor2D,
  W_xh: tf.Tensor2D,
  W_hh: tf.Tensor2D,
  b_h: tf.Tensor1D,
) => tf.Tensor | undefined;

/** Exercise 2: one step of the vanilla RNN, `H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)`. */
export function rnnStep(Xt: tf.Tensor2D, Hprev: tf.Tensor2D, W_xh: tf.Tensor2D, W_hh: tf.Tensor2D, b_h: tf.Tensor1D): tf.Tensor {
  return tf.tanh(tf.add(tf.add(tf.matMul(Xt, W_xh), tf.matMul(Hprev, W_hh)), b_h)); // [batchSize, numHiddens]
}

/** Random arguments for a step: batch 3, 5 inputs, 4 hidden units (all different, so a transposition shows). */
function stepProbe(seed: number): Parameters<typeof rnnStep> {
  return [
    seededTensor([3, 5], { normal: 1 }, seed, "Xt") as tf.Tensor2D,
    seededTensor([3, 4], { uniform: 1 }, seed, "Hprev") as tf.Tensor2D,
    seededTensor([5, 4], { normal: 1 }, seed, "W_xh") as tf.Tensor2D,
    seededTensor([4, 4], { normal: 1 }, seed, "W_hh") as tf.Tensor2D,
    seededTensor([4], { normal: 1 }, seed, "b_h") as tf.Tensor1D,
  ];
}

function checkStep(step: RNNStepFunction): Feedback {
  return tidyFeedback(() => {
    const args = stepProbe(11);
    const mine = step(...args);
    if (mine === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
    const gap = tensorGap(mine, rnnStep(...args), "H_t, [batchSize, numHiddens],");
    if (isFeedback(gap)) return gap;
    if (gap < 1e-5) return correct("your step matches the RNN's equation on random inputs");
    const [Xt, Hprev, W_xh, W_hh, b_h] = args;
    const gapWith = (H: tf.Tensor2D, b: tf.Tensor1D): number => {
      const g = tensorGap(step(Xt, H, W_xh, W_hh, b), rnnStep(Xt, H, W_xh, W_hh, b), "");
      return isFeedback(g) ? Infinity : g;
    };
    if (maxAbs(mine) > 1 + 1e-6) return wrong(`it returns values up to ${fmt(maxAbs(mine))} in size, but tanh keeps H_t inside (−1, 1)`);
    if (gapWith(tf.zeros([3, 4]), b_h) < 1e-5)
      return wrong("it is right from a zero state but not from H_{t−1} ≠ 0: check how the previous state enters");
    if (gapWith(Hprev, tf.zeros([4])) < 1e-5) return wrong("it is right when b_h = 0 but not otherwise: check the bias");
    return wrong(`it differs from the RNN step by up to ${fmt(gap)}`);
  });
}

/** Exercise 3: a spectral radius that keeps the gradient between 0.1 and 10 for 50 steps. */
export function steadyRadius(): number {
  return 1; // an orthogonal W_hh keeps the norm; only tanh's slope (≤ 1) shrinks it a little at each step
}

function checkRadius(answer: number): Feedback {
  const rho = asNumber(answer);
  if (isFeedback(rho)) return rho;
  if (rho < 0) return wrong("a spectral radius is an absolute value, so it is ≥ 0");
  const at50 = hiddenGradientNorms({ spectralRadius: rho, numSteps: 100 })[50];
  if (!Number.isFinite(at50)) return wrong(`with ρ = ${fmt(rho)} the gradient overflows`);
  if (at50 <= 0.1) return wrong(`with ρ = ${fmt(rho)} the gradient 50 steps back is ${at50.toExponential(1)}: it still vanishes`);
  if (at50 >= 10) return wrong(`with ρ = ${fmt(rho)} the gradient 50 steps back is ${at50.toExponential(1)}: it explodes`);
  return correct(`ρ = ${fmt(rho)} keeps ‖∂L/∂h‖ at ${fmt(at50)} after 50 steps`);
}

/** The context of exercise 4: the model's logits for the first letter of a name. */
export interface LogitsContext {
  /** `firstLetter` in the notebook: one logit per vocabulary entry. */
  readonly logits: ArrayLike<number>;
}

/** Exercise 4: a temperature at which the first letter carries less than 1 bit of entropy. */
export function sharpTemperature({ logits }: LogitsContext): number {
  let T = 1;
  while (entropyVsTemperature(logits, [T])[0].entropy >= 1 && T > 1e-6) T /= 2; // halve T until under 1 bit
  return T;
}

function checkTemperature(answer: number, { logits }: LogitsContext): Feedback {
  const T = asNumber(answer);
  if (isFeedback(T)) return T;
  if (T <= 0) return wrong("a temperature must be > 0 (logits are divided by it)");
  const bits = entropyVsTemperature(logits, [T])[0].entropy;
  if (bits < 1) return correct(`at T = ${fmt(T)} the first letter has ${fmt(bits)} bits of entropy: nearly always the same letter`);
  return wrong(`at T = ${fmt(T)} the first letter still has ${fmt(bits)} bits of entropy, not under 1`);
}

/** The exercises of notebook 02-rnn. */
export const RNN_EXERCISES = {
  notebook: "02-rnn",
  file: "exercises/rnn.ts",
  exercises: {
    1: valueExercise<number>({
      title: "parameters of the small RNN",
      hint: "Count the entries of W_xh, W_hh and b_h from their shapes: [numInputs, numHiddens], [numHiddens, numHiddens] and [numHiddens].",
      explanation: "d·h + h·h + h: the same three tensors serve every time step, so the count does not depend on the sequence length.",
      solution: rnnParamCount,
      mistake: () => 5 * 4 + 4 * 4,
      check: (answer) =>
        judgeParameterCount(
          answer,
          [
            ["W_xh", 5 * 4],
            ["W_hh", 4 * 4],
            ["b_h", 4],
          ],
          1,
          "d·h + h·h + h = 56 numbers, whatever the length of the sequence",
        ),
    }),
    2: functionExercise<RNNStepFunction>({
      title: "one RNN step",
      hint: "Three terms inside one nonlinearity: tf.matMul for the two products, tf.add for the sums (the bias broadcasts over the batch), then tf.tanh.",
      explanation: "The step is the equation read left to right; RNNScratch.forward runs exactly this in a loop over the time steps.",
      solution: rnnStep,
      mistake: (Xt, Hprev, W_xh, W_hh, b_h) => tf.add(tf.add(tf.matMul(Xt, W_xh), tf.matMul(Hprev, W_hh)), b_h),
      check: checkStep,
    }),
    3: valueExercise<number>({
      title: "a gradient that survives 50 steps",
      hint: "The norm after k steps behaves roughly like ρ^k. Read the plot above: which curves are still between 0.1 and 10 at 50 steps back?",
      explanation:
        "ρ^50 is moderate only when ρ is very close to 1 (0.97^50 ≈ 0.2, 1.05^50 ≈ 11); tanh saturation tames the growth above 1.",
      solution: steadyRadius,
      mistake: () => 0.9,
      check: checkRadius,
    }),
    4: valueExercise<number, LogitsContext>({
      title: "a nearly certain first letter",
      hint: "Read the temperature plot: where does the entropy curve fall below 1 bit? Lower temperatures sharpen the distribution.",
      explanation:
        "Dividing the logits by a small T magnifies their differences, so the softmax puts almost all its mass on the largest one.",
      needs: ["logits"],
      example: () => ({ logits: Array.from({ length: 28 }, (_, i) => Math.sin(i * 1.7) * 2) }),
      solution: sharpTemperature,
      mistake: () => 2,
      check: checkTemperature,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
