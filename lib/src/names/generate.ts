/**
 * Generating names from a character language model, many at once: every sampler here runs one
 * batched forward step for all names instead of one name at a time. Also: forcing a suffix
 * ("…saurus"), validation perplexity and novelty against temperature, and the activations of
 * hidden units for colouring names.
 *
 * ```ts
 * sampleNames(model, vocab, { count: 20, method: { kind: "temperature", temperature: 0.8 }, prefix: "tyranno" });
 * sampleNamesWithSuffix(model, vocab, "saurus", { count: 20, method: { kind: "topP", p: 0.9 } });
 * temperatureSweep(model, vocab, data, split, [0.5, 1, 1.5], { count: 1000 });
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { BatchSource, TokenBatch } from "../data/batch";
import { idsTensor } from "../data/batch-tensors";
import { LineSpecialIds, lineSpecialIds, paddedBatch } from "../data/line-batches";
import { sequenceCrossEntropy } from "../data/perplexity";
import { charTokens } from "../data/tokenize";
import type { Vocab } from "../data/vocab";
import { DecodeMethod, sample } from "../decode/sampling";
import { languageModelStepper } from "../decode/stepper";
import { sampleWithSuffix } from "../decode/suffix";
import type { RecurrentBlock } from "../rnn/recurrent";
import type { TokenEncoder } from "../rnn/embedding";
import type { LanguageModel } from "../rnn/rnn-lm";
import { coloredText } from "../plot/colored-text";
import type { HtmlView } from "../plot/figure";
import { table } from "../plot/table";
import { NAME_LABELS, NameLabel, NameSplit, labelName, noveltyCounts, noveltyShares } from "./split";
import { scaled } from "../quick";

/** Options of {@link sampleNames}. */
export interface SampleNamesOptions {
  /** How many names. */
  readonly count: number;
  /** How each next character is chosen (greedy, temperature, top-k, top-p). */
  readonly method: DecodeMethod;
  /** Letters every name starts with ("tyranno"); the model reads them first. Default "". */
  readonly prefix?: string;
  /** At most this many generated characters after the prefix. Default 50. */
  readonly maxLength?: number;
  /** Seed of the sampling. Default 0. */
  readonly seed?: number;
}

/** `count` copies of the start token followed by the prefix, one row per name. */
function startRows(vocab: Vocab, special: LineSpecialIds, prefix: string, count: number, where: string): number[][] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`${where}: count must be a positive integer, got ${count}.`);
  const chars = charTokens(prefix);
  const unknown = chars.filter((c) => !vocab.has(c));
  if (unknown.length > 0)
    throw new Error(`${where}: the prefix "${prefix}" has letters the vocabulary does not know (${[...new Set(unknown)].join(", ")}).`);
  const row = [special.start, ...vocab.encode(chars)];
  return Array.from({ length: count }, () => row);
}

/**
 * Samples `count` names in one batch (the course's one sampler, {@link sample}). Each name stops at
 * `<eos>` or after `maxLength` new characters; the result includes the prefix.
 */
export function sampleNames(model: LanguageModel, vocab: Vocab, opts: SampleNamesOptions): string[] {
  const { count, method, prefix = "", maxLength = 50, seed = 0 } = opts;
  const special = lineSpecialIds(vocab);
  const rows = sample(languageModelStepper(model), startRows(vocab, special, prefix, count, "sampleNames"), {
    method,
    maxLength,
    eosId: special.eos,
    seed,
  });
  return rows.map((ids) => prefix + vocab.decode(ids).join(""));
}

/** Options of {@link sampleNamesWithSuffix}. */
export interface NameSuffixOptions extends SampleNamesOptions {
  /** Longest stem (characters between the prefix and the suffix). Default 12. */
  readonly maxStem?: number;
  /** Shortest stem. Default 1. */
  readonly minStem?: number;
}

/**
 * Names that end with `suffix` ("saurus"): a stem is sampled with `<eos>` forbidden, and the model decides
 * after how many letters `suffix` + `<eos>` fits best (see `decode/suffix.ts`).
 */
