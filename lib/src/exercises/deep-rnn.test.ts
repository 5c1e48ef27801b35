import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildStack } from "../rnn/blocks";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { exercises } from "./notebooks";

useBackendWithFullBudgets();

/** The lines exercise `n` of notebook 05 prints for each answer. */
function lines(n: 1 | 2 | 3, answers: readonly unknown[], context?: unknown): string[] {
  const out: string[] = [];
  const ex = exercises("05-deep-rnn", { print: (line) => out.push(line) });
  const check = ex.check.bind(ex) as unknown as (n: number, answer: unknown, context?: unknown) => void;
  for (const answer of answers) check(n, answer, context);
  return out;
}

test("exercise 1: the reference is the parameter count of buildStack's 3-layer GRU; common slips get their own message", () => {
  const stack = buildStack("gru", "scratch", { numInputs: 5, numHiddens: 4, numLayers: 3 });
  assert.equal(exercises("05-deep-rnn").exercise(1).reference(), stack.countParams());
  stack.dispose();
  const [right, allFive, allFour, one, rnn, noBias] = lines(1, [336, 360, 324, 120, 112, 300]);
  assert.match(right, /^✓ /);
  assert.match(allFive, /every layer 5 inputs/);
  assert.match(allFour, /layer 1 .* reads the 5 features/);
  assert.match(one, /one GRU layer; the stack has three/);
  assert.match(rnn, /vanilla RNN/);
  assert.match(noBias, /leaves out b·/);
});

test("exercise 2: the final state fed to layer 2, layer 1's outputs or a final state returned each get a ✗ that says so; nothing leaks", () => {
  const before = tf.memory().numTensors;
  const [finalState, bottom, state, stateful] = lines(2, [
    (X: tf.Tensor3D, l1: { forward: (x: tf.Tensor3D) => [tf.Tensor3D, tf.Tensor2D[]] }, l2: typeof l1) =>
      l2.forward(tf.expandDims(l1.forward(X)[1][0], 0) as tf.Tensor3D)[0],
    (X: tf.Tensor3D, l1: { forward: (x: tf.Tensor3D) => [tf.Tensor3D, tf.Tensor2D[]] }) => l1.forward(X)[0],
    (X: tf.Tensor3D, l1: { forward: (x: tf.Tensor3D) => [tf.Tensor3D, tf.Tensor2D[]] }, l2: typeof l1) =>
      l2.forward(l1.forward(X)[0])[1][0],
    (X: tf.Tensor3D, l1: { forward: (x: tf.Tensor3D, s?: tf.Tensor2D[]) => [tf.Tensor3D, tf.Tensor2D[]] }, l2: typeof l1) =>
      l2.forward(l1.forward(X)[0], [tf.ones([2, 4]) as tf.Tensor2D])[0],
  ]);
  assert.match(finalState, /^✗ .*returns 1 step instead of 6: layer 2 must read layer 1's output at every step, not only its final state/);
  assert.match(bottom, /^✗ .*the width of layer 1's outputs/);
  assert.match(state, /^✗ .*one step's state/);
  assert.match(stateful, /^✗ .*differ from the stack's by up to .*zero state/);
  assert.equal(tf.memory().numTensors, before);
});

test("exercise 3: any layer with the highest accuracy is right; the numbering starts at 0", () => {
  const accuracies = [0.9, 0.95, 0.95, 0.8];
  const [a, b, last, past, bad] = lines(3, [1, 2, 3, 4, 0], { accuracies });
  assert.match(a, /^✓ /);
  assert.match(b, /^✓ /);
  assert.match(last, /^✗ .*another layer's probe does better \(the top layer/);
  assert.match(past, /^✗ .*numbered from 0/);
  assert.match(bad, /^✗ /);
  assert.match(lines(3, [0], { accuracies: [] })[0], /must be numbers between 0 and 1/);
});
