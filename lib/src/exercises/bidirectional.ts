/**
 * Exercises of notebook 06: counting the parameters of a bidirectional GRU layer, the concat-merged
 * bidirectional forward pass from two blocks, and where in a word a forward-only model fills a blank worst.
 * @see notebooks/06-bidirectional.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { BLANK_POSITIONS } from "../data/blanks";
import type { BlankPosition } from "../data/blanks";
import { Bidirectional } from "../rnn/bidirectional";
import { GRUScratch } from "../rnn/gru";
import { seededTensor } from "../rnn/init";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { asCount, describe, fmt, howFarOff, isFeedback, maxAbs, tensorGap, tidyFeedback } from "./feedback";

/** Exercise 1: the parameters of a bidirectional GRU layer of 4 units per direction reading 5 input features. */
export function biGRUParamCount(): number {
  const gru = (d: number, h: number) => 3 * (d * h + h * h + h); // reset gate, update gate, candidate: W_x· [d, h], W_h· [h, h], b· [h]
  return gru(5, 4) + gru(5, 4); // two GRUs with their own weights, both reading X_t; the concat merge has no parameters
}

/** The parameters of `directions` GRU-like cells with `sets` sets of `W_x·`, `W_h·`, `b·`, each reading `d` and `h` wide, keeping the parts `keep` names. */
function cellCount(
  directions: number,
  { d = 5, h = 4, sets = 3 }: { d?: number; h?: number; sets?: number } = {},
  keep: { x: boolean; h: boolean; b: boolean } = { x: true, h: true, b: true },
): number {
  return directions * sets * ((keep.x ? d * h : 0) + (keep.h ? h * h : 0) + (keep.b ? h : 0));
}

function checkBiCount(answer: number): Feedback {
  const count = asCount(answer);
  if (isFeedback(count)) return count;
  const expected = cellCount(2);
  if (count === expected)
    return correct(`${expected} numbers: twice a GRU's, because each direction has its own weights; the concat merge adds none`);
  if (count === cellCount(1)) {
    return wrong("that is one direction's count (or two directions sharing one set of weights): the backward GRU has weights of its own");
  }
  if (count === cellCount(1, { h: 8 })) {
    return wrong("that is one GRU with 8 units: the layer is two GRUs of 4 units each, whose outputs are only put side by side");
  }
  if (count === cellCount(2, { h: 2 })) return wrong("your count gives each direction 2 units, but numHiddens = 4 is per direction");
  if (count === cellCount(1) + cellCount(1, { d: 4 })) {
    return wrong("your backward GRU reads the forward GRU's outputs, as a stacked layer would; here both directions read X_t");
  }
  if (count === cellCount(2, { sets: 1 })) return wrong("that is a pair of vanilla RNNs: a GRU has three sets of weights");
  if (count === cellCount(2, { sets: 4 })) return wrong("that is a pair of LSTMs: a GRU has three sets of weights");
  const parts = [
    ["W_x·", { x: false, h: true, b: true }],
    ["W_h·", { x: true, h: false, b: true }],
    ["b·", { x: true, h: true, b: false }],
  ] as const;
  for (const [name, keep] of parts) {
    if (count === cellCount(2, {}, keep)) return wrong(`your count leaves out ${name}`);
  }
  return wrong(`${count} is ${howFarOff(count, expected)}: count W_x·, W_h· and b· of the three gates of a GRU, for each direction`);
}

/** The answer of exercise 2: the concat-merged bidirectional forward pass (`undefined` while not written). */
export type BidirectionalForwardFunction = (X: tf.Tensor3D, forward: GRUScratch, backward: GRUScratch) => tf.Tensor | undefined;

/** Exercise 2: `H_t = [→H_t, ←H_t]` at every step; the backward block reads the sequence from its last step to its first. */
export function bidirectionalForward(X: tf.Tensor3D, forward: GRUScratch, backward: GRUScratch): tf.Tensor3D {
  const [Hf] = forward.forward(X); // →H, step 1 to T: [numSteps, batchSize, h]
  const [Hr] = backward.forward(tf.reverse(X, 0)); // the backward block reads X_T … X_1, so Hr[0] is ←H_T
  const Hb = tf.reverse(Hr, 0); // back in time order: Hb[t] = ←H_t
  return tf.concat([Hf, Hb], -1); // [numSteps, batchSize, 2h]
}

/** Sizes of the check's blocks: every axis differs, so a tensor joined or flipped along the wrong axis is caught. */
const CHECK_SIZES = { numSteps: 5, batchSize: 3, numInputs: 2, numHiddens: 4 } as const;

/** A flip along `axis` (`"all"`: every axis, `tf.reverse` without an axis; `null`: none). */
type Flip = 0 | 1 | 2 | "all" | null;

function flip<T extends tf.Tensor>(x: T, axis: Flip): T {
  if (axis === null) return x;
  return (axis === "all" ? tf.reverse(x) : tf.reverse(x, axis)) as T;
}

