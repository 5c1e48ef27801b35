/**
 * Whole-sequence forward and backward passes of the vanilla RNN, GRU and LSTM on plain `Float32Array`s, driven
 * over {@link FusedKernels} (wasm SIMD or plain JS). No tensors here: `fused-op.ts` wraps this for tfjs.
 *
 * Weights follow `tf.layers`: `W` `[numInputs, G·H]`, `U` `[H, G·H]`, `b` `[G·H]`, gate blocks in tf.layers'
 * order: LSTM `i, f, c, o` (recurrent activation: sigmoid), GRU `z, r, h` with the reset gate applied *before*
 * the recurrent product (`resetAfter: false`, the only GRU tf.layers has), `h = z⊙h₋ + (1−z)⊙h̃`.
 * Layout is time-major: inputs `[T, B, I]` (or token ids `[T, B]`, the gather fused), outputs `[T, B, H]`.
 */
import { FusedKernels } from "./fused-kernels";

/** The cell types the fused ops implement. */
export type FusedCellType = "rnn" | "gru" | "lstm";

/** Gates (blocks of `H` columns in `W`, `U`, `b`) per cell type. */
export const FUSED_GATES: Readonly<Record<FusedCellType, number>> = { rnn: 1, gru: 3, lstm: 4 };

/** Everything a forward pass needs. */
export interface FusedProblem {
  readonly cell: FusedCellType;
  /** Steps `T`, batch `B`, inputs per step `I` (the vocabulary size for token ids), hidden width `H`. */
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  /** Dense inputs `[T, B, I]`, or `null` when `ids` is given. */
  readonly x: Float32Array | null;
  /** Token ids `[T, B]` in `[0, I)`, or `null` for dense inputs. */
  readonly ids: Int32Array | null;
  /** Initial state `[B, H]`; `c0` only for the LSTM. */
  readonly h0: Float32Array;
  readonly c0: Float32Array | null;
  readonly W: Float32Array;
  readonly U: Float32Array;
  readonly b: Float32Array;
}

/** What the backward pass needs from the forward pass. */
export interface FusedSaved {
  /** `h_0 … h_T`, `[(T+1)·B·H]`. */
  readonly hs: Float32Array;
  /** Gate activations `[T·B·G·H]` (LSTM, GRU). */
  readonly gates: Float32Array | null;
  /** LSTM: `c_0 … c_T` `[(T+1)·B·H]` and `tanh(c_t)` `[T·B·H]`. */
  readonly cs: Float32Array | null;
  readonly tcs: Float32Array | null;
  /** GRU: `r_t ⊙ h_{t−1}` `[T·B·H]`. */
  readonly rh: Float32Array | null;
}

/** Result of a forward pass. */
export interface FusedForward {
  /** Outputs `h_1 … h_T` `[T, B, H]` (a view into `saved.hs`). */
  readonly y: Float32Array;
  /** Final cell state `[B, H]` (LSTM), else `null`. */
  readonly cT: Float32Array | null;
  readonly saved: FusedSaved;
}

/** Gradients of a backward pass, one per input. */
export interface FusedGrads {
  readonly dx: Float32Array | null;
  readonly dh0: Float32Array;
  readonly dc0: Float32Array | null;
  readonly dW: Float32Array;
  readonly dU: Float32Array;
  readonly db: Float32Array;
}

/** A bump allocator over the kernels' memory, reset for every pass. */
class Arena {
  private end: number;
  constructor(private readonly k: FusedKernels) {
    this.end = k.base;
  }
  /** Reserves `n` floats (16-byte aligned) and returns the byte offset. */
  alloc(n: number): number {
    const p = this.end;
    this.end += Math.ceil((n * 4) / 64) * 64;
    this.k.ensure(this.end);
    return p;
  }
  /** Reserves room for `data` and copies it in. */
  put(data: Float32Array | Int32Array): number {
    const p = this.alloc(data.length);
    if (data instanceof Int32Array) this.k.i32().set(data, p >> 2);
    else this.k.f32().set(data, p >> 2);
    return p;
  }
  /** A copy of `n` floats at `p`. */
  take(p: number, n: number): Float32Array {
    return this.k.f32().slice(p >> 2, (p >> 2) + n);
  }
}

