// AssemblyScript kernels for rnnlab's fused recurrent layers (lib/src/fast/fused-core.ts drives them).
// Compiled by lib/scripts/build-asm.js to lib/dist/fast/fused.wasm with wasm SIMD.
//
// All pointers are byte offsets into this module's memory; all matrices are row-major f32.
// The caller (TypeScript) owns the memory layout: it grows `memory` and hands out regions.

/** First free byte after the module's static data: the caller allocates from here. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}

// a·b + c: one fused multiply-add when built with relaxed SIMD (fused-relaxed.wasm), else mul then add.
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

const KC: i32 = 256; // K-block: keeps a block of A in cache while B's column panels stream past.

// C[M,N] (+)= A[M,K] @ B[K,N]. `acc` = 0 overwrites C, 1 adds to it.
export function gemm(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32): void {
  if (K == 0) {
    if (acc == 0) memory.fill(c, 0, <usize>(M * N) << 2);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const add = acc != 0 || k0 > 0;
    gemmBlock(a + (<usize>k0 << 2), b + (<usize>(k0 * N) << 2), c, M, kc, N, K, add);
  }
}

// The same product for large operands: each K-block of B is first packed panel by panel (8 columns, kc rows,
// contiguous) into `scratch` (kc·N floats), so the micro-kernel streams through memory in order.
export function gemmPacked(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32, scratch: usize): void {
  if (K == 0) {
    if (acc == 0) memory.fill(c, 0, <usize>(M * N) << 2);
    return;
  }
  const n8 = N & ~7;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const bk = b + (<usize>(k0 * N) << 2);
    for (let j = 0; j < n8; j += 8) {
      let dst = scratch + (<usize>(j * kc) << 2);
      let src = bk + (<usize>j << 2);
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
        src += <usize>N << 2;
      }
    }
    const add = acc != 0 || k0 > 0;
    gemmBlockP(a + (<usize>k0 << 2), bk, scratch, c, M, kc, N, K, add);
  }
}

// Packs all of B [K, N] into panels of 8 columns (panel j: K rows × 8, contiguous) at dst; tail columns
// (N mod 8) are not packed (gemmPre reads them from B).
export function packPanels(b: usize, dst: usize, K: i32, N: i32): void {
  const n8 = N & ~7;
  for (let j = 0; j < n8; j += 8) {
    let d = dst + (<usize>(j * K) << 2);
    let s = b + (<usize>j << 2);
    for (let k = 0; k < K; k++) {
      v128.store(d, v128.load(s));
      v128.store(d, v128.load(s, 16), 16);
      d += 32;
      s += <usize>N << 2;
    }
  }
}

// C[M,N] (+)= A[M,K] @ B[K,N] with B also given packed by packPanels (weights reused every time step).
export function gemmPre(a: usize, b: usize, packed: usize, c: usize, M: i32, K: i32, N: i32, acc: i32): void {
  if (K == 0) {
    if (acc == 0) memory.fill(c, 0, <usize>(M * N) << 2);
    return;
  }
  gemmBlockP(a, b, packed, c, M, K, N, K, acc != 0);
}

// One K-block: A is [M, kc] with row stride lda; B is [kc, N]; C is [M, N].
function gemmBlock(a: usize, b: usize, c: usize, M: i32, kc: i32, N: i32, lda: i32, add: bool): void {
  gemmBlockP(a, b, 0, c, M, kc, N, lda, add);
}

// `packed` = 0: B is read in place (row stride N); else panel j of B is at packed + j·kc floats, row stride 8.
// @ts-ignore: decorator
@inline
function gemmBlockP(a: usize, b: usize, packed: usize, c: usize, M: i32, kc: i32, N: i32, lda: i32, add: bool): void {
  const n8 = N & ~7;
  const m4 = M & ~3;
  const sa = <usize>lda << 2;
  const sb: usize = packed ? 32 : <usize>N << 2;
  const sc = <usize>N << 2;
  for (let j = 0; j < n8; j += 8) {
    const bj = packed ? packed + (<usize>(j * kc) << 2) : b + (<usize>j << 2);
    let i = 0;
    for (; i < m4; i += 4) {
      const a0 = a + <usize>i * sa;
      const a1 = a0 + sa;
      const a2 = a1 + sa;
      const a3 = a2 + sa;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let pb = bj;
      for (let k = 0; k < kc; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const ko = <usize>k << 2;
        let s = v128.load32_splat(a0 + ko);
        c00 = madd(s, b0, c00);
        c01 = madd(s, b1, c01);
        s = v128.load32_splat(a1 + ko);
        c10 = madd(s, b0, c10);
        c11 = madd(s, b1, c11);
        s = v128.load32_splat(a2 + ko);
        c20 = madd(s, b0, c20);
        c21 = madd(s, b1, c21);
        s = v128.load32_splat(a3 + ko);
        c30 = madd(s, b0, c30);
        c31 = madd(s, b1, c31);
        pb += sb;
      }
      const pc = c + ((<usize>i * <usize>N + <usize>j) << 2);
      store8(pc, c00, c01, add);
      store8(pc + sc, c10, c11, add);
      store8(pc + 2 * sc, c20, c21, add);
      store8(pc + 3 * sc, c30, c31, add);
    }
    for (; i < M; i++) {
      const a0 = a + <usize>i * sa;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let pb = bj;
      for (let k = 0; k < kc; k++) {
        const s = v128.load32_splat(a0 + (<usize>k << 2));
        c00 = madd(s, v128.load(pb), c00);
        c01 = madd(s, v128.load(pb, 16), c01);
        pb += sb;
      }
      store8(c + ((<usize>i * <usize>N + <usize>j) << 2), c00, c01, add);
    }
  }
  // Remaining columns (fewer than 8): scalar.
  for (let j = n8; j < N; j++) {
    for (let i = 0; i < M; i++) {
      const a0 = a + <usize>i * sa;
      let s: f32 = 0;
      let pb = b + (<usize>j << 2);
      for (let k = 0; k < kc; k++) {
        s += load<f32>(a0 + (<usize>k << 2)) * load<f32>(pb);
        pb += sc;
      }
      const pc = c + ((<usize>i * <usize>N + <usize>j) << 2);
      store<f32>(pc, add ? load<f32>(pc) + s : s);
    }
  }
}

// @ts-ignore: decorator
@inline
function store8(p: usize, x0: v128, x1: v128, add: bool): void {
  if (add) {
    v128.store(p, f32x4.add(v128.load(p), x0));
    v128.store(p, f32x4.add(v128.load(p, 16), x1), 16);
  } else {
    v128.store(p, x0);
    v128.store(p, x1, 16);
  }
}

// dst[cols, rows] = src[rows, cols]ᵀ, in 8×8 tiles.
export function transpose(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let i0 = 0; i0 < rows; i0 += 8) {
    const i1 = min(rows, i0 + 8);
    for (let j0 = 0; j0 < cols; j0 += 8) {
      const j1 = min(cols, j0 + 8);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          store<f32>(dst + ((<usize>j * <usize>rows + <usize>i) << 2), load<f32>(src + ((<usize>i * <usize>cols + <usize>j) << 2)));
        }
      }
    }
  }
}

// dst[r, :] += v for every row r of dst[rows, cols].
export function addRows(dst: usize, v: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) addVec(dst + ((<usize>r * <usize>cols) << 2), v, cols);
}

// dst[cols] (+)= Σ_r src[r, :].
export function colSum(src: usize, dst: usize, rows: i32, cols: i32, acc: i32): void {
  if (acc == 0) memory.fill(dst, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) addVec(dst, src + ((<usize>r * <usize>cols) << 2), cols);
}

// dst[0..n) += src[0..n), four lanes at a time.
// @ts-ignore: decorator
@inline
function addVec(dst: usize, src: usize, n: i32): void {
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) {
    const q = <usize>j << 2;
    v128.store(dst + q, f32x4.add(v128.load(dst + q), v128.load(src + q)));
  }
  for (; j < n; j++) {
    const q = <usize>j << 2;
    store<f32>(dst + q, load<f32>(dst + q) + load<f32>(src + q));
  }
}

// dst[i, :] = table[ids[i], :] for i < n (ids are i32).
export function gatherRows(table: usize, ids: usize, dst: usize, n: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    memory.copy(dst + <usize>i * bytes, table + <usize>id * bytes, bytes);
  }
}

// table[ids[i], :] += src[i, :] for i < n.
export function scatterAddRows(src: usize, ids: usize, table: usize, n: i32, cols: i32): void {
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    addVec(table + ((<usize>id * <usize>cols) << 2), src + ((<usize>i * <usize>cols) << 2), cols);
  }
}

// @ts-ignore: decorator
@inline
function sigmoid(x: f32): f32 {
  return 1 / (1 + Mathf.exp(-x));
}

// @ts-ignore: decorator
@inline
function tanhf(x: f32): f32 {
  // tanh(x) = m / (m + 2) with m = e^{2x} − 1: accurate near 0; clamped so e^{2x} stays finite.
  const m = Mathf.expm1(2 * min(max(x, -15), 15));
  return m / (m + 2);
}


// ---- Vectorised activations (4 lanes). exp: Cody–Waite range reduction, degree-5 polynomial (Cephes expf
// coefficients), scaled by 2^n through the exponent bits; relative error ≈ 1e-7 on [-87, 88]. ----

// @ts-ignore: decorator
@inline
function vexp(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, scale);
}

// @ts-ignore: decorator
@inline
function vsigmoid(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), vexp(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline
function vtanh(x: v128): v128 {
  // tanh(x) = 1 − 2 / (e^{2x} + 1)
  const e = vexp(f32x4.add(x, x));
  return f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
}

// ---- LSTM: gates per row [i | f | g | o], each H wide (tf.layers order i, f, c, o). ----

// z holds pre-activations [B, 4H] and receives activations; c = f⊙cPrev + i⊙g; tc = tanh(c); h = o⊙tc.
export function lstmForwardStep(z: usize, cPrev: usize, c: usize, tc: usize, h: usize, B: i32, H: i32): void {
  const gh = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const zb = z + <usize>b * 4 * gh;
    const ob = <usize>b * gh;
    const h4 = H & ~3;
    for (let j = 0; j < h4; j += 4) {
      const q = <usize>j << 2;
      const i = vsigmoid(v128.load(zb + q));
      const f = vsigmoid(v128.load(zb + gh + q));
      const g = vtanh(v128.load(zb + 2 * gh + q));
      const o = vsigmoid(v128.load(zb + 3 * gh + q));
      v128.store(zb + q, i);
      v128.store(zb + gh + q, f);
      v128.store(zb + 2 * gh + q, g);
      v128.store(zb + 3 * gh + q, o);
      const ct = f32x4.add(f32x4.mul(f, v128.load(cPrev + ob + q)), f32x4.mul(i, g));
      const t = vtanh(ct);
      v128.store(c + ob + q, ct);
      v128.store(tc + ob + q, t);
      v128.store(h + ob + q, f32x4.mul(o, t));
    }
    for (let j = h4; j < H; j++) {
      const q = <usize>j << 2;
      const i = sigmoid(load<f32>(zb + q));
      const f = sigmoid(load<f32>(zb + gh + q));
      const g = tanhf(load<f32>(zb + 2 * gh + q));
      const o = sigmoid(load<f32>(zb + 3 * gh + q));
      store<f32>(zb + q, i);
      store<f32>(zb + gh + q, f);
      store<f32>(zb + 2 * gh + q, g);
      store<f32>(zb + 3 * gh + q, o);
      const ct = f * load<f32>(cPrev + ob + q) + i * g;
      const t = tanhf(ct);
      store<f32>(c + ob + q, ct);
      store<f32>(tc + ob + q, t);
      store<f32>(h + ob + q, o * t);
    }
  }
}

// Backward through one step. dh: grad on h_t; dc: grad on c_t in, grad on c_{t-1} out; dz: grads on the
// pre-activations [B, 4H] out.
export function lstmBackwardStep(z: usize, cPrev: usize, tc: usize, dh: usize, dc: usize, dz: usize, B: i32, H: i32): void {
  const gh = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const zb = z + <usize>b * 4 * gh;
    const db = dz + <usize>b * 4 * gh;
    const ob = <usize>b * gh;
    const h4 = H & ~3;
    const one = f32x4.splat(1);
    for (let j = 0; j < h4; j += 4) {
      const q = <usize>j << 2;
      const i = v128.load(zb + q);
      const f = v128.load(zb + gh + q);
      const g = v128.load(zb + 2 * gh + q);
      const o = v128.load(zb + 3 * gh + q);
      const t = v128.load(tc + ob + q);
      const dht = v128.load(dh + ob + q);
      // dc_t = dc + dh⊙o⊙(1 − tanh²c)
      const dct = f32x4.add(v128.load(dc + ob + q), f32x4.mul(f32x4.mul(dht, o), f32x4.sub(one, f32x4.mul(t, t))));
      v128.store(db + q, f32x4.mul(f32x4.mul(dct, g), f32x4.mul(i, f32x4.sub(one, i))));
      v128.store(db + gh + q, f32x4.mul(f32x4.mul(dct, v128.load(cPrev + ob + q)), f32x4.mul(f, f32x4.sub(one, f))));
      v128.store(db + 2 * gh + q, f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(g, g))));
      v128.store(db + 3 * gh + q, f32x4.mul(f32x4.mul(dht, t), f32x4.mul(o, f32x4.sub(one, o))));
      v128.store(dc + ob + q, f32x4.mul(dct, f));
    }
    for (let j = h4; j < H; j++) {
      const q = <usize>j << 2;
      const i = load<f32>(zb + q);
      const f = load<f32>(zb + gh + q);
      const g = load<f32>(zb + 2 * gh + q);
      const o = load<f32>(zb + 3 * gh + q);
      const t = load<f32>(tc + ob + q);
      const dht = load<f32>(dh + ob + q);
      const dct = load<f32>(dc + ob + q) + dht * o * (1 - t * t);
      store<f32>(db + q, dct * g * i * (1 - i));
      store<f32>(db + gh + q, dct * load<f32>(cPrev + ob + q) * f * (1 - f));
      store<f32>(db + 2 * gh + q, dct * i * (1 - g * g));
      store<f32>(db + 3 * gh + q, dht * t * o * (1 - o));
      store<f32>(dc + ob + q, dct * f);
    }
  }
}

// ---- GRU (tf.layers convention, reset before the recurrent product): rows [z | r | h]. ----

// Phase A. xw: x·W + b for this step [B, 3H]; zr: hPrev·U_zr [B, 2H]. Writes z, r into gates [B, 3H] and
// rh = r ⊙ hPrev [B, H].
export function gruForwardA(xw: usize, zr: usize, hPrev: usize, gates: usize, rh: usize, B: i32, H: i32): void {
  const gh = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const xb = xw + <usize>b * 3 * gh;
    const gb = gates + <usize>b * 3 * gh;
    const zb = zr + <usize>b * 2 * gh;
    const ob = <usize>b * gh;
    const h4 = H & ~3;
    for (let j = 0; j < h4; j += 4) {
      const q = <usize>j << 2;
      const zt = vsigmoid(f32x4.add(v128.load(xb + q), v128.load(zb + q)));
      const r = vsigmoid(f32x4.add(v128.load(xb + gh + q), v128.load(zb + gh + q)));
      v128.store(gb + q, zt);
      v128.store(gb + gh + q, r);
      v128.store(rh + ob + q, f32x4.mul(r, v128.load(hPrev + ob + q)));
    }
    for (let j = h4; j < H; j++) {
      const q = <usize>j << 2;
      const zt = sigmoid(load<f32>(xb + q) + load<f32>(zb + q));
      const r = sigmoid(load<f32>(xb + gh + q) + load<f32>(zb + gh + q));
      store<f32>(gb + q, zt);
      store<f32>(gb + gh + q, r);
      store<f32>(rh + ob + q, r * load<f32>(hPrev + ob + q));
    }
  }
}

// Phase B. hhPre: rh·U_h [B, H]. hh = tanh(xw_h + hhPre) into gates; h = z⊙hPrev + (1−z)⊙hh.
export function gruForwardB(xw: usize, hhPre: usize, hPrev: usize, gates: usize, h: usize, B: i32, H: i32): void {
  const gh = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const xb = xw + <usize>b * 3 * gh;
    const gb = gates + <usize>b * 3 * gh;
    const ob = <usize>b * gh;
    const h4 = H & ~3;
    for (let j = 0; j < h4; j += 4) {
      const q = <usize>j << 2;
      const hh = vtanh(f32x4.add(v128.load(xb + 2 * gh + q), v128.load(hhPre + ob + q)));
      const zt = v128.load(gb + q);
      v128.store(gb + 2 * gh + q, hh);
      const hp = v128.load(hPrev + ob + q);
      // z⊙h₋ + (1−z)⊙h̃ = h̃ + z⊙(h₋ − h̃)
      v128.store(h + ob + q, f32x4.add(hh, f32x4.mul(zt, f32x4.sub(hp, hh))));
    }
    for (let j = h4; j < H; j++) {
      const q = <usize>j << 2;
      const hh = tanhf(load<f32>(xb + 2 * gh + q) + load<f32>(hhPre + ob + q));
      const zt = load<f32>(gb + q);
      store<f32>(gb + 2 * gh + q, hh);
      store<f32>(h + ob + q, zt * load<f32>(hPrev + ob + q) + (1 - zt) * hh);
    }
  }
}

// Backward phase A. dh: grad on h_t. Writes dz3's z and h blocks [B, 3H], dah = dz3's h block (dense [B, H]),
// and dhPrev = dh ⊙ z.
export function gruBackwardA(gates: usize, hPrev: usize, dh: usize, dz3: usize, dah: usize, dhPrev: usize, B: i32, H: i32): void {
  const gh = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const gb = gates + <usize>b * 3 * gh;
    const db = dz3 + <usize>b * 3 * gh;
    const ob = <usize>b * gh;
    const h4 = H & ~3;
    const one = f32x4.splat(1);
    for (let j = 0; j < h4; j += 4) {
      const q = <usize>j << 2;
      const zt = v128.load(gb + q);
      const hh = v128.load(gb + 2 * gh + q);
      const d = v128.load(dh + ob + q);
      const hp = v128.load(hPrev + ob + q);
      v128.store(db + q, f32x4.mul(f32x4.mul(d, f32x4.sub(hp, hh)), f32x4.mul(zt, f32x4.sub(one, zt))));
      const a = f32x4.mul(f32x4.mul(d, f32x4.sub(one, zt)), f32x4.sub(one, f32x4.mul(hh, hh)));
      v128.store(db + 2 * gh + q, a);
      v128.store(dah + ob + q, a);
      v128.store(dhPrev + ob + q, f32x4.mul(d, zt));
    }
    for (let j = h4; j < H; j++) {
      const q = <usize>j << 2;
      const zt = load<f32>(gb + q);
      const hh = load<f32>(gb + 2 * gh + q);
      const d = load<f32>(dh + ob + q);
      const hp = load<f32>(hPrev + ob + q);
      store<f32>(db + q, d * (hp - hh) * zt * (1 - zt));
      const a = d * (1 - zt) * (1 - hh * hh);
      store<f32>(db + 2 * gh + q, a);
      store<f32>(dah + ob + q, a);
      store<f32>(dhPrev + ob + q, d * zt);
    }
  }
}

// Backward phase B. drh: grad on rh [B, H]. Writes dz3's r block, dzr = [dz | dr] dense [B, 2H], and adds
// drh ⊙ r to dhPrev.
export function gruBackwardB(gates: usize, hPrev: usize, drh: usize, dz3: usize, dzr: usize, dhPrev: usize, B: i32, H: i32): void {
  const gh = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const gb = gates + <usize>b * 3 * gh;
    const db = dz3 + <usize>b * 3 * gh;
    const rb = dzr + <usize>b * 2 * gh;
    const ob = <usize>b * gh;
    const h4 = H & ~3;
    const one = f32x4.splat(1);
    for (let j = 0; j < h4; j += 4) {
      const q = <usize>j << 2;
      const r = v128.load(gb + gh + q);
      const d = v128.load(drh + ob + q);
      const dr = f32x4.mul(f32x4.mul(d, v128.load(hPrev + ob + q)), f32x4.mul(r, f32x4.sub(one, r)));
      v128.store(db + gh + q, dr);
      v128.store(rb + q, v128.load(db + q));
      v128.store(rb + gh + q, dr);
      v128.store(dhPrev + ob + q, f32x4.add(v128.load(dhPrev + ob + q), f32x4.mul(d, r)));
    }
    for (let j = h4; j < H; j++) {
      const q = <usize>j << 2;
      const r = load<f32>(gb + gh + q);
      const d = load<f32>(drh + ob + q);
      const dr = d * load<f32>(hPrev + ob + q) * r * (1 - r);
      store<f32>(db + gh + q, dr);
      store<f32>(rb + q, load<f32>(db + q));
      store<f32>(rb + gh + q, dr);
      store<f32>(dhPrev + ob + q, load<f32>(dhPrev + ob + q) + d * r);
    }
  }
}

// ---- Vanilla RNN: h = tanh(pre). ----

// z: pre-activations [n] in, h = tanh(z) out (z may equal h).
export function tanhInPlace(z: usize, h: usize, n: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const q = <usize>i << 2;
    v128.store(h + q, vtanh(v128.load(z + q)));
  }
  for (let i = n4; i < n; i++) {
    const q = <usize>i << 2;
    store<f32>(h + q, tanhf(load<f32>(z + q)));
  }
}

// dz = dh ⊙ (1 − h²), elementwise over n.
export function tanhBackward(h: usize, dh: usize, dz: usize, n: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const q = <usize>i << 2;
    const y = v128.load(h + q);
    v128.store(dz + q, f32x4.mul(v128.load(dh + q), f32x4.sub(f32x4.splat(1), f32x4.mul(y, y))));
  }
  for (let i = n4; i < n; i++) {
    const q = <usize>i << 2;
    const y = load<f32>(h + q);
    store<f32>(dz + q, load<f32>(dh + q) * (1 - y * y));
  }
}

// dst[i] += src[i] over n.
export function addInto(dst: usize, src: usize, n: i32): void {
  addVec(dst, src, n);
}

// ---- Output layer: softmax cross-entropy over logits [N, V] with integer labels. ----

// Writes dlogits = (softmax(logits) − onehot(label))·scale [N, V]; returns Σ −log softmax(logits)[label].
export function softmaxXent(logits: usize, labels: usize, dlogits: usize, N: i32, V: i32, scale: f32): f32 {
  let loss: f32 = 0;
  const row = <usize>V << 2;
  for (let n = 0; n < N; n++) {
    const l = logits + <usize>n * row;
    const d = dlogits + <usize>n * row;
    let mx = load<f32>(l);
    for (let j = 1; j < V; j++) mx = max(mx, load<f32>(l + (<usize>j << 2)));
    let sum: f32 = 0;
    for (let j = 0; j < V; j++) {
      const e = Mathf.exp(load<f32>(l + (<usize>j << 2)) - mx);
      store<f32>(d + (<usize>j << 2), e);
      sum += e;
    }
    const y = load<i32>(labels + (<usize>n << 2));
    loss += Mathf.log(sum) - (load<f32>(l + (<usize>y << 2)) - mx);
    const inv = scale / sum;
    for (let j = 0; j < V; j++) {
      const q = d + (<usize>j << 2);
      store<f32>(q, load<f32>(q) * inv - (j == y ? scale : 0));
    }
  }
  return loss;
}

// ---- Additive attention after the query projection (lib/src/fast/fused-attention.ts). Shapes: q [B, Q, A],
// k [B, S, A], F [B, Q, S, A], scores and weights [B, Q, S], values [B, S, C], context [B, Q, C]. ----

// F[b, i, j] = tanh(q[b, i] + k[b, j]); e[b, i, j] = F[b, i, j] · w.
export function attnScores(q: usize, k: usize, w: usize, F: usize, e: usize, B: i32, Q: i32, S: i32, A: i32): void {
  const A4 = A & ~3;
  const rowA = <usize>A << 2;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Q; i++) {
      const bi = <usize>(b * Q + i);
      const qo = q + bi * rowA;
      for (let j = 0; j < S; j++) {
        const ko = k + <usize>(b * S + j) * rowA;
        const fo = F + (bi * <usize>S + <usize>j) * rowA;
        let acc = f32x4.splat(0);
        for (let a = 0; a < A4; a += 4) {
          const o = <usize>a << 2;
          const t = vtanh(f32x4.add(v128.load(qo + o), v128.load(ko + o)));
          v128.store(fo + o, t);
          acc = f32x4.add(acc, f32x4.mul(t, v128.load(w + o)));
        }
        let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
        for (let a = A4; a < A; a++) {
          const o = <usize>a << 2;
          const t = tanhf(load<f32>(qo + o) + load<f32>(ko + o));
          store<f32>(fo + o, t);
          s += t * load<f32>(w + o);
        }
        store<f32>(e + ((bi * <usize>S + <usize>j) << 2), s);
      }
    }
  }
}

// ctx[b, i] = Σ_j alpha[b, i, j] v[b, j].
export function attnContext(alpha: usize, v: usize, ctx: usize, B: i32, Q: i32, S: i32, C: i32): void {
  const rowC = <usize>C << 2;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Q; i++) {
      const bi = <usize>(b * Q + i);
      const co = ctx + bi * rowC;
      memory.fill(co, 0, rowC);
      for (let j = 0; j < S; j++) {
        const aj = load<f32>(alpha + ((bi * <usize>S + <usize>j) << 2));
        if (aj == 0) continue;
        axpy(co, v + <usize>(b * S + j) * rowC, aj, C);
      }
    }
  }
}

// dalpha[b, i, j] += dctx[b, i] · v[b, j];  dv[b, j] += alpha[b, i, j] dctx[b, i].
export function attnBackValues(dctx: usize, alpha: usize, v: usize, dalpha: usize, dv: usize, B: i32, Q: i32, S: i32, C: i32): void {
  const rowC = <usize>C << 2;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Q; i++) {
      const bi = <usize>(b * Q + i);
      const d = dctx + bi * rowC;
      for (let j = 0; j < S; j++) {
        const at = (bi * <usize>S + <usize>j) << 2;
        const aj = load<f32>(alpha + at);
        if (aj == 0) continue; // padding: no weight, no gradient
        const vo = v + <usize>(b * S + j) * rowC;
        store<f32>(dalpha + at, load<f32>(dalpha + at) + dot(d, vo, C));
        axpy(dv + <usize>(b * S + j) * rowC, d, aj, C);
      }
    }
  }
}

// With g = de[b, i, j]: dw += g F;  p = g w ⊙ (1 − F²);  dq[b, i] += p;  dk[b, j] += p.
export function attnBackScores(de: usize, F: usize, w: usize, dq: usize, dk: usize, dw: usize, B: i32, Q: i32, S: i32, A: i32): void {
  const A4 = A & ~3;
  const rowA = <usize>A << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Q; i++) {
      const bi = <usize>(b * Q + i);
      const qo = dq + bi * rowA;
      for (let j = 0; j < S; j++) {
        const g = load<f32>(de + ((bi * <usize>S + <usize>j) << 2));
        if (g == 0) continue;
        const gv = f32x4.splat(g);
        const fo = F + (bi * <usize>S + <usize>j) * rowA;
        const ko = dk + <usize>(b * S + j) * rowA;
        for (let a = 0; a < A4; a += 4) {
          const o = <usize>a << 2;
          const t = v128.load(fo + o);
          v128.store(dw + o, f32x4.add(v128.load(dw + o), f32x4.mul(gv, t)));
          const p = f32x4.mul(f32x4.mul(gv, v128.load(w + o)), f32x4.sub(one, f32x4.mul(t, t)));
          v128.store(qo + o, f32x4.add(v128.load(qo + o), p));
          v128.store(ko + o, f32x4.add(v128.load(ko + o), p));
        }
        for (let a = A4; a < A; a++) {
          const o = <usize>a << 2;
          const t = load<f32>(fo + o);
          store<f32>(dw + o, load<f32>(dw + o) + g * t);
          const p = g * load<f32>(w + o) * (1 - t * t);
          store<f32>(qo + o, load<f32>(qo + o) + p);
          store<f32>(ko + o, load<f32>(ko + o) + p);
        }
      }
    }
  }
}

// y[0..n) += s x[0..n).
// @ts-ignore: decorator
@inline
function axpy(y: usize, x: usize, s: f32, n: i32): void {
  const n4 = n & ~3;
  const sv = f32x4.splat(s);
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(sv, v128.load(x + o))));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + s * load<f32>(x + o));
  }
}

// x[0..n) · y[0..n).
// @ts-ignore: decorator
@inline
function dot(x: usize, y: usize, n: i32): f32 {
  const n4 = n & ~3;
  let acc = f32x4.splat(0);
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    s += load<f32>(x + o) * load<f32>(y + o);
  }
  return s;
}
