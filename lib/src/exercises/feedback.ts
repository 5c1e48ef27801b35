/**
 * Small helpers the exercise checks share: describing a wrong answer without giving the right one
 * (its type, its shape, which part of a count is missing, roughly how far off it is).
 */
import * as tf from "@tensorflow/tfjs";
import { OneHot } from "../rnn/embedding";
import { Rng } from "../data/rng";
import { Feedback, correct, wrong } from "./exercise";

/** True when `x` is a {@link Feedback} (a check helper's early verdict) rather than a value. */
export function isFeedback(x: unknown): x is Feedback {
  return typeof x === "object" && x !== null && "verdict" in x && "message" in x;
}

/** A number for a message: integers as they are, others with 3 significant digits. */
export function fmt(x: number): string {
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

/** What a value is, for a message: `"the string \"56\""`, `"an array of 3 values"`, `"a tensor of shape [3, 4]"`. */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape.join(", ")}]`;
  if (Array.isArray(value)) return `an array of ${value.length} value${value.length === 1 ? "" : "s"}`;
  switch (typeof value) {
    case "number":
      return `the number ${fmt(value)}`;
    case "string":
      return `the string ${JSON.stringify(value)}`;
    case "boolean":
      return `the boolean ${value}`;
    case "function":
      return "a function";
    default:
      return "an object";
  }
}

/** The answer as a finite number, or the feedback saying why it is not one. */
export function asNumber(answer: unknown): number | Feedback {
  if (typeof answer !== "number") return wrong(`your answer is ${describe(answer)}, not a number`);
  if (Number.isNaN(answer)) return wrong("your answer is NaN: somewhere the calculation divides 0 by 0 or uses an undefined value");
  if (!Number.isFinite(answer)) return wrong("your answer is infinite");
  return answer;
}

/** The answer as a whole number ≥ 0 (a count), or the feedback saying why it is not one. */
export function asCount(answer: unknown): number | Feedback {
  const x = asNumber(answer);
  if (isFeedback(x)) return x;
  if (!Number.isInteger(x) || x < 0) return wrong(`a count is a whole number ≥ 0, but yours is ${fmt(x)}`);
  return x;
}

/** True when `a` equals `b` up to a relative tolerance (absolute near 0). */
export function closeTo(a: number, b: number, tol = 1e-6): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

/** How far a number is off, without saying where the target is: "a little too high", "too low by a factor of about 3". */
export function howFarOff(answer: number, expected: number): string {
  const direction = answer > expected ? "too high" : "too low";
  if (answer === 0 || expected === 0 || Math.sign(answer) !== Math.sign(expected)) return direction;
  const factor = Math.max(answer / expected, expected / answer);
  return factor < 1.5 ? `a little ${direction}` : `${direction} by a factor of about ${Math.round(factor)}`;
}

/** One kind of parameter in a count, e.g. `["W_xh", 20]`. */
export type ParameterPart = readonly [name: string, size: number];

/**
 * Judges a parameter count of a model made of `copies` sets of `parts` (a GRU: 3 sets of `W_x·`, `W_h·`,
 * `b·`). A wrong count is explained by the parts it leaves out or by how many sets it has.
 */
export function judgeParameterCount(answer: unknown, parts: readonly ParameterPart[], copies: number, success: string): Feedback {
  const count = asCount(answer);
  if (isFeedback(count)) return count;
  const perSet = parts.reduce((n, [, size]) => n + size, 0);
  if (count === copies * perSet) return correct(success);
  for (let mask = 1; mask < (1 << parts.length) - 1; mask++) {
    const kept = parts.filter((_, i) => mask & (1 << i));
    if (copies * kept.reduce((n, [, size]) => n + size, 0) === count) {
      const left = parts.filter((_, i) => !(mask & (1 << i))).map(([name]) => name);
      return wrong(`your count leaves out ${left.join(" and ")}`);
    }
  }
  const names = `${parts
    .slice(0, -1)
    .map(([name]) => name)
    .join(", ")} and ${parts[parts.length - 1][0]}`;
  if (count > 0 && count % perSet === 0) {
    const sets = count / perSet;
    return wrong(`${count} is ${sets} set${sets === 1 ? "" : "s"} of ${names}: count how many sets the equations use`);
  }
  return wrong(`${count} is ${howFarOff(count, copies * perSet)}: count the entries of ${names}, as many times as the equations use them`);
}

/**
 * Runs `check` and frees every tensor it made (a `tf.tidy` for checks whose result is a verdict).
 * Variables are not freed: a check that makes a model must dispose it itself.
 */
export function tidyFeedback(check: () => Feedback): Feedback {
  let result: Feedback = wrong("the check did not run");
  tf.tidy(() => {
    result = check();
  });
  return result;
}

/**
 * The largest `|mine − reference|` when `mine` is a tensor of the reference's shape; otherwise the
 * feedback saying what the student's function returned instead. `what` names the result, e.g.
 * `"H_t, [batchSize, numHiddens],"`.
 */
export function tensorGap(mine: unknown, reference: tf.Tensor, what: string): number | Feedback {
  if (!(mine instanceof tf.Tensor)) return wrong(`your function returned ${describe(mine)}, not a tensor`);
  if (mine.shape.join() !== reference.shape.join()) {
    return wrong(`your function returned a tensor of shape [${mine.shape.join(", ")}]; ${what} must be [${reference.shape.join(", ")}]`);
  }
  return tf.max(tf.abs(tf.sub(tf.cast(mine, "float32"), reference))).dataSync()[0];
}

/** Largest absolute value of a tensor. */
export function maxAbs(t: tf.Tensor): number {
  return tf.max(tf.abs(t)).dataSync()[0];
}

/** A random one-hot sequence `[numSteps, 1, vocabSize]` (time-major, batch of one), seeded: a stand-in for a sentence. */
export function randomOneHot(numSteps: number, vocabSize: number, seed: number): tf.Tensor3D {
  const rng = new Rng(seed);
  const ids = Array.from({ length: numSteps }, () => rng.int(vocabSize));
  return tf.tidy(() => new OneHot(vocabSize).encode(tf.tensor2d(ids, [numSteps, 1], "int32"))); // [numSteps, 1, vocabSize]
}
