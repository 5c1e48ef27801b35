/**
 * Exercises of notebook 04: counting an LSTM's parameters, the hidden state from the memory cell on a
 * trained model's trace, and gate biases that make a perfect memory.
 * @see notebooks/04-lstm.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { LSTMScratch } from "../rnn/lstm";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { asNumber, describe, fmt, isFeedback, judgeParameterCount, randomOneHot } from "./feedback";

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
  },
} satisfies ExerciseBook<ExerciseMap>;
