/**
 * How good is a language model? Cross-entropy is the average surprise `−log p(x_t | x_<t)` over the
 * tokens of a text; perplexity is its exponential, `PPL = exp(CE)`, "how many tokens the model is
 * choosing between". Best case: the model gives every true token probability 1, so CE = 0 and PPL = 1.
 * Worst case: it gives some true token probability 0, so CE = PPL = ∞. A uniform model over `V` tokens
 * has CE = log V and PPL = V.
 *
 * ```ts
 * perplexityOfProbs([1, 1, 1]);        // 1
 * perplexityOfProbs([0.25, 0.25]);     // 4: as unsure as a uniform choice among 4
 * perplexity(Math.log(28));           // 28
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import * as tf from "@tensorflow/tfjs";

/** Mean cross-entropy (natural log) from the probabilities a model gave the true tokens; p = 0 gives ∞. */
export function crossEntropyOfProbs(targetProbs: ArrayLike<number>): number {
  if (targetProbs.length === 0) throw new Error("crossEntropyOfProbs: no probabilities; a text needs at least one token.");
  let sum = 0;
  for (let i = 0; i < targetProbs.length; i++) {
    const p = targetProbs[i];
    if (!(p >= 0 && p <= 1)) throw new Error(`crossEntropyOfProbs: probability ${i} is ${p}; probabilities lie in [0, 1].`);
    sum -= Math.log(p);
  }
  return sum / targetProbs.length;
}

/**
 * Perplexity from a mean cross-entropy (natural log): `exp(ce)`.
 * @throws Error when `ce` is NaN, which means training diverged.
 */
export function perplexity(ce: number): number {
  if (Number.isNaN(ce)) {
    throw new Error("perplexity: the loss is NaN, so training diverged. Lower the learning rate or clip gradients, and restart from fresh weights.");
  }
  if (ce < 0) throw new Error(`perplexity: a cross-entropy cannot be negative, got ${ce}.`);
  return Math.exp(ce);
}

/** Perplexity from the probabilities a model gave the true tokens. */
export function perplexityOfProbs(targetProbs: ArrayLike<number>): number {
  return perplexity(crossEntropyOfProbs(targetProbs));
}

/**
 * Mean cross-entropy of `logits` against integer `targets`, as a scalar tensor you can differentiate.
 * Uses log-softmax and a one-hot product (no gather, so it trains on every backend). With `mask`,
 * only positions where the mask is 1 count.
 * @param logits `[..., vocabSize]`
 * @param targets `[...]` int32 ids, same leading shape as `logits`
 * @param mask `[...]` 1 for real tokens, 0 for padding (optional)
 */
export function sequenceCrossEntropy(logits: tf.Tensor, targets: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  const lead = logits.shape.slice(0, -1);
  if (lead.join(",") !== targets.shape.join(",")) {
    throw new Error(`sequenceCrossEntropy: logits ${JSON.stringify(logits.shape)} and targets ${JSON.stringify(targets.shape)} do not match; targets need the logits' shape without its last axis.`);
  }
  if (mask && mask.shape.join(",") !== targets.shape.join(",")) {
    throw new Error(`sequenceCrossEntropy: mask ${JSON.stringify(mask.shape)} must have the targets' shape ${JSON.stringify(targets.shape)}.`);
  }
  return tf.tidy(() => {
    const vocabSize = logits.shape[logits.shape.length - 1];
    const logP = tf.logSoftmax(logits); // [..., V]
    const nll = tf.neg(tf.sum(tf.mul(logP, tf.oneHot(tf.cast(targets, "int32"), vocabSize)), -1)); // [...]
    if (!mask) return tf.mean(nll) as tf.Scalar;
    const m = tf.cast(mask, "float32");
    return tf.div(tf.sum(tf.mul(nll, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}
