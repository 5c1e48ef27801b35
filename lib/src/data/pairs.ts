/**
 * Minibatches of (source, target) pairs for an encoder–decoder, as in d2l's machine translation data: the
 * encoder reads the source, the decoder is taught to write the target (teacher forcing).
 *
 * ```text
 * pair      "3 sep 79" → "1979-09-03"
 * src       3 ␣ s e p ␣ 7 9 <pad> …           [batchSize, srcSteps], srcLens = real source tokens
 * X         <bos> 1 9 7 9 - 0 9 - 0 3          decoder input: <bos> + target, padded with <pad>
 * Y         1 9 7 9 - 0 9 - 0 3 <eos>          decoder output: target + <eos>; mask 1 on these, tgtLens = 11
 * ```
 *
 * ```ts
 * const data = textPairSource(dates(20_000), { batchSize: 64 }); // 80/10/10 split by target date
 * data.srcVocab.size; data.tgtVocab.size;   // <pad> + characters; <pad>, <bos>, <eos> + characters
 * for (const { src, srcLens, X, Y, mask } of data.trainBatches(1)) { ... }
 * data.decodeTarget(predictedIds);           // "1979-09-03": stops at <eos>
 * ```
 * @see notebooks/07-seq2seq.ipynb
 */
import type { BatchSource, TokenBatch } from "./batch";
import { lineSpecialIds, paddedBatch } from "./line-batches";
import type { LineSpecialIds } from "./line-batches";
import { epochRng } from "./lm-batches";
import { DEFAULT_SEED, Rng } from "./rng";
import { charTokens, wordTokens } from "./tokenize";
import { RESERVED_TOKENS, Vocab } from "./vocab";

/** One example: a source text and the text it should become. */
export interface TextPair {
  readonly input: string;
  readonly target: string;
}

/**
 * A minibatch for an encoder–decoder: the target side is a {@link TokenBatch} (`X` = `<bos>` + target,
 * `Y` = target + `<eos>`, `mask` 1 on the target and its `<eos>`, all row-major `[batchSize, numSteps]`),
 * with the padded source beside it.
 */
export interface PairBatch extends TokenBatch {
  /** Source ids, row-major `[batchSize, srcSteps]`, padded at the end with the source `<pad>`. */
  readonly src: Int32Array;
  /** The padded source length. */
  readonly srcSteps: number;
  /** Real source tokens of each row, `[batchSize]` (each ≥ 1). */
  readonly srcLens: Int32Array;
  /** Real decoder steps of each row, `[batchSize]`: target length + 1 for `<eos>` (the mask's row sums). */
  readonly tgtLens: Int32Array;
}

/** Padded lengths of a {@link pairBatch}; each defaults to what the batch's longest row needs. */
export interface PairBatchShape {
  /** Padded source length. Default: the longest source. */
  readonly srcSteps?: number;
  /** Padded decoder length. Default: the longest target + 1. */
  readonly numSteps?: number;
}

/**
 * One {@link PairBatch} from id lists: `sources[b]` padded with `srcPad`, `targets[b]` laid out by
 * {@link paddedBatch} with the target vocab's `tgtIds` (take them with {@link lineSpecialIds}).
 * @throws Error when the lists differ in length, a source is empty, or a row does not fit `shape`.
 */
export function pairBatch(
  sources: readonly (readonly number[])[],
  targets: readonly (readonly number[])[],
  srcPad: number,
  tgtIds: LineSpecialIds,
  shape: PairBatchShape = {},
): PairBatch {
  if (sources.length !== targets.length) {
    throw new Error(`pairBatch: ${sources.length} sources but ${targets.length} targets; give one target per source.`);
  }
  if (sources.length === 0) throw new Error("pairBatch: no pairs; a batch needs at least one.");
  const longest = Math.max(...sources.map((s) => s.length));
  const S = shape.srcSteps ?? longest;
  if (sources.some((s) => s.length === 0)) throw new Error("pairBatch: a source is empty; an encoder needs at least one token per row.");
  if (longest > S) throw new Error(`pairBatch: a source of ${longest} tokens does not fit srcSteps ${S}; raise srcSteps or leave it unset.`);
  const tgt = paddedBatch(targets, tgtIds, shape.numSteps);
  const src = new Int32Array(sources.length * S).fill(srcPad); // [batchSize, srcSteps]
  sources.forEach((s, b) => src.set(s, b * S));
  return {
    ...tgt,
    src,
    srcSteps: S,
    srcLens: Int32Array.from(sources, (s) => s.length),
    tgtLens: Int32Array.from(targets, (t) => t.length + 1),
  };
}

/** How {@link textPairSource} cuts texts into tokens. */
export type PairTokenization = "chars" | "words";

