/**
 * Exercises of notebook 01: perplexity, `<unk>`, batches per epoch, and a bigram count.
 * @see notebooks/01-language-models.ipynb
 */
import { lmBatchCount } from "../data/lm-batches";
import { ngramCounts } from "../data/ngrams";
import { Vocab } from "../data/vocab";
import { ExerciseBook, ExerciseMap, Feedback, correct, valueExercise, wrong } from "./exercise";
import { asCount, asNumber, closeTo, describe, fmt, howFarOff, isFeedback } from "./feedback";

/** Exercise 1: the perplexity of a model that gives every true token probability 1/4. */
export function quarterPerplexity(): number {
  const crossEntropy = -Math.log(1 / 4); // the mean of −log p over the tokens, all equal here
  return Math.exp(crossEntropy); // perplexity = exp(cross-entropy) = 1/p
}

function checkPerplexity(answer: number): Feedback {
  const x = asNumber(answer);
  if (isFeedback(x)) return x;
  const expected = quarterPerplexity();
  if (closeTo(x, expected)) return correct("a constant probability p gives perplexity 1/p: the model hesitates between 4 tokens");
  if (x < 1) return wrong(`${fmt(x)} is below 1, and no model does better than perplexity 1 (p = 1 for every true token)`);
  if (closeTo(x, Math.log(expected), 1e-3)) return wrong(`${fmt(x)} is the cross-entropy in nats, not yet the perplexity`);
  if (closeTo(x, Math.log2(expected), 1e-3)) return wrong(`${fmt(x)} looks like the cross-entropy in bits, not the perplexity`);
  return wrong(`${fmt(x)} is ${howFarOff(x, expected)}`);
}

/** The context of exercise 2: the word tokens. */
export interface WordsContext {
  /** The notebook's `words`. */
  readonly words: readonly string[];
}

/** Exercise 2: how many word occurrences become `<unk>` with `minFreq: 10`. */
export function unkCount({ words }: WordsContext): number {
  return Vocab.build(words, { minFreq: 10, reserved: ["<unk>"] }).droppedCount;
}

/** The number of distinct tokens seen fewer than `minFreq` times (the typical mistake of exercise 2). */
function rareTypes(words: readonly string[], minFreq: number): number {
  return Vocab.build(words)
    .mostCommon()
    .filter(([, count]) => count < minFreq).length;
}

function checkUnk(answer: number, { words }: WordsContext): Feedback {
  const x = asCount(answer);
  if (isFeedback(x)) return x;
  const vocab = Vocab.build(words, { minFreq: 10, reserved: ["<unk>"] });
  if (x === vocab.droppedCount) {
    return correct(`${x} of ${vocab.totalCount} word occurrences (${fmt((100 * x) / vocab.totalCount)} %) become <unk>`);
  }
  if (x === rareTypes(words, 10)) return wrong(`${x} counts distinct rare words; the question asks for their occurrences`);
  if (x === vocab.size || x === vocab.size - 1) return wrong(`${x} is the size of the vocabulary, the words that are kept`);
  if (x === vocab.totalCount) return wrong(`${x} counts every word occurrence, rare or not`);
  return wrong(`${x} is ${howFarOff(x, vocab.droppedCount)}; is minFreq 10?`);
}

/** The context of exercise 3: the length of the text in tokens. */
export interface TokenCountContext {
  /** `charIds.length` in the notebook. */
  readonly numTokens: number;
}

/** Exercise 3: batches per epoch of sequential partitioning, `batchSize = 32`, `numSteps = 35`, nothing held out. */
export function sequentialBatchCount({ numTokens }: TokenCountContext): number {
  const batchSize = 32;
  const numSteps = 35;
  const usable = numTokens - numSteps; // the random offset may skip up to numSteps − 1 tokens, and Y needs one more
  const rowLength = Math.floor(usable / batchSize); // tokens in each of the batchSize rows
  return Math.floor(rowLength / numSteps); // whole windows per row = batches
}

function checkBatchCount(answer: number, { numTokens }: TokenCountContext): Feedback {
  const x = asCount(answer);
  if (isFeedback(x)) return x;
  const expected = lmBatchCount(numTokens, { batchSize: 32, numSteps: 35 });
  if (x === expected) return correct(`${x} batches of 32 × 35 tokens use ${fmt((100 * x * 32 * 35) / numTokens)} % of the text per epoch`);
  const ratio = x / expected;
  if (ratio > 0.85 && ratio < 0.95) return wrong(`${x} is about 10 % too few: is part of the text still held out for validation?`);
  if (Math.round(ratio) === 32) return wrong(`${x} looks like a number of windows; a batch holds 32 of them`);
  return wrong(`${x} is ${howFarOff(x, expected)}`);
}

