/**
 * The classic "Dinosaurus Island" assignment, faithfully, on the plain-TypeScript step-by-step RNN
 * of `rnn/rnn-step.ts`: a vanilla RNN with 50 hidden units, SGD on **one name per iteration**,
 * learning rate 0.01, every gradient element clipped to ±5, the hidden state carried from one name
 * to the next, and a smoothed loss `L̄ ← 0.999 L̄ + 0.001 L`. Every `sampleEvery` iterations it prints
 * the smoothed loss and 7 sampled names; sampling stops at the newline or after 50 characters.
 *
 * ```ts
 * const run = await trainClassic(split.train, { numIterations: 35000 }); // run.params, run.history
 * classicSample(run.params, run.chars, new Rng(0));                     // e.g. "macrosaurus"
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { dataFingerprint, trainOrLoad } from "../checkpoint/cache";
import { Rng } from "../data/rng";
import { scaled } from "../quick";
import {
  Mat,
  RnnStepParams,
  mat,
  numericalGradient,
  randnMat,
  relativeError,
  rnnBackward,
  rnnCellForward,
  rnnForward,
} from "../rnn/rnn-step";

/** The end-of-name character of the classic path (index 0 of its vocabulary). */
export const NEWLINE = "\n";

/** Hyperparameters of the classic path; the defaults are the assignment's. */
export interface ClassicConfig {
  /** Hidden units `n_a`. Default 50. */
  readonly numHiddens?: number;
  /** SGD learning rate. Default 0.01. */
  readonly lr?: number;
  /** Every gradient element is clipped to `[−clipValue, clipValue]`. Default 5. */
  readonly clipValue?: number;
  /** Iterations (one name each) at full settings; the run does `scaled(numIterations)`. Default 35,000. */
  readonly numIterations?: number;
  /** Print the smoothed loss and samples every this many iterations (scaled like the budget). Default 2,000. */
  readonly sampleEvery?: number;
  /** Names sampled at each report. Default 7. */
  readonly numSamples?: number;
  /** A sample stops after this many characters if no newline came. Default 50. */
  readonly maxLength?: number;
  /** Seed of the initial weights, the shuffle of the names and the samples. Default 0. */
  readonly seed?: number;
}

/** The defaults of {@link ClassicConfig}. */
export const CLASSIC_DEFAULTS: Required<ClassicConfig> = {
  numHiddens: 50,
  lr: 0.01,
  clipValue: 5,
  numIterations: 35000,
  sampleEvery: 2000,
  numSamples: 7,
  maxLength: 50,
  seed: 0,
};

/** One report: the smoothed loss at an iteration and the names sampled there. */
export interface ClassicReport {
  readonly iteration: number;
  readonly smoothedLoss: number;
  readonly samples: readonly string[];
}

/** What a classic run records. */
export interface ClassicHistory {
  /** Iterations done (after scaling). */
  readonly iterations: number;
  /** Smoothed loss after the last iteration. */
  readonly finalSmoothedLoss: number;
  /** Wall time of the training, in seconds. */
  readonly seconds: number;
  /** Iteration numbers of the loss curve (about 200 points). */
  readonly curveIterations: readonly number[];
  /** Smoothed loss at those iterations. */
  readonly curveLoss: readonly number[];
  readonly reports: readonly ClassicReport[];
}

/** A trained classic model. */
export interface ClassicRun {
  readonly params: RnnStepParams;
  /** The vocabulary: `chars[0]` is the newline, then the letters in sorted order. */
  readonly chars: readonly string[];
  readonly history: ClassicHistory;
  /** True when the weights came from the training cache. */
  readonly fromCache: boolean;
}

/** The assignment's vocabulary: the newline first, then every letter of `names`, sorted. */
export function classicVocab(names: readonly string[]): string[] {
  const letters = new Set<string>();
  for (const n of names) for (const c of n) letters.add(c);
  return [NEWLINE, ...[...letters].sort()];
}

/** Initial parameters as in the assignment: weights `N(0, 0.01²)`, biases zero. */
export function initClassicParams(vocabSize: number, numHiddens: number, seed: number): RnnStepParams {
  const rand = new Rng(seed);
  return {
    Wax: randnMat(numHiddens, vocabSize, rand, 0.01),
    Waa: randnMat(numHiddens, numHiddens, rand, 0.01),
    ba: mat(numHiddens, 1),
    Wya: randnMat(vocabSize, numHiddens, rand, 0.01),
    by: mat(vocabSize, 1),
  };
}

