/**
 * `tf.layers`-compatible fused recurrent layers: drop-in for `tf.layers.simpleRNN`, `gru` and `lstm` in any tfjs
 * model (`tf.sequential`, `tf.model`, `model.fit`, save/load through `tf.serialization`).
 *
 * Same input and output shapes as tf.layers (batch-major `[batchSize, numSteps, features]`), the same weights
 * (`kernel`, `recurrent_kernel`, `bias`, in that order and layout), so `setWeights(tfLayer.getWeights())`
 * works both ways. The recurrent activation is `sigmoid` (tf.layers' LSTM/GRU default is `hardSigmoid`: build the
 * tf.layers twin with `recurrentActivation: "sigmoid"`). The GRU is tf.layers' (`resetAfter: false`).
 *
 * ```ts
 * const model = tf.sequential();
 * model.add(fusedLSTMLayer({ units: 128, returnSequences: true, inputShape: [40, 27] }));
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { FUSED_GATES, FusedCellType } from "./fused-core";
import { fusedRecurrent } from "./fused-op";

/** Config of the fused layers; a subset of tf.layers' RNN arguments. */
export interface FusedLayerArgs {
  /** Width of the hidden state `H`. */
  readonly units: number;
  /** Return every step `[batchSize, numSteps, H]` (true) or only the last `[batchSize, H]` (false, the default). */
  readonly returnSequences?: boolean;
  /** Shape of one example, `[numSteps, features]` (first layer of a sequential model). */
  readonly inputShape?: (number | null)[];
  readonly batchInputShape?: (number | null)[];
  readonly name?: string;
  readonly trainable?: boolean;
}

type Initializer = ReturnType<typeof tf.initializers.zeros>;
interface WeightHandle {
  read(): tf.Tensor;
}

/** Common base: one fused op per cell type. */
abstract class FusedRecurrentLayer extends tf.layers.Layer {
  protected abstract readonly cellType: FusedCellType;
  readonly units: number;
  readonly returnSequences: boolean;
  private kernel?: WeightHandle;
  private recurrentKernel?: WeightHandle;
  private bias?: WeightHandle;

  constructor(args: FusedLayerArgs) {
    super(args as unknown as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.units = args.units;
    this.returnSequences = args.returnSequences ?? false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[shape.length - 1];
    if (features == null) throw new Error(`${this.getClassName()}: the last input dimension must be known`);
    const GH = FUSED_GATES[this.cellType] * this.units;
    const glorot: Initializer = tf.initializers.glorotUniform({});
    const orthogonal: Initializer = tf.initializers.orthogonal({});
    this.kernel = this.addWeight("kernel", [features, GH], "float32", glorot);
    this.recurrentKernel = this.addWeight("recurrent_kernel", [this.units, GH], "float32", orthogonal);
    this.bias = this.addWeight("bias", [GH], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D; // [B, T, I]
      const { y, h, c } = fusedRecurrent(
        this.cellType,
        { x: x.transpose([1, 0, 2]) }, // time-major [T, B, I]
        {
          W: this.kernel!.read() as tf.Tensor2D,
          U: this.recurrentKernel!.read() as tf.Tensor2D,
          b: this.bias!.read() as tf.Tensor1D,
        },
      );
      c?.dispose();
      return this.returnSequences ? y.transpose([1, 0, 2]) : h;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, returnSequences: this.returnSequences };
  }
}

/** LSTM as one fused op (gates `i, f, c, o`, sigmoid recurrent activation). */
export class FusedLSTM extends FusedRecurrentLayer {
  static className = "FusedLSTM";
  protected readonly cellType = "lstm";
}

/** GRU as one fused op (tf.layers' convention: reset before the recurrent product; gates `z, r, h`). */
export class FusedGRU extends FusedRecurrentLayer {
  static className = "FusedGRU";
  protected readonly cellType = "gru";
}

/** Vanilla (tanh) RNN as one fused op: `h = tanh(x·W + h₋·U + b)`. */
export class FusedSimpleRNN extends FusedRecurrentLayer {
  static className = "FusedSimpleRNN";
  protected readonly cellType = "rnn";
}

tf.serialization.registerClass(FusedLSTM);
tf.serialization.registerClass(FusedGRU);
tf.serialization.registerClass(FusedSimpleRNN);

/** True when the native `tensorflow` backend runs, where tf.layers' own layers are the fast choice. */
function nativeBackend(): boolean {
  return tf.getBackend() === "tensorflow";
}

/** An LSTM layer: {@link FusedLSTM}, or `tf.layers.lstm` (sigmoid recurrent activation) on native TensorFlow. */
export function fusedLSTMLayer(args: FusedLayerArgs): tf.layers.Layer {
  return nativeBackend() ? tf.layers.lstm({ ...args, recurrentActivation: "sigmoid" }) : new FusedLSTM(args);
}

/** A GRU layer: {@link FusedGRU}, or `tf.layers.gru` (sigmoid recurrent activation) on native TensorFlow. */
export function fusedGRULayer(args: FusedLayerArgs): tf.layers.Layer {
  return nativeBackend() ? tf.layers.gru({ ...args, recurrentActivation: "sigmoid" }) : new FusedGRU(args);
}

/** A vanilla RNN layer: {@link FusedSimpleRNN}, or `tf.layers.simpleRNN` on native TensorFlow. */
export function fusedSimpleRNNLayer(args: FusedLayerArgs): tf.layers.Layer {
  return nativeBackend() ? tf.layers.simpleRNN(args) : new FusedSimpleRNN(args);
}
