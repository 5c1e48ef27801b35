import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { lmBatchCount } from "../data/lm-batches";
import { GRUScratch } from "../rnn/gru";
import { LSTMScratch } from "../rnn/lstm";
import { RNNScratch } from "../rnn/rnn";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { Exercise } from "./exercise";
import { fmt } from "./feedback";
import { gruNewState } from "./gru";
import { sequentialBatchCount } from "./language-models";
import { EXERCISE_BOOKS, NotebookWithExercises, exercises } from "./notebooks";
import { rnnStep } from "./rnn";

useBackendWithFullBudgets();

/** An exercise set seen without its per-exercise types, as a loop over all of them needs it. */
interface LooseSet {
  readonly numbers: number[];
  exercise(n: number): Exercise<unknown, unknown>;
  check(n: number, answer: unknown, context?: unknown): void;
  hint(n: number): void;
  solution(n: number): void;
  solutionMarkdown(n: number): string;
}

/** The set of `notebook` with every printed line and shown Markdown captured. */
function captured(notebook: NotebookWithExercises): { set: LooseSet; lines: string[]; shown: string[] } {
  const lines: string[] = [];
  const shown: string[] = [];
  const set = exercises(notebook, { print: (line) => lines.push(line), showMarkdown: (md) => shown.push(md) }) as unknown as LooseSet;
  return { set, lines, shown };
}

