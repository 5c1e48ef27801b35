/**
 * **Fill in the blank**: one character of a word is hidden behind a blank token `"_"` and the model names
 * it. Both sides of the blank carry clues ("pres_dent"), and at the first letter a left-to-right model has
 * read nothing at all, so the task shows what reading the other direction adds, position by position.
 *
 * ```text
 * X     p r e s _ d e n t      the word's ids, one replaced by the blank
 * Y     p r e s i d e n t      the original ids
 * mask  0 0 0 0 1 0 0 0 0      1 only at the blank: a tagger's masked loss and accuracy are "name the hidden letter"
 * ```
 *
 * The words: {@link distinctWords} of the State of the Union (all years, `lettersOnly`) with at least 4
 * letters, seen at least twice: 16,473 words, 14,826 for training and 1,647 for validation (by default).
 * Rather than first names because English spelling is regular on both sides of a letter (prefixes,
 * suffixes such as "-tion", "-ment"), which is the point of the lesson; names often have several
 * spellings ("ann_": anna, anne, anny), which caps any model's accuracy (and they serve the
 * name-classification task). Seen twice drops most typos; 4 letters leaves a middle.
 *
 * ```ts
 * const words = distinctWords(stateOfTheUnion().map((s) => s.text).join(" "), { minLength: 4, minCount: 2 });
 * const data = blankSource(words, { batchSize: 64 });
 * trainer.fit(tagger, data);
 * for (const p of BLANK_POSITIONS) trainer.evaluate(tagger, data.atPosition(p)); // accuracy at the start, middle, end
 * ```
 * @see notebooks/06-bidirectional.ipynb
 */
import type { TokenBatch, TokenBatchSource } from "./batch";
import { epochRng } from "./lm-batches";
import { DEFAULT_SEED, Rng } from "./rng";
import { lettersOnly } from "./tokenize";
import { Vocab } from "./vocab";

/** The blank token that hides one character. */
export const BLANK = "_";

/** Where the blank is: the first character, one strictly inside, or the last character. */
export type BlankPosition = "start" | "middle" | "end";

/** The three buckets, in reading order. */
export const BLANK_POSITIONS: readonly BlankPosition[] = ["start", "middle", "end"];

/** The shortest word that has a start, a middle and an end. */
export const BLANK_MIN_LENGTH = 3;

/** The bucket of character `index` of a word of `length` characters. */
export function blankPosition(index: number, length: number): BlankPosition {
  if (!Number.isInteger(index) || index < 0 || index >= length) throw new Error(`blankPosition: index ${index} is outside a word of ${length} characters.`);
  return index === 0 ? "start" : index === length - 1 ? "end" : "middle";
}

/** Options of {@link distinctWords}. */
export interface DistinctWordOptions {
  /** Shortest word kept. Default 4. */
  readonly minLength?: number;
  /** Keep only words seen at least this often in the text (drops typos). Default 2. */
  readonly minCount?: number;
}

/**
 * The distinct words of `text` after `lettersOnly` (lower-case a–z), sorted, keeping those with at least
 * `minLength` letters seen at least `minCount` times. The State of the Union, all years, with the defaults
 * (4 letters, twice): 16,473 words.
 * @throws Error when no word is left.
 */
export function distinctWords(text: string, opts: DistinctWordOptions = {}): string[] {
  const { minLength = 4, minCount = 2 } = opts;
  const counts = new Map<string, number>();
  for (const w of lettersOnly(text).split(" ")) if (w.length > 0) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts].filter(([w, c]) => w.length >= minLength && c >= minCount).map(([w]) => w);
  if (words.length === 0) {
    throw new Error(`distinctWords: no word of at least ${minLength} letters occurs ${minCount}+ times in a text of ${counts.size} distinct words. Lower minLength or minCount, or give a longer text.`);
  }
  return words.sort();
}

/** The vocabulary of the task: `<pad>` (id 0), the characters of `words` by frequency, then {@link BLANK}. */
export function blankVocab(words: readonly string[]): Vocab {
  checkWords("blankVocab", words);
  return Vocab.build([...words.flatMap((w) => [...w]), BLANK], { reserved: ["<pad>"] });
}

function checkWords(where: string, words: readonly string[]): void {
  if (words.length === 0) throw new Error(`${where}: no words. Give a list such as distinctWords(text) or firstNames().`);
  words.forEach((w, i) => {
    if (typeof w !== "string") throw new Error(`${where}: item ${i} is ${typeof w}, not a word (a string).`);
    const n = [...w].length;
    if (n < BLANK_MIN_LENGTH) {
      throw new Error(
        `${where}: "${w}" (item ${i}) has ${n} character(s); a blank needs words of at least ${BLANK_MIN_LENGTH} (a start, a middle and an end). ` +
          `Filter them: words.filter((w) => w.length >= ${BLANK_MIN_LENGTH}).`,
      );
    }
    if (w.includes(BLANK) || /\s/u.test(w)) throw new Error(`${where}: "${w}" (item ${i}) holds "${BLANK}" or whitespace; words must be single words without the blank token.`);
  });
}

