/**
 * Generating names from a character language model, many at once: every sampler here runs one
 * batched forward step for all names instead of one name at a time. Also: forcing a suffix
 * ("…saurus"), validation perplexity and novelty against temperature, and the activations of
 * hidden units for colouring names.
 *
 * ```ts
 * sampleNames(model, vocab, { count: 20, method: { kind: "temperature", temperature: 0.8 }, prefix: "tyranno" });
 * sampleWithSuffix(model, vocab, "saurus", { count: 20, method: { kind: "topP", p: 0.9 } });
 * temperatureSweep(model, vocab, data, split, [0.5, 1, 1.5], { count: 1000 });
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { batchTensors, disposeBatchTensors, oneHotIds } from "../data/batch-tensors";
import type { BatchSource } from "../data/batch";
import { LineSpecialIds, lineSpecialIds, paddedBatch } from "../data/line-batches";
import { sequenceCrossEntropy } from "../data/perplexity";
import { Rng } from "../data/rng";
import { charTokens } from "../data/tokenize";
import type { Vocab } from "../data/vocab";
import { DecodeMethod, nextTokenProbs, sampleIndex } from "../decode/sampling";
import type { RecurrentBlock, RecurrentState } from "../rnn/recurrent";
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

/** Runs `ids` (row-major `[batchSize, numSteps]`) from `state`; returns the last step's logits `[batchSize · V]` and the new state. */
function advance(model: LanguageModel, ids: number[], batchSize: number, state: RecurrentState | undefined): [Float32Array, RecurrentState] {
  const numSteps = ids.length / batchSize;
  const X = oneHotIds(ids, batchSize, numSteps, model.vocabSize); // [numSteps, batchSize, V]
  const [logits, newState] = model.forward(X, state);
  const last = tf.tidy(() => tf.slice(logits, [numSteps - 1, 0, 0], [1, batchSize, model.vocabSize]).dataSync() as Float32Array);
  tf.dispose([X, logits]);
  return [last, newState];
}

/** Row-major `[count, 1 + prefix]` ids: the start token then the prefix, for every row. */
function startIds(vocab: Vocab, special: LineSpecialIds, prefix: string, count: number): number[] {
  const prefixIds = vocab.encode(charTokens(prefix));
  if (vocab.unkId !== undefined && prefixIds.includes(vocab.unkId)) throw new Error(`sampleNames: the prefix "${prefix}" has letters the vocabulary does not know.`);
  const row = [special.start, ...prefixIds];
  return Array.from({ length: count }, () => row).flat();
}

function checkCount(where: string, count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new Error(`${where}: count must be a positive integer, got ${count}.`);
}

/**
 * Samples `count` names in one batch. Each name stops at `<eos>` or after `maxLength` new
 * characters; the result includes the prefix.
 */
export function sampleNames(model: LanguageModel, vocab: Vocab, opts: SampleNamesOptions): string[] {
  const { count, method, prefix = "", maxLength = 50, seed = 0 } = opts;
  checkCount("sampleNames", count);
  const special = lineSpecialIds(vocab);
  const V = model.vocabSize;
  const rng = new Rng(seed);
  const out: number[][] = Array.from({ length: count }, () => []);
  const done = new Array<boolean>(count).fill(false);
  let [logits, state] = advance(model, startIds(vocab, special, prefix, count), count, undefined);
  try {
    for (let step = 0; step < maxLength; step++) {
      const next = new Array<number>(count).fill(special.eos);
      for (let b = 0; b < count; b++) {
        if (done[b]) continue;
        const id = sampleIndex(nextTokenProbs(logits.subarray(b * V, (b + 1) * V), method), rng);
        if (id === special.eos) done[b] = true;
        else {
          out[b].push(id);
          next[b] = id;
        }
      }
      if (done.every((d) => d) || step === maxLength - 1) break;
      const old = state;
      [logits, state] = advance(model, next, count, state); // finished rows keep reading <eos>; they are ignored
      tf.dispose(old);
    }
  } finally {
    tf.dispose(state);
  }
  return out.map((ids) => prefix + vocab.decode(ids).join(""));
}