/** Which side of a pair decides its split in {@link textPairSource}. */
export type PairSplitBy = "target" | "input";

/** Options of {@link textPairSource}. */
export interface TextPairSourceOptions {
  /** Pairs per batch (the last batch of each split may be smaller). */
  readonly batchSize: number;
  /** Fraction of the distinct targets (or inputs, see `splitBy`) kept for validation. Default 0.1. */
  readonly valFraction?: number;
  /** Fraction of the distinct targets (or inputs) kept for the test. Default 0.1. */
  readonly testFraction?: number;
  /** Seed of the split and of the per-epoch shuffles. Default 42. */
  readonly seed?: number;
  /**
   * `"target"` (default): all pairs of one target go to the same split, so a held-out date was never seen
   * in any format; `"input"`: all pairs of one input do.
   */
  readonly splitBy?: PairSplitBy;
  /** Source vocabulary; it needs `<pad>`. Default: built from every pair's input, `<pad>` first. */
  readonly srcVocab?: Vocab;
  /** Target vocabulary; it needs `<bos>` and `<eos>` (and uses `<pad>` if it has one). Default: built from every target, `<pad>`, `<bos>`, `<eos>` first. */
  readonly tgtVocab?: Vocab;
  /** `"chars"` (default): one token per character (code point); `"words"`: split on whitespace, case and punctuation kept. */
  readonly tokenize?: PairTokenization;
  /**
   * How targets are cut, when they differ from sources: e.g. `tokenize: "chars"` with `targetTokenize: "words"`
   * reads a word letter by letter and writes phonemes `"K AE T"` as three tokens. Default: `tokenize`.
   */
  readonly targetTokenize?: PairTokenization;
  /**
   * `"all"` (default): every batch is padded to the longest source and target of all pairs; `"batch"`: each
   * batch only to its own longest, and training batches are made of pairs of similar length (each epoch's
   * shuffle is cut into windows of 32 batches, sorted by length inside a window, and the batches shuffled
   * again). Much less padding, so much faster, when a few pairs are far longer than most (CMUdict words).
   */
  readonly padding?: "all" | "batch";
}

/** The {@link BatchSource} of {@link textPairSource}: three disjoint splits, both vocabularies and the ways between text and ids. */
export interface PairSource extends BatchSource<PairBatch> {
  /** Test batches, always the same (like `valBatches`). */
  testBatches(): Iterable<PairBatch>;
  /** What `src` indexes; `<pad>` included. */
  readonly srcVocab: Vocab;
  /** What `X` and `Y` index; `<bos>` and `<eos>` included. */
  readonly tgtVocab: Vocab;
  /** `tgtVocab.size`: the decoder's output size (what a Trainer and `compareModels` read). */
  readonly vocabSize: number;
  /** The training pairs, distinct, in the order given. */
  readonly trainPairs: readonly TextPair[];
  /** The validation pairs, in the order given. */
  readonly valPairs: readonly TextPair[];
  /** The test pairs, in the order given. */
  readonly testPairs: readonly TextPair[];
  /** Training batches per epoch. */
  readonly batchesPerEpoch: number;
  /** The padded source length of every batch: the longest input of all pairs (the most a batch has with `padding: "batch"`). */
  readonly srcSteps: number;
  /** The padded decoder length of every batch: the longest target of all pairs + 1 (the most a batch has with `padding: "batch"`). */
  readonly numSteps: number;
  /** A source text as ids of `srcVocab` (unpadded). @throws Error when it is empty or holds a token the vocab does not know. */
  encodeSource(text: string): number[];
  /** Target ids back to text: stops at the first `<eos>`, skips `<bos>` and `<pad>`; tokens joined as the targets were cut (`""` for chars, `" "` for words). */
  decodeTarget(ids: ArrayLike<number>): string;
}

const W = "textPairSource";

/** `text` → tokens, and tokens → text, for one tokenization. */
function tokenizer(mode: PairTokenization, option: string): { split: (text: string) => string[]; join: string } {
  if (mode === "chars") return { split: charTokens, join: "" };
  if (mode === "words") return { split: (t) => wordTokens(t, { lowercase: false, punctuation: "keep" }), join: " " };
  throw new Error(`${W}: ${option} must be "chars" or "words", got ${JSON.stringify(mode)}.`);
}

/** Ids of `tokens` in `vocab`. @throws Error naming the token and where it came from when the vocab does not know it. */
function encodeChecked(tokens: readonly string[], vocab: Vocab, what: string, mode: PairTokenization): number[] {
  for (const t of tokens) {
    if ((RESERVED_TOKENS as readonly string[]).includes(t)) {
      throw new Error(`${W}: ${what} holds ${JSON.stringify(t)}, the name of a reserved token; remove it from the text.`);
    }
    if (!vocab.has(t) && vocab.unkId === undefined) {
      const name = mode === "chars" ? "character" : "word";
      throw new Error(
        `${W}: ${name} ${JSON.stringify(t)} of ${what} is not in the vocabulary (${vocab.size} tokens) and it has no <unk>. ` +
          `Build the vocab from every pair (or leave it out and let textPairSource build it), or reserve "<unk>".`,
      );
    }
  }
  return vocab.encode(tokens);
}

