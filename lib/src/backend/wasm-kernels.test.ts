import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { PATCHED_WASM_KERNELS, patchWasmKernels, patchedWasmKernels } from "./wasm-kernels";

/** Deterministic values in [-1, 1). */
function randoms(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Runs `fn` on the cpu backend and on the patched wasm backend; returns both results as plain arrays. */
async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: unknown; wasm: unknown }> {
  const run = async (backend: string): Promise<unknown> => {
    await tf.setBackend(backend);
    const out = tf.tidy(fn);
    const list = Array.isArray(out) ? out : [out];
    const vals = list.map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
    tf.dispose(list);
    return vals;
  };
  const cpu = await run("cpu");
  const wasm = await run("wasm");
  return { cpu, wasm };
}

async function assertSame(fn: () => tf.Tensor | tf.Tensor[], what: string): Promise<void> {
  const { cpu, wasm } = await onBoth(fn);
  assert.deepEqual(wasm, cpu, what);
}

test("setup: the wasm backend starts and the patch is idempotent", async () => {
  assert.ok(await tf.setBackend("wasm"));
  const first = patchWasmKernels();
  assert.deepEqual(first, [...PATCHED_WASM_KERNELS]);
  const fn = tf.getKernel("Slice", "wasm")!.kernelFunc;
  assert.deepEqual(patchWasmKernels(), first);
  assert.equal(tf.getKernel("Slice", "wasm")!.kernelFunc, fn, "a second patch does not re-register");
  assert.deepEqual(patchedWasmKernels(), first);
  assert.ok(tf.getKernel("UnsortedSegmentSum", "wasm"), "the missing kernel exists now");
});

test("Slice equals cpu for ranks 1..4, odd, zero-size and -1 sizes, float and int", async () => {
  const cases: [number[], number[], number[]][] = [
    [[7], [2], [3]],
    [[7], [0], [-1]],
    [
      [5, 9],
      [1, 2],
      [3, 5],
    ],
    [
      [5, 9],
      [0, 0],
      [5, 9],
    ],
    [
      [5, 9],
      [2, 0],
      [3, -1],
    ],
    [
      [5, 9],
      [0, 4],
      [-1, 1],
    ],
    [
      [5, 9],
      [1, 1],
      [0, 3],
    ],
    [
      [3, 4, 5],
      [1, 0, 2],
      [2, 4, 3],
    ],
    [
      [3, 4, 5],
      [0, 1, 0],
      [3, 2, 5],
    ],
    [
      [2, 3, 4, 5],
      [1, 1, 1, 1],
      [1, 2, 3, 4],
    ],
    [
      [2, 3, 4, 5],
      [0, 0, 2, 0],
      [2, 3, 1, 5],
    ],
    [
      [2, 0, 4],
      [0, 0, 1],
      [2, 0, 2],
    ],
  ];
  for (const [shape, begin, size] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const vals = randoms(n, n + 1);
    await assertSame(() => tf.slice(tf.tensor(vals, shape), begin, size), `slice ${shape} ${begin} ${size}`);
    await assertSame(() => tf.slice(tf.tensor(vals, shape).mul(100).toInt(), begin, size), `int slice ${shape} ${begin} ${size}`);
  }
});

test("SplitV and Unpack equal cpu on every axis, with uneven splits", async () => {
  const shape = [6, 5, 4];
  const vals = randoms(120, 7);
  for (const axis of [0, 1, 2, -1]) {
    await assertSame(() => tf.unstack(tf.tensor(vals, shape), axis), `unstack axis ${axis}`);
    const dim = shape[axis < 0 ? axis + 3 : axis];
    await assertSame(() => tf.split(tf.tensor(vals, shape), [1, dim - 1], axis), `split axis ${axis}`);
  }
  await assertSame(() => tf.split(tf.tensor(randoms(80 * 16, 3), [80, 16]), 40, 0), "40-way split");
  await assertSame(() => tf.split(tf.tensor(randoms(10, 3), [10]), [3, 0, 7]), "zero-size piece");
});

test("BatchMatMul equals cpu for every transpose combination, rank 2 and 3, broadcast batch", async () => {
  const shapes: [number[], number[]][] = [
    [
      [3, 5],
      [5, 7],
    ],
    [
      [1, 9],
      [9, 1],
    ],
    [
      [2, 3, 5],
      [2, 5, 4],
    ],
    [
      [4, 3, 5],
      [1, 5, 2],
    ],
  ];
  for (const [sa, sb] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = randoms(
          sa.reduce((x, y) => x * y, 1),
          11,
        );
        const b = randoms(
          sb.reduce((x, y) => x * y, 1),
          13,
        );
        const shapeA = ta ? [...sa.slice(0, -2), sa[sa.length - 1], sa[sa.length - 2]] : sa;
        const shapeB = tb ? [...sb.slice(0, -2), sb[sb.length - 1], sb[sb.length - 2]] : sb;
        const { cpu, wasm } = await onBoth(() => tf.matMul(tf.tensor(a, shapeA), tf.tensor(b, shapeB), ta, tb));
        const [c] = cpu as { values: number[]; shape: number[] }[];
        const [w] = wasm as { values: number[]; shape: number[] }[];
        assert.deepEqual(w.shape, c.shape);
        for (let i = 0; i < c.values.length; i++) assert.ok(Math.abs(w.values[i] - c.values[i]) < 1e-5);
      }
    }
  }
});

