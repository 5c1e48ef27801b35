/**
 * Depth by stacking (d2l's `StackedRNNScratch`, Keras's `return_sequences=True` chain): layer `l` reads the
 * whole output sequence of layer `l − 1` and runs its own recurrence over it,
 *
 * ```text
 * H_t^(l) = φ(H_t^(l−1) W_xh^(l) + H_{t−1}^(l) W_hh^(l) + b_h^(l)),    H_t^(0) = X_t
 * ```
 *
 * {@link Stacked} takes **any** list of blocks (scratch, concise, fused, or deeper compositions), so it is a
 * few lines: run the layers in order, keep each layer's state. It is itself a recurrent block, so the
 * language models, the Trainer, the decoders and gate traces use it unchanged. Its state is the layers'
 * states one after another (`[H^(1)]`, `[H^(1), C^(1)]`, …); {@link Stacked.layerState} reads layer `l`'s part.
 *
 * ```ts
 * const deep = new Stacked({ layers: [new GRUScratch({ numInputs: 28, numHiddens: 64 }), new GRUScratch({ numInputs: 64, numHiddens: 64 })] });
 * const [Y, state] = deep.forward(X);   // X: [numSteps, batchSize, 28] → Y: [numSteps, batchSize, 64]
 * const [H2] = deep.layerState(state, 1); // the top layer's final H
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../data/rng";
import { DEFAULT_INIT_SEED } from "./init";
import { finalHiddenOf } from "./recurrent";
import type { ForwardOptions, RecurrentBlock, RecurrentState } from "./recurrent";
import { checkBlockInputs } from "./runner";

/** Configuration of {@link Stacked}. */
export interface StackedConfig {
  /** The layers, bottom first; the stack owns (and disposes) them. `layers[l].numInputs` must be `layers[l − 1].numHiddens`. */
  readonly layers: readonly RecurrentBlock[];
  /** Dropout between layers while training (the share of outputs zeroed; never at evaluation). Default 0. */
  readonly dropout?: number;
  /** Seed of the dropout masks. Default 0. */
  readonly seed?: number;
}

/** A block whose parts are layers run one after another (what gate traces and per-layer measurements look for). */
export interface LayeredBlock extends RecurrentBlock {
  /** The layers, bottom first. */
  readonly layers: readonly RecurrentBlock[];
  /** Every layer's output sequence, `[numSteps, batchSize, layers[l].numHiddens]` each, and the final state. */
  forwardLayers(inputs: tf.Tensor3D, state?: RecurrentState, opts?: ForwardOptions): [tf.Tensor3D[], RecurrentState];
  /** Where layer `l`'s tensors sit in the stack's state: `[start, end)`. */
  stateRange(layer: number): [number, number];
}

/** True when `block` is made of layers (a {@link Stacked}), by shape: no `instanceof`. */
export function isLayered(block: RecurrentBlock): block is LayeredBlock {
  return (
    "layers" in block &&
    Array.isArray((block as Partial<LayeredBlock>).layers) &&
    typeof (block as Partial<LayeredBlock>).forwardLayers === "function"
  );
}

/** Recurrent blocks run one on top of another (see the file comment). */
export class Stacked implements LayeredBlock {
  readonly layers: readonly RecurrentBlock[];
  readonly numInputs: number;
  readonly numHiddens: number;
  readonly numStates: number;
  readonly causal: boolean;
  /** Dropout rate between layers while training. */
  readonly dropout: number;
  private readonly rng: Rng;

  constructor(config: StackedConfig) {
    const { layers, dropout = 0, seed = DEFAULT_INIT_SEED } = config;
    if (layers.length === 0) throw new Error("Stacked: give at least one layer.");
    layers.forEach((layer, l) => {
      if (l > 0 && layer.numInputs !== layers[l - 1].numHiddens) {
        throw new Error(
          `Stacked: layer ${l} takes ${layer.numInputs} inputs but layer ${l - 1} outputs ${layers[l - 1].numHiddens}. ` +
            `Build layer ${l} with numInputs: ${layers[l - 1].numHiddens}.`,
        );
      }
    });
    if (!(dropout >= 0 && dropout < 1)) throw new Error(`Stacked: dropout must be in [0, 1), got ${dropout}.`);
    this.layers = [...layers];
    this.numInputs = layers[0].numInputs;
    this.numHiddens = layers[layers.length - 1].numHiddens;
    this.numStates = layers.reduce((n, layer) => n + layer.numStates, 0);
    this.causal = layers.every((layer) => layer.causal);
    this.dropout = dropout;
    this.rng = new Rng(seed);
  }

