import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import type { BatchSource, TokenBatch } from "../data/batch";
import { RNN, RNNScratch } from "../rnn/rnn";
import { RNNLM, RNNLMScratch } from "../rnn/rnn-lm";
import { Trainer, ConsoleProgress } from "./trainer";
import type { TrainingProgress } from "./progress";

// `npm test` sets RNNLAB_QUICK=1; these tests pin full budgets, except the one about scaling.
useBackendWithFullBudgets();

/** A periodic corpus (0 1 2 3 0 1 2 3 …) cut into fixed windows: a model with memory can predict it perfectly. */
function tinySource(batchSize = 4, numSteps = 8, vocabSize = 4, batches = 3, valBatches = 1): BatchSource {
  const make = (shift: number): TokenBatch => {
    const X = new Int32Array(batchSize * numSteps);
    const Y = new Int32Array(batchSize * numSteps);
    for (let b = 0; b < batchSize; b++) {
      for (let t = 0; t < numSteps; t++) {
        X[b * numSteps + t] = (b + t + shift) % vocabSize;
        Y[b * numSteps + t] = (b + t + shift + 1) % vocabSize;
      }
    }
    return { batchSize, numSteps, X, Y };
  };
  return {
    vocabSize,
    trainBatches: () => Array.from({ length: batches }, (_, i) => make(i)),
    valBatches: () => Array.from({ length: valBatches }, (_, i) => make(7 + i)),
  };
}

function scratchLM(V = 4, H = 16): RNNLMScratch {
  return new RNNLMScratch({ block: new RNNScratch({ numInputs: V, numHiddens: H, sigma: 0.1, seed: 1 }), vocabSize: V, sigma: 0.1 });
}

test("RNNLMScratch and RNNLM give [numSteps, batchSize, vocabSize] logits and explain a wrong block", () => {
  for (const model of [scratchLM(), new RNNLM({ vocabSize: 4, numHiddens: 16, seed: 1 })]) {
    const X = tf.oneHot(tf.tensor2d([[0, 1, 2], [3, 2, 1]], [2, 3], "int32"), 4).toFloat() as tf.Tensor3D;
    const [logits, state] = model.forward(X);
    assert.deepEqual(logits.shape, [2, 3, 4]);
    assert.deepEqual(state[0].shape, [3, 16]);
    tf.dispose([X, logits, ...state]);
    model.dispose();
  }
  assert.throws(
    () => new RNNLMScratch({ block: new RNNScratch({ numInputs: 5, numHiddens: 3 }), vocabSize: 4 }),
    /numInputs: 4/,
  );
});

test("a tiny corpus is overfit: scratch and concise models reach perplexity < 1.2 (from ≈ 4)", async () => {
  const data = tinySource();
  for (const model of [scratchLM(), new RNNLM({ vocabSize: 4, numHiddens: 16, seed: 1 })]) {
    const trainer = new Trainer({ maxEpochs: 60, lr: 0.05, clipNorm: 1, listener: null });
    const untrained = trainer.evaluate(model, data);
    assert.ok(untrained > 3, `an untrained model guesses (4 = uniform): ppl ${untrained}`);
    const result = await trainer.fit(model, data);
    assert.ok(result.trainPerplexity < 1.2, `train ppl ${result.trainPerplexity}`);
    assert.ok(result.valPerplexity < 1.2, `val ppl ${result.valPerplexity}`);
    assert.ok(result.charsPerSecond > 0);
    assert.equal(result.stopped, undefined);
    model.dispose();
  }
});