test("GatherV2 equals cpu on axes, batchDims, 2-D and empty indices, int values; rejects bad indices", async () => {
  const x = randoms(4 * 6 * 3, 5);
  const cases: [number[], number[], number[], number, number][] = [
    [[4, 6, 3], [3, 0, 3, 1], [4], 0, 0],
    [[4, 6, 3], [5, 0, 2, 2, 1, 4], [2, 3], 1, 0],
    [[4, 6, 3], [2, 0], [2], -1, 0],
    [[4, 6, 3], [], [0], 1, 0],
    [[4, 6, 3], [0, 5, 1, 1, 2, 3, 4, 0], [4, 2], 1, 1],
    [[72], [71, 0, 5], [3], 0, 0],
  ];
  for (const [shape, idx, idxShape, axis, batchDims] of cases) {
    await assertSame(
      () => tf.gather(tf.tensor(x, shape), tf.tensor(idx, idxShape, "int32"), axis, batchDims),
      `gather ${shape} axis ${axis}`,
    );
    await assertSame(
      () => tf.gather(tf.tensor(x, shape).mul(50).toInt(), tf.tensor(idx, idxShape, "int32"), axis, batchDims),
      `int gather ${shape} axis ${axis}`,
    );
  }
  await tf.setBackend("wasm");
  assert.throws(() => tf.tidy(() => tf.gather(tf.tensor([1, 2, 3]), tf.tensor([3], [1], "int32"))), /not in \[0, 2\]/);
});

test("UnsortedSegmentSum equals cpu, drops out-of-range ids, and makes embedding gradients work", async () => {
  const cases: [number[], number[], number][] = [
    [[6], [0, 2, 2, -1, 1, 0], 3],
    [[5, 4], [1, 1, 0, 3, 1], 4],
    [[4, 2, 3], [2, 0, 2, 7], 3],
    [[0, 3], [], 2],
  ];
  for (const [shape, ids, num] of cases) {
    const x = randoms(
      shape.reduce((a, b) => a * b, 1),
      9,
    );
    await assertSame(() => tf.unsortedSegmentSum(tf.tensor(x, shape), tf.tensor1d(ids, "int32"), num), `uss ${shape}`);
    await assertSame(
      // The cpu backend answers float32 for int inputs; values are compared.
      () => tf.unsortedSegmentSum(tf.tensor(x, shape).mul(30).toInt(), tf.tensor1d(ids, "int32"), num).toFloat(),
      `int uss ${shape}`,
    );
  }
  const table = randoms(27 * 8, 21);
  const tokens = [3, 3, 0, 26, 5, 3, 1];
  const { cpu, wasm } = await onBoth(() => {
    const E = tf.tensor(table, [27, 8]);
    const g = tf.grad((e: tf.Tensor) => tf.gather(e, tf.tensor1d(tokens, "int32")).square().sum())(E);
    return g;
  });
  const [c] = cpu as { values: number[] }[];
  const [w] = wasm as { values: number[] }[];
  for (let i = 0; i < c.values.length; i++) assert.ok(Math.abs(w.values[i] - c.values[i]) < 1e-6);
});

test("the patched kernels leak neither tensors nor wasm heap over repeated calls", async () => {
  await tf.setBackend("wasm");
  const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
  const x = tf.tensor(randoms(64 * 40 * 32, 1), [40, 64, 32]);
  const ids = tf.tensor1d([1, 5, 2, 2, 0], "int32");
  const round = (): void =>
    tf.tidy(() => {
      tf.unstack(x);
      tf.split(x, 4, 2);
      tf.slice(x, [1, 2, 3], [5, 6, 7]);
      tf.matMul(x.reshape([2560, 32]), x.reshape([2560, 32]), true, false);
      tf.gather(x, ids, 1);
      tf.unsortedSegmentSum(x.reshape([40, 2048]), tf.tensor1d(new Array(40).fill(3), "int32"), 4);
    });
  for (let i = 0; i < 3; i++) round();
  const tensors = tf.memory().numTensors;
  const bytes = tf.memory().numBytes;
  const heap = backend.wasm.HEAPU8.length;
  for (let i = 0; i < 30; i++) round();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(tf.memory().numBytes, bytes);
  assert.equal(backend.wasm.HEAPU8.length, heap, "the wasm heap did not grow");
  tf.dispose([x, ids]);
});
