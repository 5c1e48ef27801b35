/**
 * Arithmetic expressions for the recursive network of notebook 05: digits `0–9` joined by `+`, `-`, `*`,
 * evaluated **mod 10**, as binary trees, with a chosen depth. Each expression comes three ways:
 *
 * - a {@link BinaryTree} (a digit at each leaf, an operator at each inner node), for a recursive
 *   network that follows the tree ({@link treeBatchSource});
 * - its fully parenthesised text, e.g. `((3+4)*(2-7))`, one token per character, for a chain model
 *   that reads it left to right ({@link expressionTextSource});
 * - its value mod 10, the label: `((3+4)*(2-7))` = `7 · 5 mod 10` = `5`.
 *
 * The **depth** of an expression is the height of its tree: the number of operators on the longest path
 * from the root to a digit (`3+4` has depth 1, `((3+4)*(2-7))` depth 2). A lone digit (depth 0) is no
 * expression to compute, so depths start at 1.
 *
 * ```ts
 * const split = expressionSplit({ numTrain: 2000, numVal: 200, minDepth: 1, maxDepth: 3, seed: 1 });
 * const trees = treeBatchSource(split, { batchSize: 64 });        // batches of trees + labels
 * const texts = expressionTextSource(split, { batchSize: 64 });   // padded ids + valid lengths + labels
 * split.train[0]; // { tree, text: "((3+4)*(2-7))", value: 5, depth: 2 }
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import type { BatchSource, LabeledTextBatch } from "./batch";
import { epochRng } from "./lm-batches";
import { DEFAULT_SEED, Rng } from "./rng";

/** The operators, each applied mod 10. */
export const EXPRESSION_OPS = ["+", "-", "*"] as const;

/** One operator of {@link EXPRESSION_OPS}. */
export type ExpressionOp = (typeof EXPRESSION_OPS)[number];

/** The digits, the leaves of every expression. */
export const EXPRESSION_DIGITS: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** The tokens of expression trees: the ten digits, then the three operators (what a recursive network embeds). */
export const EXPRESSION_TREE_TOKENS: readonly string[] = [...EXPRESSION_DIGITS, ...EXPRESSION_OPS];

/** Padding token of the text, id 0. */
export const EXPRESSION_PAD = "<pad>";

/** The tokens of expression texts, in id order: padding (id 0), digits (ids 1–10), `+ - *`, `(`, `)`. 16 tokens. */
export const EXPRESSION_TEXT_TOKENS: readonly string[] = [EXPRESSION_PAD, ...EXPRESSION_TREE_TOKENS, "(", ")"];

/** Classes of the label: the value mod 10. */
export const EXPRESSION_NUM_CLASSES = 10;

/**
 * A binary tree of tokens: a leaf has no `children`; an inner node has exactly two. Expressions put a
 * digit at each leaf and an operator at each inner node, but any tokens will do for a recursive network.
 */
export interface BinaryTree {
  /** The node's token, e.g. `"7"` or `"*"`. */
  readonly token: string;
  /** `[left, right]` for an inner node; absent for a leaf. */
  readonly children?: readonly [BinaryTree, BinaryTree];
}

/** One expression, as a tree, as text, and with its value. */
export interface Expression {
  /** The expression tree. */
  readonly tree: BinaryTree;
  /** Its fully parenthesised text, e.g. `((3+4)*(2-7))`. */
  readonly text: string;
  /** Its value mod 10, in `[0, 10)`: the label. */
  readonly value: number;
  /** The height of the tree (operators on the longest root-to-leaf path), ≥ 1. */
  readonly depth: number;
}

/** A leaf holding `digit`. */
export function leaf(digit: number): BinaryTree {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new Error(`leaf: a leaf holds a digit 0–9, got ${digit}.`);
  return { token: String(digit) };
}

/** An inner node: `left op right`. */
export function node(op: ExpressionOp, left: BinaryTree, right: BinaryTree): BinaryTree {
  if (!EXPRESSION_OPS.includes(op)) throw new Error(`node: the operator must be one of ${EXPRESSION_OPS.join(" ")}, got "${op}".`);
  return { token: op, children: [left, right] };
}

/** Height of a tree: 0 for a leaf, else 1 + the height of the taller child. */
export function treeHeight(tree: BinaryTree): number {
  return tree.children === undefined ? 0 : 1 + Math.max(treeHeight(tree.children[0]), treeHeight(tree.children[1]));
}