/** Gradients of the classic loss with respect to every parameter. */
export interface ClassicGrads {
  readonly dWax: Mat;
  readonly dWaa: Mat;
  readonly dba: Mat;
  readonly dWya: Mat;
  readonly dby: Mat;
}

/** One-hot column `(n, 1)`, or zeros when `id` is `null` (the assignment's first input). */
function oneHotColumn(id: number | null, n: number): Mat {
  const x = mat(n, 1);
  if (id !== null) x.data[id] = 1;
  return x;
}

/**
 * Forward and backward over one name. `X[0]` is `null` (a zero input), `Y[t] = X[t+1]`, the last
 * target is the newline. The loss is the **sum** of `−log ŷ⟨t⟩[Y[t]]` over the steps, as in the assignment.
 * @returns the loss, the gradients and the last hidden state `(n_a, 1)`.
 */
export function classicLossAndGrads(
  X: readonly (number | null)[],
  Y: readonly number[],
  aPrev: Mat,
  params: RnnStepParams,
): { loss: number; grads: ClassicGrads; aLast: Mat } {
  if (X.length !== Y.length) throw new Error(`classicLossAndGrads: ${X.length} inputs but ${Y.length} targets; give one target per input.`);
  const n_x = params.Wax.cols;
  const n_y = params.Wya.rows;
  const n_a = params.Waa.rows;
  const { a, yPred, caches } = rnnForward(
    X.map((id) => oneHotColumn(id, n_x)),
    aPrev,
    params,
  );
  let loss = 0;
  const dWya = mat(n_y, n_a);
  const dby = mat(n_y, 1);
  const da: Mat[] = [];
  for (let t = 0; t < X.length; t++) {
    loss -= Math.log(yPred[t].data[Y[t]]); // L⟨t⟩ = −log ŷ⟨t⟩[y⟨t⟩]
    const dy = mat(n_y, 1, yPred[t].data);
    dy.data[Y[t]] -= 1; // ∂L/∂z_y = ŷ − y (softmax + cross-entropy)
    const daT = mat(n_a, 1);
    for (let i = 0; i < n_y; i++) {
      dby.data[i] += dy.data[i]; // ∂L/∂by += dy
      for (let k = 0; k < n_a; k++) {
        dWya.data[i * n_a + k] += dy.data[i] * a[t].data[k]; // ∂L/∂Wya += dy a⟨t⟩ᵀ
        daT.data[k] += params.Wya.data[i * n_a + k] * dy.data[i]; // ∂L/∂a⟨t⟩ = Wyaᵀ dy
      }
    }
    da.push(daT);
  }
  const g = rnnBackward(da, caches); // backpropagation through time for Wax, Waa, ba
  return { loss, grads: { dWax: g.dWax, dWaa: g.dWaa, dba: g.dba, dWya, dby }, aLast: a[a.length - 1] };
}

/** Clips every gradient element to `[−maxValue, maxValue]`, in place. */
export function clipClassicGrads(grads: ClassicGrads, maxValue: number): void {
  for (const g of Object.values(grads) as Mat[]) {
    for (let i = 0; i < g.data.length; i++) g.data[i] = Math.min(maxValue, Math.max(-maxValue, g.data[i]));
  }
}

/** One SGD step `θ ← θ − lr · ∂L/∂θ`, in place. */
export function sgdStep(params: RnnStepParams, grads: ClassicGrads, lr: number): void {
  const pairs: [Mat, Mat][] = [
    [params.Wax, grads.dWax],
    [params.Waa, grads.dWaa],
    [params.ba, grads.dba],
    [params.Wya, grads.dWya],
    [params.by, grads.dby],
  ];
  for (const [p, g] of pairs) for (let i = 0; i < p.data.length; i++) p.data[i] -= lr * g.data[i];
}

/** The inputs and targets of one name: `X = [null, c₁ … cₙ]`, `Y = [c₁ … cₙ, newline]`. */
export function classicExample(name: string, chars: readonly string[]): { X: (number | null)[]; Y: number[] } {
  const ids = [...name].map((c) => {
    const i = chars.indexOf(c);
    if (i < 0) throw new Error(`classicExample: "${c}" in "${name}" is not in the vocabulary; build it with classicVocab(names).`);
    return i;
  });
  return { X: [null, ...ids], Y: [...ids, 0] };
}