export function sampleNamesWithSuffix(model: LanguageModel, vocab: Vocab, suffix: string, opts: NameSuffixOptions): string[] {
  const { count, method, prefix = "", seed = 0, maxStem = 12, minStem = 1 } = opts;
  if (suffix.length === 0) throw new Error("sampleNamesWithSuffix: the suffix is empty; use sampleNames for free names.");
  const special = lineSpecialIds(vocab);
  const suffixIds = [...vocab.encode(charTokens(suffix)), special.eos];
  const rows = sampleWithSuffix(languageModelStepper(model), startRows(vocab, special, prefix, count, "sampleNamesWithSuffix"), suffixIds, {
    method,
    eosId: special.eos,
    seed,
    maxStem,
    minStem,
  });
  return rows.map((ids) => prefix + vocab.decode(ids).join(""));
}

/**
 * Validation perplexity per character when the logits are divided by each temperature `T` (what the
 * sampler at temperature `T` "believes"): `exp(CE(softmax(o / T)))` over every real (unmasked) target.
 */
export function valPerplexityAtTemperatures(
  model: LanguageModel,
  data: BatchSource<TokenBatch>,
  temperatures: readonly number[],
): { temperature: number; perplexity: number }[] {
  const nats = new Float64Array(temperatures.length);
  let tokens = 0;
  for (const batch of data.valBatches()) {
    const n = model.countItems(batch);
    const ce = tf.tidy(() => {
      const { logits, targets, mask } = model.scores(batch);
      return temperatures.map((T) => sequenceCrossEntropy(tf.div(logits, T), targets, mask).dataSync()[0]);
    });
    ce.forEach((c, i) => (nats[i] += c * n));
    tokens += n;
  }
  if (tokens === 0) throw new Error("valPerplexityAtTemperatures: the validation set is empty.");
  return temperatures.map((temperature, i) => ({ temperature, perplexity: Math.exp(nats[i] / tokens) }));
}

/** One row of {@link temperatureSweep}: validation perplexity and the shares of new / training / held-out names at one temperature. */
export type TemperatureRow = { readonly temperature: number; readonly "val ppl": number } & Readonly<Record<NameLabel, number>>;

/**
 * For each temperature: validation perplexity, and the novelty shares of `count` sampled names
 * (default 1,000; `scaled(count, 200)` under `RNNLAB_QUICK`).
 */
export function temperatureSweep(
  model: LanguageModel,
  vocab: Vocab,
  data: BatchSource<TokenBatch>,
  split: NameSplit,
  temperatures: readonly number[],
  opts: { readonly count?: number; readonly seed?: number } = {},
): TemperatureRow[] {
  const { seed = 0 } = opts;
  const count = scaled(opts.count ?? 1000, 200);
  const ppl = valPerplexityAtTemperatures(model, data, temperatures);
  return temperatures.map((temperature, i) => {
    const samples = sampleNames(model, vocab, { count, method: { kind: "temperature", temperature }, seed: seed + i });
    const shares = noveltyShares(samples, split);
    const row: Record<string, number> = { temperature, "val ppl": ppl[i].perplexity };
    for (const label of NAME_LABELS) row[label] = shares[label];
    return row as TemperatureRow;
  });
}

// ---------------------------------------------------------------- hidden units

/** A language model whose encoder and recurrent block can be reached, e.g. {@link RNNLMScratch}. */
export interface HasBlock {
  readonly block: RecurrentBlock;
  readonly encoder: TokenEncoder;
  readonly vocabSize: number;
}

/**
 * The hidden state after reading each letter of each name: `acts[n][i][u]` is unit `u` after letter
 * `i` of name `n` (the start token's step is left out, so there is one row per letter).
 */
export function hiddenActivations(model: HasBlock, vocab: Vocab, names: readonly string[]): number[][][] {
  if (names.length === 0) throw new Error("hiddenActivations: no names.");
  const special = lineSpecialIds(vocab);
  const batch = paddedBatch(
    names.map((n) => vocab.encode(charTokens(n))),
    special,
  );
  const H = model.block.numHiddens;
  const values = tf.tidy(() => {
    const X = model.encoder.encode(idsTensor(batch.X, batch.batchSize, batch.numSteps)); // [T, B, numInputs]
    const [out, state] = model.block.forward(X);
    tf.dispose(state);
    return out.dataSync() as Float32Array; // [T, B, H]
  });
  return names.map((name, b) =>
    Array.from({ length: name.length }, (_, i) => {
      const t = i + 1; // step t reads letter i
      return Array.from(values.subarray((t * batch.batchSize + b) * H, (t * batch.batchSize + b + 1) * H));
    }),
  );
}

