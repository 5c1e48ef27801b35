import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { FUSED_THREADING } from "./fused-core";
import { fusedSoftmaxCrossEntropy } from "./fused-head";
import { threadedFusedKernels } from "../testing/fused-threads";
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

test("fusedSoftmaxCrossEntropy on two threads (rows of each product split) gives the JS kernels' value and gradients", async () => {
  const k = await threadedFusedKernels();
  if (!k) return;
  await tf.setBackend("cpu");
  const saved = { ...FUSED_THREADING };
  FUSED_THREADING.minGemm = 0; // thread even this small head
  try {
    const [N, H, V] = [70, 24, 37]; // 70 and 37 rows split unevenly
    const labels = Int32Array.from({ length: N }, (_, i) => (i * 11 + 3) % V);
    const h = tf.randomNormal([N, H], 0, 1, "float32", 4) as tf.Tensor2D;
    const W = tf.randomNormal([H, V], 0, 1, "float32", 5) as tf.Tensor2D;
    const b = tf.randomNormal([V], 0, 1, "float32", 6) as tf.Tensor1D;
    const run = (kernels: "wasm" | "js"): Float32Array[] => {
      const f = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Scalar =>
        fusedSoftmaxCrossEntropy(hh as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, labels, { kernels });
      const r = tf.valueAndGrads(f)([h, W, b]);
      const out = [r.value, ...r.grads].map((t) => t.dataSync() as Float32Array);
      tf.dispose([r.value, ...r.grads]);
      return out;
    };
    const before = k.pool.dispatched;
    const w = run("wasm");
    assert.ok(k.pool.dispatched >= before + 3, "the worker took half of each of the three products");
    const j = run("js");
    for (let i = 0; i < w.length; i++) assert.ok(relErr(w[i], j[i]) < 1e-5, `output ${i}: ${relErr(w[i], j[i])}`);
    tf.dispose([h, W, b]);
  } finally {
    Object.assign(FUSED_THREADING, saved);
  }
});
