/**
 * The exercise sets of the notebooks, by notebook name: `exercises("02-rnn")`.
 *
 * ```ts
 * const ex = exercises("02-rnn");
 * const myParamCount = undefined; // ← your answer
 * ex.check(1, myParamCount);      // … Exercise 1 · parameters of the small RNN: not answered yet. …
 * ```
 */
import { ATTENTION_EXERCISES } from "./attention";
import { BIDIRECTIONAL_EXERCISES } from "./bidirectional";
import { DEEP_RNN_EXERCISES } from "./deep-rnn";
import { DINOSAUR_NAMES_EXERCISES } from "./dinosaur-names";
import { ExerciseOptions, ExerciseSet } from "./exercise";
import { GRU_EXERCISES } from "./gru";
import { LANGUAGE_MODEL_EXERCISES } from "./language-models";
import { LSTM_EXERCISES } from "./lstm";
import { PLOTS_EXERCISES } from "./plots";
import { RNN_EXERCISES } from "./rnn";
import { SEQ2SEQ_EXERCISES } from "./seq2seq";
import { TANG_POEMS_EXERCISES } from "./tang-poems";

/** Every notebook's exercises, keyed by the notebook's file name without `.ipynb`. */
export const EXERCISE_BOOKS = {
  "00b-plots": PLOTS_EXERCISES,
  "01-language-models": LANGUAGE_MODEL_EXERCISES,
  "02-rnn": RNN_EXERCISES,
  "03-gru": GRU_EXERCISES,
  "04-lstm": LSTM_EXERCISES,
  "05-deep-rnn": DEEP_RNN_EXERCISES,
  "06-bidirectional": BIDIRECTIONAL_EXERCISES,
  "07-seq2seq": SEQ2SEQ_EXERCISES,
  "07b-attention": ATTENTION_EXERCISES,
  "08-dinosaur-names": DINOSAUR_NAMES_EXERCISES,
  "09-tang-poems": TANG_POEMS_EXERCISES,
} as const;

/** A notebook that has checked exercises. */
export type NotebookWithExercises = keyof typeof EXERCISE_BOOKS;

/** The exercise set of one notebook (its type knows each exercise's answer and context). */
export type NotebookExercises<K extends NotebookWithExercises> = ExerciseSet<(typeof EXERCISE_BOOKS)[K]["exercises"]>;

/**
 * The exercises of a notebook: `check(n, answer, context?)` prints ✓, ✗ with what is wrong, or "not
 * answered yet"; `hint(n)` and `solution(n)` show more only when called.
 *
 * ```ts
 * const ex = exercises("02-rnn");
 * ex.check(1, myParamCount);
 * ex.check(4, myTemperature, { logits: firstLetter });
 * ex.hint(4);
 * ex.solution(4);
 * ```
 * @param notebook the notebook's file name without `.ipynb`, e.g. `"02-rnn"`.
 * @param options where lines and solutions go (default: the cell's output).
 * @throws Error naming the notebooks that have exercises, when `notebook` is not one of them.
 */
export function exercises<K extends NotebookWithExercises>(notebook: K, options: ExerciseOptions = {}): NotebookExercises<K> {
  const book = Object.prototype.hasOwnProperty.call(EXERCISE_BOOKS, notebook) ? EXERCISE_BOOKS[notebook] : undefined;
  if (book === undefined) {
    throw new Error(
      `exercises: no exercises for "${String(notebook)}". Notebooks with exercises: ${Object.keys(EXERCISE_BOOKS).join(", ")}.`,
    );
  }
  return new ExerciseSet<(typeof EXERCISE_BOOKS)[K]["exercises"]>(book, options);
}
