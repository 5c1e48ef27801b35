/**
 * A **recursive** neural network: one cell applied bottom-up over a binary tree instead of along a
 * chain. A leaf reads only its token; an inner node reads its token and the states of its two children;
 * the root's state is classified (notebook 05: the value of an arithmetic expression mod 10).
 *
 * ```text
 * Z      = relu(x_node W_x + [h_left, h_right] W_h + b_z)    the cell's hidden layer (cellHiddens wide)
 * h_node = tanh(Z W_z + b_h)                                 the node's state (numHiddens wide)
 * O      = h_root W_hq + b_q                                 logits over numClasses
 * ```
 *
 * `x_node` is the embedding of the node's token (a digit at a leaf, an operator at an inner node); a
 * leaf has zero children states. With `cellHiddens: 0` the cell is the classic one-layer composition
 * `h_node = tanh(x_node W_x + [h_left, h_right] W_h + b_h)`. That cell adds what it reads from the left
 * and the right child inside one `tanh`. On the mod-10 expressions it learns the operator tables, but on
 * two-operator expressions it memorises its training trees instead of composing, and fails on fresh
 * ones; the hidden layer gives each node room to combine "left is 3" with "right is 4" before it writes
 * its own state, and with it the network composes.
 *
 * **Batched by level.** Every node of the same height, across the whole batch, is computed in one step:
 * the children's states are gathered (`tf.gather`) from the states computed so far. So a batch costs a
 * number of tf ops that grows with the height of its tallest tree, not with its number of nodes.
 *
 * ```ts
 * const net = new RecursiveScratch({ tokens: EXPRESSION_TREE_TOKENS, embedSize: 16, numHiddens: 64, numClasses: 10 });
 * const logits = net.forward(batch.trees); // [batchSize, 10]
 * await new Trainer({ maxEpochs: 10, lr: 0.01, metrics: [tokenAccuracy()] }).fit(net, treeBatchSource(split, { batchSize: 64 }));
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { BinaryTree, TreeBatch } from "../data/expressions";
import type { Metric, TokenScores } from "../data/metrics";
import { tokenAccuracy } from "../data/metrics";
import { sequenceCrossEntropy } from "../data/perplexity";
import { EmbeddingScratch } from "./embedding";
import { DEFAULT_INIT_SEED, glorotLimit, initVariable } from "./init";

/** Default width of the cell's hidden layer, in multiples of `numHiddens`. */
export const RECURSIVE_DEFAULT_CELL_FACTOR = 4;

/** Configuration of {@link RecursiveScratch}. */
export interface RecursiveScratchConfig {
  /** The tokens a node may hold, in id order (e.g. `EXPRESSION_TREE_TOKENS`: the digits and `+ - *`). */
  readonly tokens: readonly string[];
  /** Width of each token's embedding `x_node`. */
  readonly embedSize: number;
  /** Width of each node's state `h`. */
  readonly numHiddens: number;
  /** Width of the cell's hidden layer `Z`; 0 for the one-layer cell. Default {@link RECURSIVE_DEFAULT_CELL_FACTOR} `· numHiddens`. */
  readonly cellHiddens?: number;
  /** Classes the root is classified into. */
  readonly numClasses: number;
  /** Seed of every initial weight. Default 0. */
  readonly seed?: number;
}

/**
 * A batch of trees laid out level by level: node `i` (in level order: every leaf of the batch, then every
 * node of height 1, …) has token `tokenIds[i]` and, above the leaves, children `children[2i]`,
 * `children[2i + 1]` (indices of earlier nodes).
 */
export interface TreeLevels {
  /** Nodes in the batch. */
  readonly numNodes: number;
  /** Token id of each node, `[numNodes]`. */
  readonly tokenIds: Int32Array;
  /** Left and right child of each node, row-major `[numNodes, 2]` (−1 for leaves). */
  readonly children: Int32Array;
  /** Level `k` (height `k`) is nodes `levelStarts[k] … levelStarts[k + 1] − 1`; length `height + 2`. */
  readonly levelStarts: readonly number[];
  /** The index of each tree's root, `[batchSize]`. */
  readonly roots: Int32Array;
}

/** A node on its way to {@link TreeLevels}. */
interface PlannedNode {
  readonly tokenId: number;
  readonly height: number;
  readonly left?: PlannedNode;
  readonly right?: PlannedNode;
  index: number;
}

