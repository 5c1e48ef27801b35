/**
 * How a model turns token ids into the vectors its recurrent block reads. Language models take ids and
 * own their encoder, so no caller one-hot encodes anything:
 *
 * - {@link OneHot}: token `i` becomes the `i`-th unit vector of length `vocabSize` (no parameters; the
 *   lessons so far, where `X_t W_xh` simply picks row `i` of `W_xh`);
 * - {@link EmbeddingScratch}: a learned table `W_e` `[vocabSize, embedSize]`, token `i` → row `i`
 *   (a `tf.variable` and `tf.gather`);
 * - {@link Embedding}: the same on `tf.layers.embedding`.
 *
 * ```ts
 * const embed = new EmbeddingScratch({ vocabSize: 28, embedSize: 16 });
 * const X = embed.encode(ids); // ids int32 [numSteps, batchSize] → X [numSteps, batchSize, 16]
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { DEFAULT_INIT_SEED, initValues, initVariable } from "./init";

/** Turns token ids into input vectors. */
export interface TokenEncoder {
  /** Tokens it knows: ids lie in `[0, vocabSize)`. */
  readonly vocabSize: number;
  /** Width of each encoded token: `vocabSize` for one-hot, `embedSize` for an embedding. */
  readonly numOutputs: number;
  /**
   * @param ids int32 `[numSteps, batchSize]`
   * @returns `[numSteps, batchSize, numOutputs]`
   */
  encode(ids: tf.Tensor2D): tf.Tensor3D;
  /** The trainable variables (none for one-hot). */
  trainableVariables(): tf.Variable[];
  /** Frees every tensor the encoder owns. */
  dispose(): void;
}

/** Checks token ids: an int32 `[numSteps, batchSize]` tensor of values in `[0, vocabSize)`. */
export function checkTokenIds(where: string, ids: tf.Tensor, vocabSize: number): void {
  if (ids.rank !== 2 || ids.dtype !== "int32") {
    throw new Error(
      `${where}: token ids must be an int32 tensor [numSteps, batchSize] (time-major); got a ${ids.dtype} tensor of shape [${ids.shape}]. ` +
        `Make one with tf.tensor2d(ids, [numSteps, batchSize], "int32") or idsTensor(…).`,
    );
  }
  const values = ids.dataSync();
  for (let i = 0; i < values.length; i++) {
    const id = values[i];
    if (!(id >= 0 && id < vocabSize)) {
      throw new Error(`${where}: token id ${id} is outside the vocabulary [0, ${vocabSize}); encode text with the model's vocabulary.`);
    }
  }
}

function checkVocab(where: string, vocabSize: number, embedSize?: number): void {
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new Error(`${where}: vocabSize must be a positive integer, got ${vocabSize}.`);
  if (embedSize !== undefined && (!Number.isInteger(embedSize) || embedSize < 1)) {
    throw new Error(`${where}: embedSize must be a positive integer, got ${embedSize}.`);
  }
}

/** One-hot encoding: token `i` → the `i`-th unit vector, `[vocabSize]`. No parameters. */
export class OneHot implements TokenEncoder {
  readonly vocabSize: number;
  readonly numOutputs: number;

  constructor(vocabSize: number) {
    checkVocab("OneHot", vocabSize);
    this.vocabSize = vocabSize;
    this.numOutputs = vocabSize;
  }

  encode(ids: tf.Tensor2D): tf.Tensor3D {
    checkTokenIds("OneHot.encode", ids, this.vocabSize);
    return tf.cast(tf.oneHot(ids, this.vocabSize), "float32") as tf.Tensor3D; // [numSteps, batchSize, vocabSize] (the wasm kernel writes int32 whatever dtype is asked for)
  }

  trainableVariables(): tf.Variable[] {
    return [];
  }

  dispose(): void {}
}

/** Sizes and initialisation of an embedding. */
export interface EmbeddingConfig {
  /** Tokens in the vocabulary (rows of the table). */
  readonly vocabSize: number;
  /** Width of each token's vector (columns of the table). */
  readonly embedSize: number;
  /** Standard deviation of the normal initial values (scratch). Default {@link EMBEDDING_DEFAULT_SIGMA}. */
  readonly sigma?: number;
  /** Seed of the initial values. Default 0. */
  readonly seed?: number;
}

/** Default spread of an embedding's initial values: `N(0, 1)`, as PyTorch's `nn.Embedding` and d2l. */
export const EMBEDDING_DEFAULT_SIGMA = 1;

/** An embedding from scratch: a table `W_e` `[vocabSize, embedSize]`; token `i` is row `i`. */
export class EmbeddingScratch implements TokenEncoder {
  readonly vocabSize: number;
  readonly numOutputs: number;
  /** The table, `[vocabSize, embedSize]`. */
  readonly W_e: tf.Variable;

  constructor(config: EmbeddingConfig) {
    const { vocabSize, embedSize, sigma = EMBEDDING_DEFAULT_SIGMA, seed = DEFAULT_INIT_SEED } = config;
    checkVocab("EmbeddingScratch", vocabSize, embedSize);
    this.vocabSize = vocabSize;
    this.numOutputs = embedSize;
    this.W_e = initVariable([vocabSize, embedSize], { normal: sigma }, seed, "W_e");
  }

  /** Row `ids[t][b]` of `W_e` for every token: `[numSteps, batchSize, embedSize]`. */
  encode(ids: tf.Tensor2D): tf.Tensor3D {
    checkTokenIds("EmbeddingScratch.encode", ids, this.vocabSize);
    return tf.gather(this.W_e, ids) as tf.Tensor3D; // [numSteps, batchSize, embedSize]
  }

  trainableVariables(): tf.Variable[] {
    return [this.W_e];
  }

  dispose(): void {
    this.W_e.dispose();
  }
}

/** The concise embedding on `tf.layers.embedding`, with the same seeded table as {@link EmbeddingScratch}. */
export class Embedding implements TokenEncoder {
  readonly vocabSize: number;
  readonly numOutputs: number;
  /** The wrapped layer; its one weight is the table `[vocabSize, embedSize]`. */
  readonly layer: tf.layers.Layer;

  constructor(config: EmbeddingConfig) {
    const { vocabSize, embedSize, sigma = EMBEDDING_DEFAULT_SIGMA, seed = DEFAULT_INIT_SEED } = config;
    checkVocab("Embedding", vocabSize, embedSize);
    this.vocabSize = vocabSize;
    this.numOutputs = embedSize;
    this.layer = tf.layers.embedding({ inputDim: vocabSize, outputDim: embedSize, embeddingsInitializer: "zeros" });
    tf.tidy(() => {
      this.layer.apply(tf.zeros([1, 1], "int32"));
      this.layer.setWeights([tf.tensor2d(initValues([vocabSize, embedSize], { normal: sigma }, seed, "W_e"), [vocabSize, embedSize])]);
    });
  }

  encode(ids: tf.Tensor2D): tf.Tensor3D {
    checkTokenIds("Embedding.encode", ids, this.vocabSize);
    return this.layer.apply(ids) as tf.Tensor3D; // [numSteps, batchSize, embedSize]
  }

  trainableVariables(): tf.Variable[] {
    return this.layer.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  dispose(): void {
    this.layer.dispose();
  }
}
