/**
 * Grapheme-to-phoneme (G2P) on CMUdict: read a word letter by letter, write its pronunciation phoneme by
 * phoneme. Stress digits are dropped (39 ARPAbet phonemes), and a word with several listed pronunciations
 * ("either": `IY DH ER`, `AY DH ER`) gives one pair per pronunciation; when scoring, a prediction is right
 * if it equals any of them.
 *
 * ```text
 * pair      "cat" → "K AE T"
 * src       c a t <pad> …        one token per letter (27 with <pad>)
 * Y         K AE T <eos> …       one token per phoneme (39 + <pad>, <bos>, <eos>)
 * ```
 *
 * ```ts
 * const data = g2pSource({ batchSize: 128 });   // 80/10/10 split by word
 * data.pronunciations("either");                 // [["IY", "DH", "ER"], ["AY", "DH", "ER"]]
 * data.decodePhonemes(ids);                      // ["K", "AE", "T"]: a decoder's output ids as phonemes
 * g2pErrorRates(preds, data.pronunciations);     // preds: one { word, phonemes } per test word → { wer, per, ... }
 * ```
 * @see notebooks/07b-attention.ipynb
 */
import { cmudict } from "./cmudict";
import { textPairSource } from "./pairs";
import type { PairSource, TextPair, TextPairSourceOptions } from "./pairs";
import { DEFAULT_SEED, Rng } from "./rng";

/** Sizes of the G2P data, pinned by the tests. */
export const G2P_COUNTS = {
  /** Distinct words (letters a–z only). */
  words: 116_506,
  /** CMUdict entries with variants, before stress digits are dropped. */
  entries: 124_567,
  /** Distinct (word, pronunciation) pairs once stress is dropped: 290 variants differed only in stress. */
  pairs: 124_277,
  /** Words with two or more distinct pronunciations (without stress). */
  wordsWithVariants: 7_226,
  /** Most pronunciations listed for one word ("associate", "florida", …). */
  maxPronunciations: 4,
  /** Phoneme symbols without stress digits. */
  phonemes: 39,
  /** Letters of the longest word. */
  longestWord: 34,
  /** Phonemes of the longest pronunciation. */
  longestPronunciation: 32,
} as const;

/** Options of {@link g2pPairs}. */
export interface G2pPairsOptions {
  /**
   * Keep only words of at most this many letters. Default: every length (up to 34). Every batch is padded to
   * the longest word, and 99.8% of the words have at most 15 letters, so a cap of about 15 saves padded steps.
   */
  readonly maxLetters?: number;
  /** Keep only this many words (after `maxLetters`), drawn with `seed`, each with all its pronunciations. Default: every word. */
  readonly maxWords?: number;
  /** Seed of the `maxWords` draw. Default 42. */
  readonly seed?: number;
}

/**
 * CMUdict as G2P pairs `{ input: "cat", target: "K AE T" }`: phonemes without stress digits, joined by one
 * space; every distinct pronunciation of a word is a pair of its own (variants that differed only in stress
 * are kept once). Dictionary order (alphabetical, a word's pronunciations in their listed order), also for a
 * `maxWords` subset. All words: {@link G2P_COUNTS} (116,506 words, 124,277 pairs).
 * @throws Error when `maxLetters` is not a positive integer, or `maxWords` is not an integer from 1 to the
 * number of words left.
 */
export function g2pPairs(opts: G2pPairsOptions = {}): TextPair[] {
  const { maxLetters, maxWords, seed = DEFAULT_SEED } = opts;
  const byWord = pronunciationLists();
  let words = [...byWord.keys()];
  if (maxLetters !== undefined) {
    if (!Number.isInteger(maxLetters) || maxLetters < 1) {
      throw new Error(`g2pPairs: maxLetters must be a positive integer, got ${maxLetters}; leave it out for words of every length.`);
    }
    words = words.filter((w) => w.length <= maxLetters);
  }
  if (maxWords !== undefined) {
    if (!Number.isInteger(maxWords) || maxWords < 1 || maxWords > words.length) {
      const left = maxLetters === undefined ? "" : ` (the words of at most ${maxLetters} letter${maxLetters === 1 ? "" : "s"})`;
      throw new Error(`g2pPairs: maxWords must be an integer from 1 to ${words.length}${left}, got ${maxWords}; leave it out for every word.`);
    }
    const keep = new Set(new Rng(seed).shuffle([...words]).slice(0, maxWords));
    words = words.filter((w) => keep.has(w)); // back in dictionary order
  }
  return words.flatMap((word) => byWord.get(word)!.map((p) => ({ input: word, target: p.join(" ") })));
}

let memo: Map<string, readonly (readonly string[])[]> | undefined;