/** Options of {@link sampleWithSuffix}. */
export interface SuffixOptions extends SampleNamesOptions {
  /** Longest stem (characters between the prefix and the suffix). Default 12. */
  readonly maxStem?: number;
  /** Shortest stem. Default 1. */
  readonly minStem?: number;
}

/** `Σ log p(ids[j] | …)` of a teacher-forced continuation from `state`, per row; `first` holds the logits predicting `ids[0]`. */
function continuationLogProb(model: LanguageModel, first: Float32Array, state: RecurrentState, ids: readonly number[], count: number): Float64Array {
  const V = model.vocabSize;
  const score = new Float64Array(count);
  const logSoftmaxAt = (logits: ArrayLike<number>, offset: number, id: number): number => {
    let max = -Infinity;
    for (let i = 0; i < V; i++) max = Math.max(max, logits[offset + i]);
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(logits[offset + i] - max);
    return logits[offset + id] - max - Math.log(sum);
  };
  for (let b = 0; b < count; b++) score[b] = logSoftmaxAt(first, b * V, ids[0]);
  if (ids.length > 1) {
    const feed = Array.from({ length: count }, () => ids.slice(0, -1)).flat(); // [count, n-1]
    const X = oneHotIds(feed, count, ids.length - 1, V);
    const [logits, s] = model.forward(X, state);
    const all = logits.dataSync(); // [n-1, count, V]
    tf.dispose([X, logits, ...s]);
    for (let j = 1; j < ids.length; j++) {
      for (let b = 0; b < count; b++) score[b] += logSoftmaxAt(all, ((j - 1) * count + b) * V, ids[j]);
    }
  }
  return score;
}

/**
 * Names that end with `suffix` ("saurus"): a stem is sampled with `<eos>` forbidden, and after every
 * stem length the model scores how likely `suffix` + `<eos>` would follow. Each name is then cut at a
 * stem length drawn in proportion to that likelihood, so the model decides where the suffix fits.
 */
export function sampleWithSuffix(model: LanguageModel, vocab: Vocab, suffix: string, opts: SuffixOptions): string[] {
  const { count, method, prefix = "", seed = 0, maxStem = 12, minStem = 1 } = opts;
  checkCount("sampleWithSuffix", count);
  if (suffix.length === 0) throw new Error("sampleWithSuffix: the suffix is empty; use sampleNames for free names.");
  const special = lineSpecialIds(vocab);
  const suffixIds = [...vocab.encode(charTokens(suffix)), special.eos];
  const V = model.vocabSize;
  const rng = new Rng(seed);
  const stems: number[][] = Array.from({ length: count }, () => []);
  const scores: Float64Array[] = []; // scores[k][b]: log p(suffix <eos> | stem of length k)
  let [logits, state] = advance(model, startIds(vocab, special, prefix, count), count, undefined);
  try {
    for (let k = 0; k <= maxStem; k++) {
      scores.push(k >= minStem ? continuationLogProb(model, logits, state, suffixIds, count) : new Float64Array(count).fill(-Infinity));
      if (k === maxStem) break;
      const next: number[] = [];
      for (let b = 0; b < count; b++) {
        const p = nextTokenProbs(logits.subarray(b * V, (b + 1) * V), method);
        const mass = 1 - p[special.eos];
        if (mass > 1e-12) {
          p[special.eos] = 0; // a stem never ends by itself
          for (let i = 0; i < V; i++) p[i] /= mass;
        } else {
          p.fill(1 / (V - 1));
          p[special.eos] = 0;
        }
        const id = sampleIndex(p, rng);
        stems[b].push(id);
        next.push(id);
      }
      const old = state;
      [logits, state] = advance(model, next, count, state);
      tf.dispose(old);
    }
  } finally {
    tf.dispose(state);
  }
  return stems.map((stem, b) => {
    const logw = scores.map((s) => s[b]);
    const max = Math.max(...logw);
    const k = rng.categorical(logw.map((l) => Math.exp(l - max))); // where the suffix attaches
    return prefix + vocab.decode(stem.slice(0, k)).join("") + suffix;
  });
}

