/**
 * {@link CellBlock}: what the scratch cells ({@link RNNScratch}, {@link GRUScratch}, {@link LSTMScratch})
 * have in common. A subclass writes its equations (`step`) and lists its parameters; the base makes it
 * a block by running the cell with the one runner ({@link runCell}), and moves weights in and out in
 * tf.layers' layout, so scratch, concise and fused blocks can exchange them ({@link copyWeights}).
 */
import * as tf from "@tensorflow/tfjs";
import type { CellKind } from "../cells";
import { CELL_GATES } from "../cells";
import type { CellStep, ForwardOptions, GateInfo, LentCell, RecurrentCell, RecurrentState, WeightedBlock } from "./recurrent";
import { checkBlockInputs, runCell } from "./runner";

/** Sizes every cell is built with, checked: positive integers. */
export function checkCellSizes(name: string, numInputs: number, numHiddens: number): void {
  for (const [key, v] of [
    ["numInputs", numInputs],
    ["numHiddens", numHiddens],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`${name}: ${key} must be a positive integer, got ${v}. With one-hot tokens, numInputs is the vocabulary size.`);
    }
  }
}

/** Checks weights given in tf.layers' layout against a block's sizes. */
export function checkLayerWeights(name: string, block: WeightedBlock, weights: readonly tf.Tensor[]): void {
  const GH = CELL_GATES[block.kind] * block.numHiddens;
  const want = [[block.numInputs, GH], [block.numHiddens, GH], [GH]];
  if (weights.length !== 3 || weights.some((w, i) => w.shape.join() !== want[i].join())) {
    throw new Error(
      `${name}.setWeights: expected [kernel, recurrentKernel, bias] of shapes ${want.map((s) => `[${s}]`).join(", ")} ` +
        `(a ${block.kind} with numInputs ${block.numInputs}, numHiddens ${block.numHiddens}); got ${weights.map((w) => `[${w.shape}]`).join(", ")}. ` +
        `Copy only between blocks of the same kind and sizes.`,
    );
  }
}

/** A recurrent cell that is also a block: `forward` runs `step` over the sequence with {@link runCell}. */
export abstract class CellBlock implements RecurrentCell, WeightedBlock {
  abstract readonly kind: CellKind;
  abstract readonly gates: readonly GateInfo[];
  readonly numInputs: number;
  readonly numHiddens: number;
  readonly numStates: number;
  /** A cell reads no future input. */
  readonly causal = true;
  /** The class name used in messages, e.g. `"GRUScratch"`. */
  protected readonly blockName: string;

  protected constructor(blockName: string, numInputs: number, numHiddens: number, numStates: number) {
    checkCellSizes(blockName, numInputs, numHiddens);
    this.blockName = blockName;
    this.numInputs = numInputs;
    this.numHiddens = numHiddens;
    this.numStates = numStates;
  }

  /** `numStates` zero tensors `[batchSize, numHiddens]`. */
  initState(batchSize: number): RecurrentState {
    return Array.from({ length: this.numStates }, () => tf.zeros<tf.Rank.R2>([batchSize, this.numHiddens]));
  }

  /** One time step: the cell's equations (see the subclass). */
  abstract step(X: tf.Tensor2D, state: RecurrentState): CellStep;

  /**
   * Runs the cell over a sequence.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @param state zeros when omitted; not disposed.
   * @returns outputs `[numSteps, batchSize, numHiddens]` (every `H_t`) and the final state.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D, RecurrentState] {
    checkBlockInputs(this.blockName, this, inputs, state, opts.validLens);
    return runCell(this, inputs, { ...opts, state });
  }

  /** The parameters, in a fixed order. */
  abstract trainableVariables(): tf.Variable[];

  /** The parameters grouped as tf.layers holds them: kernel parts, recurrent parts, bias parts, each in tf.layers' gate order. */
  protected abstract layersLayout(): [tf.Variable[], tf.Variable[], tf.Variable[]];

  /** New tensors `[kernel, recurrentKernel, bias]` in tf.layers' layout; the caller disposes them. */
  getWeights(): tf.Tensor[] {
    return tf.tidy(() =>
      this.layersLayout().map((parts, i) => (parts.length === 1 ? tf.clone(parts[0]) : tf.concat(parts, i === 2 ? 0 : 1))),
    );
  }

  /** Overwrites the parameters from `[kernel, recurrentKernel, bias]` in tf.layers' layout. */
  setWeights(weights: readonly tf.Tensor[]): void {
    checkLayerWeights(this.blockName, this, weights);
    tf.tidy(() => {
      this.layersLayout().forEach((parts, i) => {
        const pieces = tf.split(weights[i], parts.length, i === 2 ? 0 : 1);
        parts.forEach((v, k) => v.assign(pieces[k]));
      });
    });
  }

  /** Number of scalar parameters. */
  countParams(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  /** The cell itself: a scratch block is its own cell. */
  lendCell(): LentCell {
    return { cell: this, owned: false };
  }

  /** Frees the parameters. */
  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
  }
}
