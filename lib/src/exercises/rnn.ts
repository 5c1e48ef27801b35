/**
 * Exercises of notebook 02: counting parameters, one RNN step by hand, a spectral radius that keeps
 * gradients alive, a temperature that makes the first letter nearly certain, and clipping by value and by norm.
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { entropyVsTemperature } from "../decode/sampling";
import { hiddenGradientNorms } from "../rnn/grad-flow";
import { seededTensor } from "../rnn/init";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { asNumber, describe, fmt, isFeedback, judgeParameterCount, maxAbs, tensorGap, tidyFeedback } from "./feedback";

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

/** Gradients by parameter name, as the Trainer holds them. */
export type Grads = Record<string, tf.Tensor>;

/** The answer of exercises 5 and 6: clipped copies of the gradients (`undefined` while not written). */
export type ClipFunction = (grads: Grads, threshold: number) => Grads | undefined;

/** Exercise 5: every element clamped to `[−maxValue, maxValue]`. */
export function clipGradsByValue(grads: Grads, maxValue: number): Grads {
  const out: Grads = {};
  for (const [name, g] of Object.entries(grads)) out[name] = tf.clipByValue(g, -maxValue, maxValue); // elementwise
  return out;
}

/** Exercise 6: all gradients scaled by `min(1, maxNorm / ‖g‖)`, where `‖g‖` is the norm of all of them as one vector. */
export function clipGradsByNorm(grads: Grads, maxNorm: number): Grads {
  const squares = Object.values(grads).map((g) => tf.sum(tf.square(g))); // Σ g² of each parameter
  const norm = tf.sqrt(tf.addN(squares)); // the global norm
  const scale = tf.minimum(1, tf.div(maxNorm, norm)); // shrink only, never stretch
  const out: Grads = {};
  for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, scale); // same direction, shorter
  return out;
}

