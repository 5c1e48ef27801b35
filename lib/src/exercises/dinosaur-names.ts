/**
 * Exercises of notebook 08: the held-out split, which names are easier to predict, and how many
 * generated first names are real. The checks take plain numbers and arrays from the notebook.
 * @see notebooks/08-dinosaur-names.ipynb
 */
import { noveltyShares, splitNames } from "../names/split";
import { ExerciseBook, ExerciseMap, Feedback, correct, valueExercise, wrong } from "./exercise";
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
  },
} satisfies ExerciseBook<ExerciseMap>;
