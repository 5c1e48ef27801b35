/**
 * A linear probe: multinomial logistic regression from plain feature vectors (a layer's hidden states)
 * to classes, trained from scratch in plain JavaScript,
 *
 * ```text
 * P(y = k | x) = softmax(x W + b)_k                    W: [D, C], b: [C]
 * loss = mean over a minibatch of −log P(y | x) + (l2 / 2) ‖W‖²
 * ```
 *
 * by minibatch Adam on features standardised with the training part's mean and deviation. No tensors:
 * 20 000 examples × 64 features take a few hundred milliseconds, and the split and the order of the
 * examples come from the course's seeded {@link Rng}, so a probe gives the same numbers on every rerun.
 *
 * ```ts
 * const r = trainProbe(states, labels); // states [N][D], labels [N] (classes 0 … C − 1)
 * r.accuracy;                           // test accuracy, to compare with r.baseline (the majority class)
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import { Rng } from "../data/rng";

/** Training settings of a probe (every field has a default). */
export interface ProbeConfig {
  /** Share of the examples held out to measure the probe. Default 0.25. */
  readonly testFraction?: number;
  /** Passes over the training part. Default 8. */
  readonly epochs?: number;
  /** Examples per Adam step. Default 64. */
  readonly batchSize?: number;
  /** Adam's learning rate. Default 0.01. */
  readonly lr?: number;
  /** L2 penalty on the weights (keeps a probe of separable data finite). Default 1e-4. */
  readonly l2?: number;
  /** Seed of the split and of the order of the examples. Default 0. */
  readonly seed?: number;
}

/** How well a probe reads a property. Accuracies are shares in `[0, 1]`. */
export interface ProbeResult {
  /** Accuracy on the held-out examples: what the probe really reads off the features. */
  readonly accuracy: number;
  /** Accuracy on the examples it was trained on. */
  readonly trainAccuracy: number;
  /** Test accuracy of always answering the most frequent class of the training part: chance level. */
  readonly baseline: number;
  /** Classes: `1 + the largest label`. */
  readonly numClasses: number;
  readonly numTrain: number;
  readonly numTest: number;
}

const PROBE_DEFAULTS = { testFraction: 0.25, epochs: 8, batchSize: 64, lr: 0.01, l2: 1e-4, seed: 0 } as const;

/** Adam's moment decay rates and its ε. */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** The predicted class of row `n` of `X` (`[N, D]`, row-major) under `W` (`[D, C]`) and `b` (`[C]`); `z` receives the logits. */
function logitsOf(X: Float32Array, n: number, D: number, C: number, W: Float64Array, b: Float64Array, z: Float64Array): number {
  const o = n * D;
  let best = 0;
  for (let c = 0; c < C; c++) z[c] = b[c];
  for (let d = 0; d < D; d++) {
    const x = X[o + d];
    if (x === 0) continue;
    const w = d * C;
    for (let c = 0; c < C; c++) z[c] += x * W[w + c]; // z = x W + b
  }
  for (let c = 1; c < C; c++) if (z[c] > z[best]) best = c;
  return best;
}

/**
 * Fits a multinomial logistic regression (a linear probe) from `features` to `labels` on a seeded
 * random part of the examples and measures it on the rest.
 * @param features one row of `D` numbers per example, `[N][D]`
 * @param labels one class per example, integers ≥ 0
 * @throws Error when the rows differ in length, a label is not an integer ≥ 0, or there are too few examples to split.
 */
