/**
 * Automatic checks for notebook exercises: a cell computes an answer, `checkExercise` prints ✓ when it
 * is right and a hint when it is not (or not yet written). It never throws, so an unsolved exercise
 * does not stop "Run all".
 *
 * ```ts
 * const answer: number | undefined = undefined; // your code here
 * checkExercise("uniform perplexity", answer, 28, "A uniform model over V tokens has perplexity V.");
 * ```
 * @see notebooks/01-language-models.ipynb
 */

/** What {@link checkExercise} compares: numbers (with a tolerance), strings, booleans, or arrays of them. */
export type ExerciseValue = number | string | boolean | readonly (number | string | boolean)[];

function same(a: ExerciseValue, b: ExerciseValue, tol: number): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => same(x as ExerciseValue, (b as readonly ExerciseValue[])[i], tol));
  }
  if (typeof a === "number" && typeof b === "number") {
    if (a === b) return true; // also Infinity === Infinity
    return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
  }
  return a === b;
}

/**
 * Prints `✓ label` when `answer` equals `expected` (numbers: relative tolerance `tol`), otherwise
 * `✗ label — hint` (or `… — not answered yet — hint` when `answer` is undefined). Returns nothing, so
 * that a notebook cell ending with it shows only the message; use {@link exerciseCorrect} for the verdict.
 */
export function checkExercise(label: string, answer: ExerciseValue | undefined | null, expected: ExerciseValue, hint: string, tol = 1e-6): void {
  if (answer === undefined || answer === null) {
    console.log(`… ${label}: not answered yet. Hint: ${hint}`);
    return;
  }
  const ok = exerciseCorrect(answer, expected, tol);
  console.log(ok ? `✓ ${label}` : `✗ ${label}: ${JSON.stringify(answer)} is not right yet. Hint: ${hint}`);
}

/** True when `answer` equals `expected` (numbers within relative tolerance `tol`, arrays element by element). */
export function exerciseCorrect(answer: ExerciseValue | undefined | null, expected: ExerciseValue, tol = 1e-6): boolean {
  return answer !== undefined && answer !== null && same(answer, expected, tol);
}
