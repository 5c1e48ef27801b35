/**
 * **Restore the spaces**: a tagging task where reading both directions helps. Take a letters-and-spaces
 * text (e.g. `lettersOnly` of the State of the Union), remove the spaces, and tag every remaining letter
 * 1 when a word ends after it, else 0. A model that reads left to right sees "thest…" and cannot tell
 * "the st…" from "these…"; one that also reads right to left can.
 *
 * ```text
 * text     "the state of the union"
 * letters  "thestateoftheunion"
 * tags     001000010100100001     (the last letter ends a word too)
 * ```
 *
 * ```ts
 * const text = lettersOnly(stateOfTheUnion({ years: [2000, 2021] }).map((s) => s.text).join(" "));
 * const data = spaceRestorationSource(text, { batchSize: 32, numSteps: 64 });
 * // 616,257 letters (21.9% end a word): 270 training batches per epoch, 962 validation windows in 31 batches
 * for (const { X, Y, mask } of data.trainBatches(1)) { ... } // X: letter ids, Y: 0/1 tags, [32, 64] row-major
 * withSpaces("thestateoftheunion", [0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1]); // "the state of the union"
 * ```
 * @see notebooks/06-bidirectional.ipynb
 */
import type { TokenBatch, TokenBatchSource } from "./batch";
import { epochRng } from "./lm-batches";
import { DEFAULT_SEED } from "./rng";
import { Vocab } from "./vocab";

/** Default letters per window of {@link spaceRestorationSource}. */
export const SPACES_DEFAULT_NUM_STEPS = 64;
/** Default windows per batch of {@link spaceRestorationSource}. */
export const SPACES_DEFAULT_BATCH_SIZE = 32;

/** A text without its spaces: the letters, and where its words end. */
export interface SpacelessText {
  /** Every non-whitespace character of the text, in order. */
  readonly letters: string;
  /** One tag per letter (by code point): 1 when a word ends after it (always for the last letter), else 0. */
  readonly boundaries: Uint8Array;
}

/**
 * Removes the whitespace of `text` and records where each word ended. A run of whitespace (spaces,
 * newlines) counts as one word break; whitespace at either end is ignored. Every other character is a
 * "letter" (run `lettersOnly` first to keep only a–z).
 * @throws Error when the text has no letters.
 */
export function removeSpaces(text: string): SpacelessText {
  const words = text.split(/\s+/u).filter((w) => w.length > 0);
  if (words.length === 0) {
    throw new Error("removeSpaces: the text has no letters (it is empty or all whitespace). Give it a text such as lettersOnly(speech).");
  }
  const tags: number[] = [];
  for (const w of words) {
    const n = [...w].length;
    for (let i = 0; i < n; i++) tags.push(i === n - 1 ? 1 : 0);
  }
  return { letters: words.join(""), boundaries: Uint8Array.from(tags) };
}

/**
 * The text with a space after every letter tagged 1 (except the last letter: no trailing space). The
 * inverse of {@link removeSpaces} on a text with single spaces and none at the ends.
 * @throws Error when there is not one tag (0 or 1) per letter.
 */
export function withSpaces(letters: string, tags: ArrayLike<number>): string {
  const chars = [...letters];
  if (tags.length !== chars.length) {
    throw new Error(`withSpaces: ${chars.length} letters but ${tags.length} tags; give one tag (0 or 1) per letter.`);
  }
  let out = "";
  chars.forEach((c, i) => {
    const tag = tags[i];
    if (tag !== 0 && tag !== 1) throw new Error(`withSpaces: tag ${i} is ${tag}; tags are 0 (no space after) or 1 (a space after). Round probabilities first.`);
    out += c;
    if (tag === 1 && i < chars.length - 1) out += " ";
  });
  return out;
}

/** Options of {@link spaceRestorationSource}. */
export interface SpaceRestorationOptions {
  /** Windows per batch. Default {@link SPACES_DEFAULT_BATCH_SIZE} (32); the last validation batch may be smaller. */
  readonly batchSize?: number;
  /** Letters per window. Default {@link SPACES_DEFAULT_NUM_STEPS} (64). */
  readonly numSteps?: number;
  /** Fraction of the letters, from the end of the text, kept for validation (moved to the next word start). Default 0.1. */
  readonly valFraction?: number;
  /** Seed of the per-epoch offsets and shuffles of the training windows. Default 42. */
  readonly seed?: number;
  /**
   * The letters' vocabulary (no space in it). Default: built from all letters of the text, most frequent
   * first, without reserved tokens (26 ids for a `lettersOnly` text).
   */
  readonly vocab?: Vocab;
}