/**
 * Lays out `trees` level by level (see {@link TreeLevels}), checking each one.
 * @throws Error naming the tree and the node when a token is unknown or a node is malformed (children
 *   that are not exactly two trees, a token that is not a string, a node that contains itself).
 */
export function treeLevels(trees: readonly BinaryTree[], tokens: readonly string[], where = "treeLevels"): TreeLevels {
  if (!Array.isArray(trees) || trees.length === 0) throw new Error(`${where}: the batch is empty; give at least one tree.`);
  const ids = new Map(tokens.map((t, i) => [t, i]));
  const byLevel: PlannedNode[][] = [];
  const plan = (tree: BinaryTree, b: number, path: string, ancestors: Set<BinaryTree>): PlannedNode => {
    const at = `tree ${b}, node ${path || "root"}`;
    if (tree === null || typeof tree !== "object" || typeof tree.token !== "string") {
      throw new Error(`${where}: ${at} is not a node { token, children? }; got ${JSON.stringify(tree)}.`);
    }
    const tokenId = ids.get(tree.token);
    if (tokenId === undefined) {
      throw new Error(`${where}: ${at} holds the unknown token "${tree.token}"; the model knows ${tokens.map((t) => `"${t}"`).join(" ")}.`);
    }
    if (ancestors.has(tree)) throw new Error(`${where}: ${at} contains itself (a cycle), so it is no tree.`);
    let out: PlannedNode;
    if (tree.children === undefined) {
      out = { tokenId, height: 0, index: -1 };
    } else {
      const kids: unknown = tree.children;
      if (!Array.isArray(kids) || kids.length !== 2) {
        const what = Array.isArray(kids) ? `${kids.length} children` : `children ${JSON.stringify(kids)}`;
        throw new Error(`${where}: ${at} ("${tree.token}") has ${what}; an inner node has exactly two, a leaf none (no children field).`);
      }
      ancestors.add(tree);
      const left = plan(tree.children[0], b, `${path}L`, ancestors);
      const right = plan(tree.children[1], b, `${path}R`, ancestors);
      ancestors.delete(tree);
      out = { tokenId, height: 1 + Math.max(left.height, right.height), left, right, index: -1 };
    }
    (byLevel[out.height] ??= []).push(out);
    return out;
  };
  const rootNodes = trees.map((t, b) => plan(t, b, "", new Set()));
  const levelStarts = [0];
  let numNodes = 0;
  for (const level of byLevel) {
    for (const n of level) n.index = numNodes++;
    levelStarts.push(numNodes);
  }
  const tokenIds = new Int32Array(numNodes);
  const children = new Int32Array(2 * numNodes).fill(-1);
  for (const level of byLevel) {
    for (const n of level) {
      tokenIds[n.index] = n.tokenId;
      if (n.left && n.right) {
        children[2 * n.index] = n.left.index;
        children[2 * n.index + 1] = n.right.index;
      }
    }
  }
  return { numNodes, tokenIds, children, levelStarts, roots: Int32Array.from(rootNodes, (n) => n.index) };
}

/**
 * The recursive network from scratch (see the file comment): an embedding `W_e` of the node tokens,
 * the tree cell — `W_x` `[embedSize, K]`, `W_h` `[2·numHiddens, K]` (the left child's rows, then the
 * right child's), `b_z` `[K]`, `W_z` `[K, numHiddens]`, `b_h` `[numHiddens]` with `K = cellHiddens`
 * (one-layer cell: `W_x` `[embedSize, numHiddens]`, `W_h` `[2·numHiddens, numHiddens]`, `b_h`) — and a
 * linear classifier of the root state, `W_hq` `[numHiddens, numClasses]`, `b_q` `[numClasses]`. Weights
 * start Glorot-uniform, biases at 0. A `Trainable` for the course's Trainer (loss: mean cross-entropy
 * of the roots; one item per tree), and a token scorer, so `tokenAccuracy()` measures the share of
 * trees classified right.
 */
