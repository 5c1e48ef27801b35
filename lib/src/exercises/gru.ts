/**
 * Exercises of notebook 03: counting a GRU's parameters, its last equation by hand, an update-gate bias that
 * makes it remember, and one whole GRU step.
 * @see notebooks/03-gru.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { GRUScratch } from "../rnn/gru";
import { seededTensor } from "../rnn/init";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { asNumber, describe, fmt, isFeedback, judgeParameterCount, randomOneHot, tensorGap, tidyFeedback } from "./feedback";

/** Exercise 1: the parameters of a GRU with `numInputs = 5` and `numHiddens = 4`. */
export function gruParamCount(): number {
  return 3 * (5 * 4 + 4 * 4 + 4); // reset gate, update gate, candidate: each W_x· [5, 4], W_h· [4, 4], b· [4]
}

/** The answer of exercise 2: the GRU's new state written with tfjs ops (`undefined` while not written). */
export type GRUNewStateFunction = (Hprev: tf.Tensor2D, Z: tf.Tensor2D, H_tilde: tf.Tensor2D) => tf.Tensor | undefined;

/** Exercise 2: the new state `H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t`. */
export function gruNewState(Hprev: tf.Tensor2D, Z: tf.Tensor2D, H_tilde: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.mul(Z, Hprev), tf.mul(tf.sub(1, Z), H_tilde)); // where Z ≈ 1 the old state is kept
}

