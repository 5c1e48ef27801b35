import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, relErr, useBackendWithFullBudgets } from "../testing/fixtures";
import type { BinaryTree, TreeBatch } from "../data/expressions";
import {
  EXPRESSION_TREE_TOKENS,
  leaf,
  node,
  operatorTables,
  parseExpression,
  randomExpressions,
  treeBatch,
  treeBatchSource,
} from "../data/expressions";
import { tokenAccuracy } from "../data/metrics";
import type { Trainable } from "../train/trainer";
import { Trainer } from "../train/trainer";
import { RecursiveScratch, RecursiveScratchConfig, treeLevels } from "./recursive";
import { Mat, mat, numericalGradient } from "./rnn-step";

useBackendWithFullBudgets();

const TOKENS = EXPRESSION_TREE_TOKENS;
const small = (over: Partial<RecursiveScratchConfig> = {}): RecursiveScratch =>
  new RecursiveScratch({ tokens: TOKENS, embedSize: 3, numHiddens: 4, cellHiddens: 5, numClasses: 10, seed: 7, ...over });
const trees = ["((3+4)*(2-7))", "(1+((2*3)-4))", "(5*6)", "(((1+2)+3)+4)"].map(parseExpression);
const labelled = (ts: readonly BinaryTree[], labels: number[]): TreeBatch => ({
  batchSize: ts.length,
  trees: ts,
  labels: Int32Array.from(labels),
});

test("treeLevels lays a batch out level by level: leaves first, children before parents, roots last of their trees", () => {
  const L = treeLevels([node("+", leaf(3), leaf(4)), leaf(9)], TOKENS);
  assert.equal(L.numNodes, 4);
  assert.deepEqual(L.levelStarts, [0, 3, 4]);
  assert.deepEqual(Array.from(L.tokenIds), [3, 4, 9, 10]); // "3", "4", "9" (height 0), then "+" (height 1)
  assert.deepEqual(Array.from(L.children), [-1, -1, -1, -1, -1, -1, 0, 1]);
  assert.deepEqual(Array.from(L.roots), [3, 2]);
  const big = treeLevels(trees, TOKENS);
  assert.equal(big.levelStarts.length, 5, "heights 0…3");
  for (let k = 1; k + 1 < big.levelStarts.length; k++) {
    for (let i = big.levelStarts[k]; i < big.levelStarts[k + 1]; i++) {
      const [l, r] = [big.children[2 * i], big.children[2 * i + 1]];
      assert.ok(l >= 0 && r >= 0 && l < big.levelStarts[k] && r < big.levelStarts[k], "children lie on lower levels");
    }
  }
});

test("shapes: node states [numNodes, numHiddens], root states [batchSize, numHiddens], logits [batchSize, numClasses]; both cells", () => {
  for (const cellHiddens of [5, 0]) {
    const net = small({ cellHiddens });
    const L = treeLevels(trees, TOKENS);
    tf.tidy(() => {
      assert.deepEqual(net.nodeStates(L).shape, [L.numNodes, 4]);
      assert.deepEqual(net.rootStates(trees).shape, [4, 4]);
      assert.deepEqual(net.forward(trees).shape, [4, 10]);
      const s = net.scores(labelled(trees, [5, 3, 0, 0]));
      assert.deepEqual(
        [s.logits.shape, s.targets.shape],
        [
          [1, 4, 10],
          [1, 4],
        ],
      );
    });
    const sizes = net.trainableVariables().map((v) => v.shape);
    assert.deepEqual(
      sizes,
      cellHiddens > 0 ? [[13, 3], [3, 5], [8, 5], [5], [5, 4], [4], [4, 10], [10]] : [[13, 3], [3, 4], [8, 4], [4], [4, 10], [10]],
    );
    net.dispose();
  }
  const def = new RecursiveScratch({ tokens: TOKENS, embedSize: 2, numHiddens: 3, numClasses: 10 });
  assert.equal(def.cellHiddens, 12, "default cell width: 4 · numHiddens");
  def.dispose();
});

test("batched by level: a batch gives each tree the logits it gets alone, and costs the same ops for 1 tree or 64", (t) => {
  const net = small();
  const many = randomExpressions({ count: 64, minDepth: 3, seed: 1 }).map((e) => e.tree);
  tf.tidy(() => {
    const together = net.forward(trees);
    trees.forEach((t, b) => assert.ok(maxAbsDiff(tf.slice(together, [b, 0], [1, 10]), net.forward([t])) < 1e-6, `tree ${b}`));
  });
  const kernels = async (ts: BinaryTree[]): Promise<number> => (await tf.profile(() => net.forward(ts))).kernels.length;
  return (async () => {
    const one = await kernels([many[0]]);
    const all = await kernels(many);
    assert.equal(all, one, `ops grow with the height (3), not with the nodes: ${one} kernels for 1 tree, ${all} for 64`);
    t.diagnostic(`${one} kernels for 1 tree of height 3, ${all} for 64`);
    net.dispose();
  })();
});