function checkFraction(name: string, f: number): void {
  if (!(f >= 0 && f < 1)) throw new Error(`${W}: ${name} must be in [0, 1), got ${f}.`);
}

/**
 * Seeded train/validation/test batches over text pairs (see the module summary). Exact duplicate pairs are
 * kept once. The split is by group: pairs that share a target (`splitBy: "target"`, default) or an input
 * (`"input"`) all go to one split, so no target (or input) is in two splits; `valFraction` and
 * `testFraction` of the groups, drawn with `seed`, are held out. Training pairs are reshuffled every epoch
 * (reproducibly); validation and test batches never change. Every batch has the same shape
 * `[batchSize, srcSteps]` / `[batchSize, numSteps]` (the last of a split may have fewer rows), unless
 * `padding: "batch"` pads each to its own longest pair.
 * @throws Error when there are no pairs, an input or target is empty, a fraction is out of range or leaves
 * no training pair, a token is missing from a given vocabulary, or `batchSize` is not a positive integer.
 */
export function textPairSource(pairs: readonly TextPair[], opts: TextPairSourceOptions): PairSource {
  const { batchSize, valFraction = 0.1, testFraction = 0.1, seed = DEFAULT_SEED, splitBy = "target", tokenize = "chars" } = opts;
  const targetTokenize = opts.targetTokenize ?? tokenize;
  const padding = opts.padding ?? "all";
  if (padding !== "all" && padding !== "batch") throw new Error(`${W}: padding must be "all" or "batch", got ${JSON.stringify(padding)}.`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${W}: batchSize must be a positive integer, got ${batchSize}.`);
  checkFraction("valFraction", valFraction);
  checkFraction("testFraction", testFraction);
  if (valFraction + testFraction >= 1) {
    throw new Error(`${W}: valFraction + testFraction = ${valFraction + testFraction} leaves nothing for training; keep their sum below 1 (e.g. 0.1 and 0.1).`);
  }
  if (splitBy !== "target" && splitBy !== "input") throw new Error(`${W}: splitBy must be "target" or "input", got ${JSON.stringify(splitBy)}.`);
  const { split, join } = tokenizer(tokenize, "tokenize");
  const { split: splitTarget, join: joinTarget } = tokenizer(targetTokenize, "targetTokenize");
  if (pairs.length === 0) throw new Error(`${W}: no pairs. Give a list of { input, target } such as dates(10_000).`);

  // Distinct pairs, tokenized; texts compared after tokenization ("a  b" and "a b" are one input in "words").
  const kept: { pair: TextPair; index: number; src: string[]; tgt: string[]; key: string }[] = [];
  const seen = new Set<string>();
  pairs.forEach((p, i) => {
    if (typeof p?.input !== "string" || typeof p.target !== "string") throw new Error(`${W}: pair ${i} is not { input: string, target: string }.`);
    const src = split(p.input);
    const tgt = splitTarget(p.target);
    if (src.length === 0) throw new Error(`${W}: pair ${i} has an empty input (${JSON.stringify(p.input)}); remove it, an encoder needs at least one token.`);
    if (tgt.length === 0) throw new Error(`${W}: pair ${i} has an empty target (${JSON.stringify(p.target)}); remove it, the decoder would only learn to stop.`);
    const [s, t] = [src.join(join), tgt.join(joinTarget)];
    const id = JSON.stringify([s, t]);
    if (seen.has(id)) return;
    seen.add(id);
    kept.push({ pair: p, index: i, src, tgt, key: splitBy === "target" ? t : s });
  });

  // The split: whole groups, shuffled with the seed; the first valFraction to validation, the next testFraction to test.
  const groupOf = new Map<string, number>();
  for (const k of kept) if (!groupOf.has(k.key)) groupOf.set(k.key, groupOf.size);
  const G = groupOf.size;
  const numVal = Math.floor(G * valFraction);
  const numTest = Math.floor(G * testFraction);
  // G − ⌊G·val⌋ − ⌊G·test⌋ ≥ G·(1 − val − test) > 0: with the sum below 1, training keeps at least one group.
  const part = new Uint8Array(G); // 0 train, 1 validation, 2 test
  new Rng(seed).shuffle(Array.from({ length: G }, (_, g) => g)).forEach((g, r) => (part[g] = r < numVal ? 1 : r < numVal + numTest ? 2 : 0));

  const srcVocab = opts.srcVocab ?? Vocab.build(kept.flatMap((k) => k.src), { reserved: ["<pad>"] });
  const tgtVocab = opts.tgtVocab ?? Vocab.build(kept.flatMap((k) => k.tgt), { reserved: ["<pad>", "<bos>", "<eos>"] });
  const maybeSrcPad = srcVocab.padId;
  if (maybeSrcPad === undefined) throw new Error(`${W}: srcVocab has no "<pad>"; build it with { reserved: ["<pad>"] }, or leave it out.`);
  if (tgtVocab.bosId === undefined || tgtVocab.eosId === undefined) {
    throw new Error(`${W}: tgtVocab needs "<bos>" and "<eos>"; build it with { reserved: ["<pad>", "<bos>", "<eos>"] }, or leave it out.`);
  }
  const srcPad: number = maybeSrcPad;
  const tgtIds = lineSpecialIds(tgtVocab);
  const srcIds = kept.map((k) => encodeChecked(k.src, srcVocab, `input ${k.index} (${JSON.stringify(k.pair.input)})`, tokenize));
  const tgtIdLists = kept.map((k) => encodeChecked(k.tgt, tgtVocab, `target ${k.index} (${JSON.stringify(k.pair.target)})`, targetTokenize));
  const longest = (lists: readonly (readonly number[])[]): number => lists.reduce((n, l) => Math.max(n, l.length), 0);
  const shape = { srcSteps: longest(srcIds), numSteps: longest(tgtIdLists) + 1 };

  const indicesOf = (p: number): number[] => kept.flatMap((k, i) => (part[groupOf.get(k.key)!] === p ? [i] : []));
  const [trainIdx, valIdx, testIdx] = [indicesOf(0), indicesOf(1), indicesOf(2)];
  const perBatch = padding === "batch";
  function* batchesOf(order: readonly number[]): Generator<PairBatch> {
    for (let i = 0; i < order.length; i += batchSize) {
      const chunk = order.slice(i, i + batchSize);
      yield pairBatch(
        chunk.map((j) => srcIds[j]),
        chunk.map((j) => tgtIdLists[j]),
        srcPad,
        tgtIds,
        perBatch ? {} : shape,
      );
    }
  }
  /** With `padding: "batch"`: windows of 32 batches sorted by length, cut into batches, the batches shuffled (all seeded by `rng`). */
  function bucketed(order: number[], rng: Rng): number[] {
    const window = 32 * batchSize;
    const chunks: number[][] = [];
    for (let w = 0; w < order.length; w += window) {
      const part = order.slice(w, w + window).sort((a, b) => srcIds[a].length - srcIds[b].length || tgtIdLists[a].length - tgtIdLists[b].length);
      for (let i = 0; i < part.length; i += batchSize) chunks.push(part.slice(i, i + batchSize));
    }
    return rng.shuffle(chunks).flat();
  }
  const valBatchList = [...batchesOf(valIdx)];
  const testBatchList = [...batchesOf(testIdx)];
  const bos = tgtVocab.bosId;
  const eos = tgtVocab.eosId;
  const tgtPad = tgtVocab.padId;
  return {
    srcVocab,
    tgtVocab,
    vocabSize: tgtVocab.size,
    sequential: false,
    trainPairs: trainIdx.map((i) => kept[i].pair),
    valPairs: valIdx.map((i) => kept[i].pair),
    testPairs: testIdx.map((i) => kept[i].pair),
    batchesPerEpoch: Math.ceil(trainIdx.length / batchSize),
    srcSteps: shape.srcSteps,
    numSteps: shape.numSteps,
    trainBatches(epoch: number): Iterable<PairBatch> {
      if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`trainBatches(epoch): epoch is 1-based, got ${epoch}.`);
      const rng = epochRng(seed, epoch);
      const order = rng.shuffle([...trainIdx]);
      return batchesOf(perBatch ? bucketed(order, rng) : order);
    },
    valBatches(): Iterable<PairBatch> {
      return valBatchList;
    },
    testBatches(): Iterable<PairBatch> {
      return testBatchList;
    },
    encodeSource(text: string): number[] {
      const tokens = split(text);
      if (tokens.length === 0) throw new Error(`encodeSource: the text ${JSON.stringify(text)} has no tokens; an encoder needs at least one.`);
      return encodeChecked(tokens, srcVocab, `the text ${JSON.stringify(text)}`, tokenize);
    },
    decodeTarget(ids: ArrayLike<number>): string {
      const out: string[] = [];
      for (let i = 0; i < ids.length && ids[i] !== eos; i++) {
        if (ids[i] !== bos && ids[i] !== tgtPad) out.push(tgtVocab.tokenOf(ids[i]));
      }
      return out.join(joinTarget);
    },
  };
}