/** One example: a word with one character hidden. */
export interface BlankExample {
  /** The word. */
  readonly word: string;
  /** Which character is hidden (0-based, by code point). */
  readonly index: number;
  /** Its bucket. */
  readonly position: BlankPosition;
  /** The input ids: the word's, with {@link BLANK}'s at `index`. */
  readonly X: readonly number[];
  /** The target ids: the word's. */
  readonly Y: readonly number[];
}

/**
 * The example of `word` with character `index` hidden.
 * @throws Error when a character is not in `vocab`, the vocab has no {@link BLANK}, or `index` is outside the word.
 */
export function blankExample(word: string, index: number, vocab: Vocab): BlankExample {
  const chars = [...word];
  if (!vocab.has(BLANK)) throw new Error(`blankExample: the vocab has no blank token "${BLANK}"; build it with blankVocab(words).`);
  if (!Number.isInteger(index) || index < 0 || index >= chars.length) {
    throw new Error(`blankExample: index ${index} is outside "${word}" (characters 0 … ${chars.length - 1}).`);
  }
  const Y = chars.map((c, i) => {
    if (!vocab.has(c)) throw new Error(`blankExample: character ${JSON.stringify(c)} (at ${i} of "${word}") is not in the vocab; build it with blankVocab(words) over all words.`);
    return vocab.idOf(c);
  });
  const X = [...Y];
  X[index] = vocab.idOf(BLANK);
  return { word, index, position: blankPosition(index, chars.length), X, Y };
}

/** A padded batch of {@link BlankExample}s: a {@link TokenBatch} with what a bidirectional model and a report need. */
export interface BlankBatch extends TokenBatch {
  /** Real characters of each row, `[batchSize]`: a reverse direction must start at the word's end, not in the padding. */
  readonly validLens: Int32Array;
  /** Where each row's blank is, `[batchSize]`. */
  readonly blankIndex: Int32Array;
  /** Each row's bucket. */
  readonly positions: readonly BlankPosition[];
  /** Each row's word. */
  readonly words: readonly string[];
}

/**
 * One batch, padded at the end with `<pad>` (mask 0 there) to `numSteps` (default: the longest word of the
 * batch). `mask` is 1 only at each row's blank.
 * @throws Error when there are no examples, the vocab has no `<pad>`, or a word is longer than `numSteps`.
 */
export function blankBatch(examples: readonly BlankExample[], vocab: Vocab, numSteps?: number): BlankBatch {
  if (examples.length === 0) throw new Error("blankBatch: no examples; a batch needs at least one.");
  const pad = vocab.padId;
  if (pad === undefined) throw new Error('blankBatch: the vocab has no "<pad>"; build it with blankVocab(words).');
  const longest = Math.max(...examples.map((e) => e.X.length));
  const T = numSteps ?? longest;
  if (longest > T) throw new Error(`blankBatch: a word of ${longest} characters does not fit numSteps ${T}; raise numSteps or leave it unset.`);
  const B = examples.length;
  const X = new Int32Array(B * T).fill(pad);
  const Y = new Int32Array(B * T).fill(pad);
  const mask = new Float32Array(B * T);
  examples.forEach((e, b) => {
    X.set(e.X, b * T);
    Y.set(e.Y, b * T);
    mask[b * T + e.index] = 1;
  });
  return {
    batchSize: B,
    numSteps: T,
    X,
    Y,
    mask,
    validLens: Int32Array.from(examples, (e) => e.X.length),
    blankIndex: Int32Array.from(examples, (e) => e.index),
    positions: examples.map((e) => e.position),
    words: examples.map((e) => e.word),
  };
}

/** Options of {@link blankSource}. */
export interface BlankSourceOptions {
  /** Words per batch (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Fraction of the words, chosen at random (seeded), kept for validation. Default 0.1. */
  readonly valFraction?: number;
  /** Seed of the split, the validation blanks and the per-epoch shuffles and blanks. Default 42. */
  readonly seed?: number;
  /** The vocabulary; default {@link blankVocab} of the words. It needs `<pad>` and {@link BLANK}. */
  readonly vocab?: Vocab;
  /** Pad every batch to this length. Default: each batch to its longest word. */
  readonly numSteps?: number;
}

/** The fill-in-the-blank {@link BatchSource}, with its split. */
export interface BlankSource extends TokenBatchSource {
  /** The vocabulary `X` and `Y` index. */
  readonly vocab: Vocab;
  /** The training words, in the order given. */
  readonly trainWords: readonly string[];
  /** The validation words, in the order given; none of them is a training word. */
  readonly valWords: readonly string[];
  /** The validation examples, in batch order: one per validation word, blanked as {@link valPosition} says. */
  readonly valExamples: readonly BlankExample[];
  /** Which blanks the validation batches hold: `"any"` (a seeded character of each word) or one bucket. */
  readonly valPosition: BlankPosition | "any";
  /** Training batches per epoch. */
  readonly batchesPerEpoch: number;
  /** Batches of {@link BlankBatch}. */
  trainBatches(epoch: number): Iterable<BlankBatch>;
  /** Batches of {@link BlankBatch}, the same every time. */
  valBatches(): Iterable<BlankBatch>;
  /**
   * The same source with every validation word blanked in one bucket: `"start"` (first character),
   * `"end"` (last) or `"middle"` (a seeded inner character). Training is unchanged. Give it to
   * `trainer.evaluate(model, data.atPosition("start"))` for the accuracy at that position.
   */
  atPosition(position: BlankPosition): BlankSource;
}

