/**
 * What the Trainer reports besides the loss, plugged in per model or per run. Two kinds:
 *
 * - a {@link LossMetric} is a function of the mean loss, cheap enough for every training report:
 *   {@link perplexityMetric} (`exp` of the mean cross-entropy, for language models);
 * - an {@link EvalMetric} runs the model on each validation batch and sums a score:
 *   {@link tokenAccuracy} (share of real target tokens predicted right, for taggers and seq2seq),
 *   {@link exactMatch} (share of sequences with every token right), and for a rare class (a tagger's
 *   "a space goes here", a classifier's "positive") {@link binaryF1}, {@link precision} and {@link recall}.
 *
 * ```ts
 * new Trainer({ maxEpochs: 5, lr: 0.01, metrics: [tokenAccuracy(), exactMatch()] }).fit(tagger, data);
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";

/** A value computed from the (weighted) mean loss, for training and validation alike. */
export interface LossMetric {
  readonly kind: "loss";
  /** Reported as `"train <name>"` and `"val <name>"`, e.g. `"ppl"`. */
  readonly name: string;
  /** The value for a mean loss. */
  fromLoss(meanLoss: number): number;
}

/** A score summed over validation batches by running the model: `Σ hits / Σ total`. */
export interface EvalMetric<B, M> {
  readonly kind: "eval";
  /** Reported as `"val <name>"`, e.g. `"acc"`. */
  readonly name: string;
  /** Hits and the number of trials in one batch. */
  measure(model: M, batch: B): { readonly hits: number; readonly total: number };
}

/** Either kind of metric. */
export type Metric<B, M> = LossMetric | EvalMetric<B, M>;

/** Perplexity `exp(mean cross-entropy)`: how many tokens a language model is choosing between. */
export const perplexityMetric: LossMetric = { kind: "loss", name: "ppl", fromLoss: (loss) => Math.exp(loss) };

/** Time-major logits and targets of one batch: what token-level metrics compare. */
export interface TokenScores {
  /** `[numSteps, batchSize, numClasses]` */
  readonly logits: tf.Tensor3D;
  /** int32 `[numSteps, batchSize]` */
  readonly targets: tf.Tensor2D;
  /** 1 on real targets, 0 on padding, `[numSteps, batchSize]`; absent when every position counts. */
  readonly mask?: tf.Tensor2D;
}

/** A model that can score a batch token by token (taggers, language models, seq2seq with teacher forcing). */
export interface TokenScorer<B> {
  /** Logits and targets of `batch`; the caller disposes them. */
  scores(batch: B): TokenScores;
}

/** Per real target: 1 when the arg-max of the logits is the target. `[numSteps, batchSize]` float, 0 on padding; and the mask. */
function hitsAndMask(s: TokenScores): [tf.Tensor2D, tf.Tensor2D] {
  const mask = s.mask ? tf.cast(s.mask, "float32") : tf.onesLike(s.targets).toFloat();
  const hit = tf.mul(tf.cast(tf.equal(tf.argMax(s.logits, -1), tf.cast(s.targets, "int32")), "float32"), mask);
  return [hit as tf.Tensor2D, mask as tf.Tensor2D];
}

function withScores<B>(model: TokenScorer<B>, batch: B, f: (s: TokenScores) => [number, number]): { hits: number; total: number } {
  const s = model.scores(batch);
  try {
    const [hits, total] = f(s);
    return { hits, total };
  } finally {
    tf.dispose([s.logits, s.targets, s.mask ?? []].flat());
  }
}

/** Token accuracy: the share of real target tokens whose arg-max prediction is right. Reported as `"val acc"`. */
export function tokenAccuracy<B>(): EvalMetric<B, TokenScorer<B>> {
  return {
    kind: "eval",
    name: "acc",
    measure: (model, batch) =>
      withScores(model, batch, (s) =>
        tf.tidy(() => {
          const [hit, mask] = hitsAndMask(s);
          return [tf.sum(hit).dataSync()[0], tf.sum(mask).dataSync()[0]];
        }),
      ),
  };
}