/**
 * Per-character perplexity of the classic model on `names`: each name read from a zero input and a zero state, every
 * letter and the closing newline predicted (the newline plays the part of the modern model's `<eos>`, so the two
 * models' perplexities on the same held-out names compare directly).
 * @throws Error when `names` is empty or holds a character outside `chars`.
 */
export function classicPerplexity(params: RnnStepParams, chars: readonly string[], names: readonly string[]): number {
  if (names.length === 0) throw new Error("classicPerplexity: no names; give at least one (e.g. the held-out names).");
  const n_x = params.Wax.cols;
  let loss = 0;
  let tokens = 0;
  for (const name of names) {
    const { X, Y } = classicExample(name, chars);
    const { yPred } = rnnForward(
      X.map((id) => oneHotColumn(id, n_x)),
      mat(params.Waa.rows, 1),
      params,
    );
    Y.forEach((y, t) => (loss -= Math.log(yPred[t].data[y]))); // −log ŷ⟨t⟩[y⟨t⟩]
    tokens += Y.length;
  }
  return Math.exp(loss / tokens);
}

/**
 * Samples one name, as in the assignment: start from a zero input and a zero state, draw each
 * character from `ŷ⟨t⟩`, feed it back, stop at the newline or after `maxLength` characters.
 * @returns the name without its newline.
 */
export function classicSample(params: RnnStepParams, chars: readonly string[], rng: Rng, maxLength = CLASSIC_DEFAULTS.maxLength): string {
  const n_x = params.Wax.cols;
  let x = oneHotColumn(null, n_x);
  let a = mat(params.Waa.rows, 1);
  let out = "";
  for (let t = 0; t < maxLength; t++) {
    const step = rnnCellForward(x, a, params);
    const idx = rng.categorical(step.yPred.data); // draw from ŷ⟨t⟩
    if (idx === 0) break; // the newline ends the name
    out += chars[idx];
    x = oneHotColumn(idx, n_x);
    a = step.aNext;
  }
  return out;
}

/** Options of {@link trainClassic} besides the hyperparameters. */
export interface ClassicRunOptions {
  /** Where report lines go; default `console.log`. `null` for silence. */
  readonly print?: ((line: string) => void) | null;
}

/** One report as the assignment prints it: `Iteration 2000, smoothed loss 27.88: name · name · …`. */
export function formatClassicReport(r: ClassicReport): string {
  return `Iteration ${r.iteration.toLocaleString("en-US")}, smoothed loss ${r.smoothedLoss.toFixed(3)}: ${r.samples.join(" · ")}`;
}

/** Lets the event loop run, so printed lines reach the notebook while training goes on. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Trains the classic model on `names` and returns its parameters and history. */
export async function trainClassic(
  names: readonly string[],
  config: ClassicConfig = {},
  opts: ClassicRunOptions = {},
): Promise<ClassicRun> {
  const c = { ...CLASSIC_DEFAULTS, ...config };
  if (names.length === 0) throw new Error("trainClassic: no names to train on.");
  const print = opts.print === null ? () => undefined : (opts.print ?? ((l: string) => console.log(l)));
  const chars = classicVocab(names);
  const params = initClassicParams(chars.length, c.numHiddens, c.seed);
  const examples = new Rng(c.seed).shuffle([...names]).map((n) => classicExample(n, chars));
  const iterations = scaled(c.numIterations);
  const sampleEvery = scaled(c.sampleEvery);
  const curveEvery = Math.max(1, Math.floor(iterations / 200));
  const sampleRng = new Rng(c.seed + 1);
  let smoothed = -Math.log(1 / chars.length) * c.numSamples; // the assignment's starting value
  let aPrev = mat(c.numHiddens, 1);
  const curveIterations: number[] = [];
  const curveLoss: number[] = [];
  const reports: ClassicReport[] = [];
  const t0 = Date.now();
  for (let j = 0; j < iterations; j++) {
    const { X, Y } = examples[j % examples.length];
    const { loss, grads, aLast } = classicLossAndGrads(X, Y, aPrev, params);
    clipClassicGrads(grads, c.clipValue);
    sgdStep(params, grads, c.lr);
    aPrev = aLast; // the hidden state carries over to the next name, as in the assignment
    smoothed = smoothed * 0.999 + loss * 0.001;
    if ((j + 1) % curveEvery === 0) {
      curveIterations.push(j + 1);
      curveLoss.push(smoothed);
    }
    if (j % sampleEvery === 0) {
      const samples = Array.from({ length: c.numSamples }, () => classicSample(params, chars, sampleRng, c.maxLength));
      const report = { iteration: j, smoothedLoss: smoothed, samples };
      reports.push(report);
      print(formatClassicReport(report));
      await yieldToEventLoop();
    }
  }
  const history: ClassicHistory = {
    iterations,
    finalSmoothedLoss: smoothed,
    seconds: (Date.now() - t0) / 1000,
    curveIterations,
    curveLoss,
    reports,
  };
  return { params, chars, history, fromCache: false };
}

