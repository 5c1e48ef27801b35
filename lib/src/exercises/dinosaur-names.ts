/**
 * Exercises of notebook 08: the held-out split, which names are easier to predict, how many generated first
 * names are real, sampling a name one letter at a time, and a temperature sweep. The checks take plain numbers,
 * arrays and functions from the notebook.
 * @see notebooks/08-dinosaur-names.ipynb
 */
import { Rng } from "../data/rng";
import { noveltyShares, splitNames } from "../names/split";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { asCount, asNumber, closeTo, describe, fmt, howFarOff, isFeedback } from "./feedback";

/** The context of exercise 1: the name list. */
export interface NamesContext {
  /** `firstNames` in the notebook. */
  readonly names: readonly string[];
}

/** Exercise 1: how many names `splitNames` holds out with `valFraction: 0.1`. */
export function heldOutCount({ names }: NamesContext): number {
  return splitNames(names, { valFraction: 0.1 }).val.length; // floor(n · 0.1)
}

function checkHeldOut(answer: number, context: NamesContext): Feedback {
  const x = asCount(answer);
  if (isFeedback(x)) return x;
  const { train, val } = splitNames(context.names, { valFraction: 0.1 });
  if (x === val.length) return correct(`${x} of ${context.names.length} first names are held out, ${train.length} are trained on`);
  if (x === train.length) return wrong(`${x} is the number of training names, not of held-out ones`);
  return wrong(`${x} is ${howFarOff(x, val.length)}; check how splitNames rounds n · valFraction`);
}

/** The answer of exercise 2. */
export type EasierNames = "first names" | "dinosaurs";

/** The context of exercise 2: the validation perplexities per character of the two models. */
export interface PerplexitiesContext {
  /** `fnPpl.perplexity` in the notebook. */
  readonly firstNamesPerplexity: number;
  /** `valT1.perplexity` in the notebook. */
  readonly dinosaursPerplexity: number;
}

/** Exercise 2: the names the model finds easier to predict, per character. */
export function easierNames({ firstNamesPerplexity, dinosaursPerplexity }: PerplexitiesContext): EasierNames {
  return firstNamesPerplexity < dinosaursPerplexity ? "first names" : "dinosaurs"; // lower perplexity = less surprised
}

function checkEasier(answer: EasierNames, context: PerplexitiesContext): Feedback {
  if (answer !== "first names" && answer !== "dinosaurs")
    return wrong(`your answer is ${describe(answer)}; answer "first names" or "dinosaurs"`);
  const [mine, other] =
    answer === "first names"
      ? [context.firstNamesPerplexity, context.dinosaursPerplexity]
      : [context.dinosaursPerplexity, context.firstNamesPerplexity];
  if (answer === easierNames(context))
    return correct(`the model hesitates between ${fmt(mine)} characters on ${answer} and ${fmt(other)} on the others`);
  return wrong(`not ${answer}: compare the two validation perplexities (the lower one means an easier list)`);
}

/** The context of exercise 3: the generated names and the real ones. */
export interface SamplesContext {
  /** `fnSamples` in the notebook: the generated names. */
  readonly samples: readonly string[];
  /** `firstNames` in the notebook: every real name, trained on or held out. */
  readonly names: readonly string[];
}

/** Exercise 3: the share of generated names that are real names (in the training set or held out). */
export function realShare({ samples, names }: SamplesContext): number {
  const shares = noveltyShares(samples, splitNames(names, { valFraction: 0.1 }));
  return shares["in training set"] + shares["held-out real name"]; // everything but "new"
}

function checkRealShare(answer: number, context: SamplesContext): Feedback {
  const x = asNumber(answer);
  if (isFeedback(x)) return x;
  const expected = realShare(context);
  if (closeTo(x, expected, 1e-9)) return correct(`${fmt(100 * x)} % of the generated first names are real names`);
  if (x > 1 && x <= 100 && closeTo(x / 100, expected, 1e-9)) return wrong("that looks like a percentage; give a share between 0 and 1");
  if (x < 0 || x > 1) return wrong(`${fmt(x)} is not a share: shares lie between 0 and 1`);
  if (x < expected) return wrong("too low: are both kinds of real name counted (trained on and held out)?");
  return wrong("too high: only generated names that are in the list of real names count");
}

