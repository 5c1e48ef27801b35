import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CELL_GATES } from "../cells";
import type { CellKind } from "../cells";
import { FUSED_THREADING } from "./fused-core";
import { fusedKernels, fusedWasmFailure } from "./fused-loader";
import { fusedRecurrent } from "./fused-op";
import { fusedReference } from "./fused-reference";
import { threadedFusedKernels } from "../testing/fused-threads";
import { relErr } from "../testing/fixtures";

/** Deterministic values in [-scale, scale). */
function randoms(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

interface Case {
  cell: CellKind;
  T: number;
  B: number;
  I: number;
  H: number;
  tokens?: boolean;
  /** Valid steps of each row: the final state is each row's after its last valid step. */
  lens?: number[];
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Forward outputs and gradients (for every input) of the fused op and of the reference. */
function compare(c: Case, kernels: "wasm" | "js"): { fwd: number; grads: Record<string, number> } {
  return tf.tidy(() => {
    const { cell, T, B, I, H } = c;
    const G = CELL_GATES[cell];
    const ids = c.tokens
      ? tf.tensor2d(
          Array.from(randoms(T * B, 5), (v) => Math.floor(((v + 1) * I) / 2)),
          [T, B],
          "int32",
        )
      : null;
    const x = ids ? (tf.oneHot(ids, I).toFloat() as tf.Tensor3D) : tf.tensor3d(randoms(T * B * I, 1), [T, B, I]);
    const h0 = tf.tensor2d(randoms(B * H, 2, 0.5), [B, H]);
    const c0 = cell === "lstm" ? tf.tensor2d(randoms(B * H, 3, 0.5), [B, H]) : null;
    const W = tf.tensor2d(randoms(I * G * H, 4, 0.6), [I, G * H]);
    const U = tf.tensor2d(randoms(H * G * H, 6, 0.4), [H, G * H]);
    const b = tf.tensor1d(randoms(G * H, 7, 0.3));
    // A loss that reaches every output: the sequence, the final h and the final c.
    const Ry = tf.tensor3d(randoms(T * B * H, 8), [T, B, H]);
    const Rh = tf.tensor2d(randoms(B * H, 9), [B, H]);
    const Rc = tf.tensor2d(randoms(B * H, 10), [B, H]);
    const loss = (outs: tf.Tensor[]): tf.Scalar =>
      outs[0]
        .mul(Ry)
        .sum()
        .add(outs[1].mul(Rh).sum())
        .add(outs[2] ? outs[2].mul(Rc).sum() : tf.scalar(0)) as tf.Scalar;
    const names = [...(ids ? [] : ["x"]), "h0", ...(c0 ? ["c0"] : []), "W", "U", "b"];
    const vars = [...(ids ? [] : [x]), h0, ...(c0 ? [c0] : []), W, U, b];
    const split = (
      args: tf.Tensor[],
    ): { x: tf.Tensor3D; h0: tf.Tensor2D; c0: tf.Tensor2D | null; W: tf.Tensor2D; U: tf.Tensor2D; b: tf.Tensor1D } => {
      let i = 0;
      return {
        x: ids ? x : (args[i++] as tf.Tensor3D),
        h0: args[i++] as tf.Tensor2D,
        c0: c0 ? (args[i++] as tf.Tensor2D) : null,
        W: args[i++] as tf.Tensor2D,
        U: args[i++] as tf.Tensor2D,
        b: args[i] as tf.Tensor1D,
      };
    };
    const fused = (...args: tf.Tensor[]): tf.Tensor[] => {
      const a = split(args);
      const r = fusedRecurrent(
        cell,
        ids ? { ids: ids as tf.Tensor2D, numInputs: I } : { x: a.x },
        { h0: a.h0, c0: a.c0 ?? undefined, W: a.W, U: a.U, b: a.b },
        { kernels, lens: c.lens },
      );
      return [r.y, r.h, ...(r.c ? [r.c] : [])];
    };
    const ref = (...args: tf.Tensor[]): tf.Tensor[] => {
      const a = split(args);
      return fusedReference(cell, a.x, a.h0, a.c0, a.W, a.U, a.b, c.lens);
    };
    const outF = fused(...vars);
    const outR = ref(...vars);
    let fwd = 0;
    for (let i = 0; i < outR.length; i++) fwd = Math.max(fwd, maxAbs(outF[i].dataSync(), outR[i].dataSync()));
    const gF = tf.grads((...a: tf.Tensor[]) => loss(fused(...a)))(vars);
    const gR = tf.grads((...a: tf.Tensor[]) => loss(ref(...a)))(vars);
    const grads: Record<string, number> = {};
    names.forEach((n, i) => {
      assert.deepEqual(gF[i].shape, gR[i].shape, `${n} gradient shape`);
      grads[n] = relErr(gF[i].dataSync(), gR[i].dataSync());
    });
    return { fwd, grads };
  });
}

const CASES: Case[] = [];
for (const cell of ["rnn", "gru", "lstm"] as CellKind[]) {
  CASES.push(
    { cell, T: 5, B: 3, I: 4, H: 6 },
    { cell, T: 1, B: 1, I: 3, H: 5 },
    { cell, T: 4, B: 1, I: 2, H: 8 },
    { cell, T: 3, B: 6, I: 9, H: 13 },
    { cell, T: 20, B: 16, I: 5, H: 12 }, // T·B > 256: the K-blocked multiply
    { cell, T: 6, B: 5, I: 27, H: 16, tokens: true },
    // Valid lengths: the final state's gradient enters each row at its last valid step (an empty row: straight into h0, c0).
    { cell, T: 5, B: 4, I: 3, H: 6, lens: [5, 2, 0, 3] },
    { cell, T: 1, B: 2, I: 3, H: 5, lens: [0, 1] },
    { cell, T: 20, B: 16, I: 5, H: 12, lens: Array.from({ length: 16 }, (_, b) => (b * 7) % 21) },
    { cell, T: 6, B: 5, I: 27, H: 16, tokens: true, lens: [6, 1, 4, 0, 6] },
  );
}

test("the wasm SIMD kernels load", () => {
  assert.equal(fusedWasmFailure(), "", "build with `npm run build` (lib/scripts/build-asm.js)");
  assert.equal(fusedKernels().kind, "wasm");
});

for (const kernels of ["wasm", "js"] as const) {
  test(`fused ${kernels}: forward equals the tf-ops cell (≤1e-5), gradients equal autodiff (≤1e-4 relative)`, async () => {
    await tf.setBackend("cpu");
    const worst: Record<string, number> = {};
    for (const c of CASES) {
      const { fwd, grads } = compare(c, kernels);
      const label = `${c.cell} T${c.T} B${c.B} I${c.I} H${c.H}${c.tokens ? " ids" : ""}${c.lens ? ` lens ${c.lens}` : ""}`;
      assert.ok(fwd <= 1e-5, `${label}: forward differs by ${fwd}`);
      for (const [n, e] of Object.entries(grads)) {
        assert.ok(e <= 1e-4, `${label}: d${n} relative error ${e}`);
        worst[`${c.cell}.${n}`] = Math.max(worst[`${c.cell}.${n}`] ?? 0, e);
      }
      worst[`${c.cell}.forward`] = Math.max(worst[`${c.cell}.forward`] ?? 0, fwd);
    }
    if (process.env.RNNLAB_FUSED_REPORT) console.log(kernels, JSON.stringify(worst));
  });
}

test("the JS fallback equals the wasm path", () => {
  const c: Case = { cell: "lstm", T: 7, B: 5, I: 11, H: 20 };
  const run = (kernels: "wasm" | "js"): Float32Array[] =>
    tf.tidy(() => {
      const x = tf.tensor3d(randoms(7 * 5 * 11, 1), [7, 5, 11]);
      const W = tf.tensor2d(randoms(11 * 80, 2, 0.5), [11, 80]);
      const U = tf.tensor2d(randoms(20 * 80, 3, 0.5), [20, 80]);
      const b = tf.tensor1d(randoms(80, 4, 0.5));
      const f = (xx: tf.Tensor, ww: tf.Tensor, uu: tf.Tensor, bb: tf.Tensor): tf.Scalar =>
        fusedRecurrent(c.cell, { x: xx as tf.Tensor3D }, { W: ww as tf.Tensor2D, U: uu as tf.Tensor2D, b: bb as tf.Tensor1D }, { kernels })
          .y.square()
          .sum();
      const y = fusedRecurrent(c.cell, { x }, { W, U, b }, { kernels }).y;
      const g = tf.grads(f)([x, W, U, b]);
      return [y, ...g].map((t) => t.dataSync() as Float32Array);
    });
  const w = run("wasm");
  const j = run("js");
  for (let i = 0; i < w.length; i++) assert.ok(relErr(w[i], j[i]) < 1e-5, `output ${i}: ${relErr(w[i], j[i])}`);
});

test("two threads (shared memory + worker) give the single-thread results", async () => {
  const k = await threadedFusedKernels();
  if (!k) return;
  await tf.setBackend("cpu");
  const saved = { ...FUSED_THREADING };
  // Thread even these small problems (the default thresholds keep them on one thread).
  FUSED_THREADING.minWork = 0;
  FUSED_THREADING.minGemm = 0;
  const before = k.pool.dispatched;
  for (const cell of ["rnn", "gru", "lstm"] as CellKind[]) {
    for (const tokens of [false, true]) {
      // 13 rows: the batch splits unevenly (8 + 5); work is above the threading threshold.
      const run = (kernels: "wasm" | "js"): Float32Array[] =>
        tf.tidy(() => {
          const G = CELL_GATES[cell];
          const [T, B, I, H] = [9, 13, 27, 64];
          const ids = tf.tensor2d(
            Array.from({ length: T * B }, (_, i) => (i * 7) % I),
            [T, B],
            "int32",
          );
          const x = tf.tensor3d(randoms(T * B * I, 1), [T, B, I]);
          const W = tf.tensor2d(randoms(I * G * H, 2, 0.3), [I, G * H]);
          const U = tf.tensor2d(randoms(H * G * H, 3, 0.3), [H, G * H]);
          const b = tf.tensor1d(randoms(G * H, 4, 0.3));
          const h0 = tf.tensor2d(randoms(B * H, 5, 0.3), [B, H]);
          const f = (...a: tf.Tensor[]): tf.Scalar => {
            const [xx, hh, ww, uu, bb] = tokens ? [x, ...a] : a;
            return fusedRecurrent(
              cell,
              tokens ? { ids: ids as tf.Tensor2D, numInputs: I } : { x: xx as tf.Tensor3D },
              { h0: hh as tf.Tensor2D, W: ww as tf.Tensor2D, U: uu as tf.Tensor2D, b: bb as tf.Tensor1D },
              { kernels },
            )
              .y.square()
              .sum();
          };
          const vars = tokens ? [h0, W, U, b] : [x, h0, W, U, b];
          const g = tf.grads(f)(vars);
          return [f(...vars), ...g].map((t) => t.dataSync() as Float32Array);
        });
      const w = run("wasm");
      const j = run("js");
      for (let i = 0; i < w.length; i++)
        assert.ok(relErr(w[i], j[i]) < 1e-5, `${cell}${tokens ? " ids" : ""} output ${i}: ${relErr(w[i], j[i])}`);
    }
  }
  Object.assign(FUSED_THREADING, saved);
  assert.ok(k.pool.dispatched >= before + 12, "the worker took half of every time loop");
});

test("valid lengths: the final state is each row's after its last valid step; wasm (one thread, and two split 8 + 5) equals the JS fallback", async () => {
  await tf.setBackend("cpu");
  const k = await threadedFusedKernels();
  const saved = { ...FUSED_THREADING };
  const [T, B, I, H] = [7, 13, 5, 16];
  const lens = [7, 0, 3, 1, 7, 5, 2, 6, 0, 4, 7, 1, 3]; // rows 0–7 on one thread, 8–12 on the other
  for (const cell of ["rnn", "gru", "lstm"] as CellKind[]) {
    const G = CELL_GATES[cell];
    const run = (kernels: "wasm" | "js"): Float32Array[] =>
      tf.tidy(() => {
        const x = tf.tensor3d(randoms(T * B * I, 1), [T, B, I]);
        const h0 = tf.tensor2d(randoms(B * H, 2, 0.5), [B, H]);
        const c0 = tf.tensor2d(randoms(B * H, 3, 0.5), [B, H]);
        const W = tf.tensor2d(randoms(I * G * H, 4, 0.4), [I, G * H]);
        const U = tf.tensor2d(randoms(H * G * H, 5, 0.4), [H, G * H]);
        const b = tf.tensor1d(randoms(G * H, 6, 0.3));
        const [Rh, Rc] = [7, 8].map((seed) => tf.tensor2d(randoms(B * H, seed), [B, H]));
        const lstm = cell === "lstm";
        const f = (...a: tf.Tensor[]): tf.Scalar => {
          const [xx, hh, ww, uu, bb, cc] = a as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D?];
          const r = fusedRecurrent(cell, { x: xx }, { h0: hh, c0: cc, W: ww, U: uu, b: bb }, { kernels, lens });
          return tf.addN([r.y.mean(), r.h.mul(Rh).sum(), r.c ? r.c.mul(Rc).sum() : tf.scalar(0)]) as tf.Scalar;
        };
        const vars = [x, h0, W, U, b, ...(lstm ? [c0] : [])];
        const g = tf.grads(f)(vars);
        return [f(...vars), ...g].map((t) => t.dataSync() as Float32Array);
      });
    const j = run("js");
    const check = (w: Float32Array[], how: string): void => {
      for (let i = 0; i < w.length; i++) assert.ok(relErr(w[i], j[i]) < 1e-5, `${cell} ${how}: output ${i}: ${relErr(w[i], j[i])}`);
    };
    check(run("wasm"), "one thread");
    if (k) {
      const before = k.pool.dispatched;
      Object.assign(FUSED_THREADING, { minWork: 0, minGemm: 0 });
      try {
        check(run("wasm"), "two threads");
      } finally {
        Object.assign(FUSED_THREADING, saved);
      }
      assert.ok(k.pool.dispatched > before, "the worker took half of the time loops");
    }
  }
});

test("fused training steps leak neither tensors nor kernel memory", async () => {
  await tf.setBackend("cpu");
  const k = fusedKernels("wasm");
  const W = tf.variable(tf.tensor2d(randoms(27 * 64, 1, 0.1), [27, 64])) as tf.Variable<tf.Rank.R2>;
  const U = tf.variable(tf.tensor2d(randoms(16 * 64, 2, 0.1), [16, 64])) as tf.Variable<tf.Rank.R2>;
  const b = tf.variable(tf.zeros([64])) as tf.Variable<tf.Rank.R1>;
  const ids = tf.tensor2d(
    Array.from({ length: 40 }, (_, i) => i % 27),
    [10, 4],
    "int32",
  );
  const opt = tf.train.adam(0.01);
  const step = (): void => {
    opt.minimize(() => fusedRecurrent("lstm", { ids, numInputs: 27 }, { W, U, b }).y.square().mean() as tf.Scalar);
  };
  step();
  step();
  const tensors = tf.memory().numTensors;
  const mem = k.f32().length;
  for (let i = 0; i < 20; i++) step();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(k.f32().length, mem);
  opt.dispose();
  tf.dispose([W, U, b, ids]);
});
