import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import type { TokenBatch, TokenBatchSource } from "../data/batch";
import { RNNScratch } from "../rnn/rnn";
import { RNNLM, RNNLMScratch } from "../rnn/rnn-lm";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { tokensIn } from "../data/batch";
import { batchTensors } from "../data/batch-tensors";
import { textBatchSource } from "../data/lm-batches";
import { exactMatch, tokenAccuracy } from "../data/metrics";
import type { TokenScores } from "../data/metrics";
import { sequenceCrossEntropy } from "../data/perplexity";
import { Rng } from "../data/rng";
import { EmbeddingScratch } from "../rnn/embedding";
import { GRUScratch } from "../rnn/gru";
import { initVariable } from "../rnn/init";
import { Trainer, ConsoleProgress, scheduledLr } from "./trainer";
import type { TrainingProgress } from "./progress";

// `npm test` sets RNNLAB_QUICK=1; these tests pin full budgets, except the one about scaling.
useBackendWithFullBudgets();

/** A periodic corpus (0 1 2 3 0 1 2 3 …) cut into fixed windows: a model with memory can predict it perfectly. */
function tinySource(batchSize = 4, numSteps = 8, vocabSize = 4, batches = 3, valBatches = 1): TokenBatchSource {
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

test("RNNLMScratch and RNNLM take ids [numSteps, batchSize], give [numSteps, batchSize, vocabSize] logits and explain a wrong block", () => {
  for (const model of [scratchLM(), new RNNLM({ vocabSize: 4, numHiddens: 16, seed: 1 })]) {
    const X = tf.tensor2d(
      [
        [0, 1, 2],
        [3, 2, 1],
      ],
      [2, 3],
      "int32",
    );
    const [logits, state] = model.forward(X);
    assert.deepEqual(logits.shape, [2, 3, 4]);
    assert.deepEqual(state[0].shape, [3, 16]);
    tf.dispose([X, logits, ...state]);
    model.dispose();
  }
  assert.throws(() => new RNNLMScratch({ block: new RNNScratch({ numInputs: 5, numHiddens: 3 }), vocabSize: 4 }), /numInputs: 4/);
});

test("a tiny corpus is overfit: scratch and concise models reach perplexity < 1.2 (from ≈ 4)", async () => {
  const data = tinySource();
  for (const model of [scratchLM(), new RNNLM({ vocabSize: 4, numHiddens: 16, seed: 1 })]) {
    const trainer = new Trainer({ maxEpochs: 60, lr: 0.05, clipNorm: 1, listener: null });
    const untrained = trainer.evaluate(model, data)["val ppl"];
    assert.ok(untrained > 3, `an untrained model guesses (4 = uniform): ppl ${untrained}`);
    const result = await trainer.fit(model, data);
    assert.ok(result.final["train ppl"] < 1.2, `train ppl ${result.final["train ppl"]}`);
    assert.ok(result.final["val ppl"] < 1.2, `val ppl ${result.final["val ppl"]}`);
    assert.ok(Math.abs(result.final["val ppl"] - Math.exp(result.final["val loss"])) < 1e-9, "ppl = exp(loss)");
    assert.equal(result.itemName, "tokens");
    assert.ok(result.itemsPerSecond > 0);
    assert.equal(result.stopped, undefined);
    model.dispose();
  }
});

test("the Trainer reports train and val perplexity every epoch through the listener", async () => {
  const seen: TrainingProgress[] = [];
  let plan = 0;
  let ended = "";
  const listener = {
    onStart: (p: { totalSteps: number }) => void (plan = p.totalSteps),
    onProgress: (p: TrainingProgress) => void seen.push(p),
    onEnd: () => void (ended = "yes"),
  };
  const model = scratchLM();
  const lines: string[] = [];
  const result = await new Trainer({ maxEpochs: 3, lr: 0.01, listener: [listener, new ConsoleProgress((l) => lines.push(l))] }).fit(
    model,
    tinySource(),
  );
  const epochEnds = seen.filter((p) => p.metrics["val ppl"] !== undefined);
  assert.equal(plan, result.epochs * 3);
  assert.deepEqual(
    epochEnds.map((p) => p.x),
    [1, 2, 3].slice(0, result.epochs),
  );
  assert.ok(epochEnds.every((p) => p.metrics["train ppl"] > 1 && (p.itemsPerSecond ?? 0) > 0));
  assert.ok(
    seen.every((p) => p.metrics["train loss"] === undefined),
    "a language model reports perplexity, not the raw loss",
  );
  assert.equal(ended, "yes");
  assert.match(lines[0], /^epoch 1\/\d+ · step 3 · train ppl [\d.]+ · val ppl [\d.]+ · [\d,]+ tokens\/s/);
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

test("ConsoleProgress prints epoch ends by default, and every report with everyReport (for long runs)", async () => {
  const [quiet, chatty]: string[][] = [[], []];
  const config = { maxEpochs: 2, lr: 0.01, reportsPerEpoch: 3 };
  await new Trainer({ ...config, listener: new ConsoleProgress((l) => quiet.push(l)) }).fit(scratchLM(), tinySource());
  await new Trainer({ ...config, listener: new ConsoleProgress((l) => chatty.push(l), { everyReport: true }) }).fit(
    scratchLM(),
    tinySource(),
  );
  assert.equal(quiet.filter((l) => /^epoch/.test(l)).length, 2, quiet.join("\n"));
  assert.ok(chatty.filter((l) => /^epoch/.test(l)).length > 2, chatty.join("\n"));
  assert.match(chatty[chatty.length - 1], /done in/);
});

test("bad configuration and mismatched data are explained", async () => {
  assert.throws(() => new Trainer({ maxEpochs: 0, lr: 0.1 }), /maxEpochs must be a positive integer/);
  assert.throws(() => new Trainer({ maxEpochs: 1, lr: NaN }), /lr must be a positive number/);
  assert.throws(() => new Trainer({ maxEpochs: 1, lr: 0.1, lrSchedule: "step" as "cosine" }), /lrSchedule "step" is unknown/);
  assert.throws(() => new Trainer({ maxEpochs: 1, lr: 0.1, lrFinal: 0.2 }), /lrFinal must be between 0 and lr/);
  const model = scratchLM(3); // the data has 4 tokens
  await assert.rejects(
    new Trainer({ maxEpochs: 1, lr: 0.1, listener: null }).fit(model, tinySource()),
    /id 3 \(row \d+, step \d+\) is outside the vocabulary of 3/,
  );
  const lm = scratchLM(4);
  await assert.rejects(
    new Trainer({ maxEpochs: 1, lr: 0.1, listener: null, carryState: true }).fit(lm, tinySource()),
    /carryState needs sequential batches/,
  );
  lm.dispose();
  model.dispose();
});

test("no tensor growth over 50 training steps (scratch and concise, Adam and SGD with clipping)", async () => {
  const data = tinySource(4, 8, 4, 5);
  for (const [model, optimizer] of [
    [scratchLM(), "adam"],
    [new RNNLM({ vocabSize: 4, numHiddens: 8 }), "sgd"],
  ] as const) {
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

/**
 * A tiny tagger, built only in this test from the lib's parts: embedding → GRU → a linear layer per step.
 * Its tag at step t is the token at step t − 1 (the first token at step 0), so it needs memory; sequences
 * have different lengths, padded and masked, and the GRU runs with their valid lengths.
 */
class Tagger {
  readonly embed = new EmbeddingScratch({ vocabSize: 5, embedSize: 8, seed: 1 });
  readonly gru = new GRUScratch({ numInputs: 8, numHiddens: 16, sigma: 0.3, seed: 2 });
  readonly W = initVariable([16, 5], { normal: 0.3 }, 3, "W");
  readonly itemName = "tokens";
  scores(batch: TokenBatch): TokenScores {
    const t = batchTensors(batch, 5);
    const lens = Array.from({ length: batch.batchSize }, (_, b) =>
      batch.mask!.subarray(b * batch.numSteps, (b + 1) * batch.numSteps).reduce((a, m) => a + m, 0),
    );
    const logits = tf.tidy(() => {
      const [H] = this.gru.forward(this.embed.encode(t.X), undefined, { validLens: lens }); // [T, B, 16]
      const [T, B] = H.shape;
      return tf.reshape(tf.matMul(tf.reshape(H, [T * B, 16]), this.W), [T, B, 5]) as tf.Tensor3D;
    });
    t.X.dispose();
    return { logits, targets: t.Y, mask: t.mask };
  }
  loss(batch: TokenBatch): tf.Scalar {
    const s = this.scores(batch);
    try {
      return tf.tidy(() => sequenceCrossEntropy(s.logits, s.targets, s.mask));
    } finally {
      tf.dispose([s.logits, s.targets, s.mask as tf.Tensor]);
    }
  }
  countItems(batch: TokenBatch): number {
    return tokensIn(batch);
  }
  trainableVariables(): tf.Variable[] {
    return [...this.embed.trainableVariables(), ...this.gru.trainableVariables(), this.W];
  }
  dispose(): void {
    this.embed.dispose();
    this.gru.dispose();
    this.W.dispose();
  }
}

/** Padded batches of random token sequences (lengths 3 … 8) tagged with the previous token. */
function taggingBatches(count: number, seed: number): TokenBatch[] {
  const rng = new Rng(seed);
  const [B, T] = [16, 8];
  return Array.from({ length: count }, () => {
    const X = new Int32Array(B * T);
    const Y = new Int32Array(B * T);
    const mask = new Float32Array(B * T);
    for (let b = 0; b < B; b++) {
      const len = rng.intBetween(3, T);
      for (let t = 0; t < len; t++) {
        X[b * T + t] = rng.int(5);
        Y[b * T + t] = X[b * T + Math.max(0, t - 1)];
        mask[b * T + t] = 1;
      }
    }
    return { batchSize: B, numSteps: T, X, Y, mask };
  });
}

test("the Trainer trains a model that is not a language model: a tagger reaches token accuracy > 0.95 on padded batches", async () => {
  const tagger = new Tagger();
  const train = taggingBatches(20, 1);
  const val = taggingBatches(4, 2);
  const data = { trainBatches: () => train, valBatches: () => val };
  const trainer = new Trainer({ maxEpochs: 15, lr: 0.03, clipNorm: 1, metrics: [tokenAccuracy(), exactMatch()], listener: null });
  const before = trainer.evaluate(tagger, data);
  assert.ok(before["val acc"] < 0.5, `an untrained tagger guesses: accuracy ${before["val acc"]}`);
  assert.deepEqual(Object.keys(before).sort(), ["val acc", "val exact", "val loss"]);
  const tensors = tf.memory().numTensors;
  const result = await trainer.fit(tagger, data);
  assert.equal(tf.memory().numTensors, tensors, "no tensor growth over a run");
  assert.ok(result.final["val acc"] > 0.95, `val acc ${result.final["val acc"]}`);
  assert.ok(result.final["val exact"] > 0.6, `val exact ${result.final["val exact"]}`);
  assert.ok(result.final["val exact"] <= result.final["val acc"], "a sequence is exactly right only if each of its tokens is");
  assert.ok(result.final["train loss"] < 0.3, `train loss ${result.final["train loss"]}`);
  assert.equal(result.itemName, "tokens");
  tagger.dispose();
});

test("carryState: each batch starts from the previous batch's final state (detached), and from zeros at each epoch", async () => {
  const text = Array.from({ length: 400 }, (_, i) => (i * 7) % 5);
  const data = textBatchSource(text, { batchSize: 3, numSteps: 6, vocabSize: 5, valFraction: 0.2, seed: 1 });
  assert.equal(data.sequential, true);
  const model = new RNNLMScratch({ block: new RNNScratch({ numInputs: 5, numHiddens: 8, sigma: 0.3, seed: 1 }), vocabSize: 5, sigma: 0.3 });
  const trainer = new Trainer({ maxEpochs: 2, lr: 0.01, carryState: true, listener: null });
  await trainer.fit(model, data); // warm-up: creates tfjs's cached constants
  const calls: { in: number[][] | null; out: number[][] }[] = [];
  const lossAndState = model.lossAndState.bind(model);
  model.lossAndState = (batch, state, opts) => {
    const r = lossAndState(batch, state, opts);
    if (opts?.training)
      calls.push({ in: state ? state.map((s) => Array.from(s.dataSync())) : null, out: r.state.map((s) => Array.from(s.dataSync())) });
    return r;
  };
  const tensors = tf.memory().numTensors;
  const result = await trainer.fit(model, data);
  assert.equal(tf.memory().numTensors, tensors, "the carried state is freed");
  const perEpoch = data.batchesPerEpoch;
  assert.ok(perEpoch >= 3);
  assert.equal(calls.length, 2 * perEpoch);
  for (let i = 0; i < calls.length; i++) {
    if (i % perEpoch === 0) assert.equal(calls[i].in, null, `batch ${i} starts an epoch from zeros`);
    else assert.deepEqual(calls[i].in, calls[i - 1].out, `batch ${i} reads batch ${i - 1}'s final state`);
  }
  assert.equal(result.steps, 2 * perEpoch);
  model.dispose();
});

test("in a fresh process, importing rnnlab claims the backend: tensors made before awaiting it are refused, never computed on cpu", () => {
  const dist = path.join(__dirname, "..", "index.js");
  const script = `
    const tf = require("@tensorflow/tfjs");
    const r = require(${JSON.stringify(dist)});
    let early = "";
    try { tf.zeros([1]); } catch (err) { early = err.message; }
    (async () => {
      await r.setupBackend();
      new r.RNNLMScratch({ block: new r.RNNScratch({ numInputs: 4, numHiddens: 4 }), vocabSize: 4 }).dispose();
      console.log(JSON.stringify({ early, backend: tf.getBackend() }));
    })();
  `;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, RNNLAB_BACKEND: "" } });
  const out = JSON.parse(r.stdout.trim().split("\n").pop() as string);
  assert.match(out.early, /has not yet been initialized/, "an op before the backend is ready is refused");
  assert.equal(out.backend, "wasm");
  assert.doesNotMatch(r.stdout + r.stderr, /Hi, looks like you are running TensorFlow.js in Node.js/, "tfjs's cpu banner is never printed");
});

test("in a fresh process, Trainer.fit selects the backend itself before training, even when nothing else did", () => {
  const trainerPath = path.join(__dirname, "trainer.js");
  const rnnPath = path.join(__dirname, "..", "rnn", "index.js");
  const script = `
    const tf = require("@tensorflow/tfjs");
    const { Trainer } = require(${JSON.stringify(trainerPath)});
    const { RNNLMScratch, RNNScratch } = require(${JSON.stringify(rnnPath)});
    (async () => {
      await tf.ready(); // tfjs's own default, the slow cpu backend
      const before = tf.getBackend();
      const model = new RNNLMScratch({ block: new RNNScratch({ numInputs: 4, numHiddens: 4 }), vocabSize: 4 });
      const batch = { batchSize: 2, numSteps: 3, X: Int32Array.from([0, 1, 2, 3, 0, 1]), Y: Int32Array.from([1, 2, 3, 0, 1, 2]) };
      await new Trainer({ maxEpochs: 1, lr: 0.01, listener: null }).fit(model, { trainBatches: () => [batch], valBatches: () => [batch] });
      console.log(JSON.stringify({ before, after: tf.getBackend() }));
    })();
  `;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, RNNLAB_BACKEND: "" } });
  const out = JSON.parse(r.stdout.trim().split("\n").pop() as string);
  assert.equal(out.before, "cpu");
  assert.equal(out.after, "wasm", "training ran on the fastest backend that loads");
});

