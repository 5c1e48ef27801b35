/**
 * Long short-term memory (LSTM), twice: {@link LSTMScratch} from `tf.variable`s and tensor ops, one line
 * per equation, and {@link LSTM} on `tf.layers.lstm`. Both implement {@link RecurrentBlock}; the state
 * is `[H, C]`: the hidden state and the memory cell.
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
 * const concise = LSTM.fromScratch(lstm);    // same function, on tf.layers
 * ```
 * @see notebooks/04-lstm.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { RecurrentBlock, RecurrentState } from "./recurrent";
import { checkGatedInputs, checkGatedPair, checkGatedSizes, gateWeight } from "./gru";
import { LayerBlock, LayerBlockConfig } from "./layer-block";

/** Standard deviation of the normal distribution the scratch weights are drawn from (d2l's `sigma`). */
export const LSTM_DEFAULT_SIGMA = 0.01;

/** Initial value of the forget-gate bias `b_f`. */
export const LSTM_DEFAULT_FORGET_BIAS = 1;

/** Seed of the scratch weights when none is given. */
export const LSTM_DEFAULT_SEED = 1;

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
  /** Seed of the weight initialisation. Default {@link LSTM_DEFAULT_SEED}. */
  readonly seed?: number;
}

/** Everything one LSTM step computes, each `[batchSize, numHiddens]`: the gates, the candidate and the new state. */
export type LSTMStep = {
  /** Input gate `I_t`, in `[0, 1]`. */
  I: tf.Tensor2D;
  /** Forget gate `F_t`, in `[0, 1]`. */
  F: tf.Tensor2D;
  /** Output gate `O_t`, in `[0, 1]`. */
  O: tf.Tensor2D;
  /** Candidate memory `C̃_t`, in `[-1, 1]`. */
  C_tilde: tf.Tensor2D;
  /** Memory cell `C_t` (unbounded: it can grow by up to 1 per step). */
  C: tf.Tensor2D;
  /** Hidden state `H_t`, in `[-1, 1]`. */
  H: tf.Tensor2D;
};

let lstmInstances = 0;

/**
 * An LSTM written with tensor operations, one line per equation (see the file comment).
 * Parameters are `tf.variable`s named after the equations: `W_xi, W_hi, b_i` (input gate),
 * `W_xf, W_hf, b_f` (forget), `W_xo, W_ho, b_o` (output), `W_xc, W_hc, b_c` (candidate).
 */
export class LSTMScratch implements RecurrentBlock {
  readonly numInputs: number;
  readonly numHiddens: number;
  /** Prefix of this instance's variable names (unique, so a rerun cell never collides). */
  readonly name: string;
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
    const {
      numInputs,
      numHiddens,
      sigma = LSTM_DEFAULT_SIGMA,
      forgetBias = LSTM_DEFAULT_FORGET_BIAS,
      seed = LSTM_DEFAULT_SEED,
    } = config;
    checkGatedSizes("LSTMScratch", numInputs, numHiddens);
    this.numInputs = numInputs;
    this.numHiddens = numHiddens;
    this.name = `LSTMScratch${lstmInstances++}`;
    let k = 0;
    const weight = (name: string, rows: number): tf.Variable =>
      gateWeight(this.name, name, [rows, numHiddens], sigma, seed * 101 + ++k);
    const bias = (name: string, value = 0): tf.Variable => {
      const init = tf.fill([numHiddens], value);
      const v = tf.variable(init, true, `${this.name}/${name}`);
      init.dispose();
      return v;
    };
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

  /** `[H, C]`, both zeros `[batchSize, numHiddens]`. */
  initState(batchSize: number): RecurrentState {
    return [tf.zeros([batchSize, this.numHiddens]), tf.zeros([batchSize, this.numHiddens])];
  }

