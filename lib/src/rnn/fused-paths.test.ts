/**
 * Gradient checks of the composed fast paths: every way the course's models put a fused block to work (behind an
 * embedding, stacked, bidirectional, over padded rows, inside the seq2seq and attention decoders). Each model is
 * built twice, with fused blocks and with scratch blocks (tf ops, tfjs autodiff), the twin given the same weights;
 * a loss that reaches every output (and the final state) must give the same value and the same gradient for every
 * trainable variable. The fused model is then rerun on the plain-JS kernels (`RNNLAB_FUSED=js`), which must agree
 * with the wasm ones; counting the JS kernels' steps proves the path really runs on the fused kernels. The fused
 * models' other fused ops (the additive attention of the fused-style attention decoder, one language model's fused
 * output head) are checked on the way.
 */
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { CellKind } from "../cells";
import { sequenceCrossEntropy } from "../data/perplexity";
import { idsTensor } from "../data/batch-tensors";
import type { TokenBatch } from "../data/batch";
import { FUSED_ENV, fusedKernels } from "../fast/fused-loader";
import { relErr, useBackendWithFullBudgets } from "../testing/fixtures";
import { PAIRS, SRC_V, TGT_V, pairBatch } from "../testing/seq2seq-pairs";
import { buildAttentionSeq2Seq } from "./attention-decoder";
import type { AttentionSeq2SeqSizes } from "./attention-decoder";
import { Bidirectional, buildBidirectional } from "./bidirectional";
import { buildBlock, buildStack, copyWeights } from "./blocks";
import type { BlockStyle } from "./blocks";
import { FusedRecurrentBlock } from "./fused";
import type { ForwardOptions, RecurrentBlock, WeightedBlock } from "./recurrent";
import { RNNLM, RNNLMScratch } from "./rnn-lm";
import { EncoderDecoder, buildSeq2Seq } from "./seq2seq";
import type { SequenceDecoder } from "./seq2seq";
import { isLayered } from "./stacked";

useBackendWithFullBudgets();

/** Fused vs scratch (relative, per gradient) and JS vs wasm kernels. */
const FUSED_VS_SCRATCH = 1e-4;
const JS_VS_WASM = 1e-5;

/** A model as these checks see it. */
interface Built {
  /** Every trainable variable: the model's, and the test's inputs and initial state when they are variables. */
  readonly variables: readonly tf.Variable[];
  /** The model's recurrent blocks; stacks and bidirectional blocks are opened into their cells. */
  readonly blocks: readonly RecurrentBlock[];
  /** A loss that reaches every output and the final state. */
  loss(): tf.Scalar;
  dispose(): void;
}

type Build = (style: Exclude<BlockStyle, "concise">) => Built;

/** The single cells of `blocks`, bottom layer and forward direction first. */
function cellsOf(blocks: readonly RecurrentBlock[]): WeightedBlock[] {
  return blocks.flatMap((b) =>
    isLayered(b) ? cellsOf(b.layers) : b instanceof Bidirectional ? cellsOf([b.forwardBlock, b.backwardBlock]) : [b as WeightedBlock],
  );
}

/** The variables of a model outside its recurrent cells (embeddings, output layers, attention, inputs), in order. */
function othersOf(built: Built): tf.Variable[] {
  const inCells = new Set(cellsOf(built.blocks).flatMap((c) => c.trainableVariables()));
  return built.variables.filter((v) => !inCells.has(v));
}

/** Gives `to` the weights of `from`: cell by cell with copyWeights, every other variable assigned in order. */
function copyModel(from: Built, to: Built): void {
  const [a, b] = [cellsOf(from.blocks), cellsOf(to.blocks)];
  assert.equal(a.length, b.length, "as many cells");
  a.forEach((cell, i) => copyWeights(cell, b[i]));
  const [oa, ob] = [othersOf(from), othersOf(to)];
  assert.deepEqual(
    oa.map((v) => v.shape),
    ob.map((v) => v.shape),
    "the same other variables",
  );
  oa.forEach((v, i) => ob[i].assign(v));
}

/** `grads` (one per trainable variable of `cell`) in tf.layers' layout: loaded into the variables, read back by getWeights. */
function inLayersLayout(cell: WeightedBlock, grads: readonly tf.Tensor[]): tf.Tensor[] {
  const vars = cell.trainableVariables();
  const saved = vars.map((v) => tf.clone(v));
  vars.forEach((v, i) => v.assign(grads[i]));
  const out = cell.getWeights();
  vars.forEach((v, i) => v.assign(saved[i]));
  tf.dispose(saved);
  return out;
}

