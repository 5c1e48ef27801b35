/**
 * Subject–verb agreement in a character language model (notebook 04b): after "the cat" and a filler clause of
 * `g` words, does the model prefer " was" to " were", and after "the cats" the other way round, and how does the
 * preference change as the filler grows?
 *
 * ```text
 * context(cat, 4)  = "the cat which already ate quickly "     → log P("was ") − log P("were ")   (> 0: prefers was)
 * context(cats, 4) = "the cats which already ate quickly "    → the same difference              (< 0: prefers were)
 * ```
 *
 * The verb's probability is the product of its characters' probabilities, **and of the space after it**: without
 * it, "was" would also count every "washington". The filler has no noun, pronoun or verb form that marks number,
 * so only the subject can decide. {@link trainCharLMs} trains the models (fused RNN, GRU and LSTM blocks, one
 * comparison through the training cache); {@link verbPreference} measures one.
 *
 * ```ts
 * const lms = keep("lms", await trainCharLMs({ data, numHiddens: 128, maxEpochs: 8, stepsPerEpoch: 100, lr: 0.01, cache: "sotu" }));
 * const rows = verbPreference(lms.runs[1].model, vocab);  // every subject × gap
 * ```
 * @see notebooks/04b-long-range.ipynb
 */
import type { ScatterData } from "plotly.js-dist";
import { CELL_KINDS, CellKind, cellLabel, parseCellKind } from "../cells";
import type { TokenBatchSource } from "../data/batch";
import type { Vocab } from "../data/vocab";
import { tokenLogProbs } from "../decode/token-probs";
import { buildBlock } from "../rnn/blocks";
import { LanguageModel, RNNLMScratch } from "../rnn/rnn-lm";
import type { HtmlView, PlotFigure } from "../plot/figure";
import { lineChart } from "../plot/line-chart";
import { table } from "../plot/table";
import { TrainingBoard } from "../plot/board";
import { Comparison, CompareConfig, compareModels } from "./compare";

/** The filler clause, cut after `g` words: no word in it marks number (no noun, no pronoun, no present-tense verb). */
export const VERB_FILLER = "which already ate quickly and then slept quietly and calmly and very happily again and again";

/** Subjects as `[singular, plural]`: the textbook's cat, then nouns common in State of the Union addresses. */
export const VERB_SUBJECTS: readonly (readonly [string, string])[] = [
  ["cat", "cats"],
  ["nation", "nations"],
  ["child", "children"],
  ["family", "families"],
  ["job", "jobs"],
  ["man", "men"],
];

/** Filler lengths in words. */
export const VERB_GAPS: readonly number[] = [0, 1, 2, 4, 8, 16];

/** The verb forms compared: singular first. */
export const VERB_FORMS = ["was", "were"] as const;

/**
 * `"the <subject> <first gap words of filler> "`: the text before the verb, ending with a space.
 * @throws Error when `gap` is not an integer from 0 to the filler's word count.
 */
export function agreementContext(subject: string, gap: number, filler: string = VERB_FILLER): string {
  const words = filler.split(" ").filter((w) => w !== "");
  if (!Number.isInteger(gap) || gap < 0 || gap > words.length) {
    throw new Error(`agreementContext: gap must be an integer from 0 to ${words.length} (the filler's words), got ${gap}.`);
  }
  return ["the", subject, ...words.slice(0, gap)].join(" ") + " ";
}

/** Options of {@link verbPreference}. */
export interface VerbPreferenceOptions {
  /** Subjects as `[singular, plural]`. Default {@link VERB_SUBJECTS}. */
  readonly subjects?: readonly (readonly [string, string])[];
  /** Filler lengths in words. Default {@link VERB_GAPS}. */
  readonly gaps?: readonly number[];
  /** The filler clause. Default {@link VERB_FILLER}. */
  readonly filler?: string;
  /** The singular and plural verb forms. Default {@link VERB_FORMS}. */
  readonly verbs?: readonly [string, string];
}

/** One measurement: a subject at one gap. */
export interface VerbPreferenceRow {
  /** The subject word, e.g. `"cats"`. */
  readonly subject: string;
  readonly number: "singular" | "plural";
  /** Filler words between the subject and the verb. */
  readonly gap: number;
  /** `log P(verb₀ + " " | context)` and `log P(verb₁ + " " | context)`, natural logs. */
  readonly logProbs: readonly [number, number];
  /** `logProbs[0] − logProbs[1]`: above 0 the model prefers the singular verb. */
  readonly preference: number;
}

/**
 * Measures the model's verb preference for every subject (both numbers) at every gap: teacher-forced passes
 * over the `contexts × verbs` strings, one per string length.
 * @throws Error when a string holds a character the vocabulary lacks.
 */
