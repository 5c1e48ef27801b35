/**
 * The low-level kernels behind the fused recurrent ops: a SIMD matrix multiply and the pointwise gate
 * equations, over one linear memory. Two implementations with one interface: AssemblyScript compiled to wasm
 * SIMD (`lib/asm/fused.ts` → `dist/fast/fused.wasm`), and plain JS (the fallback, and the oracle in tests).
 * Pointers are byte offsets into that memory; matrices are row-major `float32`.
 */
import * as path from "path";
import type { FusedJob } from "./fused-jobs";

/** Which implementation computes. */
export type FusedKernelKind = "wasm" | "js";

/** Worker threads sharing the kernels' memory. */
export interface FusedPool {
  /** Threads including the caller's. */
  readonly threads: number;
  /** True once the workers listen (before that, jobs run in the calling thread). */
  ready(): boolean;
  /** Jobs handed to workers so far. */
  readonly dispatched: number;
  /** Runs `jobs[0]` in the calling thread and the others in workers; returns when all are done. */
  run(jobs: FusedJob[]): void;
}

/** The kernel set; every function matches its namesake in `lib/asm/fused.ts`. */
export interface FusedKernels {
  readonly kind: FusedKernelKind;
  /** Present when the memory is shared with worker threads (see `fused-threads.ts`). */
  readonly pool?: FusedPool;
  /** First byte callers may use. */
  readonly base: number;
  /** Makes sure bytes `[0, end)` exist (grows the memory). Views taken before may be detached. */
  ensure(end: number): void;
  /** A `Float32Array` over the whole memory (take a fresh one after {@link ensure}). */
  f32(): Float32Array;
  /** An `Int32Array` over the whole memory. */
  i32(): Int32Array;
  /** `C[M,N] (+)= A[M,K] @ B[K,N]`; `acc` 0 overwrites, 1 adds. */
  gemm(a: number, b: number, c: number, M: number, K: number, N: number, acc: number): void;
  /** {@link gemm} for large operands, packing B through `scratch` (room for `256·N` floats). */
  gemmPacked(a: number, b: number, c: number, M: number, K: number, N: number, acc: number, scratch: number): void;
  /** Packs `B [K, N]` into 8-column panels at `dst` (`K·N` floats) for {@link gemmPre}. */
  packPanels(b: number, dst: number, K: number, N: number): void;
  /** {@link gemm} with `B` also given packed by {@link packPanels} (reused weights). */
  gemmPre(a: number, b: number, packed: number, c: number, M: number, K: number, N: number, acc: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
  addRows(dst: number, v: number, rows: number, cols: number): void;
  colSum(src: number, dst: number, rows: number, cols: number, acc: number): void;
  gatherRows(table: number, ids: number, dst: number, n: number, cols: number): void;
  scatterAddRows(src: number, ids: number, table: number, n: number, cols: number): void;
  lstmForwardStep(z: number, cPrev: number, c: number, tc: number, h: number, B: number, H: number): void;
  lstmBackwardStep(z: number, cPrev: number, tc: number, dh: number, dc: number, dz: number, B: number, H: number): void;
  gruForwardA(xw: number, zr: number, hPrev: number, gates: number, rh: number, B: number, H: number): void;
  gruForwardB(xw: number, hhPre: number, hPrev: number, gates: number, h: number, B: number, H: number): void;
  gruBackwardA(gates: number, hPrev: number, dh: number, dz3: number, dah: number, dhPrev: number, B: number, H: number): void;
  gruBackwardB(gates: number, hPrev: number, drh: number, dz3: number, dzr: number, dhPrev: number, B: number, H: number): void;
  tanhInPlace(z: number, h: number, n: number): void;
  tanhBackward(h: number, dh: number, dz: number, n: number): void;
  addInto(dst: number, src: number, n: number): void;
  /** Softmax cross-entropy: writes `(softmax − onehot)·scale` to `dlogits`, returns the summed loss. */
  softmaxXent(logits: number, labels: number, dlogits: number, N: number, V: number, scale: number): number;
  /** Additive attention: `F[b,i,j] = tanh(q[b,i] + k[b,j])` `[B,Q,S,A]`, scores `e[b,i,j] = F[b,i,j]·w`. */
  attnScores(q: number, k: number, w: number, F: number, e: number, B: number, Q: number, S: number, A: number): void;
  /** `ctx[b,i] = Σ_j alpha[b,i,j] v[b,j]` (`v` `[B,S,C]`). */
  attnContext(alpha: number, v: number, ctx: number, B: number, Q: number, S: number, C: number): void;
  /** `dalpha[b,i,j] += dctx[b,i]·v[b,j]`, `dv[b,j] += alpha[b,i,j] dctx[b,i]` (skips weights of 0: padding). */
  attnBackValues(dctx: number, alpha: number, v: number, dalpha: number, dv: number, B: number, Q: number, S: number, C: number): void;
  /** With `g = de[b,i,j]`: `dw += g F`, `p = g w⊙(1 − F²)`, `dq[b,i] += p`, `dk[b,j] += p`. */
  attnBackScores(de: number, F: number, w: number, dq: number, dk: number, dw: number, B: number, Q: number, S: number, A: number): void;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Plain-JS kernels over a growable `ArrayBuffer`. Same results as the wasm kernels up to rounding. */
export class JsFusedKernels implements FusedKernels {
  readonly kind = "js";
  readonly base = 64;
  private buf = new ArrayBuffer(1 << 16);
  private m = new Float32Array(this.buf);

  ensure(end: number): void {
    if (end <= this.buf.byteLength) return;
    const next = new ArrayBuffer(Math.max(end, this.buf.byteLength * 2));
    new Uint8Array(next).set(new Uint8Array(this.buf));
    this.buf = next;
    this.m = new Float32Array(next);
  }
  f32(): Float32Array {
    return this.m;
  }
  i32(): Int32Array {
    return new Int32Array(this.buf);
  }
  gemm(a: number, b: number, c: number, M: number, K: number, N: number, acc: number): void {
    const m = this.m;
    a >>= 2;
    b >>= 2;
    c >>= 2;
    for (let i = 0; i < M; i++) {
      const ci = c + i * N;
      if (!acc) m.fill(0, ci, ci + N);
      for (let k = 0; k < K; k++) {
        const s = m[a + i * K + k];
        const bk = b + k * N;
        for (let j = 0; j < N; j++) m[ci + j] += s * m[bk + j];
      }
    }
  }
  gemmPacked(a: number, b: number, c: number, M: number, K: number, N: number, acc: number): void {
    this.gemm(a, b, c, M, K, N, acc);
  }
  packPanels(): void {
    // The JS gemm reads B directly.
  }
  gemmPre(a: number, b: number, _packed: number, c: number, M: number, K: number, N: number, acc: number): void {
    this.gemm(a, b, c, M, K, N, acc);
  }
  transpose(src: number, dst: number, rows: number, cols: number): void {
    const m = this.m;
    src >>= 2;
    dst >>= 2;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m[dst + j * rows + i] = m[src + i * cols + j];
  }
  addRows(dst: number, v: number, rows: number, cols: number): void {
    const m = this.m;
    dst >>= 2;
    v >>= 2;
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) m[dst + r * cols + j] += m[v + j];
  }
  colSum(src: number, dst: number, rows: number, cols: number, acc: number): void {
    const m = this.m;
    src >>= 2;
    dst >>= 2;
    if (!acc) m.fill(0, dst, dst + cols);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) m[dst + j] += m[src + r * cols + j];
  }
  gatherRows(table: number, ids: number, dst: number, n: number, cols: number): void {
    const m = this.m;
    const id = this.i32();
    for (let i = 0; i < n; i++) {
      const from = (table >> 2) + id[(ids >> 2) + i] * cols;
      m.copyWithin((dst >> 2) + i * cols, from, from + cols);
    }
  }
  scatterAddRows(src: number, ids: number, table: number, n: number, cols: number): void {
    const m = this.m;
    const id = this.i32();
    for (let i = 0; i < n; i++) {
      const to = (table >> 2) + id[(ids >> 2) + i] * cols;
      const from = (src >> 2) + i * cols;
      for (let j = 0; j < cols; j++) m[to + j] += m[from + j];
    }
  }
  lstmForwardStep(z: number, cPrev: number, c: number, tc: number, h: number, B: number, H: number): void {
    const m = this.m;
    for (let b = 0; b < B; b++) {
      const zb = (z >> 2) + b * 4 * H;
      const ob = b * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(m[zb + j]);
        const f = sigmoid(m[zb + H + j]);
        const g = Math.tanh(m[zb + 2 * H + j]);
        const o = sigmoid(m[zb + 3 * H + j]);
        m[zb + j] = i;
        m[zb + H + j] = f;
        m[zb + 2 * H + j] = g;
        m[zb + 3 * H + j] = o;
        const ct = f * m[(cPrev >> 2) + ob + j] + i * g;
        const t = Math.tanh(ct);
        m[(c >> 2) + ob + j] = ct;
        m[(tc >> 2) + ob + j] = t;
        m[(h >> 2) + ob + j] = o * t;
      }
    }
  }
  lstmBackwardStep(z: number, cPrev: number, tc: number, dh: number, dc: number, dz: number, B: number, H: number): void {
    const m = this.m;
    for (let b = 0; b < B; b++) {
      const zb = (z >> 2) + b * 4 * H;
      const db = (dz >> 2) + b * 4 * H;
      const ob = b * H;
      for (let j = 0; j < H; j++) {
        const i = m[zb + j];
        const f = m[zb + H + j];
        const g = m[zb + 2 * H + j];
        const o = m[zb + 3 * H + j];
        const t = m[(tc >> 2) + ob + j];
        const dht = m[(dh >> 2) + ob + j];
        const dct = m[(dc >> 2) + ob + j] + dht * o * (1 - t * t);
        m[db + j] = dct * g * i * (1 - i);
        m[db + H + j] = dct * m[(cPrev >> 2) + ob + j] * f * (1 - f);
        m[db + 2 * H + j] = dct * i * (1 - g * g);
        m[db + 3 * H + j] = dht * t * o * (1 - o);
        m[(dc >> 2) + ob + j] = dct * f;
      }
    }
  }
  gruForwardA(xw: number, zr: number, hPrev: number, gates: number, rh: number, B: number, H: number): void {
    const m = this.m;
    for (let b = 0; b < B; b++) {
      const xb = (xw >> 2) + b * 3 * H;
      const gb = (gates >> 2) + b * 3 * H;
      const zb = (zr >> 2) + b * 2 * H;
      const ob = b * H;
      for (let j = 0; j < H; j++) {
        const zt = sigmoid(m[xb + j] + m[zb + j]);
        const r = sigmoid(m[xb + H + j] + m[zb + H + j]);
        m[gb + j] = zt;
        m[gb + H + j] = r;
        m[(rh >> 2) + ob + j] = r * m[(hPrev >> 2) + ob + j];
      }
    }
  }
  gruForwardB(xw: number, hhPre: number, hPrev: number, gates: number, h: number, B: number, H: number): void {
    const m = this.m;
    for (let b = 0; b < B; b++) {
      const xb = (xw >> 2) + b * 3 * H;
      const gb = (gates >> 2) + b * 3 * H;
      const ob = b * H;
      for (let j = 0; j < H; j++) {
        const hh = Math.tanh(m[xb + 2 * H + j] + m[(hhPre >> 2) + ob + j]);
        const zt = m[gb + j];
        m[gb + 2 * H + j] = hh;
        m[(h >> 2) + ob + j] = zt * m[(hPrev >> 2) + ob + j] + (1 - zt) * hh;
      }
    }
  }
  gruBackwardA(gates: number, hPrev: number, dh: number, dz3: number, dah: number, dhPrev: number, B: number, H: number): void {
    const m = this.m;
    for (let b = 0; b < B; b++) {
      const gb = (gates >> 2) + b * 3 * H;
      const db = (dz3 >> 2) + b * 3 * H;
      const ob = b * H;
      for (let j = 0; j < H; j++) {
        const zt = m[gb + j];
        const hh = m[gb + 2 * H + j];
        const d = m[(dh >> 2) + ob + j];
        m[db + j] = d * (m[(hPrev >> 2) + ob + j] - hh) * zt * (1 - zt);
        const a = d * (1 - zt) * (1 - hh * hh);
        m[db + 2 * H + j] = a;
        m[(dah >> 2) + ob + j] = a;
        m[(dhPrev >> 2) + ob + j] = d * zt;
      }
    }
  }
  gruBackwardB(gates: number, hPrev: number, drh: number, dz3: number, dzr: number, dhPrev: number, B: number, H: number): void {
    const m = this.m;
    for (let b = 0; b < B; b++) {
      const gb = (gates >> 2) + b * 3 * H;
      const db = (dz3 >> 2) + b * 3 * H;
      const rb = (dzr >> 2) + b * 2 * H;
      const ob = b * H;
      for (let j = 0; j < H; j++) {
        const r = m[gb + H + j];
        const d = m[(drh >> 2) + ob + j];
        const dr = d * m[(hPrev >> 2) + ob + j] * r * (1 - r);
        m[db + H + j] = dr;
        m[rb + j] = m[db + j];
        m[rb + H + j] = dr;
        m[(dhPrev >> 2) + ob + j] += d * r;
      }
    }
  }
  tanhInPlace(z: number, h: number, n: number): void {
    const m = this.m;
    for (let i = 0; i < n; i++) m[(h >> 2) + i] = Math.tanh(m[(z >> 2) + i]);
  }
  tanhBackward(h: number, dh: number, dz: number, n: number): void {
    const m = this.m;
    for (let i = 0; i < n; i++) {
      const y = m[(h >> 2) + i];
      m[(dz >> 2) + i] = m[(dh >> 2) + i] * (1 - y * y);
    }
  }
  addInto(dst: number, src: number, n: number): void {
    const m = this.m;
    for (let i = 0; i < n; i++) m[(dst >> 2) + i] += m[(src >> 2) + i];
  }
  softmaxXent(logits: number, labels: number, dlogits: number, N: number, V: number, scale: number): number {
    const m = this.m;
    const lab = this.i32();
    let loss = 0;
    for (let n = 0; n < N; n++) {
      const l = (logits >> 2) + n * V;
      const d = (dlogits >> 2) + n * V;
      let mx = m[l];
      for (let j = 1; j < V; j++) mx = Math.max(mx, m[l + j]);
      let sum = 0;
      for (let j = 0; j < V; j++) sum += m[d + j] = Math.exp(m[l + j] - mx);
      const y = lab[(labels >> 2) + n];
      loss += Math.log(sum) - (m[l + y] - mx);
      for (let j = 0; j < V; j++) m[d + j] = (m[d + j] / sum) * scale - (j === y ? scale : 0);
    }
    return loss;
  }
  attnScores(q: number, k: number, w: number, F: number, e: number, B: number, Q: number, S: number, A: number): void {
    const m = this.m;
    [q, k, w, F, e] = [q >> 2, k >> 2, w >> 2, F >> 2, e >> 2];
    for (let bi = 0; bi < B * Q; bi++) {
      const b = Math.floor(bi / Q);
      for (let j = 0; j < S; j++) {
        const [qo, ko, fo] = [q + bi * A, k + (b * S + j) * A, F + (bi * S + j) * A];
        let s = 0;
        for (let a = 0; a < A; a++) s += (m[fo + a] = Math.tanh(m[qo + a] + m[ko + a])) * m[w + a];
        m[e + bi * S + j] = s;
      }
    }
  }
  attnContext(alpha: number, v: number, ctx: number, B: number, Q: number, S: number, C: number): void {
    const m = this.m;
    [alpha, v, ctx] = [alpha >> 2, v >> 2, ctx >> 2];
    for (let bi = 0; bi < B * Q; bi++) {
      const b = Math.floor(bi / Q);
      const co = ctx + bi * C;
      m.fill(0, co, co + C);
      for (let j = 0; j < S; j++) {
        const aj = m[alpha + bi * S + j];
        const vo = v + (b * S + j) * C;
        for (let c = 0; c < C; c++) m[co + c] += aj * m[vo + c];
      }
    }
  }
  attnBackValues(dctx: number, alpha: number, v: number, dalpha: number, dv: number, B: number, Q: number, S: number, C: number): void {
    const m = this.m;
    [dctx, alpha, v, dalpha, dv] = [dctx >> 2, alpha >> 2, v >> 2, dalpha >> 2, dv >> 2];
    for (let bi = 0; bi < B * Q; bi++) {
      const b = Math.floor(bi / Q);
      const d = dctx + bi * C;
      for (let j = 0; j < S; j++) {
        const aj = m[alpha + bi * S + j];
        if (aj === 0) continue;
        const [vo, dvo] = [v + (b * S + j) * C, dv + (b * S + j) * C];
        let g = 0;
        for (let c = 0; c < C; c++) {
          g += m[d + c] * m[vo + c];
          m[dvo + c] += aj * m[d + c];
        }
        m[dalpha + bi * S + j] += g;
      }
    }
  }
  attnBackScores(de: number, F: number, w: number, dq: number, dk: number, dw: number, B: number, Q: number, S: number, A: number): void {
    const m = this.m;
    [de, F, w, dq, dk, dw] = [de >> 2, F >> 2, w >> 2, dq >> 2, dk >> 2, dw >> 2];
    for (let bi = 0; bi < B * Q; bi++) {
      const b = Math.floor(bi / Q);
      for (let j = 0; j < S; j++) {
        const g = m[de + bi * S + j];
        if (g === 0) continue;
        const [fo, qo, ko] = [F + (bi * S + j) * A, dq + bi * A, dk + (b * S + j) * A];
        for (let a = 0; a < A; a++) {
          const t = m[fo + a];
          m[dw + a] += g * t;
          const p = g * m[w + a] * (1 - t * t);
          m[qo + a] += p;
          m[ko + a] += p;
        }
      }
    }
  }
}