  /**
   * One time step: the gates and the new state.
   * @param X `[batchSize, numInputs]`
   * @param H the previous hidden state `[batchSize, numHiddens]`
   * @param C the previous memory cell `[batchSize, numHiddens]`
   */
  step(X: tf.Tensor2D, H: tf.Tensor2D, C: tf.Tensor2D): LSTMStep {
    return tf.tidy(() => {
      const I = tf.sigmoid(X.matMul(this.W_xi).add(H.matMul(this.W_hi)).add(this.b_i)) as tf.Tensor2D; // input gate
      const F = tf.sigmoid(X.matMul(this.W_xf).add(H.matMul(this.W_hf)).add(this.b_f)) as tf.Tensor2D; // forget gate
      const O = tf.sigmoid(X.matMul(this.W_xo).add(H.matMul(this.W_ho)).add(this.b_o)) as tf.Tensor2D; // output gate
      const C_tilde = tf.tanh(X.matMul(this.W_xc).add(H.matMul(this.W_hc)).add(this.b_c)) as tf.Tensor2D; // candidate
      const C_new = F.mul(C).add(I.mul(C_tilde)) as tf.Tensor2D; // memory cell
      const H_new = O.mul(tf.tanh(C_new)) as tf.Tensor2D; // hidden state
      return { I, F, O, C_tilde, C: C_new, H: H_new };
    });
  }

  /**
   * Runs the LSTM over a sequence.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @param state `[H, C]`, zeros when omitted; not disposed.
   * @returns outputs `[numSteps, batchSize, numHiddens]` (every `H_t`) and the final state `[H, C]`.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState): [tf.Tensor3D, RecurrentState] {
    checkGatedInputs("LSTMScratch", inputs, this.numInputs, this.numHiddens, state, 2);
    return tf.tidy(() => {
      let [H, C] = state ?? this.initState(inputs.shape[1]);
      const outputs: tf.Tensor2D[] = [];
      for (const X of tf.unstack(inputs) as tf.Tensor2D[]) {
        ({ H, C } = this.step(X, H, C));
        outputs.push(H);
      }
      return [tf.stack(outputs) as tf.Tensor3D, [H, C]];
    });
  }

  /** The twelve parameters, gate by gate: input `W_xi, W_hi, b_i`, forget, output, candidate (`…c`). */
  trainableVariables(): tf.Variable[] {
    return [
      this.W_xi, this.W_hi, this.b_i,
      this.W_xf, this.W_hf, this.b_f,
      this.W_xo, this.W_ho, this.b_o,
      this.W_xc, this.W_hc, this.b_c,
    ];
  }

  /** Number of scalar parameters: `4·(numInputs·numHiddens + numHiddens² + numHiddens)`. */
  countParams(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  /** Overwrites this LSTM's parameters with those of a concise {@link LSTM} (see the mapping above). */
  copyFrom(concise: LSTM): void {
    checkGatedPair("LSTMScratch.copyFrom", this, concise);
    const [kernel, recurrentKernel, bias] = concise.layer.getWeights();
    tf.tidy(() => {
      const [W_xi, W_xf, W_xc, W_xo] = tf.split(kernel, 4, 1);
      const [W_hi, W_hf, W_hc, W_ho] = tf.split(recurrentKernel, 4, 1);
      const [b_i, b_f, b_c, b_o] = tf.split(bias, 4, 0);
      this.W_xi.assign(W_xi);
      this.W_xf.assign(W_xf);
      this.W_xc.assign(W_xc);
      this.W_xo.assign(W_xo);
      this.W_hi.assign(W_hi);
      this.W_hf.assign(W_hf);
      this.W_hc.assign(W_hc);
      this.W_ho.assign(W_ho);
      this.b_i.assign(b_i);
      this.b_f.assign(b_f);
      this.b_c.assign(b_c);
      this.b_o.assign(b_o);
    });
  }

  /** A new scratch LSTM holding a copy of a concise LSTM's weights, e.g. to inspect its gates. */
  static fromConcise(concise: LSTM): LSTMScratch {
    const scratch = new LSTMScratch({ numInputs: concise.numInputs, numHiddens: concise.numHiddens, sigma: 0 });
    scratch.copyFrom(concise);
    return scratch;
  }

  /** Frees the parameters. */
  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
  }
}