/** Index of the blank in a word of `n` characters: any character, or one of a bucket. */
function drawIndex(rng: Rng, n: number, position: BlankPosition | "any"): number {
  switch (position) {
    case "any":
      return rng.int(n);
    case "start":
      return 0;
    case "end":
      return n - 1;
    case "middle":
      return 1 + rng.int(n - 2);
    default:
      throw new Error(`atPosition: position must be "start", "middle" or "end", got "${String(position)}".`);
  }
}

function batchesOf(examples: readonly BlankExample[], batchSize: number, vocab: Vocab, numSteps: number | undefined): BlankBatch[] {
  const out: BlankBatch[] = [];
  for (let i = 0; i < examples.length; i += batchSize) out.push(blankBatch(examples.slice(i, i + batchSize), vocab, numSteps));
  return out;
}

/**
 * Seeded fill-in-the-blank batches over `words` (repeats are kept once). The words are split at random
 * (seeded) into training and validation words, so no word is in both. Training words are reshuffled each
 * epoch and get a fresh blank, a uniformly drawn character (so a word is seen with many blanks over the
 * epochs); each validation word has one fixed blank, also uniform over its characters (most fall in the
 * middle of long words). {@link BlankSource.atPosition} gives validation sets of one bucket.
 * @throws Error when a word is shorter than 3 characters, holds the blank, or has a character missing from `vocab`.
 */
export function blankSource(words: readonly string[], opts: BlankSourceOptions): BlankSource {
  const { batchSize, valFraction = 0.1, seed = DEFAULT_SEED, numSteps } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`blankSource: batchSize must be a positive integer, got ${batchSize}.`);
  if (!(valFraction > 0 && valFraction < 1)) throw new Error(`blankSource: valFraction must be in (0, 1), got ${valFraction}.`);
  checkWords("blankSource", words);
  const unique = [...new Set(words)];
  const vocab = opts.vocab ?? blankVocab(unique);
  unique.forEach((w) => blankExample(w, 0, vocab)); // checks the vocab and every character up front
  if (vocab.padId === undefined) throw new Error('blankSource: the vocab has no "<pad>"; build it with blankVocab(words).');
  const rng = new Rng(seed);
  const perm = rng.shuffle(unique.map((_, i) => i));
  const numVal = Math.floor(unique.length * valFraction);
  if (numVal < 1 || numVal === unique.length) {
    throw new Error(`blankSource: ${unique.length} distinct words and valFraction ${valFraction} leave a split empty; give more words or change valFraction.`);
  }
  const valSet = new Set(perm.slice(0, numVal));
  const trainWords = unique.filter((_, i) => !valSet.has(i));
  const valWords = unique.filter((_, i) => valSet.has(i));
  const valSeed = rng.nextUint32();
  if (numSteps !== undefined) blankBatch([blankExample(unique.reduce((a, b) => ([...b].length > [...a].length ? b : a)), 0, vocab)], vocab, numSteps);

  const build = (valPosition: BlankPosition | "any"): BlankSource => {
    const valRng = new Rng(valSeed);
    const valExamples = valWords.map((w) => {
      const n = [...w].length;
      return blankExample(w, drawIndex(valRng, n, valPosition), vocab);
    });
    const valBatchList = batchesOf(valExamples, batchSize, vocab, numSteps);
    return {
      vocab,
      vocabSize: vocab.size,
      trainWords,
      valWords,
      valExamples,
      valPosition,
      batchesPerEpoch: Math.ceil(trainWords.length / batchSize),
      trainBatches(epoch: number): Iterable<BlankBatch> {
        if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`trainBatches(epoch): epoch is 1-based, got ${epoch}.`);
        const er = epochRng(seed, epoch);
        const order = er.shuffle(trainWords.map((_, i) => i));
        const examples = order.map((i) => blankExample(trainWords[i], er.int([...trainWords[i]].length), vocab));
        return (function* () {
          for (let i = 0; i < examples.length; i += batchSize) yield blankBatch(examples.slice(i, i + batchSize), vocab, numSteps);
        })();
      },
      valBatches(): Iterable<BlankBatch> {
        return valBatchList;
      },
      atPosition(position: BlankPosition): BlankSource {
        if (!BLANK_POSITIONS.includes(position)) throw new Error(`atPosition: position must be "start", "middle" or "end", got "${String(position)}".`);
        return build(position);
      },
    };
  };
  return build("any");
}
