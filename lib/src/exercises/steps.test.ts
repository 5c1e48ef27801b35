import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../data/rng";
import { softmaxTemperature } from "../decode/sampling";
import { GRUScratch } from "../rnn/gru";
import { seededTensor } from "../rnn/init";
import { LSTMScratch } from "../rnn/lstm";
import { clipByGlobalNorm, clipByValue } from "../train/clip";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { sampleNameIds, temperatureSweep } from "./dinosaur-names";
import { GRUParams, gruStep } from "./gru";
import { LSTMParams, lstmStep } from "./lstm";
import { exercises } from "./notebooks";
import { clipGradsByNorm, clipGradsByValue } from "./rnn";

useBackendWithFullBudgets();

/** What one check prints for one answer. */
function line(notebook: "02-rnn" | "03-gru" | "04-lstm" | "08-dinosaur-names", n: number, answer: unknown): string {
  const out: string[] = [];
  const ex = exercises(notebook, { print: (l) => out.push(l) });
  (ex.check as unknown as (n: number, a: unknown) => void)(n, answer);
  return out[0];
}

test("the students' steps are checked against the lib's tested cells: gruStep = GRUScratch.step, lstmStep = LSTMScratch.step", () => {
  const gru = new GRUScratch({ numInputs: 6, numHiddens: 5, sigma: 0.7, seed: 9 });
  const lstm = new LSTMScratch({ numInputs: 6, numHiddens: 5, sigma: 0.7, seed: 9 });
  const X = seededTensor([4, 6], { normal: 1 }, 1, "X") as tf.Tensor2D;
  const H = seededTensor([4, 5], { uniform: 0.9 }, 1, "H") as tf.Tensor2D;
  const C = seededTensor([4, 5], { normal: 2 }, 1, "C") as tf.Tensor2D;
  const gv = gru.trainableVariables();
  const gp = Object.fromEntries(
    ["W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xh", "W_hh", "b_h"].map((n, i) => [n, gv[i]]),
  ) as unknown as GRUParams;
  const lv = lstm.trainableVariables();
  const names = ["W_xi", "W_hi", "b_i", "W_xf", "W_hf", "b_f", "W_xo", "W_ho", "b_o", "W_xc", "W_hc", "b_c"];
  const lp = Object.fromEntries(names.map((n, i) => [n, lv[i]])) as unknown as LSTMParams;
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    assert.ok(maxAbsDiff(gruStep(X, H, gp), gru.step(X, [H]).H) < 1e-6);
    const [h, c] = lstmStep(X, H, C, lp);
    const ref = lstm.step(X, [H, C]);
    assert.ok(maxAbsDiff(h, ref.H) < 1e-6);
    assert.ok(maxAbsDiff(c, ref.state[1]) < 1e-6);
  });
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([X, H, C]);
  gru.dispose();
  lstm.dispose();
});

test("clipping by value and by norm equal the Trainer's clipByValue and clipByGlobalNorm", () => {
  tf.tidy(() => {
    const grads = { a: tf.tensor1d([3, -4, 0.2]), b: tf.tensor2d([[12, -0.1]]) };
    const v = clipGradsByValue(grads, 1);
    const vRef = clipByValue(grads, 1);
    for (const k of ["a", "b"] as const) assert.ok(maxAbsDiff(v[k], vRef[k]) === 0);
    for (const maxNorm of [1, 100]) {
      const n = clipGradsByNorm(grads, maxNorm);
      const nRef = clipByGlobalNorm(grads, maxNorm).grads;
      for (const k of ["a", "b"] as const) assert.ok(maxAbsDiff(n[k], nRef[k]) < 1e-5, `${k} at ${maxNorm}`);
    }
  });
});

test("the temperature sweep equals softmaxTemperature; the reference sampler draws as Rng.categorical does", () => {
  const logits = [2, -1, 0.5, 7, 3];
  temperatureSweep(logits, [0.01, 0.3, 1, 4]).forEach((row, i) => {
    const ref = softmaxTemperature(logits, [0.01, 0.3, 1, 4][i]);
    row.forEach((p, j) => assert.ok(Math.abs(p - ref[j]) < 1e-12));
  });
  // One uniform draw per token against the cumulative probabilities: the same tokens as Rng.categorical with the same stream.
  const table = [
    [0.1, 0.6, 0.3],
    [0.5, 0.2, 0.3],
    [0.3, 0.3, 0.4],
  ];
  const next = (ids: readonly number[]): number[] => table[ids.length === 0 ? 1 : ids[ids.length - 1]];
  const a = new Rng(3);
  const b = new Rng(3);
  for (let k = 0; k < 50; k++) {
    const ids = sampleNameIds(next, 0, () => a.next(), 8);
    const want: number[] = [];
    while (want.length < 8) {
      const t = b.categorical(next(want));
      if (t === 0) break;
      want.push(t);
    }
    assert.deepEqual(ids, want);
  }
});

test("each new exercise names its typical slip, without the answer", () => {
  assert.match(line("02-rnn", 5, clipGradsByValue), /^✓/);
  assert.match(
    line("02-rnn", 5, (g: Record<string, tf.Tensor>, m: number) =>
      Object.fromEntries(Object.entries(g).map(([k, t]) => [k, tf.clipByValue(t, 0, m)])),
    ),
    /^✗.*lower bound is −maxValue/,
  );
  assert.match(line("02-rnn", 6, clipGradsByNorm), /^✓/);
  assert.match(
    line("02-rnn", 6, (g: Record<string, tf.Tensor>, m: number) =>
      Object.fromEntries(Object.entries(g).map(([k, t]) => [k, tf.mul(t, tf.minimum(1, tf.div(m, tf.norm(t))))])),
    ),
    /^✗.*its own norm/,
  );
  assert.match(
    line("02-rnn", 6, (g: Record<string, tf.Tensor>) => g),
    /^✗/,
  );
  assert.match(
    line("03-gru", 4, (X: tf.Tensor2D, H: tf.Tensor2D, p: GRUParams) => {
      const R = tf.sigmoid(X.matMul(p.W_xr).add(H.matMul(p.W_hr)).add(p.b_r));
      const Z = tf.sigmoid(X.matMul(p.W_xz).add(H.matMul(p.W_hz)).add(p.b_z));
      const Ht = tf.tanh(X.matMul(p.W_xh).add(R.mul(H).matMul(p.W_hh)).add(p.b_h));
      return tf.sub(1, Z).mul(H).add(Z.mul(Ht)); // Ng's way round
    }),
    /^✗.*Ng's way round/,
  );
  assert.match(
    line("04-lstm", 4, (X: tf.Tensor2D, H: tf.Tensor2D, C: tf.Tensor2D, p: LSTMParams) => lstmStep(X, H, C, p).reverse()),
    /^✗.*\[C_t, H_t\]/,
  );
  assert.match(
    line("04-lstm", 4, () => [tf.zeros([3, 4])]),
    /^✗.*array of two tensors/,
  );
  assert.match(
    line("08-dinosaur-names", 4, () => [1, 2, 0]),
    /^✗.*contain <eos>/,
  );
  assert.match(
    line("08-dinosaur-names", 5, (l: number[], Ts: number[]) => Ts.map(() => l.map(() => 1))),
    /^✗.*add up to/,
  );
});
