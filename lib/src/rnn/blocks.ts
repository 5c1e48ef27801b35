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
import { Stacked, isLayered } from "./stacked";

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

/** Sizes of {@link buildStack}: every layer has `numHiddens` units. */
export interface StackConfig extends BlockConfig {
  /** Layers in the stack. */
  readonly numLayers: number;
  /** Dropout between layers while training. Default 0. */
  readonly dropout?: number;
}

/** A {@link Stacked} of `numLayers` blocks of `kind` in `style`; layer `l` is seeded with `seed + l`. */
export function buildStack(kind: CellKind, style: BlockStyle, config: StackConfig): Stacked {
  const { numInputs, numHiddens, numLayers, dropout, seed = 0, sigma } = config;
  if (!Number.isInteger(numLayers) || numLayers < 1) throw new Error(`buildStack: numLayers must be a positive integer, got ${numLayers}.`);
  const layers = Array.from({ length: numLayers }, (_, l) =>
    buildBlock(kind, style, { numInputs: l === 0 ? numInputs : numHiddens, numHiddens, seed: seed + l, sigma }),
  );
  return new Stacked({ layers, dropout, seed });
}

/**
 * Copies the weights of one block into another of the same kind and sizes (scratch, concise or fused,
 * in any direction), so both compute the same function. Stacks are copied layer by layer.
 */
export function copyWeights(from: WeightedBlock | Stacked, to: WeightedBlock | Stacked): void {
  if (isLayered(from) || isLayered(to)) {
    if (!isLayered(from) || !isLayered(to) || from.layers.length !== to.layers.length) {
      throw new Error("copyWeights: copy a stack only into a stack with as many layers (and a single block into a single block).");
    }
    from.layers.forEach((layer, l) => copyWeights(layer as WeightedBlock, to.layers[l] as WeightedBlock));
    return;
  }
  const [a, b] = [from as WeightedBlock, to as WeightedBlock];
  if (a.kind !== b.kind || a.numInputs !== b.numInputs || a.numHiddens !== b.numHiddens) {
    throw new Error(
      `copyWeights: a ${a.kind} block with numInputs ${a.numInputs}, numHiddens ${a.numHiddens} cannot be copied into ` +
        `a ${b.kind} block with numInputs ${b.numInputs}, numHiddens ${b.numHiddens}. Build both of the same kind and sizes.`,
    );
  }
  const weights = a.getWeights();
  try {
    b.setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
}
