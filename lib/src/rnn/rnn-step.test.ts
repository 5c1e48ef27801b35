import { test } from "node:test";
import * as assert from "node:assert/strict";
import { initRnnStepParams, mat, rnnCellForward, rnnForward, rnnGradientCheck, randnMat } from "./rnn-step";
import { Rng } from "../data/rng";

test("rnnCellForward keeps the (n, m) column convention and its probabilities sum to 1", () => {
  const p = initRnnStepParams({ n_x: 3, n_a: 5, n_y: 2, seed: 1 });
  const rand = new Rng(2);
  const { aNext, yPred } = rnnCellForward(randnMat(3, 10, rand), randnMat(5, 10, rand), p);
  assert.deepEqual([aNext.rows, aNext.cols, yPred.rows, yPred.cols], [5, 10, 2, 10]);
  for (let j = 0; j < 10; j++) assert.ok(Math.abs(yPred.data[j] + yPred.data[10 + j] - 1) < 1e-12);
  for (const v of aNext.data) assert.ok(Math.abs(v) < 1);
});

test("rnnCellForward computes tanh(Wax x + Waa a + ba) on a hand-made example", () => {
  const p = { Wax: mat(1, 1, [2]), Waa: mat(1, 1, [0.5]), ba: mat(1, 1, [-1]), Wya: mat(1, 1, [1]), by: mat(1, 1, [0]) };
  const { aNext } = rnnCellForward(mat(1, 2, [1, 0]), mat(1, 2, [2, -2]), p);
  assert.ok(Math.abs(aNext.data[0] - Math.tanh(2 + 1 - 1)) < 1e-15);
  assert.ok(Math.abs(aNext.data[1] - Math.tanh(0 - 1 - 1)) < 1e-15);
});

test("rnnForward feeds each state into the next step and rejects empty or mis-shaped input", () => {
  const p = initRnnStepParams({ n_x: 2, n_a: 3, n_y: 2, seed: 4 });
  const rand = new Rng(5);
  const x = [randnMat(2, 1, rand), randnMat(2, 1, rand)];
  const { a } = rnnForward(x, mat(3, 1), p);
  const second = rnnCellForward(x[1], a[0], p).aNext;
  assert.deepEqual([...a[1].data], [...second.data]);
  assert.throws(() => rnnForward([], mat(3, 1), p), /empty/);
  assert.throws(() => rnnCellForward(mat(4, 1), mat(3, 1), p), /n_x = 2/);
});

test("the gradient check of rnnBackward gives relative errors < 1e-5 for every parameter", () => {
  const report = rnnGradientCheck({ n_x: 3, n_a: 5, m: 4, T_x: 6, seed: 1 });
  for (const [name, err] of Object.entries(report)) assert.ok(err < 1e-5, `${name}: relative error ${err}`);
  assert.ok(report.max > 0, "errors are measured, not assumed");
});