/** Options of {@link LSTM}. */
export interface LSTMConfig extends LayerBlockConfig {
  /** Width of the hidden state and memory cell (`units` in tf.layers). */
  readonly numHiddens: number;
  /**
   * Seed of tf.layers' initialisers (glorotUniform kernel, orthogonal recurrent kernel; the bias is 0
   * with the forget-gate part at 1, `unitForgetBias`). Default 1.
   */
  readonly seed?: number;
}

/**
 * The concise LSTM: a `tf.layers.lstm` with `recurrentActivation: "sigmoid"`, so it computes the same
 * function as {@link LSTMScratch} (weight mapping in the file comment). State `[H, C]`.
 */
export class LSTM extends LayerBlock {
  constructor(config: LSTMConfig) {
    const { numInputs, numHiddens, seed = LSTM_DEFAULT_SEED, init = "layers" } = config;
    checkGatedSizes("LSTM", numInputs, numHiddens);
    const zeros = init === "zeros";
    const layer = tf.layers.lstm({
      units: numHiddens,
      recurrentActivation: "sigmoid",
      unitForgetBias: true,
      returnSequences: true,
      returnState: true,
      kernelInitializer: zeros ? "zeros" : tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: zeros ? "zeros" : tf.initializers.orthogonal({ seed: seed + 1 }),
    });
    super(layer, numInputs, numHiddens, 2); // state [H, C]
  }

  protected override checkInputs(inputs: tf.Tensor3D, state?: RecurrentState): void {
    checkGatedInputs("LSTM", inputs, this.numInputs, this.numHiddens, state, 2);
  }

  /** Overwrites this layer's weights with a scratch LSTM's (see the mapping in the file comment). */
  copyFrom(scratch: LSTMScratch): void {
    checkGatedPair("LSTM.copyFrom", scratch, this);
    const weights = tf.tidy(() => [
      tf.concat([scratch.W_xi, scratch.W_xf, scratch.W_xc, scratch.W_xo], 1), // kernel [numInputs, 4·numHiddens]
      tf.concat([scratch.W_hi, scratch.W_hf, scratch.W_hc, scratch.W_ho], 1), // recurrentKernel [numHiddens, 4·numHiddens]
      tf.concat([scratch.b_i, scratch.b_f, scratch.b_c, scratch.b_o], 0), // bias [4·numHiddens]
    ]);
    this.layer.setWeights(weights);
    tf.dispose(weights);
  }

  /** A new concise LSTM computing the same function as `scratch`. */
  static fromScratch(scratch: LSTMScratch): LSTM {
    const concise = new LSTM({ numInputs: scratch.numInputs, numHiddens: scratch.numHiddens, init: "zeros" });
    concise.copyFrom(scratch);
    return concise;
  }
}

/** Either LSTM block. */
export type AnyLSTM = LSTMScratch | LSTM;

/**
 * Copies the weights of one LSTM block into another (scratch ↔ concise, or same kind), so both compute
 * the same function. Sizes must match.
 */
export function copyLSTMWeights(from: AnyLSTM, to: AnyLSTM): void {
  checkGatedPair("copyLSTMWeights", from, to);
  if (from instanceof LSTM && to instanceof LSTM) to.layer.setWeights(from.layer.getWeights());
  else if (from instanceof LSTMScratch && to instanceof LSTMScratch) to.trainableVariables().forEach((v, i) => v.assign(from.trainableVariables()[i]));
  else if (to instanceof LSTM) to.copyFrom(from as LSTMScratch);
  else to.copyFrom(from as LSTM);
}
