/**
 * Any cell kind in any style, and one way to move weights between them. The course builds each cell
 * three ways — from scratch (`XScratch`, tensor ops run by the one runner), concise (`X`, on
 * `tf.layers`) and fused (one WebAssembly op per sequence) — and all three hold the same weights in
 * tf.layers' layout, so {@link copyWeights} makes any two of the same kind compute the same function.
 *
 * ```ts
 * const scratch = buildBlock("gru", "scratch", { numInputs: 28, numHiddens: 32 });
 * const concise = buildBlock("gru", "concise", { numInputs: 28, numHiddens: 32 });
 * copyWeights(scratch, concise); // now scratch.forward(X) equals concise.forward(X)
 * ```
 * @see notebooks/04-lstm.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { CellKind } from "../cells";
import { FusedRecurrentBlock } from "./fused";
import { GRU, GRUScratch } from "./gru";
import { LSTM, LSTMScratch } from "./lstm";
import type { WeightedBlock } from "./recurrent";
import { RNN, RNNScratch } from "./rnn";

/** How a block is built: tensor ops (`"scratch"`), `tf.layers` (`"concise"`) or one fused op (`"fused"`). */
export type BlockStyle = "scratch" | "concise" | "fused";

/** Sizes and initialisation of {@link buildBlock}. */
export interface BlockConfig {
  readonly numInputs: number;
  readonly numHiddens: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
  /** Standard deviation of the normal initial weights (scratch and fused; concise blocks use Keras's initialisers). */
  readonly sigma?: number;
}

/** A block of `kind` built in `style`. */
export function buildBlock(kind: CellKind, style: BlockStyle, config: BlockConfig): WeightedBlock {
  const { numInputs, numHiddens, seed, sigma } = config;
  if (style === "fused") return new FusedRecurrentBlock({ kind, numInputs, numHiddens, seed, sigma });
  if (style === "concise") {
    const sizes = { numInputs, numHiddens, seed };
    return kind === "rnn" ? new RNN(sizes) : kind === "gru" ? new GRU(sizes) : new LSTM(sizes);
  }
  if (style !== "scratch") throw new Error(`buildBlock: style "${style}" is unknown; use "scratch", "concise" or "fused".`);
  const sizes = { numInputs, numHiddens, seed, sigma };
  return kind === "rnn" ? new RNNScratch(sizes) : kind === "gru" ? new GRUScratch(sizes) : new LSTMScratch(sizes);
}

/**
 * Copies the weights of one block into another of the same kind and sizes (scratch, concise or fused,
 * in any direction), so both compute the same function.
 */
export function copyWeights(from: WeightedBlock, to: WeightedBlock): void {
  if (from.kind !== to.kind || from.numInputs !== to.numInputs || from.numHiddens !== to.numHiddens) {
    throw new Error(
      `copyWeights: a ${from.kind} block with numInputs ${from.numInputs}, numHiddens ${from.numHiddens} cannot be copied into ` +
        `a ${to.kind} block with numInputs ${to.numInputs}, numHiddens ${to.numHiddens}. Build both of the same kind and sizes.`,
    );
  }
  const weights = from.getWeights();
  try {
    to.setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
}