/** A name list and samples for testing exercise 3: 100 names, samples with trained, held-out and new names. */
function exampleSamples(): SamplesContext {
  const names = Array.from({ length: 100 }, (_, i) => `name${i}`);
  const { train, val } = splitNames(names, { valFraction: 0.1 });
  return { names, samples: [...train.slice(0, 20), ...val.slice(0, 5), ...Array.from({ length: 25 }, (_, i) => `new${i}`)] };
}

/** The answer of exercise 4: sample one name, one token at a time (`undefined` while not written). */
export type SampleNameFunction = (
  nextProbs: (ids: readonly number[]) => ArrayLike<number>,
  eosId: number,
  random: () => number,
  maxLength: number,
) => number[] | undefined;

/**
 * Exercise 4: ask the model for the next token's probabilities given the ids so far, draw one token with one uniform
 * number (walk the cumulative sum until it passes the number), stop at `<eos>` (not included) or after `maxLength` tokens.
 */
export function sampleNameIds(
  nextProbs: (ids: readonly number[]) => ArrayLike<number>,
  eosId: number,
  random: () => number,
  maxLength: number,
): number[] {
  const ids: number[] = [];
  while (ids.length < maxLength) {
    const p = nextProbs(ids); // P(next | ids so far)
    const u = random(); // uniform in [0, 1)
    let token = p.length - 1;
    for (let i = 0, cumulative = 0; i < p.length; i++) {
      cumulative += p[i];
      if (u < cumulative) {
        token = i; // the first token whose cumulative probability passes u
        break;
      }
    }
    if (token === eosId) break; // the name is complete
    ids.push(token);
  }
  return ids;
}

/** A toy model of 4 tokens (0 = <eos>) whose next-token distribution depends on the last token: exact probabilities of every short name are known. */
const TOY_TABLE: readonly (readonly number[])[] = [
  [0.0, 0.5, 0.3, 0.2], // at the start (and after <eos>): never end at once
  [0.5, 0.1, 0.2, 0.2], // after token 1: often end
  [0.2, 0.6, 0.1, 0.1], // after token 2: mostly token 1
  [0.3, 0.1, 0.1, 0.5], // after token 3: mostly repeat
];
const toyNext = (ids: readonly number[]): number[] => [...TOY_TABLE[ids.length === 0 ? 0 : ids[ids.length - 1]]];

/** Exact probability of a name (ids without <eos>) under the toy model, ending with <eos> within `maxLength`. */
function toyProbability(ids: readonly number[]): number {
  let p = 1;
  let last = 0;
  for (const t of ids) {
    p *= TOY_TABLE[last][t];
    last = t;
  }
  return p * TOY_TABLE[last][0];
}

