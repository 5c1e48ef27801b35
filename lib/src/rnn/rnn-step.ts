/**
 * A vanilla RNN written step by step in plain TypeScript (no tfjs), forward *and* backward, so that
 * backpropagation through time is visible line by line. Shapes follow the column convention of the
 * "Building your RNN step by step" assignment:
 *
 * - `n_x` input features, `n_a` hidden units, `n_y` outputs, `m` examples in the batch, `T_x` steps;
 * - one step's input `xt` is `(n_x, m)`: one **column** per example;
 * - a whole sequence is an array over time, `x[t]` being `(n_x, m)` for `t = 0 … T_x - 1`.
 *
 * All numbers are float64, so gradient checks can reach relative errors far below `1e-5`.
 *
 * ```ts
 * const p = initRnnStepParams({ n_x: 3, n_a: 5, n_y: 2, seed: 1 });
 * const { a, caches } = rnnForward(x, a0, p);
 * const grads = rnnBackward(da, caches);
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import { Rng } from "../data/rng";

/** A dense row-major matrix: element `(i, j)` is `data[i * cols + j]`. */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Parameters of the step-by-step RNN. */
export interface RnnStepParams {
  /** Input-to-hidden weights, `(n_a, n_x)`. */
  readonly Wax: Mat;
  /** Hidden-to-hidden weights, `(n_a, n_a)`. */
  readonly Waa: Mat;
  /** Hidden bias, `(n_a, 1)`. */
  readonly ba: Mat;
  /** Hidden-to-output weights, `(n_y, n_a)`. */
  readonly Wya: Mat;
  /** Output bias, `(n_y, 1)`. */
  readonly by: Mat;
}

/** What one forward step remembers for its backward step. */
export interface RnnStepCache {
  /** New hidden state `a⟨t⟩`, `(n_a, m)`. */
  readonly aNext: Mat;
  /** Previous hidden state `a⟨t-1⟩`, `(n_a, m)`. */
  readonly aPrev: Mat;
  /** Input `x⟨t⟩`, `(n_x, m)`. */
  readonly xt: Mat;
  readonly params: RnnStepParams;
}

/** Gradients of one backward step. */
export interface RnnCellGrads {
  /** `(n_x, m)` */
  readonly dxt: Mat;
  /** `(n_a, m)`: the gradient that flows on to step `t - 1`. */
  readonly daPrev: Mat;
  /** `(n_a, n_x)` */
  readonly dWax: Mat;
  /** `(n_a, n_a)` */
  readonly dWaa: Mat;
  /** `(n_a, 1)` */
  readonly dba: Mat;
}

/** Gradients of a whole sequence. */
export interface RnnGrads {
  /** `dx[t]` is `(n_x, m)`. */
  readonly dx: Mat[];
  /** Gradient with respect to the initial state, `(n_a, m)`. */
  readonly da0: Mat;
  readonly dWax: Mat;
  readonly dWaa: Mat;
  readonly dba: Mat;
}

// ---------------------------------------------------------------- tiny matrix helpers

/** A `(rows, cols)` matrix of zeros, or filled from `values` (row-major). */
export function mat(rows: number, cols: number, values?: ArrayLike<number>): Mat {
  const data = new Float64Array(rows * cols);
  if (values !== undefined) {
    if (values.length !== rows * cols) {
      throw new Error(`mat: ${values.length} values cannot fill a (${rows}, ${cols}) matrix; give ${rows * cols}.`);
    }
    data.set(values);
  }
  return { rows, cols, data };
}

function matmul(A: Mat, B: Mat): Mat {
  if (A.cols !== B.rows) throw new Error(`matmul: (${A.rows}, ${A.cols}) · (${B.rows}, ${B.cols}) do not fit.`);
  const C = mat(A.rows, B.cols);
  for (let i = 0; i < A.rows; i++) {
    for (let k = 0; k < A.cols; k++) {
      const a = A.data[i * A.cols + k];
      if (a === 0) continue;
      for (let j = 0; j < B.cols; j++) C.data[i * B.cols + j] += a * B.data[k * B.cols + j];
    }
  }
  return C;
}

function transpose(A: Mat): Mat {
  const T = mat(A.cols, A.rows);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) T.data[j * A.rows + i] = A.data[i * A.cols + j];
  return T;
}

