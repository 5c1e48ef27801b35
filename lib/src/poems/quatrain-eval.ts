/**
 * Notebook 09's measurements: each decoding setting writes `n` poems, and every row of the table gets the same
 * numbers (form validity, rhyme, tone pattern, lines copied from the training poems, distinct poems, and the
 * model's perplexity of what was written), beside the held-out corpus poems as the reference.
 *
 * ```ts
 * const rows = constraintLadder(model, corpus, { form: 5, n: 200 }); // corpus, unconstrained, form, + rhyme, + tone, acrostic
 * show(table(rows.map(ladderTableRow)));
 * ```
 * @see notebooks/09-tang-poems.ipynb
 */
import { checkQuatrain } from "../data/quatrain";
import { poemMetrics } from "../data/poem-metrics";
import type { PoemMetrics } from "../data/poem-metrics";
import { sample } from "../decode/sampling";
import type { DecodeMethod } from "../decode/sampling";
import { languageModelStepper } from "../decode/stepper";
import { perplexityOf, tokenLogProbs } from "../decode/token-probs";
import type { RNNLMScratch } from "../rnn/rnn-lm";
import { writeQuatrains } from "./quatrain-lm";
import type { QuatrainCorpus, WriteQuatrainsOptions } from "./quatrain-lm";

/** One row of the table: how the poems were made, the poems, and what was measured on them. */
export interface QuatrainRow {
  readonly name: string;
  readonly form: 5 | 7;
  readonly poems: readonly string[];
  readonly metrics: PoemMetrics;
  /** The model's per-token perplexity of the poems (characters, marks and `<eos>`). */
  readonly perplexity: number;
  /** Seconds spent writing the poems (0 for the corpus). */
  readonly seconds: number;
}

/**
 * A written poem's tokens: its characters, and each `<unk>` (how a sampled rare character is written back) as one
 * token, so that a poem reads back as the ids the model wrote.
 */
export function poemTokens(poem: string): string[] {
  return poem.match(/<unk>|[\s\S]/gu) ?? [];
}

/** The model's per-token perplexity of `poems` (each read as `<bos>` poem `<eos>`); `<unk>` stands for rare characters. */
export function poemPerplexity(model: RNNLMScratch, corpus: QuatrainCorpus, poems: readonly string[]): number {
  if (poems.length === 0) throw new Error("poemPerplexity: no poems; give at least one.");
  const { vocab } = corpus;
  const rows = poems.map((p) => [vocab.bosId as number, ...vocab.encode(poemTokens(p)), vocab.eosId as number]);
  return perplexityOf(tokenLogProbs(model, rows));
}

/** Measures `poems` as a row of the table (see {@link QuatrainRow}); novelty is measured against the training poems. */
export function measureQuatrains(
  model: RNNLMScratch,
  corpus: QuatrainCorpus,
  name: string,
  form: 5 | 7,
  poems: readonly string[],
  seconds = 0,
): QuatrainRow {
  const metrics = poemMetrics(poems, { form: String(form) as "5" | "7", corpus: corpus.trainTexts });
  return { name, form, poems, metrics, perplexity: poemPerplexity(model, corpus, poems), seconds };
}

/** Options of {@link freeQuatrains}. */
export interface FreeQuatrainsOptions {
  readonly n: number;
  /** Default top-p 0.9. */
  readonly method?: DecodeMethod;
  /** Default 0. */
  readonly seed?: number;
}

/**
 * `n` poems with no constraint at all: the model starts from `<bos>` and writes until it samples `<eos>` (or 40
 * tokens). They may have either form, or none.
 */
export function freeQuatrains(model: RNNLMScratch, corpus: QuatrainCorpus, opts: FreeQuatrainsOptions): string[] {
  const { n, method = { kind: "topP", p: 0.9 }, seed = 0 } = opts;
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`freeQuatrains: n must be a positive integer, got ${n}.`);
  const { vocab } = corpus;
  const prefixes = Array.from({ length: n }, () => [vocab.bosId as number]);
  const rows = sample(languageModelStepper(model), prefixes, { method, maxLength: 40, eosId: vocab.eosId as number, seed });
  return rows.map((r) => vocab.decode(r).join(""));
}

/** One rung of the ladder: a name and the constraints added to the form. */
export interface LadderRung {
  readonly name: string;
  readonly opts: Omit<WriteQuatrainsOptions, "form" | "n" | "seed">;
}

/** The constraints of the table, each adding to the one before (the acrostic adds heads to all of them). */
export const CONSTRAINT_LADDER: readonly LadderRung[] = [
  { name: "form", opts: {} },
  { name: "form + rhyme", opts: { rhyme: true } },
  { name: "form + rhyme + tone pattern", opts: { rhyme: true, tonePattern: 0 } },
  { name: "acrostic 春夏秋冬 + rhyme + tone", opts: { heads: "春夏秋冬", rhyme: true, tonePattern: 0 } },
];

/** Options of {@link constraintLadder}. */
export interface ConstraintLadderOptions {
  readonly form: 5 | 7;
  /** Poems per row. */
  readonly n: number;
  /** Seed of every row's sampler. Default 1. */
  readonly seed?: number;
  /** Unconstrained poems to measure (e.g. shared by both forms' ladders); written here when not given. */
  readonly free?: readonly string[];
  /** The rungs. Default {@link CONSTRAINT_LADDER}. */
  readonly rungs?: readonly LadderRung[];
}

/**
 * The whole table for one form: the held-out corpus poems of that form (the reference), the unconstrained samples,
 * then each rung of constraints, `n` poems per row.
 */
export function constraintLadder(model: RNNLMScratch, corpus: QuatrainCorpus, opts: ConstraintLadderOptions): QuatrainRow[] {
  const { form, n, seed = 1, rungs = CONSTRAINT_LADDER } = opts;
  const key = String(form) as "5" | "7";
  const held = corpus.valTexts.filter((t) => checkQuatrain(t, { form: key }).valid);
  const rows = [measureQuatrains(model, corpus, `corpus (held-out ${form}-character poems)`, form, held)];
  let t = Date.now();
  const free = opts.free ?? freeQuatrains(model, corpus, { n, seed });
  rows.push(measureQuatrains(model, corpus, "unconstrained", form, free, opts.free ? 0 : (Date.now() - t) / 1000));
  for (const rung of rungs) {
    t = Date.now();
    const poems = writeQuatrains(model, corpus, { ...rung.opts, form, n, seed });
    rows.push(measureQuatrains(model, corpus, rung.name, form, poems, (Date.now() - t) / 1000));
  }
  return rows;
}

/** A row as the table shows it: shares in percent, the longest copied run in characters, perplexity. */
export function ladderTableRow(row: QuatrainRow): Record<string, string | number> {
  const pct = (x: number): string => (Number.isNaN(x) ? "–" : `${(100 * x).toFixed(1)} %`);
  const m = row.metrics;
  return {
    poems: `${row.name}`,
    n: m.count,
    "form valid": pct(m.formValid),
    "rhyme 2·4": pct(m.rhyme24),
    "tone pattern": pct(m.tonePattern),
    "tone ≤ 1 off": pct(m.toneWithinOne),
    "lines copied": pct(m.copiedLineShare),
    "longest copied": m.longestCopied.length,
    distinct: pct(m.distinct),
    perplexity: Number(row.perplexity.toFixed(1)),
  };
}