/** The {@link BatchSource} of the space-restoration task, with what it worked out. */
export interface SpaceRestorationSource extends TokenBatchSource {
  /** The letters' vocabulary: what `X` indexes (`Y` holds tags 0/1, not ids of it). */
  readonly vocab: Vocab;
  /** Letters per window. */
  readonly numSteps: number;
  /** Windows per (full) batch. */
  readonly batchSize: number;
  /** The text without spaces and its word ends (training part first, then validation). */
  readonly text: SpacelessText;
  /** Letters in the training part: `text.letters` up to here. */
  readonly numTrainLetters: number;
  /** Letters in the validation part: the rest (it starts at a word start). */
  readonly numValLetters: number;
  /** Training windows per epoch (a partial window and batch at the end are left out). */
  readonly numTrainWindows: number;
  /** Training batches per epoch (the same every epoch). */
  readonly batchesPerEpoch: number;
  /** Validation windows (consecutive, from the start of the validation part). */
  readonly numValWindows: number;
  /** Share of letters tagged 1 over the whole text: the accuracy of always answering 1 is this, of 0 one minus it. */
  readonly spaceShare: number;
}

/** `[batchSize, numSteps]` windows of the letters starting at `starts`: X ids, Y tags, mask ones. */
function windowBatch(ids: Int32Array, tags: Uint8Array, starts: readonly number[], numSteps: number): TokenBatch {
  const B = starts.length;
  const X = new Int32Array(B * numSteps);
  const Y = new Int32Array(B * numSteps);
  starts.forEach((s, b) => {
    X.set(ids.subarray(s, s + numSteps), b * numSteps);
    Y.set(tags.subarray(s, s + numSteps), b * numSteps);
  });
  return { batchSize: B, numSteps, X, Y, mask: new Float32Array(B * numSteps).fill(1) };
}

function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`spaceRestorationSource: ${name} must be a positive integer, got ${v}.`);
}

/**
 * Seeded train/validation batches for restoring spaces (see the module summary). The last `valFraction`
 * of the spaceless text (from the next word start on) is for validation, cut into consecutive windows
 * from its start, the same every time; the training part is cut afresh every epoch at a random offset in
 * `[0, numSteps)` into non-overlapping windows, shuffled. No letter is in both parts.
 * @throws Error when the text is empty, a letter is not in `vocab`, or the text is too short for one batch.
 */
export function spaceRestorationSource(text: string, opts: SpaceRestorationOptions = {}): SpaceRestorationSource {
  const { batchSize = SPACES_DEFAULT_BATCH_SIZE, numSteps = SPACES_DEFAULT_NUM_STEPS, valFraction = 0.1, seed = DEFAULT_SEED } = opts;
  checkPositiveInt("batchSize", batchSize);
  checkPositiveInt("numSteps", numSteps);
  if (!(valFraction >= 0 && valFraction < 1)) throw new Error(`spaceRestorationSource: valFraction must be in [0, 1), got ${valFraction}.`);
  const spaceless = removeSpaces(text);
  const chars = [...spaceless.letters];
  const vocab = opts.vocab ?? Vocab.build(chars);
  if (vocab.has(" ")) throw new Error('spaceRestorationSource: the vocab holds " "; the letters of this task have no spaces. Build it from removeSpaces(text).letters.');
  const ids = new Int32Array(chars.length);
  chars.forEach((c, i) => {
    if (!vocab.has(c)) {
      throw new Error(
        `spaceRestorationSource: letter ${JSON.stringify(c)} (at letter ${i}) is not in the vocab. ` +
          `Clean the text with lettersOnly(text), or build the vocab from removeSpaces(text).letters.`,
      );
    }
    ids[i] = vocab.idOf(c);
  });
  const { boundaries } = spaceless;
  const n = chars.length;

  // The split: the last valFraction of the letters, moved forward to the next word start.
  let cut = n - Math.floor(n * valFraction);
  if (valFraction > 0) while (cut < n && cut > 0 && boundaries[cut - 1] !== 1) cut++;
  const numVal = valFraction > 0 ? n - cut : 0;
  const numTrain = n - numVal;
  const numTrainWindows = Math.floor((numTrain - (numSteps - 1)) / numSteps); // the same for every offset in [0, numSteps)
  const batchesPerEpoch = Math.floor(Math.max(0, numTrainWindows) / batchSize);
  if (batchesPerEpoch < 1) {
    throw new Error(
      `spaceRestorationSource: the training part (${numTrain} letters) is too short for one batch of batchSize × numSteps = ` +
        `${batchSize} × ${numSteps} (needs at least ${batchSize * numSteps + numSteps - 1} letters). Use a longer text or smaller batchSize/numSteps.`,
    );
  }
  const numValWindows = Math.floor(numVal / numSteps);
  if (valFraction > 0 && numValWindows < 1) {
    throw new Error(
      `spaceRestorationSource: the validation part (${numVal} letters) is shorter than one window of ${numSteps}. ` +
        `Raise valFraction, use a longer text, or set valFraction: 0.`,
    );
  }
  const valBatchList: TokenBatch[] = [];
  for (let w = 0; w < numValWindows; w += batchSize) {
    const starts = Array.from({ length: Math.min(batchSize, numValWindows - w) }, (_, k) => numTrain + (w + k) * numSteps);
    valBatchList.push(windowBatch(ids, boundaries, starts, numSteps));
  }
  let ones = 0;
  for (const t of boundaries) ones += t;
  return {
    vocab,
    vocabSize: vocab.size,
    sequential: false,
    numSteps,
    batchSize,
    text: spaceless,
    numTrainLetters: numTrain,
    numValLetters: numVal,
    numTrainWindows,
    batchesPerEpoch,
    numValWindows,
    spaceShare: ones / n,
    trainBatches(epoch: number): Iterable<TokenBatch> {
      if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`trainBatches(epoch): epoch is 1-based, got ${epoch}.`);
      const rng = epochRng(seed, epoch);
      const offset = rng.int(numSteps);
      const order = rng.shuffle(Array.from({ length: numTrainWindows }, (_, w) => offset + w * numSteps));
      return (function* () {
        for (let i = 0; i < batchesPerEpoch; i++) yield windowBatch(ids, boundaries, order.slice(i * batchSize, (i + 1) * batchSize), numSteps);
      })();
    },
    valBatches(): Iterable<TokenBatch> {
      return valBatchList;
    },
  };
}

