import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { Vocab } from "../data/vocab";
import { textBatchSource } from "../data/lm-batches";
import { Trainer } from "../train/trainer";
import { LayersModelLM } from "./layers-model-lm";

useBackendWithFullBudgets();

/** Generative Deep Learning's stacked LSTM, in tfjs. */
function keras(V: number, softmax = true): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: V, outputDim: 8, inputShape: [null] }),
      tf.layers.lstm({ units: 16, returnSequences: true, recurrentActivation: "sigmoid" }),
      tf.layers.lstm({ units: 16, returnSequences: true, recurrentActivation: "sigmoid" }),
      tf.layers.dense({ units: V, activation: softmax ? "softmax" : "linear" }),
    ],
  });
}

test("a Keras-style stacked LSTM trains with the course's Trainer; its loss is −log p(target)", async () => {
  const text = "abcdabcdabce ".repeat(30);
  const vocab = Vocab.build([...text]);
  const data = textBatchSource(vocab.encode([...text]), { batchSize: 4, numSteps: 8, vocabSize: vocab.size, valFraction: 0.2, seed: 1 });
  const lm = new LayersModelLM({ model: keras(vocab.size), vocabSize: vocab.size });
  const batch = { batchSize: 1, numSteps: 2, X: Int32Array.from([0, 1]), Y: Int32Array.from([1, 2]) };
  const byHand = tf.tidy(() => {
    const p = (lm.model.apply(tf.tensor2d([[0, 1]], [1, 2], "int32")) as tf.Tensor3D).arraySync()[0];
    return -(Math.log(p[0][1]) + Math.log(p[1][2])) / 2;
  });
  const loss = tf.tidy(() => lm.loss(batch).dataSync()[0]);
  assert.ok(Math.abs(loss - byHand) < 1e-4, `${loss} vs ${byHand}`);
  const before = tf.memory().numTensors;
  const r = await new Trainer({ maxEpochs: 12, lr: 0.02, clipNorm: 1, listener: null }).fit(lm, data);
  assert.equal(tf.memory().numTensors, before, "no tensor growth");
  assert.ok(r.final["val ppl"] < 2, `val ppl ${r.final["val ppl"]}`);
  assert.equal(r.itemName, "tokens");
  assert.throws(() => new LayersModelLM({ model: keras(5), vocabSize: 6 }), /gives 5 values per step; it must give vocabSize = 6/);
  lm.dispose();
});
