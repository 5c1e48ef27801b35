import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { FusedAdam } from "./fused-adam";
import { fusedKernels } from "./fused-loader";
import { fusedSoftmaxCrossEntropy } from "./fused-head";
import { fusedRecurrent } from "./fused-op";
import { patchWasmKernels } from "../backend/wasm-kernels";

test("FusedAdam follows tf.train.adam step for step", async () => {
  await tf.setBackend("cpu");
  const init = [tf.randomNormal([4, 3], 0, 1, "float32", 1), tf.randomNormal([3], 0, 1, "float32", 2)];
  const target = tf.randomNormal([4, 3], 0, 1, "float32", 3);
  const run = (opt: tf.Optimizer): Float32Array[] => {
    const vars = init.map((t) => tf.variable(t.clone()));
    for (let i = 0; i < 7; i++) {
      opt.minimize(() => vars[0].sub(target).square().sum().add(vars[1].mul(vars[0]).sum().square()) as tf.Scalar, false, vars);
    }
    const out = vars.map((v) => v.dataSync() as Float32Array);
    tf.dispose(vars);
    opt.dispose();
    return out;
  };
  const want = run(tf.train.adam(0.05, 0.8, 0.95, 1e-7));
  const got = run(new FusedAdam({ lr: 0.05, beta1: 0.8, beta2: 0.95 }));
  for (let k = 0; k < want.length; k++) {
    for (let i = 0; i < want[k].length; i++) assert.ok(Math.abs(got[k][i] - want[k][i]) < 1e-5, `${got[k][i]} vs ${want[k][i]}`);
  }
  assert.ok(Math.abs(want[0][0] - init[0].dataSync()[0]) > 0.05, "the variables moved");
  tf.dispose([...init, target]);
});

test("200 fused training steps on wasm grow neither tensors, nor the wasm heap, nor the kernels' memory", async () => {
  assert.ok(await tf.setBackend("wasm"));
  patchWasmKernels();
  const [T, B, H, V] = [12, 8, 32, 27];
  const W = tf.variable(tf.randomNormal([V, 4 * H], 0, 0.1, "float32", 1));
  const U = tf.variable(tf.randomNormal([H, 4 * H], 0, 0.1, "float32", 2));
  const b = tf.variable(tf.zeros([4 * H]));
  const Wout = tf.variable(tf.randomNormal([H, V], 0, 0.1, "float32", 3));
  const bout = tf.variable(tf.zeros([V]));
  const ids = new Int32Array((T + 1) * B).map((_, i) => (i * 31 + 7) % V);
  const X = tf.tensor2d(ids.subarray(0, T * B), [T, B], "int32");
  const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(ids.subarray(B), "int32"), V));
  const opt = new FusedAdam({ lr: 0.01 });
  let i = 0;
  const step = (): number => {
    const loss = opt.minimize(
      () => {
        const { y } = fusedRecurrent("lstm", { ids: X, numInputs: V }, { W: W as tf.Tensor2D, U: U as tf.Tensor2D, b: b as tf.Tensor1D });
        // Alternate the tf-ops head (patched kernels) and the fused head.
        return i++ % 2 === 0
          ? (tf.losses.softmaxCrossEntropy(
              Y,
              y
                .reshape([T * B, H])
                .matMul(Wout)
                .add(bout),
            ) as tf.Scalar)
          : fusedSoftmaxCrossEntropy(y.reshape([T * B, H]) as tf.Tensor2D, Wout as tf.Tensor2D, bout as tf.Tensor1D, ids.subarray(B));
      },
      true,
      [W, U, b, Wout, bout],
    )!;
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  };
  const first = step();
  const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
  const tensors = tf.memory().numTensors;
  const heapBytes = heap.HEAPU8.length;
  const kernelBytes = fusedKernels().f32().byteLength;
  let last = first;
  for (let s = 0; s < 200; s++) last = step();
  assert.equal(tf.memory().numTensors, tensors, "tensors");
  assert.equal(heap.HEAPU8.length, heapBytes, "tfjs wasm heap");
  assert.equal(fusedKernels().f32().byteLength, kernelBytes, "fused kernels' memory");
  assert.ok(last < 0.5 * first, `it learns: ${first} → ${last}`);
  opt.dispose();
  tf.dispose([W, U, b, Wout, bout, X, Y]);
});