/** Number of nodes (digits and operators) of a tree. */
export function treeSize(tree: BinaryTree): number {
  return tree.children === undefined ? 1 : 1 + treeSize(tree.children[0]) + treeSize(tree.children[1]);
}

/** `a op b` mod 10, in `[0, 10)`. */
export function applyOp(op: ExpressionOp, a: number, b: number): number {
  const v = op === "+" ? a + b : op === "-" ? a - b : a * b;
  return ((v % 10) + 10) % 10;
}

/**
 * The value of an expression tree mod 10.
 * @throws Error naming the node when a leaf is not a digit or an inner node not an operator.
 */
export function evaluateExpression(tree: BinaryTree): number {
  if (tree.children === undefined) {
    if (!EXPRESSION_DIGITS.includes(tree.token)) throw new Error(`evaluateExpression: a leaf must be a digit 0–9, got "${tree.token}".`);
    return Number(tree.token);
  }
  const op = tree.token as ExpressionOp;
  if (!EXPRESSION_OPS.includes(op)) {
    throw new Error(`evaluateExpression: an inner node must hold one of ${EXPRESSION_OPS.join(" ")}, got "${tree.token}".`);
  }
  return applyOp(op, evaluateExpression(tree.children[0]), evaluateExpression(tree.children[1]));
}

/** The fully parenthesised text of a tree: `3` for a leaf, `(left op right)` for an inner node. */
export function expressionText(tree: BinaryTree): string {
  if (tree.children === undefined) return tree.token;
  return `(${expressionText(tree.children[0])}${tree.token}${expressionText(tree.children[1])})`;
}

/**
 * Reads a fully parenthesised expression back into a tree: `"((3+4)*(2-7))"` → the tree of
 * {@link expressionText}. Every operation needs its own parentheses, as that function writes them.
 * @throws Error pointing at the first character that does not fit.
 */
export function parseExpression(text: string): BinaryTree {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`parseExpression: ${what} at position ${pos} of "${text}"; write e.g. "((3+4)*(2-7))", one pair of parentheses per operator.`);
  };
  const read = (): BinaryTree => {
    const ch = text[pos];
    if (ch !== undefined && EXPRESSION_DIGITS.includes(ch)) {
      pos++;
      return { token: ch };
    }
    if (ch !== "(") return fail(ch === undefined ? "the text ends where a digit or ( is expected" : `"${ch}" where a digit or ( is expected`);
    pos++;
    const left = read();
    const op = text[pos] as ExpressionOp;
    if (!EXPRESSION_OPS.includes(op)) return fail(`"${text[pos] ?? "end"}" where an operator ${EXPRESSION_OPS.join(" ")} is expected`);
    pos++;
    const right = read();
    if (text[pos] !== ")") return fail(`"${text[pos] ?? "end"}" where ) is expected`);
    pos++;
    return { token: op, children: [left, right] };
  };
  const tree = read();
  if (pos !== text.length) fail(`"${text[pos]}" after a complete expression`);
  return tree;
}

/** An {@link Expression} from a tree (its text, value and depth worked out). */
export function toExpression(tree: BinaryTree): Expression {
  const depth = treeHeight(tree);
  return { tree, text: expressionText(tree), value: evaluateExpression(tree), depth };
}

/**
 * A random expression tree of height exactly `height`: a random digit at each leaf, a random operator
 * at each inner node; one child (left or right, at random) has height `height − 1`, the other a height
 * drawn uniformly from `0 … height − 1`. Every tree of that height can come out.
 */
export function randomTree(rng: Rng, height: number): BinaryTree {
  if (!Number.isInteger(height) || height < 0) throw new Error(`randomTree: height must be a non-negative integer, got ${height}.`);
  if (height === 0) return { token: EXPRESSION_DIGITS[rng.int(10)] };
  const op = EXPRESSION_OPS[rng.int(EXPRESSION_OPS.length)];
  const tall = randomTree(rng, height - 1);
  const other = randomTree(rng, rng.int(height));
  return { token: op, children: rng.next() < 0.5 ? [tall, other] : [other, tall] };
}

