/**
 * Checked exercises: a student writes an answer (a value or a function) in a cell, and one call says
 * ✓, ✗ with what is wrong, or "not answered yet". Hints and reference solutions appear only when asked,
 * so a fresh "Run All" gives nothing away, and no check ever throws on a wrong or missing answer.
 *
 * ```ts
 * const ex = exercises("02-rnn");  // the notebook's exercise set
 * const myParamCount = undefined;  // ← your answer
 * ex.check(1, myParamCount);       // ✓ / ✗ what is wrong / … not answered yet
 * ex.hint(1);                      // a hint, only when called
 * ex.solution(1);                  // the reference solution's tested source, only when called
 * ```
 *
 * Each notebook's exercises live in one file of this folder, beside their reference solutions and one
 * typical mistake each; `exercises.test.ts` checks that every solution passes and every mistake fails.
 * @see notebooks/01-language-models.ipynb
 */
import { markdown } from "../notebook/display";
import { sourceOf } from "../notebook/source";

/** What a check concluded about one answer. */
export type Verdict = "correct" | "wrong" | "unanswered";

/** A verdict with the sentence the student reads (never the expected value of a wrong answer). */
export interface Feedback {
  readonly verdict: Verdict;
  readonly message: string;
}

/** ✓: the message may state the fact the exercise teaches. */
export function correct(message: string): Feedback {
  return { verdict: "correct", message };
}

/** ✗: the message says what is wrong, not what is right. */
export function wrong(message: string): Feedback {
  return { verdict: "wrong", message };
}

/** Not answered yet, e.g. a function that still returns `undefined`; `message` says what to do. */
export function unanswered(message: string): Feedback {
  return { verdict: "unanswered", message };
}

/** Any function; the type of a reference solution, whose source `solution(n)` shows. */
export type AnyFunction = (...args: never[]) => unknown;

/**
 * One exercise, as the exercise set uses it. Build one with {@link valueExercise} or
 * {@link functionExercise}. `A` is the answer's type, `C` the context the notebook passes to `check`
 * (`void`: none).
 */
export interface Exercise<A, C> {
  /** A few words, shown in every line about this exercise, e.g. `"parameters of the small RNN"`. */
  readonly title: string;
  /** Printed by `hint(n)`: a nudge, not the answer. */
  readonly hint: string;
  /** One line printed under the solution's code: why it is right. */
  readonly explanation: string;
  /** The reference solution, a named top-level function of the exercise file; `solution(n)` shows its source. */
  readonly solution: AnyFunction;
  /** Keys the context must have (empty: `check` takes no context). */
  readonly needs: readonly string[];
  /** The reference answer for this context (what the solution gives). */
  reference(context: C): A;
  /** A typical student mistake for this context; the tests require it to be judged wrong. */
  mistake(context: C): A;
  /** A context to test with (synthetic, small; `undefined` when there is none). */
  example(): C;
  /** Judges an answer that is neither `undefined` nor `null`. May throw: the set reports that as ✗. */
  judge(answer: A, context: C): Feedback;
}

/** The words of an exercise. */
export interface ExerciseText {
  /** See {@link Exercise.title}. */
  readonly title: string;
  /** See {@link Exercise.hint}. */
  readonly hint: string;
  /** See {@link Exercise.explanation}. */
  readonly explanation: string;
}

/** What an exercise with a context declares in addition: the context's keys and an example of it. */
export type ContextSpec<C> = [C] extends [void]
  ? { readonly needs?: undefined; readonly example?: undefined }
  : { readonly needs: readonly (keyof C & string)[]; readonly example: () => C };

/** Definition of an exercise whose answer is a value that the solution computes from the context. */
export type ValueExerciseSpec<A, C> = ExerciseText &
  ContextSpec<C> & {
    /** Computes the right answer from the context (shown by `solution(n)`). */
    readonly solution: (context: C) => A;
    /** A typical wrong answer. */
    readonly mistake: (context: C) => A;
    /** Judges a given answer. */
    readonly check: (answer: A, context: C) => Feedback;
  };