/** Checks one answer and returns the single line printed; fails when tensors were leaked. */
function checkLine(set: LooseSet, lines: string[], n: number, answer: unknown, context: unknown): string {
  const before = tf.memory().numTensors;
  const count = lines.length;
  set.check(n, answer, context);
  assert.equal(tf.memory().numTensors, before, `exercise ${n}: the check leaked tensors`);
  assert.equal(lines.length, count + 1, `exercise ${n}: check must print exactly one line`);
  return lines[lines.length - 1];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** True when `message` spells out `value` (a number in any usual rounding, or a short string, quoted or as a word). */
function mentions(message: string, value: unknown): boolean {
  if (typeof value === "number") {
    const forms = new Set([
      String(value),
      fmt(value),
      value.toFixed(1),
      value.toFixed(2),
      value.toFixed(3),
      value.toPrecision(2),
      value.toPrecision(3),
    ]);
    return [...forms].some((f) => new RegExp(`(?<![\\d.])${escape(f)}(?!\\d|\\.\\d)`).test(message));
  }
  if (typeof value === "string" && value.length <= 20) {
    const quoted = [JSON.stringify(value), `'${value}'`, `\`${value}\``].some((q) => message.includes(q));
    return quoted || (value.length >= 3 && new RegExp(`\\b${escape(value)}\\b`, "i").test(message));
  }
  return false;
}

const NOTEBOOKS = Object.keys(EXERCISE_BOOKS) as NotebookWithExercises[];

for (const notebook of NOTEBOOKS) {
  describe(`exercises("${notebook}")`, () => {
    const { set, lines, shown } = captured(notebook);

    test("numbers its exercises 1, 2, 3, … and defines every part of each", () => {
      assert.ok(set.numbers.length > 0);
      assert.deepEqual(
        set.numbers,
        set.numbers.map((_, i) => i + 1),
      );
      for (const n of set.numbers) {
        const ex = set.exercise(n);
        for (const key of ["title", "hint", "explanation"] as const) assert.ok(ex[key].trim().length > 0, `exercise ${n} has no ${key}`);
        assert.equal(typeof ex.solution, "function", `exercise ${n} has no solution`);
        assert.ok(ex.solution.name.length > 0, `exercise ${n}: the solution must be a named function, so its source can be shown`);
        assert.equal(typeof ex.mistake, "function", `exercise ${n} has no typical mistake`);
        const context = ex.example();
        if (ex.needs.length > 0) {
          assert.ok(typeof context === "object" && context !== null, `exercise ${n} needs a context but has no example`);
          for (const key of ex.needs) assert.ok(key in context, `exercise ${n}: the example context lacks ${key}`);
        }
      }
    });

    test("the reference solution gives ✓, the typical mistake ✗ without the expected value, no answer neither", () => {
      for (const n of set.numbers) {
        const ex = set.exercise(n);
        const context = ex.example();
        const expected = ex.reference(context);
        const right = checkLine(set, lines, n, expected, context);
        assert.match(right, /^✓ /, `exercise ${n}, reference solution: ${right}`);
        const mistake = checkLine(set, lines, n, ex.mistake(context), context);
        assert.match(mistake, /^✗ /, `exercise ${n}, typical mistake: ${mistake}`);
        const body = (line: string): string => line.slice(`✗ Exercise ${n} · ${ex.title}: `.length); // the title states the question
        assert.ok(!mentions(body(mistake), expected), `exercise ${n}: "${mistake}" gives away ${String(expected)}`);
        for (const missing of [undefined, null]) {
          const none = checkLine(set, lines, n, missing, context);
          assert.match(none, /^… Exercise \d+ · .*: not answered yet\./, `exercise ${n}, ${missing}: ${none}`);
          assert.ok(none.includes(`ex.hint(${n})`), `exercise ${n}: "not answered" must say how to get a hint`);
          assert.ok(!mentions(body(none), expected), `exercise ${n}: "${none}" gives away ${String(expected)}`);
        }
      }
    });

    test("a junk answer gives ✗ or 'not answered', never an exception or a leak", () => {
      const junk: unknown[] = [
        "junk",
        42,
        -1,
        NaN,
        Infinity,
        {},
        [],
        [1, 2],
        () => undefined,
        () => 1,
        () => "x",
        () => {
          throw new Error("boom");
        },
      ];
      for (const n of set.numbers) {
        const context = set.exercise(n).example();
        for (const answer of junk) {
          const line = checkLine(set, lines, n, answer, context);
          if (!line.startsWith("✓ ")) assert.match(line, /^(✗ |… )/, `exercise ${n}, answer ${String(answer)}: ${line}`);
        }
      }
    });

    test("hints and solutions appear only when asked, the solution as its tested source", () => {
      for (const n of set.numbers) {
        const ex = set.exercise(n);
        const count = lines.length;
        set.hint(n);
        assert.equal(lines.length, count + 1);
        assert.ok(lines[count].includes(ex.hint));
        set.solution(n);
        const md = shown[shown.length - 1];
        assert.match(md, new RegExp(`^\\*\\*Exercise ${n} · `));
        assert.match(md, new RegExp("```ts\\n(/\\*\\*[\\s\\S]*?\\*/\\n)?function " + ex.solution.name + "\\b"), md);
        assert.ok(md.endsWith(ex.explanation));
      }
    });

    test("misuse throws with a message that lists the valid choices", () => {
      assert.throws(() => set.check(99, 1), new RegExp(`${notebook} has exercises ${set.numbers.join(", ")}; there is no exercise 99`));
      assert.throws(() => set.hint(0), /there is no exercise 0/);
      for (const n of set.numbers) {
        const ex = set.exercise(n);
        if (ex.needs.length === 0) continue;
        assert.throws(
          () => set.check(n, ex.reference(ex.example())),
          new RegExp(`Exercise ${n} needs values from the notebook: call ex\\.check\\(${n}, answer, \\{ `),
        );
        assert.throws(() => set.check(n, 1, {}), new RegExp(`the context lacks ${escape(ex.needs[0])}`));
      }
    });
  });
}

test("exercises() names the notebooks that have exercises when given another", () => {
  assert.throws(
    () => exercises("99-nope" as NotebookWithExercises),
    /no exercises for "99-nope"\. Notebooks with exercises: 00b-plots, 01-language-models/,
  );
});

test("check prints ✓, ✗ and 'not answered' lines in the notebook's words", () => {
  const { set, lines } = captured("01-language-models");
  set.check(1, undefined);
  set.check(1, 0.25);
  set.check(1, 4);
  assert.deepEqual(lines, [
    "… Exercise 1 · perplexity of p = 1/4: not answered yet. Replace undefined by your answer and run the cell again. ex.hint(1) gives a hint.",
    "✗ Exercise 1 · perplexity of p = 1/4: 0.25 is below 1, and no model does better than perplexity 1 (p = 1 for every true token). ex.hint(1) gives a hint.",
    "✓ Exercise 1 · perplexity of p = 1/4: a constant probability p gives perplexity 1/p: the model hesitates between 4 tokens",
  ]);
});

test("the reference solutions agree with the lib's models and batch count", () => {
  tf.tidy(() => {
    const rnn = new RNNScratch({ numInputs: 5, numHiddens: 4, sigma: 0.5, seed: 2 });
    const X = tf.randomNormal([1, 3, 5], 0, 1, "float32", 1) as tf.Tensor3D;
    const H0 = tf.randomUniform([3, 4], -1, 1, "float32", 2) as tf.Tensor2D;
    const [outputs] = rnn.forward(X, [H0]);
    assert.ok(
      maxAbsDiff(
        rnnStep(tf.squeeze(X, [0]) as tf.Tensor2D, H0, rnn.W_xh as tf.Tensor2D, rnn.W_hh as tf.Tensor2D, rnn.b_h as tf.Tensor1D),
        tf.squeeze(outputs, [0]),
      ) < 1e-6,
    );
    const gru = new GRUScratch({ numInputs: 5, numHiddens: 4 });
    const Z = tf.randomUniform([3, 4], 0, 1, "float32", 3) as tf.Tensor2D;
    const H_tilde = tf.randomUniform([3, 4], -1, 1, "float32", 4) as tf.Tensor2D;
    assert.ok(maxAbsDiff(gruNewState(H0, Z, H_tilde), gru.newState(H0, Z, H_tilde)) < 1e-6);
    const lstm = new LSTMScratch({ numInputs: 5, numHiddens: 4 });
    const size = (vs: tf.Variable[]): number => vs.reduce((n, v) => n + v.size, 0);
    const ex = (n: 1, notebook: "02-rnn" | "03-gru" | "04-lstm"): number => exercises(notebook).exercise(n).reference();
    assert.deepEqual(
      [ex(1, "02-rnn"), ex(1, "03-gru"), ex(1, "04-lstm")],
      [size(rnn.trainableVariables()), size(gru.trainableVariables()), size(lstm.trainableVariables())],
    );
    for (const model of [rnn, gru, lstm]) model.dispose();
  });
  for (const numTokens of [1155, 5000, 123_456, 987_654]) {
    assert.equal(sequentialBatchCount({ numTokens }), lmBatchCount(numTokens, { batchSize: 32, numSteps: 35 }));
  }
});

test("check is typed: unknown numbers, wrong answer types and missing contexts do not compile", () => {
  // Never called: the compiler checks these lines.
  const typeChecks = (): void => {
    const ex = exercises("02-rnn");
    ex.check(1, undefined);
    ex.check(1, 56);
    ex.check(4, 0.5, { logits: [1, 2, 3] });
    ex.check(2, (Xt: tf.Tensor, Hprev: tf.Tensor) => tf.add(Xt, Hprev));
    // @ts-expect-error there is no exercise 9
    ex.check(9, 1);
    // @ts-expect-error exercise 1 wants a number
    ex.check(1, "56");
    // @ts-expect-error exercise 4 needs the logits
    ex.check(4, 0.5);
    // @ts-expect-error exercise 1 takes no context
    ex.check(1, 56, { logits: [] });
  };
  assert.equal(typeof typeChecks, "function");
});