/**
 * How many distinct expressions have depth exactly `depth`: 300 of depth 1 (3 operators × 10 × 10
 * digits), 288,000 of depth 2, about 2.5·10¹¹ of depth 3 (`N(≤0) = 10`, `N(≤d) = 10 + 3·N(≤d−1)²`);
 * `Infinity` from depth 8 on, where the count overflows a double.
 */
export function countExpressions(depth: number): number {
  if (!Number.isInteger(depth) || depth < 0) throw new Error(`countExpressions: depth must be a non-negative integer, got ${depth}.`);
  let upTo = 10; // trees of height ≤ 0: the digits
  let below = 0;
  for (let d = 1; d <= depth; d++) {
    below = upTo;
    upTo = 10 + EXPRESSION_OPS.length * upTo * upTo;
  }
  return Number.isFinite(upTo) ? upTo - below : Infinity; // beyond depth 7, more than a double holds
}

/**
 * Every expression with one operator, `(a op b)` for each operator and digits `a`, `b`: the 300 entries of
 * the three mod-10 operator tables, in the order `+`, `-`, `*`, then `a`, then `b`.
 */
export function operatorTables(): Expression[] {
  return EXPRESSION_OPS.flatMap((op) =>
    EXPRESSION_DIGITS.flatMap((a) => EXPRESSION_DIGITS.map((b) => toExpression({ token: op, children: [{ token: a }, { token: b }] }))),
  );
}

/** Options of {@link randomExpressions}. */
export interface ExpressionConfig {
  /** Number of distinct expressions to draw. */
  readonly count: number;
  /** Smallest depth, ≥ 1. */
  readonly minDepth: number;
  /** Largest depth. Default `minDepth`. */
  readonly maxDepth?: number;
  /** Seed of the draw. Default 42. */
  readonly seed?: number;
  /** Expressions that must not be drawn again (e.g. the training set, when drawing test sets). */
  readonly exclude?: readonly Expression[];
}

/** Checks a depth range and returns `[minDepth, maxDepth]`. */
function depthRange(where: string, minDepth: number, maxDepth = minDepth): [number, number] {
  if (!Number.isInteger(minDepth) || minDepth < 1) {
    throw new Error(`${where}: minDepth must be an integer ≥ 1 (depth 0 is a lone digit, not an expression), got ${minDepth}.`);
  }
  if (!Number.isInteger(maxDepth) || maxDepth < minDepth) {
    throw new Error(`${where}: maxDepth must be an integer ≥ minDepth = ${minDepth}, got ${maxDepth}.`);
  }
  return [minDepth, maxDepth];
}

/**
 * How many expressions of each depth to draw: as equal across depths as the supply allows. A depth
 * with fewer distinct expressions left than its share (depth 1 has only 300) gives all it has, and the
 * rest is shared among the other depths; left-over units go to the shallower depths.
 */
function allocate(count: number, supply: readonly number[]): number[] {
  const out = supply.map(() => 0);
  let open = supply.map((_, i) => i);
  let left = count;
  while (left > 0 && open.length > 0) {
    const share = Math.floor(left / open.length);
    const short = open.filter((i) => supply[i] - out[i] <= share);
    if (short.length > 0) {
      for (const i of short) {
        left -= supply[i] - out[i];
        out[i] = supply[i];
      }
      open = open.filter((i) => !short.includes(i));
      continue;
    }
    for (const i of open) out[i] += share;
    left -= share * open.length;
    for (let k = 0; k < left; k++) out[open[k]]++; // fewer than open.length units: one each to the shallowest
    left = 0;
  }
  return out;
}

/**
 * `count` distinct random expressions with depths in `[minDepth, maxDepth]`, as equal in number per
 * depth as the supply of distinct expressions allows (see {@link countExpressions}), none of them in
 * `exclude`, in random order. Seeded: the same config gives the same list.
 * @throws Error when the range is invalid or does not hold `count` distinct expressions.
 */