function checkSampleName(sampler: SampleNameFunction): Feedback {
  if (typeof sampler !== "function") return wrong(`your answer is ${describe(sampler)}, not a function`);
  const rng = new Rng(808);
  const counts = new Map<string, number>();
  const n = 20000;
  let longest = 0;
  for (let k = 0; k < n; k++) {
    let ids: unknown;
    try {
      ids = sampler(toyNext, 0, () => rng.next(), 6);
    } catch (err) {
      return wrong(`your function raised an error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (ids === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
    if (!Array.isArray(ids) || !ids.every((t) => Number.isInteger(t) && t >= 0 && t < 4)) {
      return wrong(`your function returns ${describe(ids)}; return the sampled token ids, an array of integers`);
    }
    if (ids.length > 6) return wrong(`a name of ${ids.length} tokens came back; stop after maxLength tokens`);
    if (ids.includes(0)) return wrong("your names contain <eos>: it ends the name and is not part of it; stop before adding it");
    longest = Math.max(longest, ids.length);
    const key = ids.join(",");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 1) {
    return wrong("every sample is the same name: you take the likeliest token instead of drawing one in proportion to its probability");
  }
  if (longest === 0) return wrong("every name is empty: the loop stops before the first token");
  // Every name of up to 3 tokens has an exact probability; compare the frequencies with them (and the rest, lumped).
  const short: number[][] = [[]];
  for (let len = 1; len <= 3; len++) {
    for (const prev of short.filter((ids) => ids.length === len - 1)) for (const t of [1, 2, 3]) short.push([...prev, t]);
  }
  let tv = 0;
  let shortP = 0;
  let shortFreq = 0;
  for (const ids of short) {
    const p = toyProbability(ids);
    const f = (counts.get(ids.join(",")) ?? 0) / n;
    tv += Math.abs(f - p);
    shortP += p;
    shortFreq += f;
  }
  tv += Math.abs(1 - shortFreq - (1 - shortP));
  if (tv > 0.08) {
    const firsts = new Map<number, number>();
    for (const [key, c] of counts) if (key !== "") firsts.set(Number(key.split(",")[0]), (firsts.get(Number(key.split(",")[0])) ?? 0) + c);
    const firstOff = [1, 2, 3].some((t) => Math.abs((firsts.get(t) ?? 0) / n - TOY_TABLE[0][t]) > 0.04);
    if (firstOff)
      return wrong(
        "the first tokens do not come as often as the model's probabilities say: draw each token with one uniform number against the cumulative probabilities",
      );
    return wrong(
      "the first tokens are right, but later ones do not follow the model: pass the ids generated so far to nextProbs at every step",
    );
  }
  return correct(
    `${n} names drawn from a toy model come out as often as its probabilities say (total variation ${fmt(tv)}): this is what sampleNames does for every name`,
  );
}

/** The answer of exercise 5: the next-token distribution at each temperature (`undefined` while not written). */
export type TemperatureSweepFunction = (logits: readonly number[], temperatures: readonly number[]) => number[][] | undefined;

/** Exercise 5: `softmax(o / T)` for each `T`, computed stably (the largest logit subtracted first). */
export function temperatureSweep(logits: readonly number[], temperatures: readonly number[]): number[][] {
  return temperatures.map((T) => {
    const max = Math.max(...logits); // exp of the largest scaled logit is 1: no overflow at small T
    const e = logits.map((o) => Math.exp((o - max) / T));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  });
}

function checkTemperatureSweep(sweep: TemperatureSweepFunction): Feedback {
  if (typeof sweep !== "function") return wrong(`your answer is ${describe(sweep)}, not a function`);
  const rng = new Rng(909);
  const logits = Array.from({ length: 27 }, () => 12 * rng.next() - 2); // up to 10: 10 / 0.01 overflows exp
  const temperatures = [0.01, 0.5, 1, 2, 10];
  let mine: unknown;
  try {
    mine = sweep([...logits], [...temperatures]);
  } catch (err) {
    return wrong(`your function raised an error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (mine === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
  if (!Array.isArray(mine) || mine.length !== temperatures.length) {
    return wrong(`your function returns ${describe(mine)}; return one distribution per temperature (${temperatures.length} here)`);
  }
  const want = temperatureSweep(logits, temperatures);
  for (let i = 0; i < temperatures.length; i++) {
    const row = mine[i] as unknown;
    const T = temperatures[i];
    if (!Array.isArray(row) || row.length !== logits.length)
      return wrong(`at T = ${T} your distribution is ${describe(row)}; give one probability per logit`);
    if (row.some((x) => typeof x !== "number" || Number.isNaN(x))) {
      return wrong(
        `at T = ${T} some probabilities are NaN: exp of a large logit over a small T overflows; subtract the largest logit before dividing`,
      );
    }
    const sum = (row as number[]).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6) return wrong(`at T = ${T} your probabilities add up to ${fmt(sum)}, not 1: divide by their sum`);
    const gap = Math.max(...(row as number[]).map((x, j) => Math.abs(x - want[i][j])));
    if (gap > 1e-9) {
      const timesT = temperatureSweep(
        logits.map((o) => o * T * T),
        [T],
      )[0]; // softmax(o · T)
      if (Math.max(...(row as number[]).map((x, j) => Math.abs(x - timesT[j]))) < 1e-9) {
        return wrong("you multiply the logits by T; they are divided by it, so a small T sharpens the distribution");
      }
      return wrong(`at T = ${T} your distribution differs from softmax(o / T) by up to ${fmt(gap)}`);
    }
  }
  return correct(
    "low T piles the probability on the likeliest letters, high T spreads it towards uniform; R.temperatureSweep samples from exactly these distributions",
  );
}

/** The exercises of notebook 08-dinosaur-names. */
export const DINOSAUR_NAMES_EXERCISES = {
  notebook: "08-dinosaur-names",
  file: "exercises/dinosaur-names.ts",
  exercises: {
    1: valueExercise<number, NamesContext>({
      title: "held-out first names",
      hint: "Call R.splitNames(firstNames, { valFraction: 0.1 }) and look at what it returns.",
      explanation: "splitNames shuffles the indices with a seed and holds out the first floor(n · valFraction) of them.",
      needs: ["names"],
      example: () => ({ names: Array.from({ length: 8403 }, (_, i) => `name${i}`) }),
      solution: heldOutCount,
      mistake: ({ names }) => splitNames(names, { valFraction: 0.1 }).train.length,
      check: checkHeldOut,
    }),
    2: valueExercise<EasierNames, PerplexitiesContext>({
      title: "which names are easier",
      hint: "Perplexity is the number of characters the model hesitates between: compare fnPpl.perplexity with valT1.perplexity.",
      explanation: "The same model and compute give a lower perplexity per character on the list whose spelling is more regular.",
      needs: ["firstNamesPerplexity", "dinosaursPerplexity"],
      example: () => ({ firstNamesPerplexity: 4.2, dinosaursPerplexity: 4.97 }),
      solution: easierNames,
      mistake: (context) => (easierNames(context) === "first names" ? "dinosaurs" : "first names"),
      check: checkEasier,
    }),
    3: valueExercise<number, SamplesContext>({
      title: "share of real first names",
      hint: 'R.noveltyShares(fnSamples, fnSplit) gives three shares; a real name is either "in training set" or a "held-out real name".',
      explanation: "A sample is real when it is in the list at all, whether the model trained on it or not; everything else is new.",
      needs: ["samples", "names"],
      example: exampleSamples,
      solution: realShare,
      mistake: ({ samples, names }) => noveltyShares(samples, splitNames(names, { valFraction: 0.1 }))["in training set"],
      check: checkRealShare,
    }),
    4: functionExercise<SampleNameFunction>({
      title: "sampling a name, one letter at a time",
      hint: "Loop: p = nextProbs(ids); draw u = random(); the token is the first index where the running sum of p passes u; stop if it is eosId, else push it; stop after maxLength tokens.",
      explanation:
        "Drawing with a uniform number against the cumulative probabilities picks each token exactly as often as the model says; the ids so far are the model's context for the next one.",
      solution: sampleNameIds,
      mistake: (nextProbs, eosId, _random, maxLength) => {
        const ids: number[] = [];
        while (ids.length < maxLength) {
          const p = Array.from(nextProbs(ids));
          const t = p.indexOf(Math.max(...p));
          if (t === eosId) break;
          ids.push(t);
        }
        return ids;
      },
      check: checkSampleName,
    }),
    5: functionExercise<TemperatureSweepFunction>({
      title: "a temperature sweep",
      hint: "For each T: divide every logit by T, subtract the largest of them, exponentiate, and divide by the sum.",
      explanation:
        "Dividing by T before the softmax scales every difference between logits by 1/T: small T magnifies them (greedy in the limit), large T flattens them (uniform).",
      solution: temperatureSweep,
      mistake: (logits, temperatures) =>
        temperatures.map((T) => {
          const e = logits.map((o) => Math.exp(o * T));
          const sum = e.reduce((a, b) => a + b, 0);
          return e.map((x) => x / sum);
        }),
      check: checkTemperatureSweep,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