function checkNewState(newState: GRUNewStateFunction): Feedback {
  return tidyFeedback(() => {
    const Hprev = seededTensor([3, 4], { uniform: 1 }, 3, "Hprev") as tf.Tensor2D; // in [-1, 1]
    const Z = tf.add(0.5, seededTensor([3, 4], { uniform: 0.5 }, 3, "Z")) as tf.Tensor2D; // in [0, 1]
    const H_tilde = seededTensor([3, 4], { uniform: 1 }, 3, "H_tilde") as tf.Tensor2D;
    const mine = newState(Hprev, Z, H_tilde);
    if (mine === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
    const gap = tensorGap(mine, gruNewState(Hprev, Z, H_tilde), "H_t, [batchSize, numHiddens],");
    if (isFeedback(gap)) return gap;
    if (gap < 1e-6) return correct("your new state matches the GRU's equation on random values");
    const swapped = tensorGap(mine, gruNewState(H_tilde, Z, Hprev), "");
    if (!isFeedback(swapped) && swapped < 1e-6)
      return wrong("where Z ≈ 1 your state follows H̃_t instead of keeping H_{t−1}: Z and 1 − Z are swapped");
    return wrong(`it differs from the GRU's new state by up to ${fmt(gap)}`);
  });
}

/** How far the state of a random GRU (8 units) moves over 50 random characters when every entry of `b_z` is `bias`. */
export function gruStateDrift(bias: number): number {
  const gru = new GRUScratch({ numInputs: 28, numHiddens: 8, sigma: 0.5, seed: 3 });
  try {
    return tf.tidy(() => {
      gru.b_z.assign(tf.fill([8], bias));
      const H0 = tf.fill([1, 8], 0.5) as tf.Tensor2D;
      const [, [H]] = gru.forward(randomOneHot(50, 28, 7), [H0]);
      return tf.max(tf.abs(tf.sub(H, H0))).dataSync()[0];
    });
  } finally {
    gru.dispose();
  }
}

/** Exercise 3: an update-gate bias that makes the GRU keep its state. */
export function rememberingUpdateBias(): number {
  return 10; // Z = σ(… + 10) ≈ 0.99995: H_t ≈ H_{t−1} at every step
}

function checkUpdateBias(answer: number): Feedback {
  const bias = asNumber(answer);
  if (isFeedback(bias)) return bias;
  const drift = gruStateDrift(bias);
  if (drift < 0.05) return correct(`the state moved by only ${fmt(drift)}: Z ≈ 1 copies it from step to step`);
  return wrong(`with that bias the state still moves by ${fmt(drift)} over the 50 characters (it must stay under 0.05)`);
}

/** The GRU's nine parameters by name, as `GRUScratch` holds them. */
export interface GRUParams {
  readonly W_xr: tf.Tensor2D;
  readonly W_hr: tf.Tensor2D;
  readonly b_r: tf.Tensor1D;
  readonly W_xz: tf.Tensor2D;
  readonly W_hz: tf.Tensor2D;
  readonly b_z: tf.Tensor1D;
  readonly W_xh: tf.Tensor2D;
  readonly W_hh: tf.Tensor2D;
  readonly b_h: tf.Tensor1D;
}

/** The answer of exercise 4: one whole GRU step, `H_t` from `X_t` and `H_{t−1}` (`undefined` while not written). */
export type GRUStepFunction = (X: tf.Tensor2D, Hprev: tf.Tensor2D, p: GRUParams) => tf.Tensor | undefined;

/** Exercise 4: the four equations in order: reset gate, update gate, candidate, new state. */
export function gruStep(X: tf.Tensor2D, Hprev: tf.Tensor2D, p: GRUParams): tf.Tensor2D {
  const R = tf.sigmoid(tf.add(tf.add(tf.matMul(X, p.W_xr), tf.matMul(Hprev, p.W_hr)), p.b_r)); // reset gate
  const Z = tf.sigmoid(tf.add(tf.add(tf.matMul(X, p.W_xz), tf.matMul(Hprev, p.W_hz)), p.b_z)); // update gate
  const H_tilde = tf.tanh(tf.add(tf.add(tf.matMul(X, p.W_xh), tf.matMul(tf.mul(R, Hprev), p.W_hh)), p.b_h)); // candidate
  return tf.add(tf.mul(Z, Hprev), tf.mul(tf.sub(1, Z), H_tilde)) as tf.Tensor2D; // Z ≈ 1 keeps the old state
}

/** A GRU step with one of the usual slips, to recognise a wrong answer. */
function gruStepSlip(X: tf.Tensor2D, H: tf.Tensor2D, p: GRUParams, slip: "inverted" | "resetAfter" | "noReset"): tf.Tensor {
  const gate = (W: tf.Tensor2D, U: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor =>
    tf.sigmoid(tf.add(tf.add(tf.matMul(X, W), tf.matMul(H, U)), b));
  const R = gate(p.W_xr, p.W_hr, p.b_r);
  const Z = gate(p.W_xz, p.W_hz, p.b_z);
  const recurrent =
    slip === "resetAfter" ? tf.mul(R, tf.matMul(H, p.W_hh)) : slip === "noReset" ? tf.matMul(H, p.W_hh) : tf.matMul(tf.mul(R, H), p.W_hh);
  const H_tilde = tf.tanh(tf.add(tf.add(tf.matMul(X, p.W_xh), recurrent), p.b_h));
  return slip === "inverted" ? tf.add(tf.mul(tf.sub(1, Z), H), tf.mul(Z, H_tilde)) : tf.add(tf.mul(Z, H), tf.mul(tf.sub(1, Z), H_tilde));
}

const GRU_STEP_SLIPS: readonly ["inverted" | "resetAfter" | "noReset", string][] = [
  [
    "inverted",
    "your update gate works Ng's way round (Z ≈ 1 takes the candidate); in this course's equations Z ≈ 1 keeps H_{t−1}: Ng's Γ_u is 1 − Z",
  ],
  [
    "resetAfter",
    "your reset gate multiplies H_{t−1}·W_hh after the product; in these equations it multiplies H_{t−1} first, (R ⊙ H_{t−1})·W_hh",
  ],
  ["noReset", "your candidate ignores the reset gate: the old state enters the candidate as R ⊙ H_{t−1}"],
];

function checkGruStep(step: GRUStepFunction): Feedback {
  if (typeof step !== "function") return wrong(`your answer is ${describe(step)}, not a function`);
  const gru = new GRUScratch({ numInputs: 5, numHiddens: 4, sigma: 0.8, seed: 41 });
  try {
    return tidyFeedback(() => {
      const [W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h] = gru.trainableVariables();
      // Biases away from 0, so a wrong bias or gate shows.
      const p = {
        W_xr,
        W_hr,
        W_xz,
        W_hz,
        W_xh,
        W_hh,
        b_r: tf.add(b_r, seededTensor([4], { normal: 1 }, 41, "b_r")),
        b_z: tf.add(b_z, seededTensor([4], { normal: 1 }, 41, "b_z")),
        b_h: tf.add(b_h, seededTensor([4], { normal: 1 }, 41, "b_h")),
      } as unknown as GRUParams;
      const X = seededTensor([3, 5], { normal: 1 }, 42, "X") as tf.Tensor2D;
      const H = seededTensor([3, 4], { uniform: 0.9 }, 42, "H") as tf.Tensor2D;
      let mine: tf.Tensor | undefined;
      try {
        mine = step(X, H, p);
      } catch (err) {
        return wrong(`your function raised an error: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (mine === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
      const reference = gruStep(X, H, p);
      const gap = tensorGap(mine, reference, "H_t, [batchSize, numHiddens],");
      if (isFeedback(gap)) return gap;
      if (gap < 1e-5) return correct("your step computes the same H_t as GRUScratch.step: reset gate, update gate, candidate, new state");
      for (const [slip, message] of GRU_STEP_SLIPS) {
        const g = tensorGap(mine, gruStepSlip(X, H, p, slip), "");
        if (!isFeedback(g) && g < 1e-5) return wrong(message);
      }
      return wrong(`it differs from the GRU's step by up to ${fmt(gap)}: check each of the four equations`);
    });
  } finally {
    gru.dispose();
  }
}

/** The exercises of notebook 03-gru. */
export const GRU_EXERCISES = {
  notebook: "03-gru",
  file: "exercises/gru.ts",
  exercises: {
    1: valueExercise<number>({
      title: "parameters of the small GRU",
      hint: "Each of the reset gate, the update gate and the candidate state has its own W_x· [5, 4], W_h· [4, 4] and b· [4].",
      explanation: "Three sets of (d·h + h·h + h): a GRU has three times the parameters of a vanilla RNN of the same size.",
      solution: gruParamCount,
      mistake: () => 2 * (5 * 4 + 4 * 4 + 4),
      check: (answer) =>
        judgeParameterCount(
          answer,
          [
            ["W_x·", 5 * 4],
            ["W_h·", 4 * 4],
            ["b·", 4],
          ],
          3,
          "3 · (d·h + h·h + h) = 120 numbers: two gates and the candidate",
        ),
    }),
    2: functionExercise<GRUNewStateFunction>({
      title: "the GRU's new state",
      hint: "Two products with tf.mul, one of them with (1 − Z) = tf.sub(1, Z), added with tf.add. Which of H_{t−1} and H̃_t should Z ≈ 1 keep?",
      explanation: "The update gate interpolates between the old state and the candidate; GRUScratch.newState is this line.",
      solution: gruNewState,
      mistake: (Hprev, Z, H_tilde) => tf.add(tf.mul(Z, H_tilde), tf.mul(tf.sub(1, Z), Hprev)),
      check: checkNewState,
    }),
    3: valueExercise<number>({
      title: "a GRU that remembers",
      hint: "The state is kept where Z_t ≈ 1, and Z_t = σ(… + b_z). How large must b_z be for σ to be almost 1 whatever the rest adds?",
      explanation: "σ(10) ≈ 0.99995, so each step keeps 99.995 % of the old state: the gradient through the state survives too.",
      solution: rememberingUpdateBias,
      mistake: () => -10,
      check: checkUpdateBias,
    }),
    4: functionExercise<GRUStepFunction>({
      title: "one GRU step",
      hint: "Four lines, one per equation: R and Z are sigmoids of X·W_x· + H·W_h· + b·; the candidate is a tanh in which H_{t−1} is first multiplied by R; the new state blends H_{t−1} and the candidate with Z and 1 − Z.",
      explanation:
        "The four equations in order are exactly GRUScratch.step; the runner calls it once per time step, and the fused op runs the same arithmetic in WebAssembly.",
      solution: gruStep,
      mistake: (X, Hprev, p) => gruStepSlip(X, Hprev, p, "inverted"),
      check: checkGruStep,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
