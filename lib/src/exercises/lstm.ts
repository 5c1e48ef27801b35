/**
 * Exercises of notebook 04: counting an LSTM's parameters, the hidden state from the memory cell on a
 * trained model's trace, gate biases that make a perfect memory, and one whole LSTM step.
 * @see notebooks/04-lstm.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { LSTMScratch } from "../rnn/lstm";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { seededTensor } from "../rnn/init";
import { asNumber, describe, fmt, isFeedback, judgeParameterCount, randomOneHot, tensorGap, tidyFeedback } from "./feedback";

/** Exercise 1: the parameters of an LSTM with `numInputs = 5` and `numHiddens = 4`. */
export function lstmParamCount(): number {
  return 4 * (5 * 4 + 4 * 4 + 4); // input, forget and output gates, candidate: each W_x· [5, 4], W_h· [4, 4], b· [4]
}

/** The answer of exercise 2: the hidden state of one unit from its output gate and memory cell (`undefined` while not written). */
export type LSTMHiddenFunction = (O: number, C: number) => number | undefined;

/** Exercise 2: `H_t = O_t ⊙ tanh(C_t)`, for one unit (plain numbers). */
export function lstmHidden(O: number, C: number): number {
  return O * Math.tanh(C); // the output gate shows a squashed copy of the cell
}

/** The context of exercise 2: one step of a gate trace, one number per unit. */
export interface TraceStepContext {
  /** Output gate at that step, e.g. `trace.values.O[10]`. */
  readonly O: readonly number[];
  /** Memory cell, e.g. `trace.values.C[10]`. */
  readonly C: readonly number[];
  /** Hidden state the model computed, e.g. `trace.values.H[10]`. */
  readonly H: readonly number[];
}