/**
 * Validation perplexity per character when the logits are divided by each temperature `T` (what the
 * sampler at temperature `T` "believes"): `exp(CE(softmax(o / T)))` over every real (unmasked) target.
 */
export function valPerplexityAtTemperatures(model: LanguageModel, data: BatchSource, temperatures: readonly number[]): { temperature: number; perplexity: number }[] {
  const nats = new Float64Array(temperatures.length);
  let tokens = 0;
  for (const batch of data.valBatches()) {
    const t = batchTensors(batch, model.vocabSize);
    try {
      const n = batch.mask ? batch.mask.reduce((a, b) => a + b, 0) : batch.batchSize * batch.numSteps;
      const ce = tf.tidy(() => {
        const [logits, state] = model.forward(t.X as tf.Tensor3D);
        tf.dispose(state);
        return temperatures.map((T) => sequenceCrossEntropy(tf.div(logits, T), t.Y, t.mask).dataSync()[0]);
      });
      ce.forEach((c, i) => (nats[i] += c * n));
      tokens += n;
    } finally {
      disposeBatchTensors(t);
    }
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
export function temperatureSweep(model: LanguageModel, vocab: Vocab, data: BatchSource, split: NameSplit, temperatures: readonly number[], opts: { readonly count?: number; readonly seed?: number } = {}): TemperatureRow[] {
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

/** A language model whose recurrent block can be reached, e.g. {@link RNNLMScratch}. */
export interface HasBlock {
  readonly block: RecurrentBlock;
  readonly vocabSize: number;
}

/**
 * The hidden state after reading each letter of each name: `acts[n][i][u]` is unit `u` after letter
 * `i` of name `n` (the start token's step is left out, so there is one row per letter).
 */
export function hiddenActivations(model: HasBlock, vocab: Vocab, names: readonly string[]): number[][][] {
  if (names.length === 0) throw new Error("hiddenActivations: no names.");
  const special = lineSpecialIds(vocab);
  const batch = paddedBatch(names.map((n) => vocab.encode(charTokens(n))), special);
  const H = model.block.numHiddens;
  const values = tf.tidy(() => {
    const X = oneHotIds(batch.X, batch.batchSize, batch.numSteps, model.vocabSize); // [T, B, V]
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
export function unitForFeature(model: HasBlock, vocab: Vocab, names: readonly string[], feature: (name: string, i: number) => number): { unit: number; correlation: number } {
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
  /** Letters every name ends with (see {@link sampleWithSuffix}). */
  readonly suffix?: string;
}

/** Marks after a name in tables: none for new names, `·` for training names, `★` for held-out real names. */
export const NAME_MARKS: Readonly<Record<NameLabel, string>> = { new: "", "in training set": " ·", "held-out real name": " ★" };

/**
 * A table with one column per setting and `count` sampled names in each, every name marked:
 * no mark = **new**, `·` = **in training set**, `★` = **held-out real name**. The last row counts them.
 */
export function generationTable(model: LanguageModel, vocab: Vocab, split: NameSplit, settings: readonly GenerationSetting[], opts: { readonly count?: number; readonly seed?: number } = {}): HtmlView {
  const { count = 20, seed = 0 } = opts;
  const columns = settings.map((s, i) => {
    const o = { count, method: s.method, prefix: s.prefix, seed: seed + i };
    return s.suffix ? sampleWithSuffix(model, vocab, s.suffix, o) : sampleNames(model, vocab, o);
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