/** The loss and every gradient, in a layout both styles share: each cell's `[kernel, recurrentKernel, bias]`, then the other variables. */
function measure(built: Built): { loss: number; grads: Map<string, Float32Array> } {
  const { value, grads } = tf.variableGrads(() => built.loss(), [...built.variables]);
  const missing = built.variables.filter((v) => !(v.name in grads));
  assert.equal(missing.length, 0, `no gradient reaches ${missing.map((v) => `[${v.shape}]`)}`);
  const out = new Map<string, Float32Array>();
  cellsOf(built.blocks).forEach((cell, i) => {
    const layers = inLayersLayout(
      cell,
      cell.trainableVariables().map((v) => grads[v.name]),
    );
    ["kernel", "recurrentKernel", "bias"].forEach((part, j) => out.set(`cell ${i} ${part}`, Float32Array.from(layers[j].dataSync())));
    tf.dispose(layers);
  });
  othersOf(built).forEach((v, i) => out.set(`variable ${i} [${v.shape}]`, Float32Array.from(grads[v.name].dataSync())));
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

/**
 * Runs `body` on the plain-JS fused kernels, counting their calls of the cells' step kernels, forward and backward
 * (one per time step and layer; the forward count also includes the fused additive attention's tanh layer).
 */
function onJsKernels<T>(body: () => T): { result: T; forward: number; backward: number } {
  const k = fusedKernels("js") as unknown as Record<string, (...args: number[]) => void>;
  const steps = { forward: 0, backward: 0 };
  const spied: [string, "forward" | "backward"][] = [
    ["lstmForwardStep", "forward"],
    ["gruForwardA", "forward"],
    ["tanhInPlace", "forward"],
    ["lstmBackwardStep", "backward"],
    ["gruBackwardA", "backward"],
    ["tanhBackward", "backward"],
  ];
  const saved = process.env[FUSED_ENV];
  process.env[FUSED_ENV] = "js";
  for (const [name, pass] of spied) {
    const kernel = k[name];
    k[name] = (...args: number[]) => {
      steps[pass]++;
      return kernel.apply(k, args);
    };
  }
  try {
    assert.equal(fusedKernels().kind, "js");
    return { result: body(), ...steps };
  } finally {
    for (const [name] of spied) delete k[name]; // back to the class's method
    if (saved === undefined) delete process.env[FUSED_ENV];
    else process.env[FUSED_ENV] = saved;
  }
}

/** The largest errors of one path. */
interface PathErrors {
  readonly fusedVsScratch: number;
  readonly jsVsWasm: number;
  readonly loss: number;
}

/** Per path, with `RNNLAB_FUSED_REPORT=1`: the largest errors, where fused vs scratch is worst, the JS kernels' step calls. */
const report: Record<string, PathErrors & { worst: string; steps: string }> = {};

/**
 * Builds the scratch and the fused model, copies the weights, and checks the fused model's loss and gradients
 * against the scratch model's, then the JS kernels against wasm; nothing may leak.
 */
function checkPath(name: string, build: Build): PathErrors {
  assert.notEqual(tf.getBackend(), "tensorflow", "on the native backend fused blocks run tf ops, not the kernels");
  const scratch = build("scratch");
  const fused = build("fused");
  assert.ok(
    cellsOf(fused.blocks).every((c) => c instanceof FusedRecurrentBlock),
    `${name}: every cell of the fused model is fused`,
  );
  assert.ok(!cellsOf(scratch.blocks).some((c) => c instanceof FusedRecurrentBlock), `${name}: no cell of the scratch model is`);
  copyModel(scratch, fused);
  const before = tf.memory().numTensors;
  const s = measure(scratch);
  const w = measure(fused);
  const j = onJsKernels(() => measure(fused));
  assert.equal(tf.memory().numTensors, before, `${name}: no tensors leak`);
  assert.ok(j.forward > 0 && j.backward > 0, `${name}: the fused kernels ran forward (${j.forward}) and backward (${j.backward})`);
  let worst = "";
  const errors = { fusedVsScratch: 0, jsVsWasm: 0, loss: Math.abs(w.loss - s.loss) / Math.max(1, Math.abs(s.loss)) };
  assert.ok(errors.loss <= 1e-5, `${name}: loss ${w.loss} (fused) vs ${s.loss} (scratch)`);
  const jsLoss = Math.abs(j.result.loss - w.loss) / Math.max(1, Math.abs(w.loss));
  assert.ok(jsLoss <= 1e-6, `${name}: loss ${j.result.loss} (JS kernels) vs ${w.loss} (wasm)`);
  assert.deepEqual([...w.grads.keys()], [...s.grads.keys()]);
  for (const [part, g] of s.grads) {
    assert.ok(
      g.some((v) => v !== 0),
      `${name}: the scratch gradient of ${part} is zero`,
    );
    const e = relErr(w.grads.get(part)!, g);
    const ej = relErr(j.result.grads.get(part)!, w.grads.get(part)!);
    assert.ok(e <= FUSED_VS_SCRATCH, `${name}: ${part}: fused vs scratch relative error ${e}`);
    assert.ok(ej <= JS_VS_WASM, `${name}: ${part}: JS vs wasm kernels relative error ${ej}`);
    if (e >= errors.fusedVsScratch) worst = part;
    errors.fusedVsScratch = Math.max(errors.fusedVsScratch, e);
    errors.jsVsWasm = Math.max(errors.jsVsWasm, ej);
  }
  report[name] = { ...errors, worst, steps: `${j.forward}/${j.backward}` };
  scratch.dispose();
  fused.dispose();
  return errors;
}

/** `Σ_i Σ R_i ⊙ outs_i` with fixed random `R_i`: a loss that reaches every element of every output. */
function weighted(outs: readonly tf.Tensor[], seed = 100): tf.Scalar {
  return tf.tidy(() => tf.addN(outs.map((o, i) => tf.sum(tf.mul(o, tf.randomNormal(o.shape, 0, 1, "float32", seed + i))))) as tf.Scalar);
}

const [T, B, I, H] = [6, 5, 4, 7];
/** Valid lengths with a full row, short rows and an empty one. */
const LENS = [6, 3, 1, 0, 5];

/**
 * A block alone: random inputs `[T, B, I]` and initial state, both variables (so their gradients are checked
 * too), and the loss on the outputs and the final state.
 */
function blockPath(make: (style: Exclude<BlockStyle, "concise">) => RecurrentBlock, opts: ForwardOptions = {}): Build {
  return (style) => {
    const block = make(style);
    const X = tf.variable(tf.randomNormal([T, B, block.numInputs], 0, 1, "float32", 1));
    const zeros = block.initState(B);
    const state = zeros.map((s, j) => tf.variable(tf.randomUniform(s.shape, -0.8, 0.8, "float32", 2 + j)) as tf.Variable<tf.Rank.R2>);
    tf.dispose(zeros);
    return {
      variables: [...block.trainableVariables(), X, ...state],
      blocks: [block],
      loss: () =>
        tf.tidy(() => {
          const [Y, final] = block.forward(X as tf.Tensor3D, state, opts);
          return weighted([Y, ...final]);
        }),
      dispose: () => {
        block.dispose();
        tf.dispose([X, ...state]);
      },
    };
  };
}

/** A language-model batch: random ids, rows padded at their ends (lengths 6, 4, 6, 2). */
function lmBatch(V: number): TokenBatch {
  const [numSteps, batchSize] = [T, 4];
  const ids = (seed: number): Int32Array =>
    Int32Array.from({ length: batchSize * numSteps }, (_, i) => (i * 7 + seed * 3 + ((i * i) % 5)) % V);
  const lens = [6, 4, 6, 2];
  const mask = Float32Array.from({ length: batchSize * numSteps }, (_, i) => (i % numSteps < lens[Math.floor(i / numSteps)] ? 1 : 0));
  return { batchSize, numSteps, X: ids(1), Y: ids(2), mask };
}

test("(a) embedding: ids → embedding table → fused GRU/LSTM/RNN → output layer (RNNLMScratch, also with the fused head; RNNLM on tf.layers' Embedding): the loss and every gradient, the table's included, equal the scratch twin's", () => {
  const V = 9;
  const batch = lmBatch(V);
  const lm = (kind: CellKind, concise: boolean, fusedHead: boolean): Build => {
    return (style) => {
      const block = buildBlock(kind, style, { numInputs: 5, numHiddens: H, sigma: 0.5, seed: 4 });
      const model = concise
        ? new RNNLM({ vocabSize: V, numHiddens: H, embedSize: 5, block, seed: 2 })
        : new RNNLMScratch({ block, vocabSize: V, embedSize: 5, sigma: 0.5, seed: 2, fusedHead: fusedHead && style === "fused" });
      return {
        variables: model.trainableVariables(),
        blocks: [model.block],
        loss: () =>
          tf.tidy(() => {
            const { loss, state } = model.lossAndState(batch);
            return tf.add(loss, weighted(state)) as tf.Scalar;
          }),
        dispose: () => model.dispose(),
      };
    };
  };
  checkPath("(a) RNNLMScratch + EmbeddingScratch, GRU", lm("gru", false, false));
  checkPath("(a) RNNLMScratch + EmbeddingScratch, LSTM", lm("lstm", false, false));
  checkPath("(a) RNNLMScratch + EmbeddingScratch, LSTM, fused head", lm("lstm", false, true));
  checkPath("(a) RNNLM + tf.layers Embedding, RNN", lm("rnn", true, false));
});

test("(b) stacked: a 2-layer fused LSTM stack and a 2-layer fused GRU stack equal their scratch twins (outputs, both layers' final states, every gradient)", () => {
  for (const kind of ["lstm", "gru"] as const) {
    checkPath(
      `(b) 2-layer ${kind}`,
      blockPath((style) => buildStack(kind, style, { numInputs: I, numHiddens: H, numLayers: 2, sigma: 0.5, seed: 5 })),
    );
  }
});

test("(c) bidirectional: fused GRU and LSTM directions, merged by concat, on a full and on a padded batch, equal the scratch twins", () => {
  for (const kind of ["gru", "lstm"] as const) {
    for (const opts of [{}, { validLens: LENS }]) {
      const make = (style: Exclude<BlockStyle, "concise">): RecurrentBlock =>
        buildBidirectional(kind, style, { numInputs: I, numHiddens: H, merge: "concat", sigma: 0.5, seed: 6 });
      checkPath(`(c) bidirectional ${kind}${"validLens" in opts ? ", padded" : ""}`, blockPath(make, opts));
    }
  }
});

test("(d) masked: valid lengths shorter than T (an empty row too) for the RNN, GRU and LSTM, forward and reverse: outputs, final state (the LSTM's C included) and every gradient equal the scratch cell's", () => {
  for (const kind of ["rnn", "gru", "lstm"] as const) {
    for (const reverse of [false, true]) {
      checkPath(
        `(d) masked ${kind}${reverse ? ", reverse" : ""}`,
        blockPath((style) => buildBlock(kind, style, { numInputs: I, numHiddens: H, sigma: 0.5, seed: 7 }), { validLens: LENS, reverse }),
      );
    }
  }
});

/** An encoder–decoder on the toy pairs (padded sources); the loss is the teacher-forced cross-entropy plus the decoder's final state. */
function seq2seqPath<D extends SequenceDecoder & { readonly block: RecurrentBlock }>(
  make: (style: Exclude<BlockStyle, "concise">) => EncoderDecoder<D>,
): Build {
  const batch = pairBatch(PAIRS);
  const { batchSize: Bp, numSteps: Tp, srcSteps } = batch;
  return (style) => {
    const model = make(style);
    return {
      variables: model.trainableVariables(),
      blocks: [model.encoder.block, model.decoder.block],
      loss: () =>
        tf.tidy(() => {
          const encoded = model.encoder.forward(idsTensor(batch.src, Bp, srcSteps), batch.srcLens);
          const [logits, next] = model.decoder.forward(idsTensor(batch.X, Bp, Tp), model.decoder.initState(encoded));
          const mask = idsTensor(batch.mask!, Bp, Tp, true, "float32");
          return tf.add(sequenceCrossEntropy(logits, idsTensor(batch.Y, Bp, Tp), mask), weighted(next.hidden)) as tf.Scalar;
        }),
      dispose: () => model.dispose(),
    };
  };
}

const SIZES = { srcVocabSize: SRC_V, tgtVocabSize: TGT_V, bosId: 1, embedSize: 4, numHiddens: 6, sigma: 0.4, seed: 3 };

test("(e) seq2seq: the fused GRU and LSTM encoder (padded sources) and decoder (the whole target at once) equal the scratch model's loss and gradients", () => {
  for (const kind of ["gru", "lstm"] as const) {
    checkPath(
      `(e) seq2seq ${kind}`,
      seq2seqPath((style) => buildSeq2Seq(kind, style, SIZES)),
    );
  }
  checkPath(
    "(e) seq2seq lstm, 2 layers",
    seq2seqPath((style) => buildSeq2Seq("lstm", style, { ...SIZES, numLayers: 2 })),
  );
});

test("(e) attention decoders: Bahdanau (the fused block one step at a time) and Luong (the whole target at once), GRU and LSTM, a bidirectional padded encoder too, equal the scratch model's loss and gradients", () => {
  const variants: [string, CellKind, AttentionSeq2SeqSizes][] = [
    ["bahdanau additive", "gru", { ...SIZES, score: "additive", variant: "bahdanau" }],
    ["bahdanau additive", "lstm", { ...SIZES, score: "additive", variant: "bahdanau" }],
    ["luong dot", "gru", { ...SIZES, score: "dot", variant: "luong" }],
    ["luong dot", "lstm", { ...SIZES, score: "dot", variant: "luong" }],
    [
      "bahdanau dot, bidirectional encoder, bridge",
      "lstm",
      { ...SIZES, score: "dot", variant: "bahdanau", bidirectional: true, encoderHiddens: 5 },
    ],
    ["luong additive, 2 layers", "lstm", { ...SIZES, score: "additive", variant: "luong", numLayers: 2 }],
  ];
  for (const [name, kind, sizes] of variants) {
    checkPath(
      `(e) attention ${name}, ${kind}`,
      seq2seqPath((style) => buildAttentionSeq2Seq(kind, style, sizes)),
    );
  }
});

after(() => {
  if (process.env.RNNLAB_FUSED_REPORT) console.table(report); // the largest errors and the JS kernels' forward/backward steps, per path
});