/** Definition of an exercise whose answer is a function; the solution is that function. */
export type FunctionExerciseSpec<F extends AnyFunction, C> = ExerciseText &
  ContextSpec<C> & {
    /** The reference function (shown by `solution(n)`). */
    readonly solution: F;
    /** A typical wrong function. */
    readonly mistake: F;
    /** Judges a given function, e.g. by calling it on probes and comparing with `solution`. */
    readonly check: (answer: F, context: C) => Feedback;
  };

/** The parts every exercise takes from its spec as they are. */
function shared<C>(
  spec: ExerciseText & { readonly solution: AnyFunction; readonly needs?: readonly string[]; readonly example?: () => C },
) {
  const { title, hint, explanation, solution, needs = [], example = (): C => undefined as C } = spec;
  return { title, hint, explanation, solution, needs, example };
}

/** An exercise whose answer is a value, e.g. a count, a temperature, an array of colours. */
export function valueExercise<A, C = void>(spec: ValueExerciseSpec<A, C>): Exercise<A, C> {
  return {
    ...shared<C>(spec),
    reference: (context) => spec.solution(context),
    mistake: (context) => spec.mistake(context),
    judge: (answer, context) => spec.check(answer, context),
  };
}

/** An exercise whose answer is a function, e.g. one RNN step written with tfjs ops. */
export function functionExercise<F extends AnyFunction, C = void>(spec: FunctionExerciseSpec<F, C>): Exercise<F, C> {
  return {
    ...shared<C>(spec),
    reference: () => spec.solution,
    mistake: () => spec.mistake,
    judge: (answer, context) => spec.check(answer, context),
  };
}

/** The exercises of one notebook, numbered as in the notebook. Method syntax keeps the entries' types apart. */
export type ExerciseMap = Readonly<Record<number, Exercise<unknown, unknown>>>;

/** One notebook's exercises and the lib file that holds their solutions. */
export interface ExerciseBook<M extends ExerciseMap> {
  /** The notebook's file name without `.ipynb`, e.g. `"02-rnn"`. */
  readonly notebook: string;
  /** The file with the solutions, relative to `lib/src`, e.g. `"exercises/rnn.ts"`. */
  readonly file: string;
  /** The exercises by number. */
  readonly exercises: M;
}

/** The answer type of an exercise. */
export type AnswerOf<E> = E extends Exercise<infer A, infer _C> ? A : never;
/** The context type of an exercise (`void`: none). */
export type ContextOf<E> = E extends Exercise<infer _A, infer C> ? C : never;
/** The trailing arguments of `check`: none, or the context. */
export type ContextArgs<C> = [C] extends [void] ? [] : [context: C];

/** Where an {@link ExerciseSet} writes. */
export interface ExerciseOptions {
  /** Receives each line of `check` and `hint`. Default `console.log`. */
  readonly print?: (line: string) => void;
  /** Receives the Markdown of `solution`. Default: shown in the notebook (plain text elsewhere). */
  readonly showMarkdown?: (text: string) => void;
}

/** Marks the start of each line `check` prints, by verdict. */
export const VERDICT_MARKS: Readonly<Record<Verdict, string>> = { correct: "✓", wrong: "✗", unanswered: "…" };

/** `text` ending with a full stop (unless it already ends with . ! or ?). */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A notebook's exercises, ready to check answers. Get one with `exercises("02-rnn")`.
 * Only misuse throws (an unknown exercise number, a missing context); answers never do.
 */
export class ExerciseSet<M extends ExerciseMap> {
  private readonly print: (line: string) => void;
  private readonly showMarkdown: (text: string) => void;

  constructor(
    /** The notebook's exercises and solution file. */
    readonly book: ExerciseBook<M>,
    options: ExerciseOptions = {},
  ) {
    this.print = options.print ?? ((line) => console.log(line));
    this.showMarkdown = options.showMarkdown ?? markdown;
  }