function addInPlace(A: Mat, B: Mat): void {
  for (let i = 0; i < A.data.length; i++) A.data[i] += B.data[i];
}

/** Sum over columns: `(r, c) → (r, 1)`. */
function sumColumns(A: Mat): Mat {
  const s = mat(A.rows, 1);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) s.data[i] += A.data[i * A.cols + j];
  return s;
}

/** Adds a column vector `(r, 1)` to every column of `A` `(r, c)`. */
function addColumn(A: Mat, b: Mat): Mat {
  const C = mat(A.rows, A.cols, A.data);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) C.data[i * A.cols + j] += b.data[i];
  return C;
}

/** Column-wise softmax: each example (column) becomes a probability distribution. */
function softmaxColumns(Z: Mat): Mat {
  const P = mat(Z.rows, Z.cols);
  for (let j = 0; j < Z.cols; j++) {
    let max = -Infinity;
    for (let i = 0; i < Z.rows; i++) max = Math.max(max, Z.data[i * Z.cols + j]);
    let sum = 0;
    for (let i = 0; i < Z.rows; i++) sum += P.data[i * Z.cols + j] = Math.exp(Z.data[i * Z.cols + j] - max);
    for (let i = 0; i < Z.rows; i++) P.data[i * Z.cols + j] /= sum;
  }
  return P;
}

/** Frobenius norm `‖A‖`. */
export function matNorm(A: Mat): number {
  let s = 0;
  for (const v of A.data) s += v * v;
  return Math.sqrt(s);
}

/** A `(rows, cols)` matrix of normal numbers with standard deviation `std`, drawn from the course's seeded {@link Rng}. */
export function randnMat(rows: number, cols: number, rng: Rng, std = 1): Mat {
  const A = mat(rows, cols);
  for (let i = 0; i < A.data.length; i++) A.data[i] = rng.normal(0, std);
  return A;
}

/** Sizes and seed for {@link initRnnStepParams}. */
export interface RnnStepSizes {
  readonly n_x: number;
  readonly n_a: number;
  readonly n_y: number;
  /** Seed of the normal initialisation. Default 0. */
  readonly seed?: number;
  /** Standard deviation of every weight and bias. Default 0.5, large enough that tanh is not linear. */
  readonly std?: number;
}

/** Random parameters with the shapes of {@link RnnStepParams}. */
export function initRnnStepParams(sizes: RnnStepSizes): RnnStepParams {
  const rand = new Rng(sizes.seed ?? 0);
  const std = sizes.std ?? 0.5;
  const { n_x, n_a, n_y } = sizes;
  return {
    Wax: randnMat(n_a, n_x, rand, std),
    Waa: randnMat(n_a, n_a, rand, std),
    ba: randnMat(n_a, 1, rand, std),
    Wya: randnMat(n_y, n_a, rand, std),
    by: randnMat(n_y, 1, rand, std),
  };
}

// ---------------------------------------------------------------- forward

/**
 * One RNN step: `a⟨t⟩ = tanh(Wax x⟨t⟩ + Waa a⟨t-1⟩ + ba)` and `ŷ⟨t⟩ = softmax(Wya a⟨t⟩ + by)`.
 * @param xt `(n_x, m)`
 * @param aPrev `(n_a, m)`
 * @returns `aNext` `(n_a, m)`, `yPred` `(n_y, m)` and the cache for {@link rnnCellBackward}.
 */
export function rnnCellForward(xt: Mat, aPrev: Mat, params: RnnStepParams): { aNext: Mat; yPred: Mat; cache: RnnStepCache } {
  const { Wax, Waa, ba, Wya, by } = params;
  if (xt.rows !== Wax.cols) throw new Error(`rnnCellForward: xt has ${xt.rows} rows but Wax expects n_x = ${Wax.cols}.`);
  if (aPrev.rows !== Waa.cols || aPrev.cols !== xt.cols) {
    throw new Error(`rnnCellForward: aPrev is (${aPrev.rows}, ${aPrev.cols}); expected (n_a, m) = (${Waa.cols}, ${xt.cols}).`);
  }
  const Z = matmul(Wax, xt); // (n_a, m)
  addInPlace(Z, matmul(Waa, aPrev)); // + Waa a⟨t-1⟩
  const aNext = addColumn(Z, ba); // + ba, then tanh below
  for (let i = 0; i < aNext.data.length; i++) aNext.data[i] = Math.tanh(aNext.data[i]);
  const yPred = softmaxColumns(addColumn(matmul(Wya, aNext), by)); // (n_y, m)
  return { aNext, yPred, cache: { aNext, aPrev, xt, params } };
}

