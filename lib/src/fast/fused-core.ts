/**
 * Whole-sequence forward and backward passes of the vanilla RNN, GRU and LSTM on plain `Float32Array`s, driven
 * over {@link FusedKernels} (wasm SIMD or plain JS). No tensors here: `fused-op.ts` wraps this for tfjs.
 *
 * Weights follow `tf.layers`: `W` `[numInputs, G·H]`, `U` `[H, G·H]`, `b` `[G·H]`, gate blocks in tf.layers'
 * order: LSTM `i, f, c, o` (recurrent activation: sigmoid), GRU `z, r, h` with the reset gate applied *before*
 * the recurrent product (`resetAfter: false`, the only GRU tf.layers has), `h = z⊙h₋ + (1−z)⊙h̃`.
 * Layout is time-major: inputs `[T, B, I]` (or token ids `[T, B]`, the gather fused), outputs `[T, B, H]`.
 *
 * Valid lengths (`lens`, padding last in every row): all `T` steps still run, but row `b`'s final state is its
 * state after step `lens[b]`, and in BPTT the final state's gradient enters the time loop at that step.
 */
import { CELL_GATES } from "../cells";
import type { CellKind } from "../cells";
import type { FusedBackwardJob, FusedForwardJob, FusedGemmJob, FusedJob } from "./fused-jobs";
import type { FusedKernels } from "./fused-kernels";