  /** The exercise numbers, in order. */
  get numbers(): number[] {
    return Object.keys(this.book.exercises)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** The definition of exercise `n`. @throws Error naming the valid numbers when there is no exercise `n`. */
  exercise<N extends keyof M & number>(n: N): M[N] {
    const found = Number.isInteger(n) ? this.book.exercises[n] : undefined;
    if (found === undefined) {
      throw new Error(`${this.book.notebook} has exercises ${this.numbers.join(", ")}; there is no exercise ${String(n)}.`);
    }
    return found as M[N];
  }

  /**
   * Checks an answer and prints one line: `✓ …`, `✗ …` (what is wrong, never the expected value) or
   * `… not answered yet` (for `undefined`/`null`). Returns nothing, so the cell shows only that line.
   * @param context the notebook values the check needs, for exercises that name some (see the notebook).
   * @throws Error only for misuse: no exercise `n`, or a missing context.
   */
  check<N extends keyof M & number>(n: N, answer: AnswerOf<M[N]> | undefined | null, ...context: ContextArgs<ContextOf<M[N]>>): void {
    const ex: Exercise<unknown, unknown> = this.exercise(n);
    const ctx = this.contextFor(n, ex, context[0]);
    let feedback: Feedback;
    if (answer === undefined || answer === null) {
      feedback = unanswered(`Replace ${String(answer)} by your answer and run the cell again.`);
    } else {
      try {
        feedback = ex.judge(answer, ctx);
      } catch (err) {
        feedback = wrong(`your answer raised an error: ${errorText(err)}`);
      }
    }
    this.print(this.line(n, feedback));
  }

  /** Prints the hint of exercise `n`. */
  hint(n: keyof M & number): void {
    const ex = this.exercise(n);
    this.print(`Hint for exercise ${n} (${ex.title}): ${ex.hint}`);
  }

  /** Shows the reference solution of exercise `n`: its tested source from the lib, and why it is right. */
  solution(n: keyof M & number): void {
    this.showMarkdown(this.solutionMarkdown(n));
  }

  /** The Markdown that {@link ExerciseSet.solution} shows. */
  solutionMarkdown(n: keyof M & number): string {
    const ex = this.exercise(n);
    const name = ex.solution.name;
    const code = sourceOf(this.book.file, name).replace(/^export /m, "");
    return (
      `**Exercise ${n} · ${ex.title}: a solution**\n\n` +
      "```ts\n" +
      code +
      "\n```\n" +
      `<sub>from \`lib/src/${this.book.file}\`, where the unit tests check it</sub>\n\n` +
      ex.explanation
    );
  }

  private contextFor(n: number, ex: Exercise<unknown, unknown>, context: unknown): unknown {
    if (ex.needs.length === 0) return undefined;
    const usage = `ex.check(${n}, answer, { ${ex.needs.join(", ")} })`;
    if (typeof context !== "object" || context === null) {
      throw new Error(`Exercise ${n} needs values from the notebook: call ${usage}.`);
    }
    const missing = ex.needs.filter((key) => !(key in context));
    if (missing.length > 0) throw new Error(`Exercise ${n}: the context lacks ${missing.join(", ")}; call ${usage}.`);
    return context;
  }

  private line(n: number, feedback: Feedback): string {
    const head = `${VERDICT_MARKS[feedback.verdict]} Exercise ${n} · ${this.exercise(n).title}`;
    const hint = `ex.hint(${n}) gives a hint.`;
    switch (feedback.verdict) {
      case "correct":
        return `${head}: ${feedback.message}`;
      case "wrong":
        return `${head}: ${sentence(feedback.message)} ${hint}`;
      case "unanswered":
        return `${head}: not answered yet. ${sentence(feedback.message)} ${hint}`;
    }
  }
}
