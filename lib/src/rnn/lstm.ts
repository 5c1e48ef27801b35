/**
 * Long short-term memory (LSTM), twice: {@link LSTMScratch} from `tf.variable`s and tensor ops, one line
 * per equation, run by the course's one runner, and {@link LSTM} on `tf.layers.lstm`. Both are recurrent
 * blocks; the state is `[H, C]`: the hidden state and the memory cell.
 *
 * The equations (d2l notation; `σ` is the logistic sigmoid, `⊙` the elementwise product):
 *
 * ```text
 * I_t  = σ(X_t W_xi + H_{t-1} W_hi + b_i)       input gate
 * F_t  = σ(X_t W_xf + H_{t-1} W_hf + b_f)       forget gate
 * O_t  = σ(X_t W_xo + H_{t-1} W_ho + b_o)       output gate
 * C̃_t = tanh(X_t W_xc + H_{t-1} W_hc + b_c)    candidate memory
 * C_t  = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t             memory cell
 * H_t  = O_t ⊙ tanh(C_t)                        hidden state
 * ```
 *
 * **Initialisation** (scratch): every weight `W_*` from `N(0, sigma²)` with `sigma = 0.01` as in d2l,
 * every bias 0 except the forget-gate bias `b_f`, which starts at `forgetBias` (default 1, like
 * tf.layers' `unitForgetBias`): a forget gate that starts near σ(1) ≈ 0.73 keeps the cell, and its
 * gradient, alive from the first step.
 *
 * **Scratch ↔ concise.** `tf.layers.lstm` computes these equations when built with
 * `recurrentActivation: "sigmoid"` (its default is `"hardSigmoid"`). Its weights hold the gates side by
 * side in the order **i, f, c, o**:
 *
 * | tf.layers weight | shape | scratch parameters |
 * |---|---|---|
 * | `kernel` | `[numInputs, 4·numHiddens]` | `[W_xi │ W_xf │ W_xc │ W_xo]` |
 * | `recurrentKernel` | `[numHiddens, 4·numHiddens]` | `[W_hi │ W_hf │ W_hc │ W_ho]` |
 * | `bias` | `[4·numHiddens]` | `[b_i │ b_f │ b_c │ b_o]` |
 *
 * ```ts
 * const lstm = new LSTMScratch({ numInputs: 28, numHiddens: 32 });
 * const [outputs, [H, C]] = lstm.forward(X); // X: [numSteps, batchSize, 28]
 * const concise = new LSTM({ numInputs: 28, numHiddens: 32 });
 * copyWeights(lstm, concise);                // same function, on tf.layers
 * ```
 * @see notebooks/04-lstm.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { CellBlock } from "./cell-block";
import { DEFAULT_INIT_SEED, initVariable } from "./init";
import { LayerBlock, LAYER_BLOCK_ARGS, LayerBlockConfig } from "./layer-block";
import type { CellStep, GateInfo, RecurrentState } from "./recurrent";

/** Standard deviation of the normal distribution the scratch weights are drawn from (d2l's `sigma`). */
export const LSTM_DEFAULT_SIGMA = 0.01;

/** Initial value of the forget-gate bias `b_f`. */
export const LSTM_DEFAULT_FORGET_BIAS = 1;

/** Options of {@link LSTMScratch}. */
export interface LSTMScratchConfig {
  /** Features per input step (the vocabulary size for one-hot characters). */
  readonly numInputs: number;
  /** Width of the hidden state `H` and of the memory cell `C`. */
  readonly numHiddens: number;
  /** Weights are drawn from `N(0, sigma²)`. Default {@link LSTM_DEFAULT_SIGMA}. */
  readonly sigma?: number;
  /** Initial forget-gate bias `b_f`; the other biases start at 0. Default {@link LSTM_DEFAULT_FORGET_BIAS}. */
  readonly forgetBias?: number;
  /** Seed of the weight initialisation. Default 0. */
  readonly seed?: number;
}

/** The LSTM's values for inspection, in the order of its equations. */
export const LSTM_GATES: readonly GateInfo[] = [
  { name: "I", symbol: "I_t", description: "input gate: how much of the candidate is written", range: "unit" },
  { name: "F", symbol: "F_t", description: "forget gate: how much of C_{t-1} is kept", range: "unit" },
  { name: "O", symbol: "O_t", description: "output gate: how much of tanh(C_t) is shown as H_t", range: "unit" },
  { name: "C_tilde", symbol: "C̃_t", description: "candidate memory", range: "signed" },
  { name: "C", symbol: "C_t", description: "memory cell (unbounded)", range: "free" },
  { name: "H", symbol: "H_t", description: "hidden state", range: "signed" },
];

/**
 * An LSTM written with tensor operations, one line per equation (see the file comment).
 * Parameters are `tf.variable`s named after the equations: `W_xi, W_hi, b_i` (input gate),
 * `W_xf, W_hf, b_f` (forget), `W_xo, W_ho, b_o` (output), `W_xc, W_hc, b_c` (candidate).
 */