/** Exact match: the share of sequences whose every real target token is predicted right. Reported as `"val exact"`. */
export function exactMatch<B>(): EvalMetric<B, TokenScorer<B>> {
  return {
    kind: "eval",
    name: "exact",
    measure: (model, batch) =>
      withScores(model, batch, (s) =>
        tf.tidy(() => {
          const [hit, mask] = hitsAndMask(s);
          const wrong = tf.sum(tf.sub(mask, hit), 0); // [batchSize]: real tokens predicted wrong
          return [tf.sum(tf.cast(tf.equal(wrong, 0), "float32")).dataSync()[0], s.targets.shape[1]];
        }),
      ),
  };
}

/** Confusion counts of one class over the real targets of a batch: true positives, false positives, false negatives. */
interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** Counts, over real (masked) positions, where the arg-max prediction and the target are `positive`. */
function confusion(s: TokenScores, positive: number): Confusion {
  return tf.tidy(() => {
    const mask = s.mask ? tf.cast(s.mask, "float32") : tf.onesLike(s.targets).toFloat(); // [numSteps, batchSize]
    const p = tf.scalar(positive, "int32");
    const predicted = tf.mul(tf.cast(tf.equal(tf.argMax(s.logits, -1), p), "float32"), mask); // 1 where predicted positive
    const actual = tf.mul(tf.cast(tf.equal(tf.cast(s.targets, "int32"), p), "float32"), mask); // 1 where truly positive
    const tp = tf.sum(tf.mul(predicted, actual)).dataSync()[0];
    return { tp, fp: tf.sum(predicted).dataSync()[0] - tp, fn: tf.sum(actual).dataSync()[0] - tp };
  });
}

/** An {@link EvalMetric} of one class's confusion counts: `Σ hits / Σ total` with `hits`, `total` read from them. */
function confusionMetric<B>(
  where: string,
  name: string,
  positive: number,
  ratio: (c: Confusion) => [number, number],
): EvalMetric<B, TokenScorer<B>> {
  if (!Number.isInteger(positive) || positive < 0) throw new Error(`${where}: the positive class must be an integer id ≥ 0, got ${positive}.`);
  return {
    kind: "eval",
    name,
    measure: (model, batch) =>
      withScores(model, batch, (s) => {
        const classes = s.logits.shape[2];
        if (positive >= classes) {
          throw new Error(`${where}: the positive class ${positive} is not among the model's ${classes} classes [0, ${classes}).`);
        }
        return ratio(confusion(s, positive));
      }),
  };
}

/**
 * F1 of class `positive` (default 1) over real target tokens: `2TP / (2TP + FP + FN)`, the harmonic mean of
 * precision and recall, for a class too rare for accuracy to show (a model that never predicts it can have
 * high accuracy and F1 0). Summed over batches as a ratio of sums (`hits = 2TP`), so the Trainer's
 * `"val f1"` is the F1 of the whole validation set. NaN when it has no positives and predicts none.
 */
export function binaryF1<B>(positive = 1): EvalMetric<B, TokenScorer<B>> {
  return confusionMetric("binaryF1", "f1", positive, ({ tp, fp, fn }) => [2 * tp, 2 * tp + fp + fn]);
}

/** Precision of class `positive` (default 1): `TP / (TP + FP)`, the share of its predictions that are right. Reported as `"val precision"`. */
export function precision<B>(positive = 1): EvalMetric<B, TokenScorer<B>> {
  return confusionMetric("precision", "precision", positive, ({ tp, fp }) => [tp, tp + fp]);
}

/** Recall of class `positive` (default 1): `TP / (TP + FN)`, the share of its real occurrences found. Reported as `"val recall"`. */
export function recall<B>(positive = 1): EvalMetric<B, TokenScorer<B>> {
  return confusionMetric("recall", "recall", positive, ({ tp, fn }) => [tp, tp + fn]);
}
