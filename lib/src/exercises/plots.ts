/**
 * Exercises of notebook 00b: log-log axes, and a colour ramp for `coloredText`.
 * @see notebooks/00b-plots.ipynb
 */
import { lineChart, LineChartConfig } from "../plot/line-chart";
import { ExerciseBook, ExerciseMap, Feedback, correct, valueExercise, wrong } from "./exercise";
import { describe, fmt } from "./feedback";

/** Exercise 1: the options that make both axes logarithmic. */
export function logLogAxes(): LineChartConfig {
  return { logX: true, logY: true };
}

function checkAxes(answer: LineChartConfig): Feedback {
  if (typeof answer !== "object" || Array.isArray(answer))
    return wrong(`your answer is ${describe(answer)}; give lineChart's options object`);
  const xs = Array.from({ length: 50 }, (_, i) => i + 1);
  const { layout } = lineChart({ name: "x²", x: xs, y: xs.map((x) => x * x) }, answer);
  const logX = layout.xaxis?.type === "log";
  const logY = layout.yaxis?.type === "log";
  if (logX && logY) return correct("both axes are logarithmic, and y = x² is a straight line of slope 2");
  if (logY) return wrong("the y axis is logarithmic, but the x axis is still linear");
  if (logX) return wrong("the x axis is logarithmic, but the y axis is still linear");
  return wrong("both axes are still linear");
}

/** The context of exercise 2: the text to colour. */
export interface RampContext {
  /** The notebook's `text`. */
  readonly text: string;
}

/** Exercise 2: one value per character, from 0 at the first to exactly 1 at the last. */
export function unitRamp({ text }: RampContext): number[] {
  const n = [...text].length;
  return [...text].map((_, i) => i / (n - 1)); // i = n − 1 gives 1
}

function checkRamp(ramp: readonly number[], { text }: RampContext): Feedback {
  const n = [...text].length;
  if (!Array.isArray(ramp)) return wrong(`your ramp is ${describe(ramp)}; give an array with one number per character`);
  if (ramp.length !== n) return wrong(`text has ${n} characters but your ramp has ${ramp.length} values`);
  const bad = ramp.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad >= 0) return wrong(`value ${bad} is ${describe(ramp[bad])}, not a finite number`);
  if (ramp[0] !== 0) return wrong(`it starts at ${fmt(ramp[0])}; the first character must get 0`);
  const flat = ramp.findIndex((v, i) => i > 0 && v <= ramp[i - 1]);
  if (flat > 0) return wrong(`it does not grow from character ${flat - 1} to character ${flat}`);
  if (Math.abs(ramp[n - 1] - 1) > 1e-9) return wrong(`it ends at ${fmt(ramp[n - 1])}, not at exactly 1`);
  return correct(`a ramp from 0 to 1 over ${n} characters`);
}

/** The exercises of notebook 00b-plots. */
export const PLOTS_EXERCISES = {
  notebook: "00b-plots",
  file: "exercises/plots.ts",
  exercises: {
    1: valueExercise<LineChartConfig>({
      title: "log-log axes",
      hint: "Look at the options of lineChart (LineChartConfig): two of them choose a logarithmic axis.",
      explanation: "On log-log axes y = x² becomes log y = 2 log x, a straight line of slope 2; any power law does the same.",
      solution: logLogAxes,
      mistake: () => ({ logY: true }),
      check: checkAxes,
    }),
    2: valueExercise<readonly number[], RampContext>({
      title: "a colour ramp",
      hint: "Character i of n should get i divided by something; which divisor makes the last character (i = n − 1) exactly 1?",
      explanation: "Dividing by n − 1, not n, maps the positions 0 … n − 1 onto 0 … 1 with both ends included.",
      needs: ["text"],
      example: () => ({ text: "hello, world" }),
      solution: unitRamp,
      mistake: ({ text }) => [...text].map((_, i) => i / [...text].length),
      check: checkRamp,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