/**
 * Runs {@link rnnCellForward} over `T_x` steps, feeding each hidden state into the next step.
 * @param x `x[t]` is `(n_x, m)`
 * @param a0 initial hidden state, `(n_a, m)`
 * @returns `a[t]` `(n_a, m)`, `yPred[t]` `(n_y, m)`, and one cache per step.
 */
export function rnnForward(x: readonly Mat[], a0: Mat, params: RnnStepParams): { a: Mat[]; yPred: Mat[]; caches: RnnStepCache[] } {
  if (x.length === 0) throw new Error("rnnForward: the sequence x is empty; give at least one step.");
  const a: Mat[] = [];
  const yPred: Mat[] = [];
  const caches: RnnStepCache[] = [];
  let aPrev = a0;
  for (const xt of x) {
    const step = rnnCellForward(xt, aPrev, params);
    a.push(step.aNext);
    yPred.push(step.yPred);
    caches.push(step.cache);
    aPrev = step.aNext;
  }
  return { a, yPred, caches };
}

// ---------------------------------------------------------------- backward

/**
 * Backward through one step. Given `daNext = ∂L/∂a⟨t⟩`, returns the gradients of the step's inputs
 * and parameters. Everything goes through `dz = daNext ⊙ (1 − a⟨t⟩²)`, the gradient before the tanh
 * (`tanh′(z) = 1 − tanh(z)²`); one comment per line gives the formula.
 * @param daNext `(n_a, m)`
 */
export function rnnCellBackward(daNext: Mat, cache: RnnStepCache): RnnCellGrads {
  const { aNext, aPrev, xt, params } = cache;
  const dz = mat(daNext.rows, daNext.cols); // (n_a, m): gradient before the tanh
  for (let i = 0; i < dz.data.length; i++) dz.data[i] = daNext.data[i] * (1 - aNext.data[i] * aNext.data[i]);
  const dxt = matmul(transpose(params.Wax), dz); // ∂L/∂x⟨t⟩ = Waxᵀ dz, (n_x, m)
  const dWax = matmul(dz, transpose(xt)); // ∂L/∂Wax = dz x⟨t⟩ᵀ, (n_a, n_x)
  const daPrev = matmul(transpose(params.Waa), dz); // ∂L/∂a⟨t-1⟩ = Waaᵀ dz, (n_a, m)
  const dWaa = matmul(dz, transpose(aPrev)); // ∂L/∂Waa = dz a⟨t-1⟩ᵀ, (n_a, n_a)
  const dba = sumColumns(dz); // ∂L/∂ba = Σ over the batch of dz, (n_a, 1)
  return { dxt, daPrev, dWax, dWaa, dba };
}

/**
 * Backpropagation through time. `da[t] = ∂L/∂a⟨t⟩` is the gradient arriving at each hidden state
 * from *outside* the recurrence (e.g. from that step's output); the gradient flowing back from step
 * `t + 1` is added to it before step `t` is differentiated. Parameter gradients sum over steps,
 * because the same weights are used at every step.
 * @param da `da[t]` is `(n_a, m)`, one per step
 */
export function rnnBackward(da: readonly Mat[], caches: readonly RnnStepCache[]): RnnGrads {
  if (da.length !== caches.length) throw new Error(`rnnBackward: ${da.length} gradients for ${caches.length} steps; give one per step.`);
  const { Wax } = caches[0].params;
  const n_a = Wax.rows;
  const m = caches[0].xt.cols;
  const dx: Mat[] = new Array<Mat>(caches.length);
  const dWax = mat(n_a, Wax.cols);
  const dWaa = mat(n_a, n_a);
  const dba = mat(n_a, 1);
  let daPrevT = mat(n_a, m); // gradient flowing back from step t + 1 (zero after the last step)
  for (let t = caches.length - 1; t >= 0; t--) {
    const daT = mat(n_a, m, da[t].data);
    addInPlace(daT, daPrevT); // total ∂L/∂a⟨t⟩ = outside + from the future
    const g = rnnCellBackward(daT, caches[t]);
    dx[t] = g.dxt;
    addInPlace(dWax, g.dWax); // shared weights: gradients add up over time
    addInPlace(dWaa, g.dWaa);
    addInPlace(dba, g.dba);
    daPrevT = g.daPrev;
  }
  return { dx, da0: daPrevT, dWax, dWaa, dba };
}