function check(p: FusedProblem): void {
  const { T, B, I, H, cell } = p;
  const G = FUSED_GATES[cell];
  const want = (name: string, a: { length: number } | null, n: number): void => {
    if (!a || a.length !== n) throw new Error(`fused ${cell}: ${name} has ${a?.length ?? 0} values, expected ${n}`);
  };
  if (T < 1 || B < 1 || H < 1 || I < 1) throw new Error(`fused ${cell}: T, B, I, H must be ≥ 1 (got ${T}, ${B}, ${I}, ${H})`);
  if (p.ids) {
    want("ids", p.ids, T * B);
    for (const id of p.ids) if (!(id >= 0 && id < I)) throw new Error(`fused ${cell}: token id ${id} is not in [0, ${I})`);
  } else want("x", p.x, T * B * I);
  want("h0", p.h0, B * H);
  if (cell === "lstm") want("c0", p.c0, B * H);
  want("W", p.W, I * G * H);
  want("U", p.U, H * G * H);
  want("b", p.b, G * H);
}

/** Splits GRU's `U [H, 3H]` into `U_zr [H, 2H]` and `U_h [H, H]`. */
function splitGruU(U: Float32Array, H: number): [Float32Array, Float32Array] {
  const zr = new Float32Array(H * 2 * H);
  const h = new Float32Array(H * H);
  for (let r = 0; r < H; r++) {
    zr.set(U.subarray(r * 3 * H, r * 3 * H + 2 * H), r * 2 * H);
    h.set(U.subarray(r * 3 * H + 2 * H, r * 3 * H + 3 * H), r * H);
  }
  return [zr, h];
}

/** Runs the cell over the whole sequence. */
export function fusedForward(k: FusedKernels, p: FusedProblem): FusedForward {
  check(p);
  const { cell, T, B, I, H } = p;
  const G = FUSED_GATES[cell];
  const GH = G * H;
  const BH = B * H;
  const mem = new Arena(k);
  const W = mem.put(p.W);
  const b = mem.put(p.b);
  const Z = mem.alloc(T * B * GH); // [T, B, G·H] pre-activations, then gate activations
  const hs = mem.alloc((T + 1) * BH); // h_0 … h_T
  k.f32().set(p.h0, hs >> 2);
  // Input projection for all steps at once: Z = X·W + b.
  if (p.ids) k.gatherRows(W, mem.put(p.ids), Z, T * B, GH);
  else k.gemm(mem.put(p.x!), W, Z, T * B, I, GH, 0);
  k.addRows(Z, b, T * B, GH);
  const at = (base: number, t: number, n: number): number => base + t * n * 4;
  let cs = 0;
  let tcs = 0;
  let rh = 0;
  if (cell === "lstm") {
    const U = mem.put(p.U);
    cs = mem.alloc((T + 1) * BH);
    tcs = mem.alloc(T * BH);
    k.f32().set(p.c0!, cs >> 2);
    for (let t = 0; t < T; t++) {
      const z = at(Z, t, B * GH);
      k.gemm(at(hs, t, BH), U, z, B, H, GH, 1); // z += h_{t−1}·U
      k.lstmForwardStep(z, at(cs, t, BH), at(cs, t + 1, BH), at(tcs, t, BH), at(hs, t + 1, BH), B, H);
    }
  } else if (cell === "gru") {
    const [uzr, uh] = splitGruU(p.U, H);
    const Uzr = mem.put(uzr);
    const Uh = mem.put(uh);
    rh = mem.alloc(T * BH);
    const zr = mem.alloc(B * 2 * H);
    const hhPre = mem.alloc(BH);
    for (let t = 0; t < T; t++) {
      const z = at(Z, t, B * GH);
      const hPrev = at(hs, t, BH);
      k.gemm(hPrev, Uzr, zr, B, H, 2 * H, 0); // [B, 2H] = h_{t−1}·U_zr
      k.gruForwardA(z, zr, hPrev, z, at(rh, t, BH), B, H);
      k.gemm(at(rh, t, BH), Uh, hhPre, B, H, H, 0); // [B, H] = (r⊙h_{t−1})·U_h
      k.gruForwardB(z, hhPre, hPrev, z, at(hs, t + 1, BH), B, H);
    }
  } else {
    const U = mem.put(p.U);
    for (let t = 0; t < T; t++) {
      const z = at(Z, t, BH);
      k.gemm(at(hs, t, BH), U, z, B, H, H, 1);
      k.tanhInPlace(z, at(hs, t + 1, BH), BH);
    }
  }
  const saved: FusedSaved = {
    hs: mem.take(hs, (T + 1) * BH),
    gates: cell === "rnn" ? null : mem.take(Z, T * B * GH),
    cs: cell === "lstm" ? mem.take(cs, (T + 1) * BH) : null,
    tcs: cell === "lstm" ? mem.take(tcs, T * BH) : null,
    rh: cell === "gru" ? mem.take(rh, T * BH) : null,
  };
  return {
    y: saved.hs.subarray(BH),
    cT: saved.cs ? saved.cs.subarray(T * BH) : null,
    saved,
  };
}