/** Every word's distinct pronunciations without stress, in dictionary order (built once). */
function pronunciationLists(): Map<string, readonly (readonly string[])[]> {
  if (memo) return memo;
  const lists = new Map<string, string[][]>();
  const seen = new Set<string>();
  for (const { word, phonemes } of cmudict({ variants: true, stress: false })) {
    const key = `${word} ${phonemes.join(" ")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = lists.get(word) ?? [];
    list.push([...phonemes]);
    lists.set(word, list);
  }
  memo = lists;
  return lists;
}

/** Options of {@link g2pSource}: those of {@link textPairSource} but the tokenization and the split, which G2P fixes. */
export interface G2pSourceOptions extends G2pPairsOptions, Omit<TextPairSourceOptions, "splitBy" | "tokenize" | "targetTokenize"> {
  /** Seed of the `maxWords` draw, of the split and of the per-epoch shuffles. Default 42. */
  readonly seed?: number;
}

/** The {@link PairSource} of {@link g2pSource}, with the words of each split and every listed pronunciation. */
export interface G2pSource extends PairSource {
  /** The training words, distinct, in dictionary order. */
  readonly trainWords: readonly string[];
  /** The validation words, distinct, in dictionary order. */
  readonly valWords: readonly string[];
  /** The test words, distinct, in dictionary order: score each once with {@link g2pErrorRates}. */
  readonly testWords: readonly string[];
  /**
   * Every listed pronunciation of a word of this source (any split), in dictionary order, as fresh arrays.
   * A plain function (no `this`): pass it as is as the `references` of {@link g2pErrorRates}.
   * @throws Error when the word is not in this source.
   */
  pronunciations(word: string): string[][];
  /** Target ids back to phonemes: stops at the first `<eos>`, skips `<bos>` and `<pad>`; `[]` if nothing is left. */
  decodePhonemes(ids: ArrayLike<number>): string[];
}

/**
 * Batches for G2P: {@link g2pPairs} through {@link textPairSource} with `tokenize: "chars"` (letters in),
 * `targetTokenize: "words"` (phonemes out) and `splitBy: "input"`, so all pronunciations of a word go to
 * one split and no word is in two. With every word and `valFraction`, `testFraction` 0.1 (the defaults),
 * 11,650 words are held out for validation and 11,650 for the test; `maxLetters` and `maxWords` shrink the data.
 * @throws Error for the options {@link g2pPairs} or {@link textPairSource} reject.
 */
export function g2pSource(opts: G2pSourceOptions): G2pSource {
  const { maxLetters, maxWords, seed = DEFAULT_SEED, ...rest } = opts;
  const pairs = g2pPairs({ maxLetters, maxWords, seed });
  const data = textPairSource(pairs, { ...rest, seed, splitBy: "input", tokenize: "chars", targetTokenize: "words" });
  const refs = new Map<string, string[][]>();
  for (const p of pairs) {
    const list = refs.get(p.input) ?? [];
    list.push(p.target.split(" "));
    refs.set(p.input, list);
  }
  const wordsOf = (split: readonly TextPair[]): string[] => [...new Set(split.map((p) => p.input))];
  return {
    ...data,
    trainWords: wordsOf(data.trainPairs),
    valWords: wordsOf(data.valPairs),
    testWords: wordsOf(data.testPairs),
    pronunciations(word: string): string[][] {
      const list = refs.get(word);
      if (!list) {
        throw new Error(
          `pronunciations: ${JSON.stringify(word)} is not a word of this source (${refs.size} words, lower-case a–z); ` +
            `score the words of trainWords, valWords or testWords.`,
        );
      }
      return list.map((p) => [...p]);
    },
    decodePhonemes(ids: ArrayLike<number>): string[] {
      const text = data.decodeTarget(ids);
      return text === "" ? [] : text.split(" ");
    },
  };
}

/**
 * Levenshtein distance between two token lists: the fewest insertions, deletions and substitutions (each
 * costing 1) that turn `a` into `b`. Symmetric; 0 only for equal lists.
 *
 * ```ts
 * editDistance([..."kitten"], [..."sitting"]);           // 3
 * editDistance(["K", "AE", "T"], ["K", "AA", "T", "S"]); // 2
 * ```
 */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  // prev[j] = distance between a[0..i) and b[0..j); one row at a time.
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(substitute, prev[j] + 1, cur[j - 1] + 1)); // substitute/keep, delete a[i-1], insert b[j-1]
    }
    prev = cur;
  }
  return prev[b.length];
}

/** One predicted pronunciation, for {@link g2pErrorRates}. */
export interface G2pPrediction {
  readonly word: string;
  /** The predicted phonemes; may be empty (the model stopped at once). */
  readonly phonemes: readonly string[];
}

/** How one word scored in {@link g2pErrorRates}. */
export interface G2pWordScore {
  readonly word: string;
  readonly phonemes: readonly string[];
  /** The reference the prediction was scored against (see the tie rule of {@link g2pErrorRates}). */
  readonly closest: readonly string[];
  /** `editDistance(phonemes, closest)`: 0 when the prediction is one of the listed pronunciations. */
  readonly distance: number;
}

/** What {@link g2pErrorRates} returns. */
export interface G2pErrorRatesResult {
  /** Words scored. */
  readonly words: number;
  /** Words whose prediction equals none of their listed pronunciations. */
  readonly wordErrors: number;
  /** Word error rate, `wordErrors / words`, in [0, 1]. */
  readonly wer: number;
  /** Σ edit distance to each word's closest reference. */
  readonly phonemeErrors: number;
  /** Σ length of each word's closest reference. */
  readonly refPhonemes: number;
  /** Phoneme error rate, `phonemeErrors / refPhonemes` (above 1 if predictions are much too long). */
  readonly per: number;
  /** Each word's score, in the order of the predictions: sort by `distance` to see the worst. */
  readonly perWord: readonly G2pWordScore[];
}

/** Checks that `tokens` is a list of phoneme strings; `what` names it in the error. */
function checkPhonemes(tokens: unknown, what: string, allowEmpty: boolean): asserts tokens is readonly string[] {
  if (!Array.isArray(tokens)) throw new Error(`g2pErrorRates: ${what} is not an array of phonemes (got ${typeof tokens}).`);
  if (!allowEmpty && tokens.length === 0) throw new Error(`g2pErrorRates: ${what} is empty; a reference needs at least one phoneme.`);
  const bad = tokens.findIndex((t) => typeof t !== "string" || t === "" || /\s/.test(t));
  if (bad >= 0) {
    throw new Error(
      `g2pErrorRates: phoneme ${bad} of ${what} is ${JSON.stringify(tokens[bad])}, not one phoneme; ` +
        `give lists like ["K", "AE", "T"] (split decoded text on spaces and drop empty strings, or use decodePhonemes).`,
    );
  }
}

/**
 * Word and phoneme error rates of G2P predictions against every listed pronunciation:
 * - a word is right when its prediction equals any of its references; WER = wrong words / words;
 * - PER = Σ over words of the edit distance to the closest reference / Σ of that reference's length.
 *   Tie rule: the closest reference is the one with the smallest {@link editDistance}; among equally close
 *   ones the shortest (a larger denominator never flatters the rate: ties go to the higher PER), then the
 *   first listed.
 *
 * Score each word once: with several pronunciations a word is one word, not one per pair (use
 * `testWords` of {@link g2pSource}, not `testPairs`).
 *
 * ```ts
 * g2pErrorRates([{ word: "either", phonemes: ["AY", "DH", "ER"] }], () => [["IY", "DH", "ER"], ["AY", "DH", "ER"]]);
 * // { words: 1, wordErrors: 0, wer: 0, phonemeErrors: 0, refPhonemes: 3, per: 0, perWord: [...] }
 * ```
 * @param predictions one `{ word, phonemes }` per word
 * @param references a word's listed pronunciations, e.g. `data.pronunciations` of {@link g2pSource}
 * @throws Error when there are no predictions, a word repeats or is not a non-empty string, a phoneme list
 * is malformed, or `references` gives no pronunciation (or an empty one) for a word.
 */
export function g2pErrorRates(
  predictions: readonly G2pPrediction[],
  references: (word: string) => readonly (readonly string[])[],
): G2pErrorRatesResult {
  if (!Array.isArray(predictions) || predictions.length === 0) {
    throw new Error("g2pErrorRates: no predictions; give one { word, phonemes } per word (e.g. for each of data.testWords).");
  }
  const seen = new Set<string>();
  const perWord: G2pWordScore[] = [];
  let wordErrors = 0;
  let phonemeErrors = 0;
  let refPhonemes = 0;
  predictions.forEach((pred, i) => {
    const word: unknown = pred?.word;
    if (typeof word !== "string" || word === "") throw new Error(`g2pErrorRates: prediction ${i} has no word; give { word: string, phonemes: string[] }.`);
    if (seen.has(word)) {
      throw new Error(`g2pErrorRates: ${JSON.stringify(word)} is predicted twice (again at ${i}); score each word once (testWords, not testPairs).`);
    }
    seen.add(word);
    checkPhonemes(pred.phonemes, `the prediction for ${JSON.stringify(word)}`, true);
    const refs = references(word);
    if (!Array.isArray(refs) || refs.length === 0) {
      throw new Error(`g2pErrorRates: no reference pronunciation for ${JSON.stringify(word)}; references(word) must list at least one.`);
    }
    let closest: readonly string[] = refs[0];
    let distance = Infinity;
    refs.forEach((ref, r) => {
      checkPhonemes(ref, `reference ${r} of ${JSON.stringify(word)}`, false);
      const d = editDistance(pred.phonemes, ref);
      if (d < distance || (d === distance && ref.length < closest.length)) [closest, distance] = [ref, d];
    });
    if (distance > 0) wordErrors++;
    phonemeErrors += distance;
    refPhonemes += closest.length;
    perWord.push({ word, phonemes: pred.phonemes, closest, distance });
  });
  const words = predictions.length;
  return { words, wordErrors, wer: wordErrors / words, phonemeErrors, refPhonemes, per: phonemeErrors / refPhonemes, perWord };
}