/**
 * The text of row `row` of a batch of {@link spaceRestorationSource}: its letters with a space after
 * every letter tagged 1 by `tags` (one per step of the row; default the batch's own `Y`, the truth).
 * ```ts
 * restorationView(windowText(batch, 0, data.vocab, predictedTags), windowText(batch, 0, data.vocab));
 * ```
 */
export function windowText(batch: TokenBatch, row: number, vocab: Vocab, tags?: ArrayLike<number>): string {
  const { batchSize: B, numSteps: T } = batch;
  if (!Number.isInteger(row) || row < 0 || row >= B) throw new Error(`windowText: row ${row} is not in the batch; rows are 0 … ${B - 1}.`);
  const letters = vocab.decode(batch.X.subarray(row * T, (row + 1) * T)).join("");
  return withSpaces(letters, tags ?? batch.Y.subarray(row * T, (row + 1) * T));
}

/** What happened at one place between two letters. */
export type SpaceMark = "none" | "correct" | "missing" | "wrong";

/** A comparison of a restored text with the truth, gap by gap (see {@link spaceDiff}). */
export interface SpaceDiff {
  /** The letters both texts share. */
  readonly letters: string;
  /**
   * One mark per gap between two letters (`letters.length - 1` of them): `"none"` (no space in either),
   * `"correct"` (a space in both), `"missing"` (only the truth has one), `"wrong"` (only the prediction has one).
   */
  readonly marks: readonly SpaceMark[];
  /** Spaces in both. */
  readonly correct: number;
  /** Spaces of the truth the prediction left out. */
  readonly missing: number;
  /** Spaces of the prediction that the truth does not have. */
  readonly wrong: number;
  /** `correct / (correct + wrong)`: the share of predicted spaces that are right (1 when none is predicted). */
  readonly precision: number;
  /** `correct / (correct + missing)`: the share of true spaces found (1 when the truth has none). */
  readonly recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  readonly f1: number;
}

/**
 * Compares the spaces of `predicted` with those of `truth`, gap by gap between letters. Runs of
 * whitespace count as one space; whitespace at the ends is ignored.
 * @throws Error when the two texts do not have the same letters.
 */
export function spaceDiff(predicted: string, truth: string): SpaceDiff {
  const p = removeSpaces(predicted);
  const t = removeSpaces(truth);
  if (p.letters !== t.letters) {
    const a = [...p.letters];
    const b = [...t.letters];
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    throw new Error(
      `spaceDiff: the texts have different letters (${a.length} vs ${b.length}; first difference at letter ${i}: ` +
        `${JSON.stringify(a[i] ?? "")} vs ${JSON.stringify(b[i] ?? "")}). Compare a restoration with the text it was made from.`,
    );
  }
  const marks: SpaceMark[] = [];
  let correct = 0;
  let missing = 0;
  let wrong = 0;
  for (let i = 0; i < p.boundaries.length - 1; i++) {
    const inP = p.boundaries[i] === 1;
    const inT = t.boundaries[i] === 1;
    const mark: SpaceMark = inP && inT ? "correct" : inT ? "missing" : inP ? "wrong" : "none";
    if (mark === "correct") correct++;
    else if (mark === "missing") missing++;
    else if (mark === "wrong") wrong++;
    marks.push(mark);
  }
  const precision = correct + wrong === 0 ? 1 : correct / (correct + wrong);
  const recall = correct + missing === 0 ? 1 : correct / (correct + missing);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { letters: p.letters, marks, correct, missing, wrong, precision, recall, f1 };
}