export class RecursiveScratch {
  readonly tokens: readonly string[];
  readonly embedSize: number;
  readonly numHiddens: number;
  /** Width of the cell's hidden layer; 0 for the one-layer cell. */
  readonly cellHiddens: number;
  readonly numClasses: number;
  /** The token embedding, `W_e` `[tokens.length, embedSize]`. */
  readonly embed: EmbeddingScratch;
  readonly W_x: tf.Variable; // [embedSize, K]  (K = cellHiddens, or numHiddens for the one-layer cell)
  readonly W_h: tf.Variable; // [2·numHiddens, K]
  readonly b_z: tf.Variable | null; // [K]; null for the one-layer cell
  readonly W_z: tf.Variable | null; // [K, numHiddens]; null for the one-layer cell
  readonly b_h: tf.Variable; // [numHiddens]
  readonly W_hq: tf.Variable; // [numHiddens, numClasses]
  readonly b_q: tf.Variable; // [numClasses]
  /** What {@link countItems} counts. */
  readonly itemName = "trees";
  /** Reported by the Trainer by default: `"val acc"`, the share of trees classified right. */
  readonly metrics: readonly Metric<TreeBatch, never>[] = [tokenAccuracy<TreeBatch>()];

  constructor(config: RecursiveScratchConfig) {
    const { tokens, embedSize, numHiddens, numClasses, seed = DEFAULT_INIT_SEED } = config;
    const cellHiddens = config.cellHiddens ?? RECURSIVE_DEFAULT_CELL_FACTOR * numHiddens;
    for (const [key, v] of Object.entries({ embedSize, numHiddens, numClasses })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`RecursiveScratch: ${key} must be a positive integer, got ${v}.`);
    }
    if (!Number.isInteger(cellHiddens) || cellHiddens < 0) {
      throw new Error(`RecursiveScratch: cellHiddens must be a non-negative integer (0 for the one-layer cell), got ${cellHiddens}.`);
    }
    if (numClasses < 2) throw new Error(`RecursiveScratch: numClasses must be at least 2, got ${numClasses}.`);
    if (tokens.length === 0 || new Set(tokens).size !== tokens.length) {
      throw new Error(`RecursiveScratch: tokens must be a non-empty list without repeats, got ${JSON.stringify(tokens)}.`);
    }
    this.tokens = [...tokens];
    this.embedSize = embedSize;
    this.numHiddens = numHiddens;
    this.cellHiddens = cellHiddens;
    this.numClasses = numClasses;
    const K = cellHiddens > 0 ? cellHiddens : numHiddens;
    const glorot = (rows: number, cols: number, key: string): tf.Variable =>
      initVariable([rows, cols], { uniform: glorotLimit(rows, cols) }, seed, key);
    this.embed = new EmbeddingScratch({ vocabSize: tokens.length, embedSize, seed });
    this.W_x = glorot(embedSize, K, "W_x");
    this.W_h = glorot(2 * numHiddens, K, "W_h");
    this.b_z = cellHiddens > 0 ? initVariable([K], { fill: 0 }, seed, "b_z") : null;
    this.W_z = cellHiddens > 0 ? glorot(K, numHiddens, "W_z") : null;
    this.b_h = initVariable([numHiddens], { fill: 0 }, seed, "b_h");
    this.W_hq = glorot(numHiddens, numClasses, "W_hq");
    this.b_q = initVariable([numClasses], { fill: 0 }, seed, "b_q");
  }

  /**
   * The cell on `n` nodes of one level.
   * @param XW `x_node W_x`, `[n, K]`
   * @param H_kids `[h_left, h_right]`, `[n, 2·numHiddens]`; `null` for leaves (zero children states)
   * @returns the nodes' states `[n, numHiddens]`
   */
  private cell(XW: tf.Tensor2D, H_kids: tf.Tensor2D | null): tf.Tensor2D {
    const pre = H_kids === null ? XW : tf.add(XW, tf.matMul(H_kids, this.W_h)); // x W_x + [h_left, h_right] W_h
    if (this.W_z === null || this.b_z === null) return tf.tanh(tf.add(pre, this.b_h)) as tf.Tensor2D; // one-layer cell: h = tanh(… + b_h)
    const Z = tf.relu(tf.add(pre, this.b_z)) as tf.Tensor2D; // Z = relu(… + b_z): [n, cellHiddens]
    return tf.tanh(tf.add(tf.matMul(Z, this.W_z), this.b_h)) as tf.Tensor2D; // h = tanh(Z W_z + b_h): [n, numHiddens]
  }

  /**
   * The state of every node, computed level by level.
   * @returns `[numNodes, numHiddens]`, rows in the order of `levels` (see {@link TreeLevels}).
   */
  nodeStates(levels: TreeLevels): tf.Tensor2D {
    return tf.tidy(() => {
      const { numNodes, tokenIds, children, levelStarts } = levels;
      const ids = tf.tensor2d(tokenIds, [1, numNodes], "int32");
      const X = tf.reshape(this.embed.encode(ids), [numNodes, this.embedSize]); // x_node: [numNodes, embedSize]
      const XW = tf.matMul(X, this.W_x) as tf.Tensor2D; // x_node W_x for every node at once: [numNodes, K]
      const K = XW.shape[1];
      let S = this.cell(tf.slice(XW, [0, 0], [levelStarts[1], K]), null); // the leaves: [numLeaves, numHiddens]
      for (let k = 1; k + 1 < levelStarts.length; k++) {
        const [start, n] = [levelStarts[k], levelStarts[k + 1] - levelStarts[k]];
        const idx = tf.tensor2d(children.subarray(2 * start, 2 * (start + n)), [n, 2], "int32"); // [n, 2]: left, right
        const H_kids = tf.reshape(tf.gather(S, idx), [n, 2 * this.numHiddens]) as tf.Tensor2D; // [h_left, h_right]: [n, 2·numHiddens]
        S = tf.concat([S, this.cell(tf.slice(XW, [start, 0], [n, K]), H_kids)]); // S: [start + n, numHiddens]
      }
      return S;
    });
  }

  /** The root state of each tree, `[batchSize, numHiddens]`. */
  rootStates(trees: readonly BinaryTree[]): tf.Tensor2D {
    const levels = treeLevels(trees, this.tokens, "RecursiveScratch");
    return tf.tidy(() => tf.gather(this.nodeStates(levels), tf.tensor1d(levels.roots, "int32")) as tf.Tensor2D);
  }

  /** Logits of each tree's class, `O = h_root W_hq + b_q`: `[batchSize, numClasses]`. */
  forward(trees: readonly BinaryTree[]): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(this.rootStates(trees), this.W_hq), this.b_q) as tf.Tensor2D);
  }

  /** The mean cross-entropy of the roots' classes, a scalar to differentiate. */
  loss(batch: TreeBatch): tf.Scalar {
    checkLabels(batch, this.numClasses);
    return tf.tidy(() => sequenceCrossEntropy(this.forward(batch.trees), tf.tensor1d(batch.labels, "int32")));
  }

  /**
   * Logits and labels as one "token" per tree (`[1, batchSize, numClasses]`, `[1, batchSize]`), so
   * `tokenAccuracy()` gives the share of trees classified right. The caller disposes them.
   */
  scores(batch: TreeBatch): TokenScores {
    checkLabels(batch, this.numClasses);
    const logits = tf.tidy(() => tf.expandDims(this.forward(batch.trees), 0) as tf.Tensor3D); // [1, batchSize, numClasses]
    return { logits, targets: tf.tensor2d(batch.labels, [1, batch.batchSize], "int32") };
  }

  /** Trees in a batch: the weight of its loss in averages. */
  countItems(batch: TreeBatch): number {
    return batch.batchSize;
  }

  /** Every parameter: `W_e`, `W_x`, `W_h`, (`b_z`, `W_z`,) `b_h`, `W_hq`, `b_q`. */
  trainableVariables(): tf.Variable[] {
    const hidden = this.b_z && this.W_z ? [this.b_z, this.W_z] : [];
    return [...this.embed.trainableVariables(), this.W_x, this.W_h, ...hidden, this.b_h, this.W_hq, this.b_q];
  }

  /** Frees every weight. */
  dispose(): void {
    tf.dispose(this.trainableVariables());
  }
}

/** Checks a batch's labels: one per tree, each a class in `[0, numClasses)`. */
function checkLabels(batch: TreeBatch, numClasses: number): void {
  if (batch.labels.length !== batch.trees.length || batch.batchSize !== batch.trees.length) {
    throw new Error(
      `RecursiveScratch: a batch of ${batch.trees.length} trees has batchSize ${batch.batchSize} and ${batch.labels.length} labels; give one label per tree.`,
    );
  }
  batch.labels.forEach((y, b) => {
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses))
      throw new Error(`RecursiveScratch: label ${y} of tree ${b} is not a class in [0, ${numClasses}).`);
  });
}