const FLIPPED = { 1: "the batch (axis 1)", 2: "the features (axis 2)", all: "every axis at once" } as const;

/** Wrong versions of the forward pass, each with what the student reads when theirs matches it. */
function typicalMistakes(X: tf.Tensor3D, forward: GRUScratch, backward: GRUScratch): [tf.Tensor, string][] {
  const [Hf] = forward.forward(X);
  const backwardHalf = (inputFlip: Flip, outputFlip: Flip, block: GRUScratch = backward): tf.Tensor3D =>
    flip(block.forward(flip(X, inputFlip))[0], outputFlip);
  const both = (back: tf.Tensor3D): tf.Tensor => tf.concat([Hf, back], -1);
  const mistakes: [tf.Tensor, string][] = [
    [
      both(backwardHalf(0, null)),
      "the backward block's outputs are still in the order it read them, so at each step the two halves come from different steps of the sequence",
    ],
    [
      both(backwardHalf(null, null)),
      "your backward block reads X from the first step to the last, as the forward block does (time is axis 0 of X)",
    ],
    [
      both(backwardHalf(null, 0)),
      "your backward block reads X from the first step to the last, as the forward block does (time is axis 0 of X)",
    ],
    [tf.concat([backwardHalf(0, 0), Hf], -1), "your two halves are swapped: the forward direction's states come first"],
    [
      both(backwardHalf(0, 0, forward)),
      "your backward half is computed with the forward block's weights; each direction has its own block",
    ],
  ];
  for (const axis of [1, 2, "all"] as const) {
    const where = `one of your reversals flips ${FLIPPED[axis]}, not only time (axis 0 of [numSteps, batchSize, numInputs])`;
    for (const out of [null, 0, axis] as const) mistakes.push([both(backwardHalf(axis, out)), where]);
    if (axis !== 2) mistakes.push([both(backwardHalf(0, axis)), where]); // a flip of X's features is not a flip of h's
  }
  return mistakes;
}

