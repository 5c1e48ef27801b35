import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { fusedSoftmaxCrossEntropy } from "./fused-head";
import { relErr } from "../testing/fixtures";

test("fusedSoftmaxCrossEntropy equals dense + tf.losses.softmaxCrossEntropy, value and gradients (wasm and JS)", async () => {
  await tf.setBackend("cpu");
  for (const [N, H, V] of [
    [1, 3, 2],
    [37, 16, 27],
    [300, 9, 11],
  ]) {
    const labels = Int32Array.from({ length: N }, (_, i) => (i * 5 + 1) % V);
    const h = tf.randomNormal([N, H], 0, 1, "float32", 1) as tf.Tensor2D;
    const W = tf.randomNormal([H, V], 0, 1, "float32", 2) as tf.Tensor2D;
    const b = tf.randomNormal([V], 0, 1, "float32", 3) as tf.Tensor1D;
    const Y = tf.oneHot(tf.tensor1d(labels, "int32"), V);
    const ref = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Scalar =>
      tf.losses.softmaxCrossEntropy(Y, hh.matMul(ww).add(bb)) as tf.Scalar;
    const want = tf.valueAndGrads(ref)([h, W, b]);
    for (const kernels of ["wasm", "js"] as const) {
      // Scaled by 3 so the incoming gradient is not 1.
      const fused = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Scalar =>
        fusedSoftmaxCrossEntropy(hh as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, labels, { kernels }).mul(3);
      const got = tf.valueAndGrads(fused)([h, W, b]);
      assert.ok(Math.abs(got.value.dataSync()[0] - 3 * want.value.dataSync()[0]) < 1e-5 * (1 + Math.abs(want.value.dataSync()[0])));
      got.grads.forEach((g, i) => {
        const e = relErr(g.dataSync(), want.grads[i].mul(3).dataSync());
        assert.ok(e < 1e-5, `${kernels} N${N} grad ${i}: ${e}`);
      });
      tf.dispose([got.value, ...got.grads]);
    }
    tf.dispose([h, W, b, Y, want.value, ...want.grads]);
  }
  assert.throws(
    () => fusedSoftmaxCrossEntropy(tf.zeros([2, 3]), tf.zeros([3, 4]), tf.zeros([4]), new Int32Array([0, 4])),
    /not in \[0, 4\)/,
  );
});