/** The context of exercise 4: the character tokens. */
export interface CharsContext {
  /** The notebook's `chars`. */
  readonly chars: readonly string[];
}

/** How often each character follows `"q"`. */
function countsAfterQ(chars: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + 1 < chars.length; i++) {
    if (chars[i] === "q") counts.set(chars[i + 1], (counts.get(chars[i + 1]) ?? 0) + 1);
  }
  return counts;
}

/** Exercise 4: the character that most often follows `q`. */
export function mostCommonAfterQ({ chars }: CharsContext): string {
  const afterQ = [...ngramCounts(chars, 2, "")].filter(([bigram]) => bigram.startsWith("q")); // ["qu", 170], ["qa", 2], …
  afterQ.sort((a, b) => b[1] - a[1]); // most frequent first
  return [...afterQ[0][0]][1]; // the second character of the top 2-gram
}

function checkAfterQ(answer: string, { chars }: CharsContext): Feedback {
  if (typeof answer !== "string") return wrong(`your answer is ${describe(answer)}; give one character as a string`);
  const length = [...answer].length;
  if (length !== 1) return wrong(`${JSON.stringify(answer)} has ${length} characters; give only the one that follows q`);
  const counts = countsAfterQ(chars);
  const best = Math.max(...counts.values());
  const mine = counts.get(answer) ?? 0;
  if (mine === best) {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return correct(`${JSON.stringify(answer)} follows "q" ${mine} times out of ${total} (${fmt((100 * mine) / total)} %)`);
  }
  if (mine === 0) return wrong(`${JSON.stringify(answer)} never follows "q" in the speeches (case matters)`);
  return wrong(`${JSON.stringify(answer)} follows "q" ${mine} times, but another character follows it more often`);
}

/** The exercises of notebook 01-language-models. */
export const LANGUAGE_MODEL_EXERCISES = {
  notebook: "01-language-models",
  file: "exercises/language-models.ts",
  exercises: {
    1: valueExercise<number>({
      title: "perplexity of p = 1/4",
      hint: "Perplexity is exp(cross-entropy), and the cross-entropy is the mean of −log p over the true tokens. Here every p is the same.",
      explanation:
        "With the same p for every token the cross-entropy is −log p, so the perplexity is 1/p: the number of equally likely tokens.",
      solution: quarterPerplexity,
      mistake: () => 1 / 4,
      check: checkPerplexity,
    }),
    2: valueExercise<number, WordsContext>({
      title: "occurrences that become <unk>",
      hint: 'Build the vocabulary with Vocab.build(words, { minFreq: 10, reserved: ["<unk>"] }) and look through its properties.',
      explanation: "droppedCount counts the occurrences of the words left out by minFreq: each of them encodes to <unk>.",
      needs: ["words"],
      example: () => ({ words: Array.from({ length: 30 }, (_, i) => Array<string>(i + 1).fill(`w${i}`)).flat() }),
      solution: unkCount,
      mistake: ({ words }) => rareTypes(words, 10),
      check: checkUnk,
    }),
    3: valueExercise<number, TokenCountContext>({
      title: "batches per epoch",
      hint: "textBatchSource(charIds, { batchSize: 32, numSteps: 35, vocabSize: charVocab.size, valFraction: 0 }) has a property that tells you.",
      explanation:
        "The text minus the largest offset is cut into 32 rows; each batch takes the next 35 columns of every row, so the count is floor(floor((n − 35) / 32) / 35).",
      needs: ["numTokens"],
      example: () => ({ numTokens: 123_456 }),
      solution: sequentialBatchCount,
      mistake: ({ numTokens }) => sequentialBatchCount({ numTokens: Math.floor(numTokens * 0.9) }),
      check: checkBatchCount,
    }),
    4: valueExercise<string, CharsContext>({
      title: "what follows q",
      hint: 'topNgrams(chars, 2, 1000, "") lists 2-grams with their counts, most frequent first; keep those that start with "q".',
      explanation:
        'Counting which character follows each "q" is a 2-gram count restricted to one context, the simplest language model of all.',
      needs: ["chars"],
      example: () => ({ chars: [..."quite a quick quiz; qatar's qi quota"] }),
      solution: mostCommonAfterQ,
      mistake: (context) => `q${mostCommonAfterQ(context)}`,
      check: checkAfterQ,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
