/**
 * Helpers shared by the unit tests (not exported from the `rnnlab` barrel).
 */
import { after, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
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

/**
 * Runs `body` with the training cache (`RNNLAB_CHECKPOINTS`) in a fresh temporary folder, then restores the
 * variable and deletes the folder, whatever happens.
 */
export async function withCheckpointRoot<T>(prefix: string, body: (root: string) => Promise<T>): Promise<T> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const saved = process.env.RNNLAB_CHECKPOINTS;
  process.env.RNNLAB_CHECKPOINTS = root;
  try {
    return await body(root);
  } finally {
    if (saved === undefined) delete process.env.RNNLAB_CHECKPOINTS;
    else process.env.RNNLAB_CHECKPOINTS = saved;
    fs.rmSync(root, { recursive: true, force: true });
  }
}
