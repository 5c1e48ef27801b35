import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets, withCheckpointRoot } from "../testing/fixtures";
import { Vocab } from "../data/vocab";
import { textBatchSource } from "../data/lm-batches";
import { buildStack } from "../rnn/blocks";
import { RNNLMScratch } from "../rnn/rnn-lm";
import { labeledTextBatch } from "../data/batch";
import type { BatchSource, LabeledTextBatch } from "../data/batch";
import { SequenceClassifier } from "../rnn/sequence-classifier";
import { LayersModelLM } from "../rnn/layers-model-lm";
import { compareModels } from "./compare";

useBackendWithFullBudgets();

const TEXT = "the cat sat on the mat. the cats sat on the mats. ".repeat(8);
const vocab = Vocab.build([...TEXT]);
const data = () => textBatchSource(vocab.encode([...TEXT]), { batchSize: 4, numSteps: 10, vocabSize: vocab.size, valFraction: 0.2 });
const deepLM = (numLayers: number) => () =>
  new RNNLMScratch({ block: buildStack("gru", "scratch", { numInputs: vocab.size, numHiddens: 8, numLayers }), vocabSize: vocab.size });

test("compareModels with a cache: the second run loads every contestant and gives the same table", async () => {
  const logs: string[] = [];
  await withCheckpointRoot("rnnlab-compare-", async () => {
    const config = {
      data: data(),
      maxEpochs: 2,
      stepsPerEpoch: 3,
      lr: 0.02,
      listener: null,
      cache: "depth-test",
      log: (m: string) => logs.push(m),
      contestants: [1, 2].map((n) => ({ name: `${n} layers`, build: deepLM(n), settings: { n } })),
    };
    const first = await compareModels(config);
    assert.deepEqual(
      first.runs.map((r) => r.fromCache),
      [false, false],
    );
    const weights = first.runs.map((r) => Array.from(r.model.trainableVariables()[0].dataSync()));
    const before = tf.memory().numTensors;
    first.dispose();
    const second = await compareModels(config);
    assert.deepEqual(
      second.runs.map((r) => r.fromCache),
      [true, true],
    );
    assert.equal(second.table.text, first.table.text, "the same numbers, the same table");
    second.runs.forEach((r, i) =>
      assert.deepEqual(Array.from(r.model.trainableVariables()[0].dataSync()), weights[i], "the trained weights are loaded"),
    );
    assert.ok(second.runs[1].params > second.runs[0].params);
    assert.ok(logs.some((m) => /Loaded the trained model from the cache/.test(m)));
    second.dispose();
    assert.ok(tf.memory().numTensors <= before);
    await assert.rejects(
      compareModels({ ...config, contestants: [config.contestants[0], config.contestants[0]] }),
      /two contestants are called "1 layers"/,
    );
  });
});

test("a time budget ends each contestant's training early and says so", async () => {
  const cmp = await compareModels({
    data: data(),
    maxEpochs: 1000,
    lr: 0.02,
    maxSeconds: 0.3,
    listener: null,
    contestants: [{ name: "2 layers", build: deepLM(2) }],
  });
  const run = cmp.runs[0];
  assert.equal(run.summary.outOfTime, true);
  assert.ok(run.summary.history.length < 1000);
  assert.ok(run.summary.seconds < 5, `stopped after ${run.summary.seconds} s`);
  cmp.dispose();
});

test("without type arguments a run's model keeps its own type and the batches theirs (a language model, two kinds of model, a classifier of labelled batches)", async () => {
  const lms = await compareModels({
    data: data(),
    maxEpochs: 1,
    stepsPerEpoch: 1,
    lr: 0.02,
    listener: null,
    contestants: [{ name: "lm", build: deepLM(1) }],
  });
  const lm: RNNLMScratch = lms.runs[0].model; // would not compile if the model's type were lost
  assert.equal(lm.vocabSize, vocab.size);
  lms.dispose();
  const keras = () =>
    new LayersModelLM({
      vocabSize: vocab.size,
      model: tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: vocab.size, outputDim: 4, inputShape: [null] }),
          tf.layers.gru({ units: 4, returnSequences: true }),
          tf.layers.dense({ units: vocab.size, activation: "softmax" }),
        ],
      }),
    });
  const mixed = await compareModels({
    data: data(),
    maxEpochs: 1,
    stepsPerEpoch: 1,
    lr: 0.02,
    listener: null,
    contestants: [
      { name: "scratch", build: deepLM(1) },
      { name: "keras", build: keras },
    ],
  });
  const either: RNNLMScratch | LayersModelLM = mixed.runs[1].model; // different models in one comparison: their union
  assert.ok(either instanceof LayersModelLM);
  mixed.dispose();
  const batch: LabeledTextBatch = labeledTextBatch(
    [
      [1, 2, 3],
      [3, 2],
      [2, 1, 1],
    ],
    [0, 1, 0],
  );
  const labelled: BatchSource<LabeledTextBatch> = { trainBatches: () => [batch], valBatches: () => [batch] };
  const classify = () =>
    new SequenceClassifier({
      block: buildStack("gru", "scratch", { numInputs: 4, numHiddens: 4, numLayers: 1 }),
      vocabSize: 4,
      embedSize: 4,
      numClasses: 2,
    });
  const cmp = await compareModels({
    data: labelled,
    score: "val acc",
    maxEpochs: 1,
    lr: 0.02,
    listener: null,
    contestants: [{ name: "c", build: classify }],
  });
  const classifier: SequenceClassifier = cmp.runs[0].model;
  assert.equal(classifier.predict([[1, 2]]).length, 1);
  cmp.dispose();
});