test("a cosine schedule moves the learning rate from lr to lrFinal over the planned steps (SGD and Adam take each step's rate)", async () => {
  // loss = w: the gradient is always 1, so SGD moves w by exactly the step's learning rate, and Adam by nearly it.
  const batches = Array.from({ length: 10 }, () => ({}));
  const data = { trainBatches: () => batches, valBatches: () => [{}] };
  const schedule = Array.from({ length: 30 }, (_, s) => scheduledLr("cosine", 0.1, 0.01, s, 30));
  assert.equal(schedule[0], 0.1);
  assert.ok(Math.abs(schedule[29] - 0.01) < 1e-12);
  assert.ok(
    schedule.every((lr, s) => s === 0 || lr < schedule[s - 1]),
    "it only goes down",
  );
  assert.equal(scheduledLr("constant", 0.1, 0.01, 7, 30), 0.1);
  for (const optimizer of ["sgd", "adam"] as const) {
    for (const lrSchedule of ["constant", "cosine"] as const) {
      const w = tf.variable(tf.scalar(0));
      const model = { loss: () => tf.mul(w, 1) as tf.Scalar, trainableVariables: () => [w], countItems: () => 1 };
      await new Trainer({ maxEpochs: 3, lr: 0.1, lrFinal: 0.01, lrSchedule, optimizer, listener: null }).fit(model, data);
      const moved = -w.dataSync()[0];
      const expected = lrSchedule === "constant" ? 3 : schedule.reduce((a, b) => a + b, 0);
      assert.ok(
        Math.abs(moved - expected) < (optimizer === "sgd" ? 1e-5 : 1e-3),
        `${optimizer} ${lrSchedule}: moved ${moved}, expected ${expected}`,
      );
      w.dispose();
    }
  }
});
