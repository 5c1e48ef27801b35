import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  EXPRESSION_TEXT_TOKENS,
  Expression,
  applyOp,
  countExpressions,
  evaluateExpression,
  expressionIds,
  expressionSplit,
  expressionText,
  expressionTextSource,
  leaf,
  node,
  operatorTables,
  parseExpression,
  randomExpressions,
  randomTree,
  textBatch,
  treeBatchSource,
  treeHeight,
  treeSize,
} from "./expressions";
import { Rng } from "./rng";

const example = node("*", node("+", leaf(3), leaf(4)), node("-", leaf(2), leaf(7))); // ((3+4)*(2-7))

test("an expression is a tree, a fully parenthesised text and a value mod 10", () => {
  assert.equal(expressionText(example), "((3+4)*(2-7))");
  assert.equal(evaluateExpression(example), 5); // 7 · (−5) = −35 ≡ 5
  assert.equal(treeHeight(example), 2);
  assert.equal(treeSize(example), 7);
  assert.deepEqual(parseExpression("((3+4)*(2-7))"), example);
  assert.equal(applyOp("-", 2, 7), 5);
  assert.equal(applyOp("*", 9, 9), 1);
  assert.equal(applyOp("+", 9, 9), 8);
  assert.deepEqual(expressionIds("(3+4)"), [14, 4, 11, 5, 15]);
  assert.equal(EXPRESSION_TEXT_TOKENS.length, 16);
  assert.throws(() => parseExpression("(3+4"), /where \) is expected at position 4/);
  assert.throws(() => parseExpression("3+4"), /"\+" after a complete expression/);
  assert.throws(() => parseExpression("(3/4)"), /"\/" where an operator/);
  assert.throws(() => evaluateExpression({ token: "x" }), /a leaf must be a digit 0–9, got "x"/);
  assert.throws(() => evaluateExpression({ token: "7", children: [leaf(1), leaf(2)] }), /an inner node must hold one of \+ - \*/);
  assert.throws(() => leaf(10), /digit 0–9/);
  assert.throws(() => expressionIds("(3 + 4)"), /" " at position 2/);
});

test("countExpressions: 300 of depth 1, 288,000 of depth 2; randomTree reaches exactly the height asked", () => {
  assert.equal(countExpressions(0), 10);
  assert.equal(countExpressions(1), 300);
  assert.equal(countExpressions(2), 288_000);
  assert.equal(countExpressions(8), Infinity);
  const rng = new Rng(3);
  for (let h = 0; h <= 6; h++) for (let i = 0; i < 20; i++) assert.equal(treeHeight(randomTree(rng, h)), h);
  const tables = operatorTables();
  assert.equal(tables.length, 300);
  assert.equal(new Set(tables.map((e) => e.text)).size, 300);
  assert.deepEqual(tables[299], { tree: node("*", leaf(9), leaf(9)), text: "(9*9)", value: 1, depth: 1 });
});

test("randomExpressions: seeded, distinct, balanced across depths as far as the supply allows, never an excluded one", () => {
  const a = randomExpressions({ count: 90, minDepth: 2, maxDepth: 4, seed: 5 });
  const b = randomExpressions({ count: 90, minDepth: 2, maxDepth: 4, seed: 5 });
  assert.deepEqual(a, b, "same seed, same expressions");
  assert.notDeepEqual(a, randomExpressions({ count: 90, minDepth: 2, maxDepth: 4, seed: 6 }));
  assert.equal(new Set(a.map((e) => e.text)).size, 90);
  const perDepth = (xs: readonly Expression[], d: number) => xs.filter((e) => e.depth === d).length;
  assert.deepEqual([2, 3, 4].map((d) => perDepth(a, d)), [30, 30, 30]);
  for (const e of a) {
    assert.equal(treeHeight(e.tree), e.depth);
    assert.equal(expressionText(e.tree), e.text);
    assert.equal(evaluateExpression(parseExpression(e.text)), e.value);
  }
  // Depth 1 holds only 300 expressions: it gives them all, the rest goes to depth 2.
  const wide = randomExpressions({ count: 1000, minDepth: 1, maxDepth: 2, seed: 1 });
  assert.deepEqual([perDepth(wide, 1), perDepth(wide, 2)], [300, 700]);
  const rest = randomExpressions({ count: 100, minDepth: 1, maxDepth: 1, seed: 2, exclude: wide.slice(0, 500) });
  const seen = new Set(wide.slice(0, 500).map((e) => e.text));
  assert.ok(rest.every((e) => !seen.has(e.text)));
});