// ---------------------------------------------------------------- a float64 twin, for the gradient check

/** The model's weights as float64 matrices, in `trainableVariables()` order. */
function weights64(net: RecursiveScratch): Mat[] {
  return net.trainableVariables().map((v) => {
    const [rows, cols = 1] = v.shape;
    return mat(rows, cols, v.dataSync());
  });
}

/** The same network in plain float64 TypeScript, one tree at a time: mean cross-entropy of the roots. */
function loss64(w: Mat[], twoLayer: boolean, batch: TreeBatch): number {
  const [W_e, W_x, W_h, ...rest] = w;
  const [b_z, W_z, b_h, W_hq, b_q] = twoLayer ? rest : [null, null, ...rest];
  const row = (M: Mat, i: number): Float64Array => M.data.subarray(i * M.cols, (i + 1) * M.cols);
  const vecMat = (x: ArrayLike<number>, M: Mat): Float64Array => {
    const out = new Float64Array(M.cols);
    for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.cols; j++) out[j] += x[i] * M.data[i * M.cols + j];
    return out;
  };
  const H = (b_h as Mat).rows;
  const state = (t: BinaryTree): Float64Array => {
    const pre = vecMat(row(W_e, TOKENS.indexOf(t.token)), W_x); // x W_x
    if (t.children) {
      const kids = new Float64Array(2 * H);
      kids.set(state(t.children[0]));
      kids.set(state(t.children[1]), H);
      vecMat(kids, W_h).forEach((v, j) => (pre[j] += v)); // + [h_left, h_right] W_h
    }
    if (!twoLayer) return pre.map((v, j) => Math.tanh(v + (b_h as Mat).data[j]));
    const Z = pre.map((v, j) => Math.max(0, v + (b_z as Mat).data[j]));
    return vecMat(Z, W_z as Mat).map((v, j) => Math.tanh(v + (b_h as Mat).data[j]));
  };
  let total = 0;
  batch.trees.forEach((t, b) => {
    const O = vecMat(state(t), W_hq as Mat).map((v, j) => v + (b_q as Mat).data[j]);
    const max = Math.max(...O);
    const logSum = max + Math.log(O.reduce((s, v) => s + Math.exp(v - max), 0));
    total += logSum - O[batch.labels[b]];
  });
  return total / batch.batchSize;
}

test("gradient check: tfjs's autodiff equals float64 central differences of a plain-TS twin (relative error < 1e-4)", (t) => {
  // tfjs computes in float32, so central differences taken *in tfjs* would drown in rounding: with
  // ε = 1e-3 the loss differences carry ~1e-7 / 1e-3 ≈ 1e-4 of noise and the ε² truncation error is of the
  // same order. Instead, the same network is written again in float64 (loss64 above) and differentiated
  // numerically there (ε = 1e-6: truncation ~1e-12, rounding ~1e-10), so the comparison only measures
  // float32 rounding in tfjs's gradients (~1e-6 relative) — and any mistake, which would show as O(1).
  const batch = labelled([trees[0], trees[1], trees[2]], [5, 3, 0]);
  for (const cellHiddens of [5, 0]) {
    const net = small({ cellHiddens, seed: 3 });
    const w = weights64(net);
    const loss = net.loss(batch);
    assert.ok(Math.abs(loss.dataSync()[0] - loss64(w, cellHiddens > 0, batch)) < 1e-5, "the twin computes the same loss");
    loss.dispose();
    const { value, grads } = tf.variableGrads(() => net.loss(batch), net.trainableVariables());
    const names = net.trainableVariables().map((v) => v.name);
    let worst = 0;
    w.forEach((W, i) => {
      const numeric = numericalGradient(W, () => loss64(w, cellHiddens > 0, batch), 1e-6);
      const err = relErr(grads[names[i]].dataSync(), numeric);
      assert.ok(err < 1e-4, `cellHiddens ${cellHiddens}, parameter ${i} [${W.rows}, ${W.cols}]: relative error ${err}`);
      worst = Math.max(worst, err);
    });
    t.diagnostic(`cellHiddens ${cellHiddens}: largest relative error ${worst.toExponential(1)}`);
    tf.dispose([value, ...Object.values(grads)]);
    net.dispose();
  }
});