export function randomExpressions(config: ExpressionConfig): Expression[] {
  const { count, seed = DEFAULT_SEED, exclude = [] } = config;
  const [minDepth, maxDepth] = depthRange("randomExpressions", config.minDepth, config.maxDepth);
  if (!Number.isInteger(count) || count < 0) throw new Error(`randomExpressions: count must be a non-negative integer, got ${count}.`);
  const taken = new Set(exclude.map((e) => e.text));
  const depths = Array.from({ length: maxDepth - minDepth + 1 }, (_, i) => minDepth + i);
  const supply = depths.map((d) => countExpressions(d) - exclude.filter((e) => e.depth === d).length);
  const total = supply.reduce((a, b) => a + b, 0);
  if (count > total) {
    const what = depths.map((d, i) => `${supply[i]} of depth ${d}`).join(", ");
    const range = minDepth === maxDepth ? `${minDepth}` : `${minDepth}–${maxDepth}`;
    throw new Error(
      `randomExpressions: ${count} distinct expressions of depth ${range} do not exist` +
        `${exclude.length > 0 ? " besides the excluded ones" : ""}: there are only ${what}. Ask for fewer, or allow deeper expressions.`,
    );
  }
  const perDepth = allocate(count, supply);
  const rng = new Rng(seed);
  const out: Expression[] = [];
  depths.forEach((depth, i) => {
    const want = perDepth[i];
    const maxDraws = 1000 * want + 1_000_000;
    let got = 0;
    for (let draws = 0; got < want; draws++) {
      if (draws >= maxDraws) {
        throw new Error(`randomExpressions: found only ${got} of ${want} distinct expressions of depth ${depth}; ask for fewer.`);
      }
      const tree = randomTree(rng, depth);
      const text = expressionText(tree);
      if (taken.has(text)) continue;
      taken.add(text);
      out.push({ tree, text, value: evaluateExpression(tree), depth });
      got++;
    }
  });
  return rng.shuffle(out);
}

/** Training and validation expressions, with no expression in both. */
export interface ExpressionSplit {
  readonly train: readonly Expression[];
  readonly val: readonly Expression[];
}

/** Options of {@link expressionSplit}. */
export interface ExpressionSplitConfig {
  /** Training expressions. */
  readonly numTrain: number;
  /** Validation expressions. */
  readonly numVal: number;
  /** Smallest depth of both splits, ≥ 1. */
  readonly minDepth: number;
  /** Largest depth of both splits. Default `minDepth`. */
  readonly maxDepth?: number;
  /** Seed. Default 42. */
  readonly seed?: number;
}

/**
 * Disjoint training and validation sets of random expressions from one depth range (validation drawn
 * first, so that it gets its share of the scarce shallow expressions).
 */
export function expressionSplit(config: ExpressionSplitConfig): ExpressionSplit {
  const { numTrain, numVal, minDepth, maxDepth, seed = DEFAULT_SEED } = config;
  const rng = new Rng(seed);
  const val = randomExpressions({ count: numVal, minDepth, maxDepth, seed: rng.nextUint32() });
  const train = randomExpressions({ count: numTrain, minDepth, maxDepth, seed: rng.nextUint32(), exclude: val });
  return { train, val };
}

/** A batch of expression trees with their labels. */
export interface TreeBatch {
  readonly batchSize: number;
  /** The trees, `batchSize` of them. */
  readonly trees: readonly BinaryTree[];
  /** The label of each tree (its value mod 10), `[batchSize]`. */
  readonly labels: Int32Array;
}

/** The id of each character of an expression's text in {@link EXPRESSION_TEXT_TOKENS}. */
export function expressionIds(text: string): number[] {
  return [...text].map((ch, i) => {
    const id = EXPRESSION_TEXT_TOKENS.indexOf(ch);
    if (id < 1) throw new Error(`expressionIds: "${ch}" at position ${i} of "${text}" is not a digit, an operator or a parenthesis.`);
    return id;
  });
}

/** One batch of trees. */
export function treeBatch(expressions: readonly Expression[]): TreeBatch {
  if (expressions.length === 0) throw new Error("treeBatch: no expressions; a batch needs at least one.");
  return { batchSize: expressions.length, trees: expressions.map((e) => e.tree), labels: Int32Array.from(expressions, (e) => e.value) };
}

/** One batch of texts, padded to the longest. */
export function textBatch(expressions: readonly Expression[]): LabeledTextBatch {
  if (expressions.length === 0) throw new Error("textBatch: no expressions; a batch needs at least one.");
  const ids = expressions.map((e) => expressionIds(e.text));
  const numSteps = Math.max(...ids.map((s) => s.length));
  const X = new Int32Array(expressions.length * numSteps); // [batchSize, numSteps], pad id 0
  ids.forEach((s, b) => X.set(s, b * numSteps));
  return {
    batchSize: expressions.length,
    numSteps,
    X,
    validLens: Int32Array.from(ids, (s) => s.length),
    labels: Int32Array.from(expressions, (e) => e.value),
  };
}