export function verbPreference(model: LanguageModel, vocab: Vocab, opts: VerbPreferenceOptions = {}): VerbPreferenceRow[] {
  const { subjects = VERB_SUBJECTS, gaps = VERB_GAPS, filler = VERB_FILLER, verbs = VERB_FORMS } = opts;
  if (subjects.length === 0 || gaps.length === 0) throw new Error("verbPreference: give at least one subject pair and one gap.");
  const cases = subjects.flatMap(([singular, plural]) =>
    gaps.flatMap((gap) => [
      { subject: singular, number: "singular" as const, gap },
      { subject: plural, number: "plural" as const, gap },
    ]),
  );
  const texts = cases.flatMap((c) => verbs.map((v) => ({ context: agreementContext(c.subject, c.gap, filler), verb: `${v} ` })));
  const rows = texts.map(({ context, verb }) => {
    const chars = [...context, ...verb];
    const missing = [...new Set(chars.filter((ch) => !vocab.has(ch)))];
    if (missing.length > 0) {
      throw new Error(
        `verbPreference: the vocabulary has no ${missing.map((m) => JSON.stringify(m)).join(", ")} (in "${context}${verb}").`,
      );
    }
    return vocab.encode(chars);
  });
  // Rows of equal length go together: no padding, so no step of a batch is spent on it.
  const logProbs = new Array<Float64Array>(rows.length);
  const byLength = new Map<number, number[]>();
  rows.forEach((row, i) => byLength.set(row.length, [...(byLength.get(row.length) ?? []), i]));
  for (const indices of byLength.values()) {
    const scored = tokenLogProbs(
      model,
      indices.map((i) => rows[i]),
    );
    indices.forEach((i, k) => (logProbs[i] = scored[k]));
  }
  // The verb's log P: the sum over its characters and the space after it (the last verb.length entries).
  const verbLogP = texts.map(({ verb }, i) => logProbs[i].slice(-[...verb].length).reduce((a, b) => a + b, 0));
  return cases.map((c, i) => {
    const lp: [number, number] = [verbLogP[2 * i], verbLogP[2 * i + 1]];
    return { ...c, logProbs: lp, preference: lp[0] - lp[1] };
  });
}

/** Per gap: the mean preference after singular subjects, after plural ones, and their difference. */
export interface PreferenceByGap {
  readonly gap: number;
  readonly singular: number;
  readonly plural: number;
  /** `singular − plural`: how much the subject moves the preference (0: not at all). */
  readonly effect: number;
}

/** The rows of {@link verbPreference} averaged per gap, over every subject or over the pairs whose singular is `subject`. */
export function preferenceByGap(rows: readonly VerbPreferenceRow[], subject?: string): PreferenceByGap[] {
  const gaps = [...new Set(rows.map((r) => r.gap))];
  const singulars = new Set(subject === undefined ? rows.filter((r) => r.number === "singular").map((r) => r.subject) : [subject]);
  // A plural row belongs to the pair of the singular row measured just before it at the same gap.
  const pairOf = new Map<VerbPreferenceRow, string>();
  rows.forEach((r, i) => pairOf.set(r, r.number === "singular" ? r.subject : rows[i - 1].subject));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return gaps.map((gap) => {
    const at = rows.filter((r) => r.gap === gap && singulars.has(pairOf.get(r) ?? ""));
    if (at.length === 0) throw new Error(`preferenceByGap: no rows for subject "${subject}"; measure it with verbPreference first.`);
    const singular = mean(at.filter((r) => r.number === "singular").map((r) => r.preference));
    const plural = mean(at.filter((r) => r.number === "plural").map((r) => r.preference));
    return { gap, singular, plural, effect: singular - plural };
  });
}

/**
 * The preference against the gap: for each model, a solid line after singular subjects and a dotted one of the
 * same colour after plural ones (mean over subjects, or one pair when `subject` is given). Agreement shows as the
 * two lines of a model staying apart: singular above 0, plural below.
 */
