import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { WASM_PATCH_ENV, patchWasmKernels, patchedWasmKernels, unpatchWasmKernels } from "./wasm-kernels";

test("RNNLAB_WASM_PATCH=0 leaves the stock kernels; unpatching restores them", async () => {
  assert.ok(await tf.setBackend("wasm"));
  const stockSlice = tf.getKernel("Slice", "wasm")!.kernelFunc;
  process.env[WASM_PATCH_ENV] = "0";
  assert.deepEqual(patchWasmKernels(), []);
  assert.equal(tf.getKernel("Slice", "wasm")!.kernelFunc, stockSlice);
  assert.equal(tf.getKernel("UnsortedSegmentSum", "wasm"), undefined);
  delete process.env[WASM_PATCH_ENV];
  assert.ok(patchWasmKernels().includes("Slice"));
  assert.notEqual(tf.getKernel("Slice", "wasm")!.kernelFunc, stockSlice);
  assert.ok(unpatchWasmKernels().includes("GatherV2"));
  assert.deepEqual(patchedWasmKernels(), []);
  assert.equal(tf.getKernel("Slice", "wasm")!.kernelFunc, stockSlice);
  assert.equal(tf.getKernel("UnsortedSegmentSum", "wasm"), undefined);
  tf.tidy(() => assert.deepEqual(Array.from(tf.tensor([1, 2, 3, 4]).slice(1, 2).dataSync()), [2, 3]));
});
