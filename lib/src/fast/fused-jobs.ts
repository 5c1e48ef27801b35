/**
 * The units of work a thread of the fused kernels runs. Plain data (byte offsets into the kernels'
 * memory, and sizes), so they cross threads. `fused-core.ts` makes and runs them; `fused-threads.ts`
 * hands them to a worker.
 */
import type { CellKind } from "../cells";

/** A row-split multiply: `C[M, N] (+)= A[M, K]·B[K, N]`; threads take contiguous rows of A and C. */
export interface FusedGemmJob {
  fn: "gemm" | "gemmPacked";
  a: number;
  b: number;
  c: number;
  M: number;
  K: number;
  N: number;
  acc: number;
  /** gemmPacked: scratch for thread i starts at `scratch + i·scratchBytes`. */
  scratch?: number;
  scratchBytes?: number;
}

/** What both time-loop jobs carry. */
export interface StepsJobBase {
  cell: CellKind;
  T: number;
  B: number;
  H: number;
  /** Batch rows `[b0, b1)` this thread runs. */
  b0: number;
  b1: number;
  hs: number;
  gates?: number;
}

/** The forward time loop (see {@link fusedForwardSteps}); pointers into the kernels' memory. */
export interface FusedForwardJob extends StepsJobBase {
  fn: "forward";
  Z: number;
  U: number;
  Uzr: number;
  Uh: number;
  /** The recurrent weights packed for `gemmPre`. */
  Upk: number;
  Uzrpk: number;
  Uhpk: number;
  cs: number;
  tcs: number;
  rh: number;
  zr: number;
  hhPre: number;
}

/** The backward time loop (see {@link fusedBackwardSteps}). */
export interface FusedBackwardJob extends StepsJobBase {
  fn: "backward";
  dY: number;
  dZ: number;
  dh: number;
  dhPrev: number;
  dc: number;
  gates: number;
  cs: number;
  tcs: number;
  rh: number;
  UT: number;
  UzrT: number;
  UhT: number;
  UTpk: number;
  UzrTpk: number;
  UhTpk: number;
  dZR: number;
  dAH: number;
  drh: number;
  /** Valid lengths, int32 `[B]` for the whole batch (rows are absolute), or 0 for none (every row `T`). */
  lens: number;
  /** With `lens`: gradients on the final state `[B, H]` (0 for none), added at each row's last valid step. */
  dhT: number;
  dcT: number;
}

/** Any job. */
export type FusedJob = FusedGemmJob | FusedForwardJob | FusedBackwardJob;