export function trainProbe(features: readonly ArrayLike<number>[], labels: readonly number[], config: ProbeConfig = {}): ProbeResult {
  const { testFraction, epochs, batchSize, lr, l2, seed } = { ...PROBE_DEFAULTS, ...config };
  const N = features.length;
  if (labels.length !== N) throw new Error(`trainProbe: ${N} feature rows but ${labels.length} labels; give one label per row.`);
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`trainProbe: testFraction must be in (0, 1), got ${testFraction}.`);
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`trainProbe: epochs must be a positive integer, got ${epochs}.`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new Error(`trainProbe: batchSize must be a positive integer, got ${batchSize}.`);
  }
  if (!(lr > 0) || !(l2 >= 0)) throw new Error(`trainProbe: need lr > 0 and l2 ≥ 0, got lr ${lr}, l2 ${l2}.`);
  const numTest = Math.round(N * testFraction);
  if (numTest < 1 || N - numTest < 1) {
    throw new Error(`trainProbe: ${N} examples cannot be split into a training and a test part (testFraction ${testFraction}); give more.`);
  }
  const D = features[0].length;
  if (D < 1) throw new Error("trainProbe: the feature rows are empty.");
  let C = 0;
  labels.forEach((y, n) => {
    if (!(Number.isInteger(y) && y >= 0)) throw new Error(`trainProbe: label ${n} is ${y}; a label is a class, an integer ≥ 0.`);
    C = Math.max(C, y + 1);
  });
  C = Math.max(C, 2);

  // The seeded split: a shuffled order of the examples, the first numTest of them held out.
  const rng = new Rng(seed);
  const order = rng.shuffle(Array.from({ length: N }, (_, n) => n));
  const test = order.slice(0, numTest);
  const train = order.slice(numTest);

  // Standardise each feature with the training part's mean and standard deviation.
  const X = new Float32Array(N * D); // [N, D]
  features.forEach((row, n) => {
    if (row.length !== D) throw new Error(`trainProbe: row ${n} has ${row.length} features, row 0 has ${D}; every row needs as many.`);
    for (let d = 0; d < D; d++) X[n * D + d] = row[d];
  });
  for (let d = 0; d < D; d++) {
    let sum = 0;
    let sq = 0;
    for (const n of train) sum += X[n * D + d];
    const mean = sum / train.length;
    for (const n of train) sq += (X[n * D + d] - mean) ** 2;
    const std = Math.sqrt(sq / train.length);
    const scale = std > 1e-6 ? 1 / std : 0; // a constant feature carries nothing
    for (let n = 0; n < N; n++) X[n * D + d] = (X[n * D + d] - mean) * scale;
  }

  // Minibatch Adam on the mean cross-entropy + (l2 / 2)‖W‖².
  const W = new Float64Array(D * C); // [D, C]
  const b = new Float64Array(C); // [C]
  const gW = new Float64Array(D * C);
  const gb = new Float64Array(C);
  const mW = new Float64Array(D * C);
  const vW = new Float64Array(D * C);
  const mb = new Float64Array(C);
  const vb = new Float64Array(C);
  const z = new Float64Array(C);
  const adam = (p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, step: number): void => {
    const c1 = 1 - BETA1 ** step;
    const c2 = 1 - BETA2 ** step;
    for (let i = 0; i < p.length; i++) {
      m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
      p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + EPS);
    }
  };
  const shuffleRng = rng.fork();
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleRng.shuffle(train);
    for (let start = 0; start < train.length; start += batchSize) {
      const end = Math.min(start + batchSize, train.length);
      gW.fill(0);
      gb.fill(0);
      for (let k = start; k < end; k++) {
        const n = train[k];
        logitsOf(X, n, D, C, W, b, z);
        let max = -Infinity;
        for (let c = 0; c < C; c++) max = Math.max(max, z[c]);
        let sum = 0;
        for (let c = 0; c < C; c++) sum += z[c] = Math.exp(z[c] - max);
        for (let c = 0; c < C; c++) z[c] = (z[c] / sum - (c === labels[n] ? 1 : 0)) / (end - start); // ∂loss/∂z = (softmax(z) − onehot(y)) / B
        for (let c = 0; c < C; c++) gb[c] += z[c];
        const o = n * D;
        for (let d = 0; d < D; d++) {
          const x = X[o + d];
          const w = d * C;
          for (let c = 0; c < C; c++) gW[w + c] += x * z[c]; // ∂loss/∂W = xᵀ (softmax − onehot) / B
        }
      }
      for (let i = 0; i < W.length; i++) gW[i] += l2 * W[i];
      step++;
      adam(W, gW, mW, vW, step);
      adam(b, gb, mb, vb, step);
    }
  }

  const accuracyOn = (rows: readonly number[]): number =>
    rows.filter((n) => logitsOf(X, n, D, C, W, b, z) === labels[n]).length / rows.length;
  const counts = new Array<number>(C).fill(0);
  for (const n of train) counts[labels[n]]++;
  const majority = counts.indexOf(Math.max(...counts));
  return {
    accuracy: accuracyOn(test),
    trainAccuracy: accuracyOn(train),
    baseline: test.filter((n) => labels[n] === majority).length / numTest,
    numClasses: C,
    numTrain: train.length,
    numTest,
  };
}