test("the Trainer reports train and val perplexity every epoch through the listener", async () => {
  const seen: TrainingProgress[] = [];
  let plan = 0;
  let ended = "";
  const listener = { onStart: (p: { totalSteps: number }) => void (plan = p.totalSteps), onProgress: (p: TrainingProgress) => void seen.push(p), onEnd: () => void (ended = "yes") };
  const model = scratchLM();
  const lines: string[] = [];
  const result = await new Trainer({ maxEpochs: 3, lr: 0.01, listener: [listener, new ConsoleProgress((l) => lines.push(l))] }).fit(model, tinySource());
  const epochEnds = seen.filter((p) => p.metrics["val ppl"] !== undefined);
  assert.equal(plan, result.epochs * 3);
  assert.deepEqual(epochEnds.map((p) => p.x), [1, 2, 3].slice(0, result.epochs));
  assert.ok(epochEnds.every((p) => p.metrics["train ppl"] > 1 && (p.charsPerSecond ?? 0) > 0));
  assert.equal(ended, "yes");
  assert.match(lines[0], /^epoch 1\/\d+ · step 3 · train ppl [\d.]+ · val ppl [\d.]+ · [\d,]+ chars\/s/);
  model.dispose();
});

test("training stops on NaN with a message naming the step and the gradient norm", async () => {
  const model = scratchLM();
  const data = tinySource();
  // Poison the output bias on the 2nd step: the loss becomes NaN there.
  let calls = 0;
  const loss = model.loss.bind(model);
  model.loss = (batch: TokenBatch): tf.Scalar => {
    calls++;
    if (calls === 2) model.b_q.assign(tf.fill([4], NaN));
    return loss(batch);
  };
  const lines: string[] = [];
  const result = await new Trainer({ maxEpochs: 5, lr: 0.01, listener: new ConsoleProgress((l) => lines.push(l)) }).fit(model, data);
  assert.match(result.stopped ?? "", /Training stopped at step 2 \(epoch 1\): the loss became NaN and the gradient norm was NaN/);
  assert.match(result.stopped ?? "", /Lower the learning rate/);
  assert.equal(lines[lines.length - 1], result.stopped);
  assert.equal(result.steps, 1);
  model.dispose();
});

test("bad configuration and mismatched data are explained", async () => {
  assert.throws(() => new Trainer({ maxEpochs: 0, lr: 0.1 }), /maxEpochs must be a positive integer/);
  assert.throws(() => new Trainer({ maxEpochs: 1, lr: NaN }), /lr must be a positive number/);
  const model = scratchLM(5);
  await assert.rejects(new Trainer({ maxEpochs: 1, lr: 0.1, listener: null }).fit(model, tinySource()), /vocabSize: data.vocabSize/);
  model.dispose();
});

test("no tensor growth over 50 training steps (scratch and concise, Adam and SGD with clipping)", async () => {
  const data = tinySource(4, 8, 4, 5);
  for (const [model, optimizer] of [[scratchLM(), "adam"], [new RNNLM({ vocabSize: 4, numHiddens: 8 }), "sgd"]] as const) {
    const trainer = new Trainer({ maxEpochs: 10, lr: 0.01, optimizer, clipNorm: 1, clipValue: 0.5, listener: null });
    await trainer.fit(model, data); // warm-up: creates tfjs's cached constants
    const before = tf.memory().numTensors;
    const result = await trainer.fit(model, data);
    assert.equal(result.steps, 50);
    assert.equal(tf.memory().numTensors, before, `${optimizer}: tensors grew`);
    model.dispose();
  }
});

test("RNNLAB_QUICK scales the epochs, the steps per epoch and the validation batches", async () => {
  const model = scratchLM();
  let lossCalls = 0;
  const loss = model.loss.bind(model);
  model.loss = (batch: TokenBatch): tf.Scalar => (lossCalls++, loss(batch));
  process.env.RNNLAB_QUICK = "0.5";
  try {
    const result = await new Trainer({ maxEpochs: 4, lr: 0.01, maxStepsPerEpoch: 2, listener: null }).fit(model, tinySource(4, 8, 4, 5, 4));
    assert.equal(result.epochs, 2);
    assert.equal(result.steps, 2);
    assert.equal(lossCalls, 2 + 2 * 2, "2 training steps and 2 of the 4 validation batches per epoch");
  } finally {
    process.env.RNNLAB_QUICK = "0";
    model.dispose();
  }
});