/** The exports of an instance of `fused*.wasm`. */
export type FusedWasmExports = Omit<FusedKernels, "kind" | "base" | "ensure" | "f32" | "i32" | "pool"> & {
  memory?: WebAssembly.Memory;
  heapBase(): number;
};
type WasmExports = FusedWasmExports;

/** Path of the compiled kernels (built by `lib/scripts/build-asm.js`). */
export const FUSED_WASM_PATH = path.join(__dirname, "fused.wasm");

/** Wraps an instance of `fused*.wasm` whose memory is `memory`. */
// The kernels are the instance's exports, attached in the constructor; the interface below declares them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class WasmFusedKernels implements FusedKernels {
  readonly kind = "wasm";
  readonly base: number;
  pool?: FusedPool;
  private m: Float32Array;
  private readonly memory: WebAssembly.Memory;

  constructor(
    private readonly ex: WasmExports,
    memory?: WebAssembly.Memory,
  ) {
    this.memory = memory ?? ex.memory!;
    this.base = ex.heapBase();
    this.m = new Float32Array(this.memory.buffer);
    // The exported functions take the same arguments as the interface: forward them unchanged.
    for (const name of Object.keys(ex) as (keyof WasmExports)[]) {
      const fn = ex[name];
      if (typeof fn === "function" && name !== "heapBase") (this as unknown as Record<string, unknown>)[name] = fn;
    }
  }
  ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / 65536));
    this.f32();
  }
  f32(): Float32Array {
    const buf = this.memory.buffer;
    if (this.m.buffer !== buf || this.m.byteLength !== buf.byteLength) this.m = new Float32Array(buf);
    return this.m;
  }
  i32(): Int32Array {
    return new Int32Array(this.memory.buffer);
  }
}
// The methods are attached per instance in the constructor; declare them for the type checker.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface WasmFusedKernels extends Omit<FusedKernels, "kind" | "base" | "ensure" | "f32" | "i32" | "pool"> {}