/**
 * Backpropagation through time over the whole sequence.
 * @param dy gradient on the outputs `[T, B, H]`; `dhT`/`dcT` gradients on the final state (`[B, H]`, or null).
 */
export function fusedBackward(
  k: FusedKernels,
  p: FusedProblem,
  s: FusedSaved,
  dy: Float32Array,
  dhT: Float32Array | null,
  dcT: Float32Array | null,
): FusedGrads {
  const { cell, T, B, I, H } = p;
  const G = FUSED_GATES[cell];
  const GH = G * H;
  const BH = B * H;
  const mem = new Arena(k);
  const at = (base: number, t: number, n: number): number => base + t * n * 4;
  // Scratch for packing B in the large weight-gradient products.
  const scratch = mem.alloc(256 * Math.max(GH, I));
  const big = (a: number, b: number, c: number, M: number, K: number, N: number): void =>
    k.gemmPacked(a, b, c, M, K, N, 0, scratch);
  const hs = mem.put(s.hs);
  const dY = mem.put(dy);
  const dZ = mem.alloc(T * B * GH); // gradients on the pre-activations
  let dh = mem.alloc(BH);
  const f = k.f32();
  f.fill(0, dh >> 2, (dh >> 2) + BH);
  if (dhT) f.set(dhT, dh >> 2);
  let dc = 0;
  let dU: Float32Array;
  const HpT = mem.alloc(H * T * B); // [H, T·B]: h_0 … h_{T−1} transposed, for dU
  if (cell === "lstm") {
    const gates = mem.put(s.gates!);
    const cs = mem.put(s.cs!);
    const tcs = mem.put(s.tcs!);
    const UT = mem.alloc(GH * H);
    k.transpose(mem.put(p.U), UT, H, GH);
    dc = mem.alloc(BH);
    k.f32().fill(0, dc >> 2, (dc >> 2) + BH);
    if (dcT) k.f32().set(dcT, dc >> 2);
    for (let t = T - 1; t >= 0; t--) {
      k.addInto(dh, at(dY, t, BH), BH);
      const dz = at(dZ, t, B * GH);
      k.lstmBackwardStep(at(gates, t, B * GH), at(cs, t, BH), at(tcs, t, BH), dh, dc, dz, B, H);
      k.gemm(dz, UT, dh, B, GH, H, 0); // dh_{t−1} = dz·Uᵀ
    }
    k.transpose(hs, HpT, T * B, H);
    const dUp = mem.alloc(H * GH);
    big(HpT, dZ, dUp, H, T * B, GH);
    dU = mem.take(dUp, H * GH);
  } else if (cell === "gru") {
    const gates = mem.put(s.gates!);
    const rh = mem.put(s.rh!);
    const [uzr, uh] = splitGruU(p.U, H);
    const UzrT = mem.alloc(2 * H * H);
    const UhT = mem.alloc(H * H);
    k.transpose(mem.put(uzr), UzrT, H, 2 * H);
    k.transpose(mem.put(uh), UhT, H, H);
    const dZR = mem.alloc(T * B * 2 * H);
    const dAH = mem.alloc(T * BH);
    const drh = mem.alloc(BH);
    let dhPrev = mem.alloc(BH);
    for (let t = T - 1; t >= 0; t--) {
      k.addInto(dh, at(dY, t, BH), BH);
      const g = at(gates, t, B * GH);
      const hPrev = at(hs, t, BH);
      const dz = at(dZ, t, B * GH);
      k.gruBackwardA(g, hPrev, dh, dz, at(dAH, t, BH), dhPrev, B, H);
      k.gemm(at(dAH, t, BH), UhT, drh, B, H, H, 0); // d(r⊙h₋) = da_h·U_hᵀ
      k.gruBackwardB(g, hPrev, drh, dz, at(dZR, t, B * 2 * H), dhPrev, B, H);
      k.gemm(at(dZR, t, B * 2 * H), UzrT, dhPrev, B, 2 * H, H, 1); // += [dz|dr]·U_zrᵀ
      [dh, dhPrev] = [dhPrev, dh];
    }
    k.transpose(hs, HpT, T * B, H);
    const dUzr = mem.alloc(H * 2 * H);
    big(HpT, dZR, dUzr, H, T * B, 2 * H);
    const RHT = mem.alloc(H * T * B);
    k.transpose(rh, RHT, T * B, H);
    const dUh = mem.alloc(H * H);
    big(RHT, dAH, dUh, H, T * B, H);
    const zrPart = mem.take(dUzr, H * 2 * H);
    const hPart = mem.take(dUh, H * H);
    dU = new Float32Array(H * GH);
    for (let r = 0; r < H; r++) {
      dU.set(zrPart.subarray(r * 2 * H, (r + 1) * 2 * H), r * GH);
      dU.set(hPart.subarray(r * H, (r + 1) * H), r * GH + 2 * H);
    }
  } else {
    const UT = mem.alloc(H * H);
    k.transpose(mem.put(p.U), UT, H, H);
    for (let t = T - 1; t >= 0; t--) {
      k.addInto(dh, at(dY, t, BH), BH);
      const dz = at(dZ, t, BH);
      k.tanhBackward(at(hs, t + 1, BH), dh, dz, BH);
      k.gemm(dz, UT, dh, B, H, H, 0);
    }
    k.transpose(hs, HpT, T * B, H);
    const dUp = mem.alloc(H * H);
    big(HpT, dZ, dUp, H, T * B, H);
    dU = mem.take(dUp, H * H);
  }
  const dbp = mem.alloc(GH);
  k.colSum(dZ, dbp, T * B, GH, 0);
  const dWp = mem.alloc(I * GH);
  let dx: Float32Array | null = null;
  if (p.ids) {
    k.f32().fill(0, dWp >> 2, (dWp >> 2) + I * GH);
    k.scatterAddRows(dZ, mem.put(p.ids), dWp, T * B, GH);
  } else {
    const X = mem.put(p.x!);
    const XT = mem.alloc(I * T * B);
    k.transpose(X, XT, T * B, I);
    big(XT, dZ, dWp, I, T * B, GH); // dW = Xᵀ·dZ
    const WT = mem.alloc(GH * I);
    k.transpose(mem.put(p.W), WT, I, GH);
    const dXp = mem.alloc(T * B * I);
    k.gemm(dZ, WT, dXp, T * B, GH, I, 0); // dX = dZ·Wᵀ
    dx = mem.take(dXp, T * B * I);
  }
  return {
    dx,
    dh0: mem.take(dh, BH),
    dc0: cell === "lstm" ? mem.take(dc, BH) : null,
    dW: mem.take(dWp, I * GH),
    dU,
    db: mem.take(dbp, GH),
  };
}