  /** Every layer's zero state, bottom first. */
  initState(batchSize: number): RecurrentState {
    return this.layers.flatMap((layer) => layer.initState(batchSize));
  }

  stateRange(layer: number): [number, number] {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.layers.length) {
      throw new Error(`Stacked: layer ${layer} does not exist; layers go from 0 to ${this.layers.length - 1}.`);
    }
    const start = this.layers.slice(0, layer).reduce((n, l) => n + l.numStates, 0);
    return [start, start + this.layers[layer].numStates];
  }

  /** Layer `layer`'s part of a stacked state (`[H]` or `[H, C]` of that layer). */
  layerState(state: RecurrentState, layer: number): RecurrentState {
    const [start, end] = this.stateRange(layer);
    if (state.length !== this.numStates)
      throw new Error(`Stacked.layerState: the state has ${state.length} tensors; a state of this stack has ${this.numStates}.`);
    return state.slice(start, end);
  }

  /** Inverted dropout on `[numSteps, batchSize, h]`: zero a share `dropout` of the values, scale the rest by `1 / (1 − dropout)`. */
  private drop(Y: tf.Tensor3D): tf.Tensor3D {
    const keep = 1 - this.dropout;
    const mask = Float32Array.from({ length: Y.size }, () => (this.rng.next() < keep ? 1 / keep : 0));
    return tf.mul(Y, tf.tensor3d(mask, Y.shape)) as tf.Tensor3D;
  }

  forwardLayers(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D[], RecurrentState] {
    checkBlockInputs(
      "Stacked",
      { numInputs: this.numInputs, numHiddens: this.numHiddens, numStates: this.numStates },
      inputs,
      undefined,
      opts.validLens,
    );
    if (state !== undefined && state.length !== this.numStates) {
      throw new Error(
        `Stacked.forward: the state must be ${this.numStates} tensors (every layer's, bottom first); got ${state.length}. ` +
          `Use initState(batchSize) or the state returned by the previous call.`,
      );
    }
    return tf.tidy(() => {
      const outputs: tf.Tensor3D[] = [];
      const finalState: RecurrentState = [];
      let X = inputs; // H^(0) = X
      this.layers.forEach((layer, l) => {
        const [Y, S] = layer.forward(X, state === undefined ? undefined : this.layerState(state, l), opts); // H^(l): [numSteps, batchSize, h_l]
        outputs.push(Y);
        finalState.push(...S);
        const between = l < this.layers.length - 1 && opts.training === true && this.dropout > 0;
        X = between ? this.drop(Y) : Y;
      });
      return [outputs, finalState];
    });
  }

  /**
   * Runs every layer over the sequence.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @returns the top layer's outputs `[numSteps, batchSize, numHiddens]` and every layer's final state.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D, RecurrentState] {
    return tf.tidy(() => {
      const [outputs, finalState] = this.forwardLayers(inputs, state, opts);
      return [outputs[outputs.length - 1], finalState];
    });
  }

  /** The top layer's summary of the sequence (its `H`, or its own `finalHidden`). */
  finalHidden(state: RecurrentState): tf.Tensor2D {
    const top = this.layers.length - 1;
    return finalHiddenOf(this.layers[top], this.layerState(state, top));
  }

  /** Every layer's variables, bottom first. */
  trainableVariables(): tf.Variable[] {
    return this.layers.flatMap((layer) => layer.trainableVariables());
  }

  /** Scalar parameters of all layers. */
  countParams(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const layer of this.layers) layer.dispose();
  }
}