function checkHidden(hidden: LSTMHiddenFunction, { O, C, H }: TraceStepContext): Feedback {
  const first = hidden(O[0], C[0]);
  if (first === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
  if (typeof first !== "number") return wrong(`your function returned ${describe(first)}, not a number`);
  const mine = O.map((o, u) => hidden(o, C[u]));
  const off = mine.map((h, u) => (typeof h === "number" ? Math.abs(h - H[u]) : Infinity));
  const worst = Math.max(...off);
  if (worst < 1e-4) return correct(`O ⊙ tanh(C) reproduces the model's hidden state at all ${H.length} units`);
  const bad = off.filter((d) => !(d < 1e-4)).length;
  const plain = O.every((o, u) => Math.abs(o * C[u] - (mine[u] ?? NaN)) < 1e-9);
  if (plain) return wrong("your function returns O · C: the cell is unbounded, but H_t lies in (−1, 1); it must be squashed first");
  return wrong(`your hidden state differs from the model's at ${bad} of ${H.length} units (by up to ${fmt(worst)})`);
}

/** The answer of exercise 3: one value for every entry of each of the two biases. */
export interface LSTMBiases {
  /** Every entry of the forget-gate bias `b_f`. */
  readonly forgetBias: number;
  /** Every entry of the input-gate bias `b_i`. */
  readonly inputBias: number;
}

/** How far the memory cell of a random LSTM (8 units) moves over 50 random characters with these biases. */
export function lstmCellDrift({ forgetBias, inputBias }: LSTMBiases): number {
  const lstm = new LSTMScratch({ numInputs: 28, numHiddens: 8, sigma: 0.5, seed: 3 });
  try {
    return tf.tidy(() => {
      lstm.b_f.assign(tf.fill([8], forgetBias));
      lstm.b_i.assign(tf.fill([8], inputBias));
      const C0 = tf.fill([1, 8], 0.5) as tf.Tensor2D;
      const [, [, C]] = lstm.forward(randomOneHot(50, 28, 7), [tf.zeros([1, 8]), C0]);
      return tf.max(tf.abs(tf.sub(C, C0))).dataSync()[0];
    });
  } finally {
    lstm.dispose();
  }
}

/** Exercise 3: biases that make the cell a perfect memory. */
export function perfectMemoryBiases(): LSTMBiases {
  return { forgetBias: 10, inputBias: -10 }; // F = σ(… + 10) ≈ 1 keeps C, I = σ(… − 10) ≈ 0 writes nothing
}

function checkBiases(answer: LSTMBiases): Feedback {
  if (typeof answer !== "object") return wrong(`your answer is ${describe(answer)}; give { forgetBias: …, inputBias: … }`);
  const forgetBias = asNumber(answer.forgetBias);
  if (isFeedback(forgetBias)) return { ...forgetBias, message: `forgetBias: ${forgetBias.message}` };
  const inputBias = asNumber(answer.inputBias);
  if (isFeedback(inputBias)) return { ...inputBias, message: `inputBias: ${inputBias.message}` };
  const drift = lstmCellDrift({ forgetBias, inputBias });
  if (drift < 0.05) return correct(`the cell moved by only ${fmt(drift)}: F ≈ 1 keeps it and I ≈ 0 writes nothing`);
  return wrong(`with these biases the cell still moves by ${fmt(drift)} over the 50 characters (it must stay under 0.05)`);
}

/** The LSTM's twelve parameters by name, as `LSTMScratch` holds them. */
export interface LSTMParams {
  readonly W_xi: tf.Tensor2D;
  readonly W_hi: tf.Tensor2D;
  readonly b_i: tf.Tensor1D;
  readonly W_xf: tf.Tensor2D;
  readonly W_hf: tf.Tensor2D;
  readonly b_f: tf.Tensor1D;
  readonly W_xo: tf.Tensor2D;
  readonly W_ho: tf.Tensor2D;
  readonly b_o: tf.Tensor1D;
  readonly W_xc: tf.Tensor2D;
  readonly W_hc: tf.Tensor2D;
  readonly b_c: tf.Tensor1D;
}

/** The answer of exercise 4: one LSTM step, `[H_t, C_t]` from `X_t`, `H_{t−1}`, `C_{t−1}` (`undefined` while not written). */
export type LSTMStepFunction = (X: tf.Tensor2D, Hprev: tf.Tensor2D, Cprev: tf.Tensor2D, p: LSTMParams) => tf.Tensor[] | undefined;

/** Exercise 4: three gates, the candidate, the cell, the hidden state. */
export function lstmStep(X: tf.Tensor2D, Hprev: tf.Tensor2D, Cprev: tf.Tensor2D, p: LSTMParams): [tf.Tensor2D, tf.Tensor2D] {
  const affine = (W: tf.Tensor2D, U: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor => tf.add(tf.add(tf.matMul(X, W), tf.matMul(Hprev, U)), b);
  const I = tf.sigmoid(affine(p.W_xi, p.W_hi, p.b_i)); // input gate: how much to write
  const F = tf.sigmoid(affine(p.W_xf, p.W_hf, p.b_f)); // forget gate: how much to keep
  const O = tf.sigmoid(affine(p.W_xo, p.W_ho, p.b_o)); // output gate: how much to show
  const C_tilde = tf.tanh(affine(p.W_xc, p.W_hc, p.b_c)); // candidate
  const C = tf.add(tf.mul(F, Cprev), tf.mul(I, C_tilde)) as tf.Tensor2D; // keep some, add some
  const H = tf.mul(O, tf.tanh(C)) as tf.Tensor2D; // a gated view of the cell
  return [H, C];
}

type LSTMSlip = "swapped" | "noTanh" | "noForget";

function lstmStepSlip(X: tf.Tensor2D, Hprev: tf.Tensor2D, Cprev: tf.Tensor2D, p: LSTMParams, slip: LSTMSlip): [tf.Tensor, tf.Tensor] {
  const affine = (W: tf.Tensor2D, U: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor => tf.add(tf.add(tf.matMul(X, W), tf.matMul(Hprev, U)), b);
  const I = tf.sigmoid(affine(p.W_xi, p.W_hi, p.b_i));
  const F = tf.sigmoid(affine(p.W_xf, p.W_hf, p.b_f));
  const O = tf.sigmoid(affine(p.W_xo, p.W_ho, p.b_o));
  const C_tilde = tf.tanh(affine(p.W_xc, p.W_hc, p.b_c));
  const C =
    slip === "swapped"
      ? tf.add(tf.mul(I, Cprev), tf.mul(F, C_tilde))
      : slip === "noForget"
        ? tf.add(Cprev, tf.mul(I, C_tilde))
        : tf.add(tf.mul(F, Cprev), tf.mul(I, C_tilde));
  return [slip === "noTanh" ? tf.mul(O, C) : tf.mul(O, tf.tanh(C)), C];
}

const LSTM_STEP_SLIPS: readonly [LSTMSlip, string][] = [
  ["swapped", "your forget and input gates trade places: the forget gate multiplies the old cell C_{t−1}, the input gate the candidate"],
  ["noTanh", "your hidden state shows the cell itself; H_t = O_t ⊙ tanh(C_t) squashes it first"],
  ["noForget", "your cell keeps all of C_{t−1}; the forget gate decides how much of it stays"],
];

function checkLstmStep(step: LSTMStepFunction): Feedback {
  if (typeof step !== "function") return wrong(`your answer is ${describe(step)}, not a function`);
  const lstm = new LSTMScratch({ numInputs: 5, numHiddens: 4, sigma: 0.8, seed: 51 });
  try {
    return tidyFeedback(() => {
      const v = lstm.trainableVariables();
      const names = ["W_xi", "W_hi", "b_i", "W_xf", "W_hf", "b_f", "W_xo", "W_ho", "b_o", "W_xc", "W_hc", "b_c"];
      // Biases away from 0, so that a wrong gate or a missing bias shows.
      const p = Object.fromEntries(
        names.map((n, i) => [n, n.startsWith("b_") ? tf.add(v[i], seededTensor([4], { normal: 1 }, 51 + i, n)) : v[i]]),
      ) as unknown as LSTMParams;
      const X = seededTensor([3, 5], { normal: 1 }, 52, "X") as tf.Tensor2D;
      const H = seededTensor([3, 4], { uniform: 0.9 }, 52, "H") as tf.Tensor2D;
      const C = seededTensor([3, 4], { normal: 2 }, 52, "C") as tf.Tensor2D; // a cell beyond (−1, 1), so tanh matters
      let mine: unknown;
      try {
        mine = step(X, H, C, p);
      } catch (err) {
        return wrong(`your function raised an error: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (mine === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
      if (!Array.isArray(mine) || mine.length !== 2)
        return wrong(`your function returns ${describe(mine)}; return [H_t, C_t], an array of two tensors`);
      const [refH, refC] = lstmStep(X, H, C, p);
      const gapH = tensorGap(mine[0], refH, "H_t, [batchSize, numHiddens],");
      if (isFeedback(gapH)) return gapH;
      const gapC = tensorGap(mine[1], refC, "C_t, [batchSize, numHiddens],");
      if (isFeedback(gapC)) return gapC;
      if (gapH < 1e-5 && gapC < 1e-5) return correct("your step computes the same H_t and C_t as LSTMScratch.step");
      for (const [slip, message] of LSTM_STEP_SLIPS) {
        const [sH, sC] = lstmStepSlip(X, H, C, p, slip);
        const gh = tensorGap(mine[0], sH, "");
        const gc = tensorGap(mine[1], sC, "");
        if (!isFeedback(gh) && !isFeedback(gc) && gh < 1e-5 && gc < 1e-5) return wrong(message);
      }
      const swappedOrder = tensorGap(mine[0], refC, "");
      if (!isFeedback(swappedOrder) && swappedOrder < 1e-5) return wrong("your result is [C_t, H_t]; return [H_t, C_t]");
      if (gapC < 1e-5) return wrong(`C_t is right, H_t differs by up to ${fmt(gapH)}: check the last equation`);
      return wrong(`C_t differs from the LSTM's by up to ${fmt(gapC)}: check the gates, the candidate and the cell update`);
    });
  } finally {
    lstm.dispose();
  }
}

/** The exercises of notebook 04-lstm. */
export const LSTM_EXERCISES = {
  notebook: "04-lstm",
  file: "exercises/lstm.ts",
  exercises: {
    1: valueExercise<number>({
      title: "parameters of the small LSTM",
      hint: "Three gates and the candidate memory, each with its own W_x· [5, 4], W_h· [4, 4] and b· [4].",
      explanation: "Four sets of (d·h + h·h + h): an LSTM has four times the parameters of a vanilla RNN and 4/3 of a GRU.",
      solution: lstmParamCount,
      mistake: () => 3 * (5 * 4 + 4 * 4 + 4),
      check: (answer) =>
        judgeParameterCount(
          answer,
          [
            ["W_x·", 5 * 4],
            ["W_h·", 4 * 4],
            ["b·", 4],
          ],
          4,
          "4 · (d·h + h·h + h) = 160 numbers: three gates and the candidate",
        ),
    }),
    2: functionExercise<LSTMHiddenFunction, TraceStepContext>({
      title: "the hidden state from the cell",
      hint: "The last LSTM equation multiplies the output gate by a squashed copy of the cell; Math.tanh squashes a number into (−1, 1).",
      explanation: "The cell C can grow without bound; tanh squashes it and the output gate O decides how much of it H shows.",
      needs: ["O", "C", "H"],
      example: () => {
        const O = [0.1, 0.5, 0.9, 0.7, 0.3];
        const C = [-2.5, -0.4, 0.1, 1.2, 3];
        return { O, C, H: O.map((o, u) => o * Math.tanh(C[u])) };
      },
      solution: lstmHidden,
      mistake: (O, C) => O * C,
      check: checkHidden,
    }),
    3: valueExercise<LSTMBiases>({
      title: "a perfect memory",
      hint: "C_t = F_t ⊙ C_{t−1} + I_t ⊙ C̃_t. Which gate must be ≈ 1 and which ≈ 0 for C_t = C_{t−1}? Then: how large a bias makes σ almost exactly 1 (or 0) whatever the weights add?",
      explanation:
        "With the forget gate open (≈ 1) and the input gate shut (≈ 0) the cell copies itself: the LSTM's lossless path through time.",
      solution: perfectMemoryBiases,
      mistake: () => ({ forgetBias: 10, inputBias: 0 }),
      check: checkBiases,
    }),
    4: functionExercise<LSTMStepFunction>({
      title: "one LSTM step",
      hint: "Three sigmoid gates and a tanh candidate, each of X·W_x· + H_{t−1}·W_h· + b·; then C_t = F ⊙ C_{t−1} + I ⊙ C̃ and H_t = O ⊙ tanh(C_t). Return [H_t, C_t].",
      explanation:
        "Six lines, the six equations: LSTMScratch.step computes exactly these, and the state that goes on to the next step is the pair [H_t, C_t].",
      solution: lstmStep,
      mistake: (X, Hprev, Cprev, p) => lstmStepSlip(X, Hprev, Cprev, p, "noTanh"),
      check: checkLstmStep,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
