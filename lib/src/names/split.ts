/**
 * The seeded train / held-out split of a name list, and the label every generated name gets:
 * **new**, **in training set**, or **held-out real name** (a real name the model never saw, which
 * counts in its favour).
 *
 * The split is the one {@link lineBatchSource} makes with the same seed and fraction, so the classic
 * and the modern models hold out exactly the same names.
 *
 * ```ts
 * const split = splitNames(dinosaurNames(), { valFraction: 0.1, seed: 42 });
 * labelName("tyrannosaurus", split); // "in training set" or "held-out real name"
 * noveltyShares(samples, split);     // { new: 0.83, "in training set": 0.15, "held-out real name": 0.02 }
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import { DEFAULT_SEED, Rng } from "../data/rng";

/** Options of {@link splitNames}. */
export interface NameSplitConfig {
  /** Fraction of the names held out for validation, chosen at random. Default 0.1. */
  readonly valFraction?: number;
  /** Seed of the split. Default 42 (the lib's default seed). */
  readonly seed?: number;
}

/** A split of a name list. */
export interface NameSplit {
  /** Names to train on, in their original order. */
  readonly train: readonly string[];
  /** Held-out names, in their original order. */
  readonly val: readonly string[];
  /** Set of {@link NameSplit.train}, for fast look-ups. */
  readonly trainSet: ReadonlySet<string>;
  /** Set of {@link NameSplit.val}. */
  readonly valSet: ReadonlySet<string>;
}

/**
 * Splits `names` into train and held-out names: a seeded shuffle of the indices, the first
 * `floor(n · valFraction)` held out. Same algorithm as {@link lineBatchSource}.
 */
export function splitNames(names: readonly string[], config: NameSplitConfig = {}): NameSplit {
  const { valFraction = 0.1, seed = DEFAULT_SEED } = config;
  if (names.length === 0) throw new Error("splitNames: no names; give the list to split (e.g. dinosaurNames()).");
  if (!(valFraction >= 0 && valFraction < 1)) throw new Error(`splitNames: valFraction must be in [0, 1), got ${valFraction}.`);
  const perm = new Rng(seed).shuffle(names.map((_, i) => i));
  const numVal = Math.floor(names.length * valFraction);
  const valIdx = perm.slice(0, numVal).sort((a, b) => a - b);
  const trainIdx = perm.slice(numVal).sort((a, b) => a - b);
  const train = trainIdx.map((i) => names[i]);
  const val = valIdx.map((i) => names[i]);
  return { train, val, trainSet: new Set(train), valSet: new Set(val) };
}

/** What a generated name is, compared with the real names. */
export type NameLabel = "new" | "in training set" | "held-out real name";

/** The three labels, in the order tables and plots use. */
export const NAME_LABELS: readonly NameLabel[] = ["new", "in training set", "held-out real name"];

/** Labels one generated name. */
export function labelName(name: string, split: NameSplit): NameLabel {
  if (split.trainSet.has(name)) return "in training set";
  if (split.valSet.has(name)) return "held-out real name";
  return "new";
}

/** How many generated names fall under each label. */
export function noveltyCounts(samples: readonly string[], split: NameSplit): Record<NameLabel, number> {
  const counts: Record<NameLabel, number> = { new: 0, "in training set": 0, "held-out real name": 0 };
  for (const s of samples) counts[labelName(s, split)]++;
  return counts;
}

/** The share (0 … 1) of generated names under each label. */
export function noveltyShares(samples: readonly string[], split: NameSplit): Record<NameLabel, number> {
  if (samples.length === 0) throw new Error("noveltyShares: no samples; generate some names first.");
  const counts = noveltyCounts(samples, split);
  return {
    new: counts.new / samples.length,
    "in training set": counts["in training set"] / samples.length,
    "held-out real name": counts["held-out real name"] / samples.length,
  };
}

/** Rows for a table of generated names: the name and its label (`name`, `label`). */
export function labelledRows(samples: readonly string[], split: NameSplit): { name: string; label: NameLabel }[] {
  return samples.map((name) => ({ name, label: labelName(name, split) }));
}

/** Length statistics of a name list: count, shortest, longest, mean, and a histogram `lengths[i]` = names of length `i`. */
export function nameStats(names: readonly string[]): {
  count: number;
  shortest: string;
  longest: string;
  meanLength: number;
  lengths: number[];
} {
  if (names.length === 0) throw new Error("nameStats: no names.");
  let shortest = names[0];
  let longest = names[0];
  let total = 0;
  const lengths: number[] = [];
  for (const n of names) {
    if (n.length < shortest.length) shortest = n;
    if (n.length > longest.length) longest = n;
    total += n.length;
    while (lengths.length <= n.length) lengths.push(0);
    lengths[n.length]++;
  }
  return { count: names.length, shortest, longest, meanLength: total / names.length, lengths };
}