/** Everything a forward pass needs. */
export interface FusedProblem {
  readonly cell: CellKind;
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
  /**
   * Valid steps of each batch row `[B]`, each in `[0, T]`: row `b`'s final state is `h_{lens[b]}` (and
   * `c_{lens[b]}`), `h0` (`c0`) when 0. Absent or `null`: `T` for every row.
   */
  readonly lens?: Int32Array | null;
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
  /** Final hidden state `[B, H]`: each row's after its last valid step (see {@link FusedProblem.lens}). */
  readonly hT: Float32Array;
  /** Final cell state `[B, H]` (LSTM), likewise, else `null`. */
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
export class FusedArena {
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
  const G = CELL_GATES[cell];
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
  if (p.lens) {
    want("lens", p.lens, B);
    for (const len of p.lens) if (!(len >= 0 && len <= T)) throw new Error(`fused ${cell}: valid length ${len} is not in [0, ${T}]`);
  }
}

/** Each row's state after its last valid step: row `b` of step `lens[b]` of `states` `[(T+1)·B·H]` (step `T` without lens). */
function finalStates(states: Float32Array, lens: Int32Array | null | undefined, T: number, B: number, H: number): Float32Array {
  if (!lens) return states.subarray(T * B * H);
  const out = new Float32Array(B * H);
  for (let b = 0; b < B; b++) out.set(states.subarray((lens[b] * B + b) * H, (lens[b] * B + b + 1) * H), b * H);
  return out;
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
  const G = CELL_GATES[cell];
  const GH = G * H;
  const BH = B * H;
  const par = fusedParallel(k, p);
  const mem = new FusedArena(k);
  const W = mem.put(p.W);
  const b = mem.put(p.b);
  const Z = mem.alloc(T * B * GH); // [T, B, G·H] pre-activations, then gate activations
  const hs = mem.alloc((T + 1) * BH); // h_0 … h_T
  k.f32().set(p.h0, hs >> 2);
  // Input projection for all steps at once: Z = X·W + b.
  if (p.ids) k.gatherRows(W, mem.put(p.ids), Z, T * B, GH);
  else par.rows({ fn: "gemm", a: mem.put(p.x!), b: W, c: Z, M: T * B, K: I, N: GH, acc: 0 });
  k.addRows(Z, b, T * B, GH);
  const job: FusedForwardJob = {
    fn: "forward",
    cell,
    T,
    B,
    H,
    b0: 0,
    b1: B,
    Z,
    hs,
    U: 0,
    Uzr: 0,
    Uh: 0,
    Upk: 0,
    Uzrpk: 0,
    Uhpk: 0,
    cs: 0,
    tcs: 0,
    rh: 0,
    zr: 0,
    hhPre: 0,
  };
  // Recurrent weights are read every step: pack them once into the GEMM's panel layout.
  const packed = (w: number, K: number, N: number): number => {
    const q = mem.alloc(K * N);
    k.packPanels(w, q, K, N);
    return q;
  };
  if (cell === "lstm") {
    job.U = mem.put(p.U);
    job.Upk = packed(job.U, H, GH);
    job.cs = mem.alloc((T + 1) * BH);
    job.tcs = mem.alloc(T * BH);
    k.f32().set(p.c0!, job.cs >> 2);
  } else if (cell === "gru") {
    const [uzr, uh] = splitGruU(p.U, H);
    job.Uzr = mem.put(uzr);
    job.Uh = mem.put(uh);
    job.Uzrpk = packed(job.Uzr, H, 2 * H);
    job.Uhpk = packed(job.Uh, H, H);
    job.rh = mem.alloc(T * BH);
    job.zr = mem.alloc(B * 2 * H);
    job.hhPre = mem.alloc(BH);
  } else {
    job.U = mem.put(p.U);
    job.Upk = packed(job.U, H, H);
  }
  par.batch(job); // the time loop; batch rows are independent, so threads split them
  const saved: FusedSaved = {
    hs: mem.take(hs, (T + 1) * BH),
    gates: cell === "rnn" ? null : mem.take(Z, T * B * GH),
    cs: cell === "lstm" ? mem.take(job.cs, (T + 1) * BH) : null,
    tcs: cell === "lstm" ? mem.take(job.tcs, T * BH) : null,
    rh: cell === "gru" ? mem.take(job.rh, T * BH) : null,
  };
  return {
    y: saved.hs.subarray(BH),
    hT: finalStates(saved.hs, p.lens, T, B, H),
    cT: saved.cs ? finalStates(saved.cs, p.lens, T, B, H) : null,
    saved,
  };
}

/** The forward time loop over batch rows `[b0, b1)`. Called by {@link runFusedJob}, in any thread. */
export function fusedForwardSteps(k: FusedKernels, j: FusedForwardJob): void {
  const { cell, T, B, H, b0, b1 } = j;
  const G = CELL_GATES[cell];
  const GH = G * H;
  const nb = b1 - b0;
  if (nb <= 0) return;
  // Byte offset of batch row b0 of step t in a [T, B, w] buffer.
  const at = (base: number, t: number, w: number): number => base + (t * B + b0) * w * 4;
  for (let t = 0; t < T; t++) {
    const z = at(j.Z, t, GH);
    const hPrev = at(j.hs, t, H);
    const h = at(j.hs, t + 1, H);
    if (cell === "lstm") {
      k.gemmPre(hPrev, j.U, j.Upk, z, nb, H, GH, 1); // z += h_{t−1}·U
      k.lstmForwardStep(z, at(j.cs, t, H), at(j.cs, t + 1, H), at(j.tcs, t, H), h, nb, H);
    } else if (cell === "gru") {
      const zr = j.zr + b0 * 2 * H * 4;
      const hhPre = j.hhPre + b0 * H * 4;
      k.gemmPre(hPrev, j.Uzr, j.Uzrpk, zr, nb, H, 2 * H, 0); // [nb, 2H] = h_{t−1}·U_zr
      k.gruForwardA(z, zr, hPrev, z, at(j.rh, t, H), nb, H);
      k.gemmPre(at(j.rh, t, H), j.Uh, j.Uhpk, hhPre, nb, H, H, 0); // [nb, H] = (r⊙h_{t−1})·U_h
      k.gruForwardB(z, hhPre, hPrev, z, h, nb, H);
    } else {
      k.gemmPre(hPrev, j.U, j.Upk, z, nb, H, H, 1);
      k.tanhInPlace(z, h, nb * H);
    }
  }
}

/**
 * Backpropagation through time over the whole sequence.
 * @param dy gradient on the outputs `[T, B, H]`; `dhT`/`dcT` gradients on the final state (`[B, H]`, or null),
 *   which enter row `b` at its last valid step `p.lens[b]` (straight into `dh0`/`dc0` when it is 0).
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
  const G = CELL_GATES[cell];
  const GH = G * H;
  const BH = B * H;
  const par = fusedParallel(k, p);
  const mem = new FusedArena(k);
  // Scratch for packing B in the large weight-gradient products, one region per thread.
  const scratch = mem.alloc(2 * 256 * Math.max(GH, I));
  const scratchBytes = 256 * Math.max(GH, I) * 4;
  const big = (a: number, b: number, c: number, M: number, K: number, N: number): void =>
    par.rows({ fn: "gemmPacked", a, b, c, M, K, N, acc: 0, scratch, scratchBytes });
  const hs = mem.put(s.hs);
  const job: FusedBackwardJob = {
    fn: "backward",
    cell,
    T,
    B,
    H,
    b0: 0,
    b1: B,
    hs,
    dY: mem.put(dy),
    dZ: mem.alloc(T * B * GH),
    dh: mem.alloc(BH),
    dhPrev: 0,
    dc: 0,
    gates: 0,
    cs: 0,
    tcs: 0,
    rh: 0,
    UT: 0,
    UzrT: 0,
    UhT: 0,
    UTpk: 0,
    UzrTpk: 0,
    UhTpk: 0,
    dZR: 0,
    dAH: 0,
    drh: 0,
    lens: 0,
    dhT: 0,
    dcT: 0,
  };
  const packed = (w: number, K: number, N: number): number => {
    const q = mem.alloc(K * N);
    k.packPanels(w, q, K, N);
    return q;
  };
  // Without lens the final state's gradient starts the loop (at step T); with lens the loop adds it row by row.
  const lens = p.lens ?? null;
  if (lens) {
    job.lens = mem.put(lens);
    if (dhT) job.dhT = mem.put(dhT);
    if (dcT && cell === "lstm") job.dcT = mem.put(dcT);
  }
  const f = k.f32();
  f.fill(0, job.dh >> 2, (job.dh >> 2) + BH);
  if (dhT && !lens) f.set(dhT, job.dh >> 2);
  const HpT = mem.alloc(H * T * B); // [H, T·B]: h_0 … h_{T−1} transposed, for dU
  let dU: Float32Array;
  if (cell === "lstm" || cell === "rnn") {
    if (cell === "lstm") {
      job.gates = mem.put(s.gates!);
      job.cs = mem.put(s.cs!);
      job.tcs = mem.put(s.tcs!);
      job.dc = mem.alloc(BH);
      k.f32().fill(0, job.dc >> 2, (job.dc >> 2) + BH);
      if (dcT && !lens) k.f32().set(dcT, job.dc >> 2);
    }
    job.UT = mem.alloc(GH * H);
    k.transpose(mem.put(p.U), job.UT, H, GH);
    job.UTpk = packed(job.UT, GH, H);
    par.batch(job);
    k.transpose(hs, HpT, T * B, H);
    const dUp = mem.alloc(H * GH);
    big(HpT, job.dZ, dUp, H, T * B, GH); // dU = Σ_t h_{t−1}ᵀ·dz_t
    dU = mem.take(dUp, H * GH);
  } else {
    job.gates = mem.put(s.gates!);
    job.rh = mem.put(s.rh!);
    const [uzr, uh] = splitGruU(p.U, H);
    job.UzrT = mem.alloc(2 * H * H);
    job.UhT = mem.alloc(H * H);
    k.transpose(mem.put(uzr), job.UzrT, H, 2 * H);
    k.transpose(mem.put(uh), job.UhT, H, H);
    job.UzrTpk = packed(job.UzrT, 2 * H, H);
    job.UhTpk = packed(job.UhT, H, H);
    job.dZR = mem.alloc(T * B * 2 * H);
    job.dAH = mem.alloc(T * BH);
    job.drh = mem.alloc(BH);
    job.dhPrev = mem.alloc(BH);
    par.batch(job);
    if (T % 2 === 1) [job.dh, job.dhPrev] = [job.dhPrev, job.dh]; // the loop swapped them T times
    k.transpose(hs, HpT, T * B, H);
    const dUzr = mem.alloc(H * 2 * H);
    big(HpT, job.dZR, dUzr, H, T * B, 2 * H);
    const RHT = mem.alloc(H * T * B);
    k.transpose(job.rh, RHT, T * B, H);
    const dUh = mem.alloc(H * H);
    big(RHT, job.dAH, dUh, H, T * B, H);
    const zrPart = mem.take(dUzr, H * 2 * H);
    const hPart = mem.take(dUh, H * H);
    dU = new Float32Array(H * GH);
    for (let r = 0; r < H; r++) {
      dU.set(zrPart.subarray(r * 2 * H, (r + 1) * 2 * H), r * GH);
      dU.set(hPart.subarray(r * H, (r + 1) * H), r * GH + 2 * H);
    }
  }
  const dZ = job.dZ;
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
    par.rows({ fn: "gemm", a: dZ, b: WT, c: dXp, M: T * B, K: GH, N: I, acc: 0 }); // dX = dZ·Wᵀ
    dx = mem.take(dXp, T * B * I);
  }
  const dh0 = mem.take(job.dh, BH);
  const dc0 = cell === "lstm" ? mem.take(job.dc, BH) : null;
  // A row with no valid step: its final state is its initial state.
  if (lens) {
    lens.forEach((len, b) => {
      if (len !== 0) return;
      for (let j = b * H; j < (b + 1) * H; j++) {
        if (dhT) dh0[j] += dhT[j];
        if (dcT && dc0) dc0[j] += dcT[j];
      }
    });
  }
  return { dx, dh0, dc0, dW: mem.take(dWp, I * GH), dU, db: mem.take(dbp, GH) };
}

/** The backward time loop over batch rows `[b0, b1)`. Called by {@link runFusedJob}, in any thread. */
export function fusedBackwardSteps(k: FusedKernels, j: FusedBackwardJob): void {
  const { cell, T, B, H, b0, b1 } = j;
  const G = CELL_GATES[cell];
  const GH = G * H;
  const nb = b1 - b0;
  if (nb <= 0) return;
  const at = (base: number, t: number, w: number): number => base + (t * B + b0) * w * 4;
  const row = (base: number, w: number): number => base + b0 * w * 4;
  let dh = row(j.dh, H);
  let dhPrev = row(j.dhPrev, H);
  const dc = row(j.dc, H);
  // Valid lengths of the whole batch (absolute rows: this job runs rows [b0, b1) of them).
  const lens = j.lens ? k.i32().subarray(j.lens >> 2, (j.lens >> 2) + B) : null;
  for (let t = T - 1; t >= 0; t--) {
    k.addInto(dh, at(j.dY, t, H), nb * H); // + gradient from the output at step t
    if (lens) {
      for (let b = b0; b < b1; b++) {
        if (lens[b] !== t + 1) continue;
        // Step t is row b's last valid one: + the gradient on its final state h_{t+1} (and c_{t+1}).
        if (j.dhT) k.addInto(dh + (b - b0) * H * 4, j.dhT + b * H * 4, H);
        if (j.dcT) k.addInto(dc + (b - b0) * H * 4, j.dcT + b * H * 4, H);
      }
    }
    const dz = at(j.dZ, t, GH);
    if (cell === "lstm") {
      k.lstmBackwardStep(at(j.gates, t, GH), at(j.cs, t, H), at(j.tcs, t, H), dh, dc, dz, nb, H);
      k.gemmPre(dz, j.UT, j.UTpk, dh, nb, GH, H, 0); // dh_{t−1} = dz·Uᵀ
    } else if (cell === "gru") {
      const g = at(j.gates, t, GH);
      const hPrev = at(j.hs, t, H);
      const drh = row(j.drh, H);
      k.gruBackwardA(g, hPrev, dh, dz, at(j.dAH, t, H), dhPrev, nb, H);
      k.gemmPre(at(j.dAH, t, H), j.UhT, j.UhTpk, drh, nb, H, H, 0); // d(r⊙h₋) = da_h·U_hᵀ
      k.gruBackwardB(g, hPrev, drh, dz, at(j.dZR, t, 2 * H), dhPrev, nb, H);
      k.gemmPre(at(j.dZR, t, 2 * H), j.UzrT, j.UzrTpk, dhPrev, nb, 2 * H, H, 1); // += [dz|dr]·U_zrᵀ
      [dh, dhPrev] = [dhPrev, dh];
    } else {
      k.tanhBackward(at(j.hs, t + 1, H), dh, dz, nb * H);
      k.gemmPre(dz, j.UT, j.UTpk, dh, nb, H, H, 0);
    }
  }
}

/** Runs one job on kernels `k` (in the calling thread). `thread` picks the packing scratch. */
export function runFusedJob(k: FusedKernels, j: FusedJob, thread = 0): void {
  if (j.fn === "forward") fusedForwardSteps(k, j);
  else if (j.fn === "backward") fusedBackwardSteps(k, j);
  else if (j.fn === "gemm") k.gemm(j.a, j.b, j.c, j.M, j.K, j.N, j.acc);
  else k.gemmPacked(j.a, j.b, j.c, j.M, j.K, j.N, j.acc, (j.scratch ?? 0) + thread * (j.scratchBytes ?? 0));
}

/** How a pass spreads its work: over rows of a product, or over batch rows of a time loop. */
interface FusedParallel {
  rows(j: FusedGemmJob): void;
  batch(j: FusedForwardJob | FusedBackwardJob): void;
}

/**
 * When a second thread is used. Below `minWork` multiply-adds in a time loop's recurrent products (~0.5 ms on
 * one core), or `minGemm` in one product, it costs more than it saves: waking the worker takes tens of
 * microseconds, and far more on a busy machine. Mutable, for tests and experiments.
 */
export const FUSED_THREADING = { minWork: 1 << 24, minGemm: 1 << 22 };

/**
 * Runs a product on every thread of `k`'s pool, each taking contiguous rows of A and C (in multiples of 4, the
 * micro-kernel's height); small products, or no pool, run in the calling thread.
 */
export function runFusedRows(k: FusedKernels, j: FusedGemmJob): void {
  const pool = k.pool;
  const n = pool?.threads ?? 1;
  if (!pool || n < 2 || j.M < 8 * n || j.M * j.K * j.N < FUSED_THREADING.minGemm) return runFusedJob(k, j);
  const per = Math.ceil(j.M / n / 4) * 4;
  const jobs: FusedGemmJob[] = [];
  for (let i = 0, m0 = 0; i < n && m0 < j.M; i++, m0 += per) {
    const m = Math.min(per, j.M - m0);
    jobs.push({ ...j, a: j.a + m0 * j.K * 4, c: j.c + m0 * j.N * 4, M: m });
  }
  pool.run(jobs);
}

/**
 * `C[M, N] = A[M, K]·B[K, N]` for large operands: B packed through scratch taken from `mem`, rows split over the
 * threads of `k` (see {@link runFusedRows}). For one-off products such as an output layer's.
 */
export function fusedBigGemm(k: FusedKernels, mem: FusedArena, a: number, b: number, c: number, M: number, K: number, N: number): void {
  const scratchBytes = 256 * N * 4;
  const scratch = mem.alloc(2 * 256 * N);
  runFusedRows(k, { fn: "gemmPacked", a, b, c, M, K, N, acc: 0, scratch, scratchBytes });
}

function fusedParallel(k: FusedKernels, p: FusedProblem): FusedParallel {
  const pool = k.pool;
  const work = p.T * p.B * p.H * CELL_GATES[p.cell] * p.H;
  if (!pool || pool.threads < 2 || p.B < 8 || work < FUSED_THREADING.minWork) {
    return { rows: (j) => runFusedJob(k, j), batch: (j) => runFusedJob(k, j) };
  }
  const n = pool.threads;
  return {
    rows: (j) => runFusedRows(k, j),
    batch: (j) => {
      const per = Math.ceil(j.B / n / 4) * 4;
      const jobs: FusedJob[] = [];
      for (let b0 = 0; b0 < j.B; b0 += per) jobs.push({ ...j, b0, b1: Math.min(j.B, b0 + per) });
      pool.run(jobs);
    },
  };
}