export class LSTMScratch extends CellBlock {
  readonly kind = "lstm";
  readonly gates = LSTM_GATES;
  readonly W_xi: tf.Variable; // [numInputs, numHiddens]
  readonly W_hi: tf.Variable; // [numHiddens, numHiddens]
  readonly b_i: tf.Variable; // [numHiddens]
  readonly W_xf: tf.Variable;
  readonly W_hf: tf.Variable;
  readonly b_f: tf.Variable;
  readonly W_xo: tf.Variable;
  readonly W_ho: tf.Variable;
  readonly b_o: tf.Variable;
  readonly W_xc: tf.Variable;
  readonly W_hc: tf.Variable;
  readonly b_c: tf.Variable;

  constructor(config: LSTMScratchConfig) {
    super("LSTMScratch", config.numInputs, config.numHiddens, 2); // state [H, C]
    const { numInputs, numHiddens, sigma = LSTM_DEFAULT_SIGMA, forgetBias = LSTM_DEFAULT_FORGET_BIAS, seed = DEFAULT_INIT_SEED } = config;
    const weight = (name: string, rows: number): tf.Variable => initVariable([rows, numHiddens], { normal: sigma }, seed, name);
    const bias = (name: string, value = 0): tf.Variable => initVariable([numHiddens], { fill: value }, seed, name);
    this.W_xi = weight("W_xi", numInputs);
    this.W_hi = weight("W_hi", numHiddens);
    this.b_i = bias("b_i");
    this.W_xf = weight("W_xf", numInputs);
    this.W_hf = weight("W_hf", numHiddens);
    this.b_f = bias("b_f", forgetBias);
    this.W_xo = weight("W_xo", numInputs);
    this.W_ho = weight("W_ho", numHiddens);
    this.b_o = bias("b_o");
    this.W_xc = weight("W_xc", numInputs);
    this.W_hc = weight("W_hc", numHiddens);
    this.b_c = bias("b_c");
  }

  /**
   * One time step: the gates, the candidate and the new state.
   * @param X `[batchSize, numInputs]`
   * @param state `[H_{t-1}, C_{t-1}]`, each `[batchSize, numHiddens]`
   */
  step(X: tf.Tensor2D, [H, C]: RecurrentState): CellStep {
    return tf.tidy(() => {
      const I = tf.sigmoid(X.matMul(this.W_xi).add(H.matMul(this.W_hi)).add(this.b_i)) as tf.Tensor2D; // input gate
      const F = tf.sigmoid(X.matMul(this.W_xf).add(H.matMul(this.W_hf)).add(this.b_f)) as tf.Tensor2D; // forget gate
      const O = tf.sigmoid(X.matMul(this.W_xo).add(H.matMul(this.W_ho)).add(this.b_o)) as tf.Tensor2D; // output gate
      const C_tilde = tf.tanh(X.matMul(this.W_xc).add(H.matMul(this.W_hc)).add(this.b_c)) as tf.Tensor2D; // candidate
      const C_t = F.mul(C).add(I.mul(C_tilde)) as tf.Tensor2D; // memory cell
      const H_t = O.mul(tf.tanh(C_t)) as tf.Tensor2D; // hidden state
      return { H: H_t, state: [H_t, C_t], values: { I, F, O, C_tilde, C: C_t, H: H_t } };
    });
  }

  /** The twelve parameters, gate by gate: input `W_xi, W_hi, b_i`, forget, output, candidate (`…c`). */
  trainableVariables(): tf.Variable[] {
    return [this.W_xi, this.W_hi, this.b_i, this.W_xf, this.W_hf, this.b_f, this.W_xo, this.W_ho, this.b_o, this.W_xc, this.W_hc, this.b_c];
  }

  /** tf.layers' gate order is i, f, c, o (see the table in the file comment). */
  protected layersLayout(): [tf.Variable[], tf.Variable[], tf.Variable[]] {
    return [
      [this.W_xi, this.W_xf, this.W_xc, this.W_xo], // kernel [numInputs, 4·numHiddens]
      [this.W_hi, this.W_hf, this.W_hc, this.W_ho], // recurrentKernel [numHiddens, 4·numHiddens]
      [this.b_i, this.b_f, this.b_c, this.b_o], // bias [4·numHiddens]
    ];
  }
}

/**
 * The concise LSTM: a `tf.layers.lstm` with `recurrentActivation: "sigmoid"`, so it computes the same
 * function as {@link LSTMScratch} (weight mapping in the file comment). State `[H, C]`. Its bias starts
 * with the forget-gate part at 1, as Keras's `unitForgetBias`.
 */
export class LSTM extends LayerBlock {
  constructor(config: LayerBlockConfig) {
    super("LSTM", "lstm", (units) => tf.layers.lstm({ units, recurrentActivation: "sigmoid", ...LAYER_BLOCK_ARGS }), config); // state [H, C]
  }

  protected scratchTwin(): LSTMScratch {
    return new LSTMScratch({ numInputs: this.numInputs, numHiddens: this.numHiddens, sigma: 0, forgetBias: 0 });
  }
}