/** Gradients of a small RNN (the shapes of W_xh, W_hh, b_h), scaled so that their global norm is `norm`. */
function gradProbe(seed: number, norm: number): Grads {
  const raw: Grads = {
    W_xh: seededTensor([5, 4], { normal: 1 }, seed, "gW_xh"),
    W_hh: seededTensor([4, 4], { normal: 1 }, seed, "gW_hh"),
    b_h: seededTensor([4], { normal: 1 }, seed, "gb_h"),
  };
  const total = Math.sqrt(Object.values(raw).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
  const out: Grads = {};
  for (const [k, g] of Object.entries(raw)) out[k] = tf.mul(g, norm / total);
  return out;
}

/** The student's result compared with the reference: the largest gap, or the feedback on its form. */
function gradsGap(mine: unknown, reference: Grads): number | Feedback {
  if (typeof mine !== "object" || mine === null || mine instanceof tf.Tensor || Array.isArray(mine)) {
    return wrong(`your function returned ${describe(mine)}; return an object with one tensor per parameter name, like its input`);
  }
  const names = Object.keys(reference);
  const got = Object.keys(mine);
  if (got.length !== names.length || !names.every((n) => n in mine)) {
    return wrong(`your result has the keys ${JSON.stringify(got)}; keep the input's parameter names ${JSON.stringify(names)}`);
  }
  let gap = 0;
  for (const n of names) {
    const g = tensorGap((mine as Grads)[n], reference[n], `the gradient of ${n}`);
    if (isFeedback(g)) return g;
    gap = Math.max(gap, g);
  }
  return gap;
}

/** Runs the student's clip on fresh copies (so changing the input in place cannot fool the check). */
function runClip(clip: ClipFunction, grads: Grads, threshold: number): unknown {
  const copy: Grads = {};
  for (const [k, g] of Object.entries(grads)) copy[k] = tf.clone(g);
  return clip(copy, threshold);
}

/** Exercise 5's slips, each as a function of the same inputs, with what the student reads. */
const BY_VALUE_SLIPS: readonly [(g: tf.Tensor, m: number) => tf.Tensor, string][] = [
  [(g, m) => tf.minimum(g, m), "large negative values stay as they are: clamp both sides, to [−maxValue, maxValue]"],
  [(g, m) => tf.clipByValue(g, 0, m), "negative values become 0: the lower bound is −maxValue, not 0"],
  [(g, m) => tf.clipByValue(tf.abs(g), -m, m), "the clipped gradients lose their sign: clamp the values themselves, not their sizes"],
];

function checkClipByValue(clip: ClipFunction): Feedback {
  if (typeof clip !== "function") return wrong(`your answer is ${describe(clip)}, not a function`);
  return tidyFeedback(() => {
    const grads = gradProbe(21, 8); // many elements beyond ±0.5
    const mine = runClip(clip, grads, 0.5);
    if (mine === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
    const gap = gradsGap(mine, clipGradsByValue(grads, 0.5));
    if (isFeedback(gap)) return gap;
    if (gap < 1e-6) {
      const small = gradProbe(22, 0.1); // nothing to clip: must be unchanged
      const same = gradsGap(runClip(clip, small, 0.5), small);
      if (isFeedback(same)) return same;
      if (same > 1e-6) return wrong("it changes gradients that are already inside [−maxValue, maxValue]; those must stay as they are");
      return correct(
        "every element is clamped to [−maxValue, maxValue]; note that this can turn the gradient's direction, unlike clipping by norm",
      );
    }
    for (const [slip, message] of BY_VALUE_SLIPS) {
      const ref: Grads = {};
      for (const [k, g] of Object.entries(grads)) ref[k] = slip(g, 0.5);
      const g = gradsGap(mine, ref);
      if (!isFeedback(g) && g < 1e-6) return wrong(message);
    }
    return wrong(`some elements differ from the clamped gradient by up to ${fmt(gap)}`);
  });
}

function checkClipByNorm(clip: ClipFunction): Feedback {
  if (typeof clip !== "function") return wrong(`your answer is ${describe(clip)}, not a function`);
  return tidyFeedback(() => {
    const big = gradProbe(31, 5); // global norm 5, clipped to 1
    const mine = runClip(clip, big, 1);
    if (mine === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
    const gap = gradsGap(mine, clipGradsByNorm(big, 1));
    if (isFeedback(gap)) return gap;
    if (gap >= 1e-5) {
      const perParam: Grads = {};
      for (const [k, g] of Object.entries(big)) perParam[k] = tf.mul(g, tf.minimum(1, tf.div(1, tf.norm(g))));
      const p = gradsGap(mine, perParam);
      if (!isFeedback(p) && p < 1e-5) {
        return wrong(
          "each parameter is scaled by its own norm; clipping by norm treats all the gradients as one vector (their global norm), so their relative sizes stay as they were",
        );
      }
      const byValue = gradsGap(mine, clipGradsByValue(big, 1));
      if (!isFeedback(byValue) && byValue < 1e-5)
        return wrong("that clamps each element (clipping by value); scale the whole gradient instead");
      return wrong(`it differs from the gradient scaled to a global norm of maxNorm by up to ${fmt(gap)}`);
    }
    const small = gradProbe(32, 0.3); // norm 0.3 < 1: must be unchanged
    const same = gradsGap(runClip(clip, small, 1), small);
    if (isFeedback(same)) return same;
    if (same > 1e-5)
      return wrong(
        "it changes a gradient whose global norm is already below maxNorm; scale only when the norm is too large (never stretch)",
      );
    return correct("the whole gradient keeps its direction and its global norm becomes at most maxNorm, as the Trainer's clipNorm does");
  });
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
    5: functionExercise<ClipFunction>({
      title: "clipping by value",
      hint: "For every tensor of the object, tf.clipByValue(g, lower, upper) with the two bounds around 0; return a new object with the same keys.",
      explanation:
        "Clamping each element bounds every single update, but elements hit by the bound shrink more than the others, so the gradient can change direction.",
      solution: clipGradsByValue,
      mistake: (grads, maxValue) => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.minimum(g, maxValue)])),
      check: checkClipByValue,
    }),
    6: functionExercise<ClipFunction>({
      title: "clipping by norm",
      hint: "The global norm is the square root of the sum of the squares of every element of every gradient. Multiply every gradient by min(1, maxNorm / norm).",
      explanation:
        "One factor for all the gradients keeps their direction, and min(1, ·) leaves gradients that are already small alone; the Trainer's clipNorm is this.",
      solution: clipGradsByNorm,
      mistake: (grads, maxNorm) =>
        Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, tf.minimum(1, tf.div(maxNorm, tf.norm(g))))])),
      check: checkClipByNorm,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