/** Options of {@link treeBatchSource} and {@link expressionTextSource}. */
export interface ExpressionSourceOptions {
  /** Expressions per batch (a bucket's last batch may be smaller). */
  readonly batchSize: number;
  /** Seed of the per-epoch shuffles. Default 42. */
  readonly seed?: number;
  /**
   * Put only texts of the same length in a batch (for trees: the same number of leaves), so text batches
   * need no padding and a fused block can read them. Default false.
   */
  readonly bucketByLength?: boolean;
}

/** A {@link BatchSource} over an {@link ExpressionSplit}. */
export interface ExpressionSource<B> extends BatchSource<B> {
  /** The expressions it batches. */
  readonly split: ExpressionSplit;
  /** Training batches per epoch (the same every epoch). */
  readonly batchesPerEpoch: number;
}

/** Index chunks of `items`: shuffled by `rng` (kept in order without one), bucketed by text length if asked. */
function chunks(items: readonly Expression[], batchSize: number, bucket: boolean, rng?: Rng): number[][] {
  const order = items.map((_, i) => i);
  if (rng) rng.shuffle(order);
  const groups = new Map<number, number[]>();
  for (const i of order) {
    const key = bucket ? items[i].text.length : 0;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  const keys = [...groups.keys()].sort((a, b) => a - b);
  const out: number[][] = [];
  for (const k of keys) {
    const g = groups.get(k) as number[];
    for (let i = 0; i < g.length; i += batchSize) out.push(g.slice(i, i + batchSize));
  }
  return rng ? rng.shuffle(out) : out;
}

/** The one batching both sources share, so that with the same options they batch the same expressions alike. */
function expressionSource<B>(
  where: string,
  split: ExpressionSplit,
  opts: ExpressionSourceOptions,
  make: (items: readonly Expression[]) => B,
): ExpressionSource<B> {
  const { batchSize, seed = DEFAULT_SEED, bucketByLength = false } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${where}: batchSize must be a positive integer, got ${batchSize}.`);
  if (split.train.length === 0) throw new Error(`${where}: the training split is empty; draw some expressions first.`);
  const trainTexts = new Set(split.train.map((e) => e.text));
  const shared = split.val.filter((e) => trainTexts.has(e.text));
  if (shared.length > 0) {
    throw new Error(
      `${where}: ${shared.length} validation expression(s) are also in the training split (e.g. ${shared[0].text}); ` +
        `draw them with expressionSplit, or randomExpressions({ …, exclude: train }).`,
    );
  }
  const pick = (idx: readonly number[], from: readonly Expression[]): B => make(idx.map((i) => from[i]));
  const valBatchList = chunks(split.val, batchSize, bucketByLength).map((c) => pick(c, split.val));
  return {
    split,
    batchesPerEpoch: chunks(split.train, batchSize, bucketByLength).length,
    trainBatches(epoch: number): Iterable<B> {
      if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`trainBatches(epoch): epoch is 1-based, got ${epoch}.`);
      return chunks(split.train, batchSize, bucketByLength, epochRng(seed, epoch)).map((c) => pick(c, split.train));
    },
    valBatches(): Iterable<B> {
      return valBatchList;
    },
  };
}

/**
 * Batches of expression trees and their values, for a recursive network: training batches reshuffled
 * each epoch (seeded), validation batches fixed.
 * @throws Error when a validation expression is also a training one, or the options are invalid.
 */
export function treeBatchSource(split: ExpressionSplit, opts: ExpressionSourceOptions): ExpressionSource<TreeBatch> {
  return expressionSource("treeBatchSource", split, opts, treeBatch);
}

/**
 * Batches of expression texts as padded token ids (vocabulary {@link EXPRESSION_TEXT_TOKENS}) with
 * valid lengths and values, for a chain model. With the same options as a {@link treeBatchSource} it
 * puts the same expressions in the same batches, in the same order.
 * @throws Error when a validation expression is also a training one, or the options are invalid.
 */
export function expressionTextSource(split: ExpressionSplit, opts: ExpressionSourceOptions): ExpressionSource<LabeledTextBatch> {
  return expressionSource("expressionTextSource", split, opts, textBatch);
}
