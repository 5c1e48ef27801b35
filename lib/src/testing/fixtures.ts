/**
 * Helpers shared by the unit tests (not exported from the `rnnlab` barrel).
 */
import { after, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";

/**
 * Registers the file's `before`/`after` hooks: set up the backend and pin `RNNLAB_QUICK=0` (full
 * training budgets; `npm test` sets it to 1), then restore the old value when the file is done.
 */
export function useBackendWithFullBudgets(): void {
  const savedQuick = process.env.RNNLAB_QUICK;
  before(async () => {
    await setupBackend();
    process.env.RNNLAB_QUICK = "0";
  });
  after(() => {
    if (savedQuick === undefined) delete process.env.RNNLAB_QUICK;
    else process.env.RNNLAB_QUICK = savedQuick;
  });
}

/** Largest absolute element difference of two tensors of the same shape. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** The course's one relative error, `‖a − b‖ / (‖a‖ + ‖b‖)` (the gradient check's formula, `rnn/rnn-step.ts`). */
export { relativeError as relErr } from "../rnn/rnn-step";