const PARAM_NAMES = ["Wax", "Waa", "ba", "Wya", "by"] as const;

/**
 * {@link trainClassic} behind the training cache: with the same names and settings, a rerun loads
 * the saved weights and prints the saved reports instead of training again (the weights go through
 * float32 on the way).
 */
export async function trainClassicOrLoad(
  names: readonly string[],
  config: ClassicConfig = {},
  opts: ClassicRunOptions & { readonly force?: boolean } = {},
): Promise<ClassicRun> {
  const c = { ...CLASSIC_DEFAULTS, ...config };
  const chars = classicVocab(names);
  const params = initClassicParams(chars.length, c.numHiddens, c.seed);
  const vars = PARAM_NAMES.map((k) => tf.tidy(() => tf.variable(tf.zeros([params[k].rows, params[k].cols]), false)));
  try {
    let run: ClassicRun | undefined;
    const result = await trainOrLoad<ClassicHistory>({
      name: "dino-classic",
      settings: { ...c, data: dataFingerprint(names) },
      vocab: chars,
      force: opts.force,
      variables: () => vars,
      train: async () => {
        run = await trainClassic(names, c, opts);
        const trained = run.params;
        PARAM_NAMES.forEach((k, i) =>
          tf.tidy(() => vars[i].assign(tf.tensor2d(Float32Array.from(trained[k].data), [trained[k].rows, trained[k].cols]))),
        );
        return run.history;
      },
    });
    if (run !== undefined) return run;
    PARAM_NAMES.forEach((k, i) => params[k].data.set(vars[i].dataSync()));
    const print = opts.print === null ? () => undefined : (opts.print ?? ((l: string) => console.log(l)));
    result.history.reports.forEach((r) => print(formatClassicReport(r)));
    return { params, chars, history: result.history, fromCache: true };
  } finally {
    vars.forEach((v) => v.dispose());
  }
}

// ---------------------------------------------------------------- gradient check

/** Relative error `‖g − g_num‖ / (‖g‖ + ‖g_num‖)` of each parameter of the classic model. */
export type ClassicGradCheck = Record<(typeof PARAM_NAMES)[number] | "max", number>;

/**
 * Checks {@link classicLossAndGrads} (output layer, softmax cross-entropy and BPTT) against central
 * differences on a small random model and a random name. Errors below `1e-5` mean the gradients are right.
 */
export function classicGradientCheck(
  config: { readonly vocabSize?: number; readonly numHiddens?: number; readonly length?: number; readonly seed?: number } = {},
): ClassicGradCheck {
  const { vocabSize = 5, numHiddens = 6, length = 5, seed = 3 } = config;
  const rand = new Rng(seed + 77);
  const params: { -readonly [K in keyof RnnStepParams]: Mat } = { ...initClassicParams(vocabSize, numHiddens, seed) };
  // Larger weights than the 0.01 initialisation, so the tanh and the softmax are far from linear.
  for (const k of PARAM_NAMES) params[k] = randnMat(params[k].rows, params[k].cols, rand, 0.5);
  const ids = Array.from({ length }, () => 1 + rand.int(vocabSize - 1));
  const X = [null, ...ids];
  const Y = [...ids, 0];
  const aPrev = randnMat(numHiddens, 1, rand, 0.5);
  const { grads } = classicLossAndGrads(X, Y, aPrev, params);
  const loss = (): number => classicLossAndGrads(X, Y, aPrev, params).loss;
  const analytic: Record<(typeof PARAM_NAMES)[number], Mat> = {
    Wax: grads.dWax,
    Waa: grads.dWaa,
    ba: grads.dba,
    Wya: grads.dWya,
    by: grads.dby,
  };
  const eps = 1e-6;
  const out: Partial<ClassicGradCheck> = {};
  for (const k of PARAM_NAMES) out[k] = relativeError(analytic[k].data, numericalGradient(params[k], loss, eps));
  return { ...(out as Record<(typeof PARAM_NAMES)[number], number>), max: Math.max(...PARAM_NAMES.map((k) => out[k] as number)) };
}
