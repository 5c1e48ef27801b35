/**
 * Tokenizers: text → tokens. Character level splits by Unicode code point (never by UTF-16 unit, so
 * a rare Han character outside the Basic Multilingual Plane stays one token); word level splits on
 * whitespace with options for case and punctuation.
 *
 * ```ts
 * charTokens("𠀀山");                                  // ["𠀀", "山"] (2 tokens, although .length is 3)
 * wordTokens("The Time, the Machine!");                // ["the", "time", "the", "machine"]
 * wordTokens("Hi, you!", { punctuation: "split" });   // ["hi", ",", "you", "!"]
 * ```
 * @see notebooks/01-language-models.ipynb
 */

/** Splits text into characters by code point. */
export function charTokens(text: string): string[] {
  return [...text];
}

/** What {@link wordTokens} does with punctuation. */
export type PunctuationMode = "drop" | "split" | "keep";

/** Options of {@link wordTokens}. */
export interface WordTokenOptions {
  /** Lower-case every token. Default `true`. */
  readonly lowercase?: boolean;
  /**
   * `"drop"` (default): punctuation is removed, words are runs of letters, digits and inner
   * apostrophes or hyphens; `"split"`: each punctuation mark becomes a token of its own;
   * `"keep"`: split on whitespace only, punctuation stays attached ("time,").
   */
  readonly punctuation?: PunctuationMode;
}

// A word: letters/digits (any script), optionally joined by an apostrophe or hyphen ("don't", "well-being").
const WORD = "[\\p{L}\\p{N}\\p{M}]+(?:['’-][\\p{L}\\p{N}\\p{M}]+)*";
const WORD_RE = new RegExp(WORD, "gu");
const WORD_OR_PUNCT_RE = new RegExp(`${WORD}|[^\\s\\p{L}\\p{N}\\p{M}]`, "gu");

/** Splits text into words. Lower-cases and drops punctuation by default; see {@link WordTokenOptions}. */
export function wordTokens(text: string, opts: WordTokenOptions = {}): string[] {
  const { lowercase = true, punctuation = "drop" } = opts;
  const t = lowercase ? text.toLowerCase() : text;
  switch (punctuation) {
    case "drop":
      return t.match(WORD_RE) ?? [];
    case "split":
      return t.match(WORD_OR_PUNCT_RE) ?? [];
    case "keep":
      return t.split(/\s+/u).filter((w) => w.length > 0);
    default:
      throw new Error(`wordTokens: punctuation must be "drop", "split" or "keep", got "${String(punctuation)}".`);
  }
}

/**
 * d2l's preprocessing of *The Time Machine*: every run of non-letters (anything but A–Z, a–z) becomes
 * one space, then lower case. With `perLine` (d2l's original version) each line is cleaned and trimmed
 * on its own and the lines are concatenated without a separator.
 */
export function lettersOnly(text: string, opts: { readonly perLine?: boolean } = {}): string {
  const clean = (s: string): string => s.replace(/[^A-Za-z]+/g, " ").toLowerCase();
  if (!opts.perLine) return clean(text);
  return text
    .split(/\r?\n/)
    .map((line) => clean(line).trim())
    .join("");
}