export function verbPreferenceFigure(
  models: readonly { readonly name: string; readonly rows: readonly VerbPreferenceRow[] }[],
  opts: { readonly subject?: string; readonly verbs?: readonly [string, string]; readonly title?: string } = {},
): PlotFigure {
  const [a, b] = opts.verbs ?? VERB_FORMS;
  const palette = ["rgb(31,119,180)", "rgb(255,127,14)", "rgb(44,160,44)", "rgb(214,39,40)", "rgb(148,103,189)"];
  const series = models.flatMap((m, i) => {
    const by = preferenceByGap(m.rows, opts.subject);
    const x = by.map((g) => g.gap);
    const color = palette[i % palette.length];
    return [
      { name: `${m.name}, singular subject`, x, y: by.map((g) => g.singular), mode: "lines+markers" as const, color },
      { name: `${m.name}, plural subject`, x, y: by.map((g) => g.plural), mode: "lines+markers" as const, color },
    ];
  });
  const gaps = series[0].x;
  const fig = lineChart([...series, { name: "no preference", x: [gaps[0], gaps[gaps.length - 1]], y: [0, 0], color: "rgb(150,150,150)" }], {
    title:
      opts.title ??
      `log P(${a}) − log P(${b}) after ${opts.subject === undefined ? "each subject (mean over subjects)" : `"the ${opts.subject}(s)"`}`,
    xTitle: "filler words between subject and verb",
    yTitle: `log P(${a}) − log P(${b})  (> 0: prefers ${a})`,
  });
  // Plural lines (every second series) dotted, so each model keeps one colour.
  const data = fig.data.map((trace, i) => {
    if (!(i < series.length && i % 2 === 1)) return trace;
    const line = trace as Partial<ScatterData>;
    return { ...line, line: { ...line.line, dash: "dot" } } as Partial<ScatterData>;
  });
  return { ...fig, data };
}

/** One row per gap: each model's mean preference after singular and plural subjects, and their difference. */
export function verbPreferenceTable(
  models: readonly { readonly name: string; readonly rows: readonly VerbPreferenceRow[] }[],
  opts: { readonly subject?: string; readonly verbs?: readonly [string, string]; readonly title?: string } = {},
): HtmlView {
  const [a, b] = opts.verbs ?? VERB_FORMS;
  const by = models.map((m) => preferenceByGap(m.rows, opts.subject));
  return table(
    by[0].map((g, i) => ({
      "filler words": g.gap,
      ...Object.fromEntries(
        models.flatMap((m, k) => [
          [`${m.name} sing.`, by[k][i].singular],
          [`${m.name} plur.`, by[k][i].plural],
          [`${m.name} effect`, by[k][i].effect],
        ]),
      ),
    })),
    {
      title:
        opts.title ??
        `log P(${a}) − log P(${b}) after ${opts.subject === undefined ? "singular subjects" : `"the ${opts.subject}"`}, ` +
          `after plural ones, and the difference (effect)`,
      digits: 2,
    },
  );
}

/** Options of {@link trainCharLMs}: a comparison of character language models around fused blocks. */
export interface CharLMsConfig extends Omit<CompareConfig<LanguageModel>, "contestants" | "data" | "score"> {
  /** Training and validation batches; every model sees the same ones in the same order. */
  readonly data: TokenBatchSource;
  /** Width of every model's hidden state. */
  readonly numHiddens: number;
  /** Which cells, in order. Default every kind. */
  readonly cells?: readonly CellKind[];
  /** Seed of every model. Default 1. */
  readonly seed?: number;
}

/** A character language model: one-hot inputs, a fused `cell` block, the scratch output layer. */
export function buildFusedLM(
  cell: CellKind,
  sizes: { readonly vocabSize: number; readonly numHiddens: number; readonly seed?: number },
): RNNLMScratch {
  const { vocabSize, numHiddens, seed = 1 } = sizes;
  const block = buildBlock(parseCellKind(cell), "fused", { numInputs: vocabSize, numHiddens, seed });
  return new RNNLMScratch({ block, vocabSize, seed });
}

/**
 * Trains one character language model per cell (fused blocks: several times faster than scratch ones) with the
 * same batches, steps, optimiser and seed, through {@link compareModels} (pass `cache` to load on reruns).
 * @throws Error when the configuration is invalid.
 */
export async function trainCharLMs(config: CharLMsConfig): Promise<Comparison<RNNLMScratch> & { readonly cells: readonly CellKind[] }> {
  const cells = (config.cells ?? CELL_KINDS).map(parseCellKind);
  if (cells.length === 0) throw new Error(`trainCharLMs: no cells; give cells such as ${JSON.stringify(CELL_KINDS)}.`);
  if (!Number.isInteger(config.numHiddens) || config.numHiddens < 1) {
    throw new Error(`trainCharLMs: numHiddens must be a positive integer, got ${config.numHiddens}.`);
  }
  const { numHiddens, seed = 1 } = config;
  const names = cells.map(cellLabel);
  const title = config.title ?? `Character language models: ${names.join(" vs ")}`;
  const result = await compareModels({
    ...config,
    title,
    listener:
      config.listener === undefined
        ? new TrainingBoard({ title, metrics: names.map((n) => `${n} val ppl`), logY: true, yTitle: "validation perplexity" })
        : config.listener,
    contestants: cells.map((cell, i) => ({
      name: names[i],
      settings: { cell, numHiddens, seed, block: "fused" },
      build: () => buildFusedLM(cell, { vocabSize: config.data.vocabSize, numHiddens, seed }),
    })),
  });
  return { ...result, cells };
}
