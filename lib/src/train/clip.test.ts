import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { clipByGlobalNorm, clipByValue, globalNorm, GradMap } from "./clip";

before(async () => {
  await setupBackend();
});

function grads(scale: number): GradMap {
  return { a: tf.randomNormal([4, 5], 0, scale, "float32", 1), b: tf.randomNormal([5], 0, scale, "float32", 2) };
}

test("globalNorm is sqrt of the sum of squares over all tensors", () => {
  const g = { a: tf.tensor([3, 0]), b: tf.tensor([[4]]) };
  const n = globalNorm(g);
  assert.equal(n.dataSync()[0], 5);
  tf.dispose([n, ...Object.values(g)]);
});

test("clipping by norm yields a global norm ≤ the threshold and keeps the direction", () => {
  for (const [scale, theta] of [
    [10, 1],
    [0.01, 1],
    [3, 0.5],
  ]) {
    const g = grads(scale);
    const { grads: c, norm } = clipByGlobalNorm(g, theta);
    const after = globalNorm(c);
    const before = norm.dataSync()[0];
    assert.ok(after.dataSync()[0] <= theta * (1 + 1e-6), `norm after clipping ${after.dataSync()[0]} > ${theta}`);
    if (before <= theta) assert.ok(Math.abs(after.dataSync()[0] - before) < 1e-5, "small gradients are untouched");
    const cos = tf.tidy(
      () =>
        tf
          .sum(tf.mul(g.a, c.a))
          .div(tf.norm(g.a).mul(tf.norm(c.a)))
          .dataSync()[0],
    );
    assert.ok(cos > 0.9999, `direction changed: cos ${cos}`);
    tf.dispose([after, norm, ...Object.values(g), ...Object.values(c)]);
  }
});

test("clipping by value bounds every element", () => {
  const g = grads(5);
  const c = clipByValue(g, 0.3);
  for (const t of Object.values(c)) for (const v of t.dataSync()) assert.ok(Math.abs(v) <= Math.fround(0.3));
  assert.ok(Math.max(...[...g.a.dataSync()].map(Math.abs)) > 0.3, "the input did exceed the bound");
  tf.dispose([...Object.values(g), ...Object.values(c)]);
  assert.throws(() => clipByValue({}, -1), /positive number/);
});