/**
 * The unit whose activation follows `feature(name, i)` (a number per letter) most closely: the
 * largest absolute Pearson correlation over every letter of every name.
 */
export function unitForFeature(
  model: HasBlock,
  vocab: Vocab,
  names: readonly string[],
  feature: (name: string, i: number) => number,
): { unit: number; correlation: number } {
  const acts = hiddenActivations(model, vocab, names);
  const f: number[] = [];
  names.forEach((name) => [...name].forEach((_, i) => f.push(feature(name, i))));
  const H = model.block.numHiddens;
  const meanF = f.reduce((a, b) => a + b, 0) / f.length;
  let best = { unit: 0, correlation: 0 };
  for (let u = 0; u < H; u++) {
    const a = acts.flatMap((rows) => rows.map((r) => r[u]));
    const meanA = a.reduce((x, y) => x + y, 0) / a.length;
    let sab = 0;
    let saa = 0;
    let sff = 0;
    for (let i = 0; i < a.length; i++) {
      sab += (a[i] - meanA) * (f[i] - meanF);
      saa += (a[i] - meanA) ** 2;
      sff += (f[i] - meanF) ** 2;
    }
    const r = saa > 0 && sff > 0 ? sab / Math.sqrt(saa * sff) : 0;
    if (Math.abs(r) > Math.abs(best.correlation)) best = { unit: u, correlation: r };
  }
  return best;
}

/** Colours the letters of `names` (one per line) by the activation of hidden unit `unit` (tanh-range, blue −1 … red +1). */
export function unitColoredText(model: HasBlock, vocab: Vocab, names: readonly string[], unit: number, title?: string): HtmlView {
  if (!Number.isInteger(unit) || unit < 0 || unit >= model.block.numHiddens) {
    throw new Error(`unitColoredText: unit ${unit} does not exist; the model has units 0 … ${model.block.numHiddens - 1}.`);
  }
  const acts = hiddenActivations(model, vocab, names);
  const values: number[] = [];
  acts.forEach((rows, n) => {
    rows.forEach((r) => values.push(Math.max(-1, Math.min(1, r[unit]))));
    if (n < names.length - 1) values.push(NaN); // the line break has no activation
  });
  return coloredText(names.join("\n"), values, { range: "signed", title: title ?? `unit ${unit}` });
}

/** A sampling setting for {@link generationTable}: a column title and a decoding method. */
export interface GenerationSetting {
  readonly title: string;
  readonly method: DecodeMethod;
  /** Letters every name starts with. */
  readonly prefix?: string;
  /** Letters every name ends with (see {@link sampleNamesWithSuffix}). */
  readonly suffix?: string;
}

/** Marks after a name in tables: none for new names, `·` for training names, `★` for held-out real names. */
export const NAME_MARKS: Readonly<Record<NameLabel, string>> = { new: "", "in training set": " ·", "held-out real name": " ★" };

/**
 * A table with one column per setting and `count` sampled names in each, every name marked:
 * no mark = **new**, `·` = **in training set**, `★` = **held-out real name**. The last row counts them.
 */
export function generationTable(
  model: LanguageModel,
  vocab: Vocab,
  split: NameSplit,
  settings: readonly GenerationSetting[],
  opts: { readonly count?: number; readonly seed?: number } = {},
): HtmlView {
  const { count = 20, seed = 0 } = opts;
  const columns = settings.map((s, i) => {
    const o = { count, method: s.method, prefix: s.prefix, seed: seed + i };
    return s.suffix ? sampleNamesWithSuffix(model, vocab, s.suffix, o) : sampleNames(model, vocab, o);
  });
  const rows: Record<string, string>[] = Array.from({ length: count }, (_, r) => {
    const row: Record<string, string> = {};
    settings.forEach((s, i) => (row[s.title] = columns[i][r] + NAME_MARKS[labelName(columns[i][r], split)]));
    return row;
  });
  const summary: Record<string, string> = {};
  settings.forEach((s, i) => {
    const c = noveltyCounts(columns[i], split);
    summary[s.title] = `${c.new} new, ${c["in training set"]} ·, ${c["held-out real name"]} ★`;
  });
  return table([...rows, summary], { title: `${count} names per setting (· in training set, ★ held-out real name, unmarked: new)` });
}