test("impossible requests are explained", () => {
  assert.throws(() => randomExpressions({ count: 5, minDepth: 0 }), /minDepth must be an integer ≥ 1 \(depth 0 is a lone digit/);
  assert.throws(() => randomExpressions({ count: 5, minDepth: 3, maxDepth: 2 }), /maxDepth must be an integer ≥ minDepth = 3/);
  assert.throws(() => randomExpressions({ count: 301, minDepth: 1 }), /301 distinct expressions of depth 1 do not exist: there are only 300 of depth 1/);
  assert.throws(
    () => randomExpressions({ count: 1, minDepth: 1, exclude: operatorTables() }),
    /do not exist besides the excluded ones: there are only 0 of depth 1/,
  );
  assert.throws(() => randomExpressions({ count: -1, minDepth: 1 }), /count must be a non-negative integer/);
  assert.throws(() => expressionSplit({ numTrain: 200, numVal: 200, minDepth: 1 }), /do not exist besides the excluded ones/);
});

test("treeBatchSource and expressionTextSource: seeded epochs, fixed validation, the same expressions in the same batches", () => {
  const split = expressionSplit({ numTrain: 50, numVal: 12, minDepth: 1, maxDepth: 3, seed: 4 });
  const trainTexts = new Set(split.train.map((e) => e.text));
  assert.ok(split.val.every((e) => !trainTexts.has(e.text)), "no overlap between the splits");
  const trees = treeBatchSource(split, { batchSize: 16, seed: 9 });
  const texts = expressionTextSource(split, { batchSize: 16, seed: 9 });
  assert.equal(trees.batchesPerEpoch, 4);
  const e1 = [...trees.trainBatches(1)];
  assert.deepEqual(
    e1.map((b) => b.batchSize).sort((a, b) => a - b),
    [2, 16, 16, 16],
  );
  assert.deepEqual(new Set(e1.flatMap((b) => b.trees.map(expressionText))), trainTexts, "each training expression once per epoch");
  assert.deepEqual([...trees.trainBatches(1)], e1, "an epoch repeats");
  assert.notDeepEqual([...trees.trainBatches(2)], e1, "epochs differ");
  const t1 = [...texts.trainBatches(1)];
  t1.forEach((tb, i) => {
    assert.deepEqual(tb.labels, e1[i].labels);
    for (let b = 0; b < tb.batchSize; b++) {
      const ids = Array.from(tb.X.subarray(b * tb.numSteps, b * tb.numSteps + tb.validLens[b]));
      assert.deepEqual(ids, expressionIds(expressionText(e1[i].trees[b])), "row b of the text batch is tree b of the tree batch");
      assert.ok(tb.X.subarray(b * tb.numSteps + tb.validLens[b], (b + 1) * tb.numSteps).every((id) => id === 0), "padding is id 0");
    }
  });
  assert.deepEqual([...trees.valBatches()], [...trees.valBatches()]);
  assert.equal([...trees.valBatches()].reduce((n, b) => n + b.batchSize, 0), 12);
  assert.throws(() => trees.trainBatches(0), /epoch is 1-based/);
});

test("bucketByLength puts only texts of one length in a batch", () => {
  const split = expressionSplit({ numTrain: 80, numVal: 10, minDepth: 1, maxDepth: 3, seed: 2 });
  const texts = expressionTextSource(split, { batchSize: 8, bucketByLength: true });
  for (const b of [...texts.trainBatches(1), ...texts.valBatches()]) assert.ok(b.validLens.every((len) => len === b.numSteps));
});

test("the sources refuse overlapping splits, empty training splits and bad batch sizes", () => {
  const xs = randomExpressions({ count: 10, minDepth: 2, seed: 1 });
  assert.throws(
    () => treeBatchSource({ train: xs, val: xs.slice(0, 2) }, { batchSize: 4 }),
    /2 validation expression\(s\) are also in the training split/,
  );
  assert.throws(() => expressionTextSource({ train: [], val: xs }, { batchSize: 4 }), /the training split is empty/);
  assert.throws(() => treeBatchSource({ train: xs, val: [] }, { batchSize: 0 }), /batchSize must be a positive integer/);
  assert.throws(() => textBatch([]), /at least one/);
});