test("it learns with the course's Trainer: the 300 operator tables to ≥ 95 % accuracy, and trains without tensor growth", async (t) => {
  const net = new RecursiveScratch({ tokens: TOKENS, embedSize: 16, numHiddens: 32, cellHiddens: 128, numClasses: 10, seed: 1 });
  const _trainable: Trainable<TreeBatch> = net; // the Trainer's contract, checked by the compiler
  const tables = operatorTables();
  const data = treeBatchSource({ train: tables, val: [] }, { batchSize: 32, seed: 1 });
  const source = { trainBatches: (e: number) => data.trainBatches(e), valBatches: () => [treeBatch(tables)] };
  const trainer = new Trainer({ maxEpochs: 30, lr: 0.01, clipNorm: 5, listener: null });
  const before = trainer.evaluate(net, source);
  assert.ok(before["val acc"] < 0.3, `untrained: accuracy ${before["val acc"]}`);
  const tensors = tf.memory().numTensors;
  const result = await trainer.fit(_trainable, source);
  assert.equal(tf.memory().numTensors, tensors, "no tensor growth over a run");
  assert.ok(result.final["val acc"] >= 0.95, `accuracy on the tables: ${result.final["val acc"]}`);
  assert.equal(result.itemName, "trees");
  t.diagnostic(
    `accuracy ${before["val acc"].toFixed(2)} → ${result.final["val acc"].toFixed(3)} in ${result.steps} steps, ${result.seconds.toFixed(1)} s`,
  );
  const acc = tokenAccuracy<TreeBatch>().measure(net, treeBatch(tables));
  assert.equal(acc.total, 300);
  net.dispose();
});

test("no tensor leak over repeated forward, loss and gradient steps", () => {
  const net = small();
  const batch = labelled(trees, [5, 3, 0, 0]);
  const step = (): void => {
    tf.dispose(net.forward(trees));
    const s = net.scores(batch);
    tf.dispose([s.logits, s.targets]);
    const { value, grads } = tf.variableGrads(() => net.loss(batch), net.trainableVariables());
    tf.dispose([value, ...Object.values(grads)]);
  };
  step(); // warm-up: tfjs caches a few constants
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) step();
  assert.equal(tf.memory().numTensors, before);
  net.dispose();
  assert.equal(tf.memory().numTensors, before - net.trainableVariables().length, "dispose frees every weight");
});

test("bad input is explained: an empty batch, an unknown token, malformed trees, bad labels, bad sizes", () => {
  const net = small();
  const before = tf.memory().numTensors;
  assert.throws(() => net.forward([]), /the batch is empty; give at least one tree/);
  assert.throws(() => net.loss(labelled([], [])), /the batch is empty/);
  assert.throws(() => net.forward([node("+", leaf(1), { token: "x" })]), /tree 0, node R holds the unknown token "x"; the model knows "0"/);
  const oneChild = { token: "+", children: [leaf(1)] } as unknown as BinaryTree;
  assert.throws(() => net.forward([leaf(2), oneChild]), /tree 1, node root \("\+"\) has 1 children; an inner node has exactly two/);
  const notANode = { token: "+", children: [leaf(1), null] } as unknown as BinaryTree;
  assert.throws(() => net.forward([notANode]), /tree 0, node R is not a node \{ token, children\? \}; got null/);
  const cyclic: { token: string; children: [BinaryTree, BinaryTree] } = { token: "*", children: [leaf(1), leaf(2)] };
  cyclic.children[1] = cyclic;
  assert.throws(() => net.forward([cyclic as unknown as BinaryTree]), /tree 0, node R contains itself \(a cycle\)/);
  assert.throws(() => net.loss(labelled([trees[0]], [10])), /label 10 of tree 0 is not a class in \[0, 10\)/);
  assert.throws(() => net.loss({ batchSize: 2, trees: [trees[0]], labels: Int32Array.from([1]) }), /give one label per tree/);
  assert.equal(tf.memory().numTensors, before, "a refused batch leaves no tensors behind");
  net.dispose();
  assert.throws(() => small({ numHiddens: 0 }), /numHiddens must be a positive integer, got 0/);
  assert.throws(() => small({ cellHiddens: -1 }), /cellHiddens must be a non-negative integer/);
  assert.throws(() => small({ tokens: ["a", "a"] }), /without repeats/);
});