// ---------------------------------------------------------------- gradient check

/**
 * A scalar loss of the hidden states, `L = Σ_t Σ G⟨t⟩ ⊙ a⟨t⟩`: a fixed random probe `G` makes every
 * hidden state matter, and `∂L/∂a⟨t⟩ = G⟨t⟩` exactly.
 */
export function probeLoss(x: readonly Mat[], a0: Mat, params: RnnStepParams, G: readonly Mat[]): number {
  const { a } = rnnForward(x, a0, params);
  let L = 0;
  for (let t = 0; t < a.length; t++) for (let i = 0; i < a[t].data.length; i++) L += G[t].data[i] * a[t].data[i];
  return L;
}

/** Relative error `‖g − g_num‖ / (‖g‖ + ‖g_num‖)` of each parameter, as the gradient check reports it. */
export interface GradCheckReport {
  readonly Wax: number;
  readonly Waa: number;
  readonly ba: number;
  readonly a0: number;
  readonly x: number;
  /** The largest of the errors above. */
  readonly max: number;
}

/** Options of {@link rnnGradientCheck}. */
export interface GradCheckConfig {
  readonly n_x?: number;
  readonly n_a?: number;
  readonly m?: number;
  readonly T_x?: number;
  readonly seed?: number;
  /** Step of the central difference. Default `1e-6`. */
  readonly epsilon?: number;
}

/** Relative error `‖a − b‖ / (‖a‖ + ‖b‖)` of two gradients (0 when both are zero). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  const denom = Math.sqrt(na) + Math.sqrt(nb);
  return denom === 0 ? 0 : Math.sqrt(diff) / denom;
}

/** Central differences `(L(θ+ε) − L(θ−ε)) / 2ε` for every element of `target`, in place of the analytic gradient. */
export function numericalGradient(target: Mat, loss: () => number, epsilon: number): Float64Array {
  const g = new Float64Array(target.data.length);
  for (let i = 0; i < g.length; i++) {
    const keepValue = target.data[i];
    target.data[i] = keepValue + epsilon;
    const plus = loss();
    target.data[i] = keepValue - epsilon;
    const minus = loss();
    target.data[i] = keepValue;
    g[i] = (plus - minus) / (2 * epsilon);
  }
  return g;
}

/**
 * Checks {@link rnnBackward} against numerical gradients on a random problem and returns the
 * relative error per parameter. Errors below `1e-7` mean the backward pass is right.
 */
export function rnnGradientCheck(config: GradCheckConfig = {}): GradCheckReport {
  const { n_x = 3, n_a = 5, m = 4, T_x = 6, seed = 1, epsilon = 1e-6 } = config;
  const rand = new Rng(seed + 1000);
  const params = initRnnStepParams({ n_x, n_a, n_y: 2, seed });
  const x = Array.from({ length: T_x }, () => randnMat(n_x, m, rand));
  const a0 = randnMat(n_a, m, rand, 0.5);
  const G = Array.from({ length: T_x }, () => randnMat(n_a, m, rand));
  const { caches } = rnnForward(x, a0, params);
  const grads = rnnBackward(G, caches);
  const loss = (): number => probeLoss(x, a0, params, G);
  const err = (target: Mat, analytic: Mat): number => relativeError(analytic.data, numericalGradient(target, loss, epsilon));
  let xErr = 0;
  for (let t = 0; t < T_x; t++) xErr = Math.max(xErr, err(x[t], grads.dx[t]));
  const report = {
    Wax: err(params.Wax, grads.dWax),
    Waa: err(params.Waa, grads.dWaa),
    ba: err(params.ba, grads.dba),
    a0: err(a0, grads.da0),
    x: xErr,
  };
  return { ...report, max: Math.max(...Object.values(report)) };
}
