import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { keep, keptKeys, release } from "./keep";
import { setupBackend } from "./backend";

test("keep disposes what an earlier run stored under the same key", async () => {
  await setupBackend();
  const before = tf.memory().numTensors;
  const a = keep("x", tf.tensor([1, 2, 3]));
  const b = keep("x", tf.tensor([4, 5, 6]));
  assert.equal(a.isDisposed, true);
  assert.equal(b.isDisposed, false);
  assert.equal(tf.memory().numTensors, before + 1);
  keep("x", b); // the same object again is not disposed
  assert.equal(b.isDisposed, false);
  const pair = keep("pair", [tf.scalar(1), tf.scalar(2)]);
  keep("pair", [tf.scalar(3)]);
  assert.ok(pair.every((t) => t.isDisposed));
  assert.deepEqual(keptKeys().sort(), ["pair", "x"]);
  release();
  assert.deepEqual(keptKeys(), []);
  assert.equal(tf.memory().numTensors, before);
});

test("a value the user already disposed is not a problem", async () => {
  await setupBackend();
  const t = keep("y", tf.tensor([1]));
  t.dispose();
  assert.doesNotThrow(() => keep("y", tf.tensor([2])));
  release("y");
});