function checkBidirectionalForward(answer: BidirectionalForwardFunction): Feedback {
  if (typeof answer !== "function") return wrong(`your answer is ${describe(answer)}, not a function`);
  const { numSteps, batchSize, numInputs, numHiddens: h } = CHECK_SIZES;
  const forward = new GRUScratch({ numInputs, numHiddens: h, sigma: 0.5, seed: 61 });
  const backward = new GRUScratch({ numInputs, numHiddens: h, sigma: 0.5, seed: 62 });
  const bi = new Bidirectional({ forward, backward }); // owns both blocks
  try {
    return tidyFeedback(() => {
      const X = seededTensor([numSteps, batchSize, numInputs], { uniform: 1 }, 6, "X") as tf.Tensor3D;
      const [reference] = bi.forward(X); // [numSteps, batchSize, 2h]
      const mine = answer(X, forward, backward);
      if (mine === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
      if (mine instanceof tf.Tensor) {
        const shape = `[${mine.shape.join(", ")}]`;
        const is = (...dims: number[]): boolean => mine.shape.join() === dims.join();
        if (is(numSteps, batchSize, h)) {
          return wrong(
            `your function returns ${shape}, one direction's width: the two directions' states must stay side by side, not be combined into one`,
          );
        }
        if (is(2 * numSteps, batchSize, h))
          return wrong(`your function returns ${shape}: the two directions are joined along the time axis`);
        if (is(numSteps, 2 * batchSize, h))
          return wrong(`your function returns ${shape}: the two directions are joined along the batch axis`);
        if (mine.rank === 2 && mine.shape[0] === batchSize) {
          return wrong(`your function returns ${shape}, the states of one step: return both directions' outputs at every step`);
        }
      }
      const gap = tensorGap(mine, reference, "the output, [numSteps, batchSize, 2 · numHiddens],");
      if (isFeedback(gap)) return gap;
      if (gap < 1e-5) {
        return correct("your forward pass computes what Bidirectional computes: at every step, the states of both directions side by side");
      }
      const ours = mine as tf.Tensor3D;
      for (const [mistake, message] of typicalMistakes(X, forward, backward)) {
        if (maxAbs(tf.sub(tf.cast(ours, "float32"), mistake)) < 1e-5) return wrong(message);
      }
      const half = (t: tf.Tensor3D, start: number): tf.Tensor => tf.slice(t, [0, 0, start], [numSteps, batchSize, h]);
      const gapOf = (start: number): number => maxAbs(tf.sub(half(tf.cast(ours, "float32") as tf.Tensor3D, start), half(reference, start)));
      const [front, back] = [gapOf(0), gapOf(h)];
      if (front < 1e-5) {
        return wrong(
          `your forward half is right, but your backward half differs from the backward direction's states by up to ${fmt(back)}`,
        );
      }
      if (back < 1e-5) {
        return wrong(
          `your backward half is right, but your forward half differs by up to ${fmt(front)}; does the forward block read X as it is?`,
        );
      }
      return wrong(`your outputs have the right shape but differ from both directions' states by up to ${fmt(gap)}`);
    });
  } finally {
    bi.dispose();
  }
}

/** The context of exercise 3: what the notebook measured. */
export interface BlankAccuracies {
  /** The forward-only model's validation accuracy at each blank position: `evaluate(tagger, data.atPosition(p))`, between 0 and 1. */
  readonly accuracies: Readonly<Record<BlankPosition, number>>;
}

/** Exercise 3: the position where the forward-only model fills a blank worst. */
export function hardestBlankPosition({ accuracies }: BlankAccuracies): BlankPosition {
  const worst = Math.min(...BLANK_POSITIONS.map((p) => accuracies[p]));
  return BLANK_POSITIONS.find((p) => accuracies[p] === worst) as BlankPosition; // the measurement decides
}

function validAccuracies(accuracies: unknown): accuracies is Record<BlankPosition, number> {
  if (typeof accuracies !== "object" || accuracies === null) return false;
  const values = accuracies as Record<string, unknown>;
  return BLANK_POSITIONS.every((p) => typeof values[p] === "number" && (values[p] as number) >= 0 && (values[p] as number) <= 1);
}

const CHOICES = BLANK_POSITIONS.map((p) => JSON.stringify(p)).join(", ");

/** A position in a sentence: "at the start", "in the middle", "at the end". */
const AT: Readonly<Record<BlankPosition, string>> = { start: "at the start", middle: "in the middle", end: "at the end" };

function checkHardestPosition(answer: BlankPosition, { accuracies }: BlankAccuracies): Feedback {
  if (!validAccuracies(accuracies)) {
    return wrong(
      "the accuracies passed in the context must be three numbers between 0 and 1: pass { accuracies: { start, middle, end } } as measured in the notebook",
    );
  }
  if (typeof answer !== "string") return wrong(`your answer is ${describe(answer)}; give one of ${CHOICES} as a string`);
  const position = answer.trim().toLowerCase() as BlankPosition;
  if (!BLANK_POSITIONS.includes(position)) return wrong(`${JSON.stringify(answer)} is not a position: give one of ${CHOICES}`);
  const pct = (a: number): string => `${fmt(100 * a)}%`;
  const mine = accuracies[position];
  if (mine <= Math.min(...BLANK_POSITIONS.map((p) => accuracies[p])) + 1e-9) {
    const why = position === "start" ? ": before the first letter it has read nothing of the word" : "";
    return correct(`${AT[position]} the forward-only model fills only ${pct(mine)} of the blanks, the fewest of the three positions${why}`);
  }
  const why = position === "end" ? " (at the last letter it has already read every other letter of the word)" : "";
  return wrong(`the forward-only model fills ${pct(mine)} of the blanks ${AT[position]}, and it does worse at another position${why}`);
}

/** The exercises of notebook 06-bidirectional. */
export const BIDIRECTIONAL_EXERCISES = {
  notebook: "06-bidirectional",
  file: "exercises/bidirectional.ts",
  exercises: {
    1: valueExercise<number>({
      title: "parameters of a bidirectional GRU layer",
      hint: "A GRU of 4 units reading 5 features has three sets of W_x· [5, 4], W_h· [4, 4] and b· [4]. How many GRUs does the layer hold, and does the merge learn anything?",
      explanation:
        "A bidirectional layer is two independent GRUs on the same input, one reading each way; concatenating their states needs no weights.",
      solution: biGRUParamCount,
      mistake: () => 3 * (5 * 4 + 4 * 4 + 4),
      check: checkBiCount,
    }),
    2: functionExercise<BidirectionalForwardFunction>({
      title: "the bidirectional forward pass",
      hint: "block.forward(inputs) returns [outputs, state], outputs in the order the block read its inputs. Which order must the backward half be in so that step t of both halves describes X_t?",
      explanation:
        "The backward block reads X_T … X_1; reversing its outputs puts ←H_t beside →H_t, and Bidirectional does the same within each valid length.",
      solution: bidirectionalForward,
      mistake: (X, forward, backward) => tf.concat([forward.forward(X)[0], backward.forward(tf.reverse(X, 0))[0]], -1),
      check: checkBidirectionalForward,
    }),
    3: valueExercise<BlankPosition, BlankAccuracies>({
      title: "where the forward-only model fills a blank worst",
      hint: "Compare the three accuracies you measured: which position's is lowest? Think of what a left-to-right model has read when it reaches the blank.",
      explanation:
        "A left-to-right model sees only the letters before the blank: none at the first letter, all the others at the last. The backward direction supplies the rest.",
      needs: ["accuracies"],
      example: () => ({ accuracies: { start: 0.19, middle: 0.46, end: 0.58 } }),
      solution: hardestBlankPosition,
      mistake: () => "end",
      check: checkHardestPosition,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
