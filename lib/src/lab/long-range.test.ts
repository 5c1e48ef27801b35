import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CELL_KINDS } from "../cells";
import { buildBlock } from "../rnn/blocks";
import { SequenceClassifier } from "../rnn/sequence-classifier";
import { useBackendWithFullBudgets, withCheckpointRoot } from "../testing/fixtures";
import { agreementTestSets, agreementVocab } from "./agreement-task";
import { countParameters } from "./compare";
import { accuracyOf, buildAgreementClassifier, classifierWidth, runDistanceSweep, runLongRange } from "./long-range";

useBackendWithFullBudgets();

const V = agreementVocab().size;

test("classifierWidth: the width whose classifier has the parameter count closest to the target, for every cell", () => {
  for (const kind of CELL_KINDS) {
    for (const target of [600, 5800]) {
      const h = classifierWidth(kind, target, { vocabSize: V });
      const count = (n: number) => {
        const model = buildAgreementClassifier(kind, { vocabSize: V, numHiddens: n });
        try {
          return countParameters(model);
        } finally {
          model.dispose();
        }
      };
      const [below, at, above] = [count(h - 1), count(h), count(h + 1)];
      assert.ok(
        Math.abs(at - target) <= Math.abs(below - target) && Math.abs(at - target) <= Math.abs(above - target),
        `${kind} ${target}`,
      );
    }
  }
  assert.deepEqual(
    CELL_KINDS.map((k) => classifierWidth(k, 5800, { vocabSize: V })),
    [69, 38, 32],
    "the notebook's widths",
  );
  // With an embedding and ten classes: count a real SequenceClassifier of that shape.
  const h = classifierWidth("gru", 3000, { vocabSize: V, embedSize: 8, numClasses: 10 });
  const withEmbedding = (n: number) => {
    const block = buildBlock("gru", "fused", { numInputs: 8, numHiddens: n });
    const model = new SequenceClassifier({ block, vocabSize: V, embedSize: 8, numClasses: 10 });
    try {
      return countParameters(model);
    } finally {
      model.dispose();
    }
  };
  const gaps = [h - 1, h, h + 1].map((n) => Math.abs(withEmbedding(n) - 3000));
  assert.ok(gaps[1] <= gaps[0] && gaps[1] <= gaps[2], `embedding included: ${gaps}`);
});

test("runLongRange: three matched models on the same batches learn short distances, report accuracy per distance, free every tensor", async () => {
  const before = tf.memory().numTensors;
  const result = await runLongRange({
    distances: [1, 3],
    targetParams: 600,
    maxEpochs: 6,
    batchesPerDistance: 10,
    lr: 0.02,
    numTestPerDistance: 60,
    listener: null,
  });
  assert.deepEqual(
    result.runs.map((r) => r.name),
    ["RNN", "GRU", "LSTM"],
  );
  assert.equal(result.steps, 120, "6 epochs of 2 distances × 10 batches");
  for (const r of result.runs) {
    assert.ok(Math.abs(r.params - 600) < 60, `${r.name}: ${r.params} parameters, near the target`);
    assert.equal(r.accuracy.length, 2);
    assert.ok(r.accuracy[0] >= 0.9, `${r.name} learns distance 1: ${r.accuracy}`);
  }
  assert.equal(result.figure.data.length, 4, "three cells and chance");
  assert.match(result.table.text, /distance\s+RNN\s+GRU\s+LSTM/);
  result.dispose();
  assert.equal(tf.memory().numTensors, before, "disposing the result frees every model");
});

test("runLongRange through the cache: a rerun loads the models and measures the same accuracies", async () => {
  await withCheckpointRoot("long-range-", async () => {
    const config = {
      cells: ["gru" as const],
      distances: [2, 5],
      targetParams: 400,
      maxEpochs: 2,
      batchesPerDistance: 4,
      numTestPerDistance: 40,
      listener: null,
      cache: "agree",
      log: () => {},
    };
    const first = await runLongRange(config);
    const second = await runLongRange(config);
    try {
      assert.equal(first.runs[0].fromCache, false);
      assert.equal(second.runs[0].fromCache, true);
      assert.deepEqual(second.runs[0].accuracy, first.runs[0].accuracy);
    } finally {
      first.dispose();
      second.dispose();
    }
  });
});

test("runDistanceSweep through the cache: one line of messages, and a rerun loads every model", async () => {
  await withCheckpointRoot("sweep-", async () => {
    const lines: string[] = [];
    const config = {
      cells: ["rnn" as const],
      distances: [1, 2],
      seeds: [1, 2],
      targetParams: 300,
      maxEpochs: 1,
      batchesPerDistance: 3,
      numTestPerDistance: 20,
      listener: null,
      cache: "sweep",
      log: (m: string) => lines.push(m),
    };
    const first = await runDistanceSweep(config);
    const second = await runDistanceSweep(config);
    assert.deepEqual(lines, [
      'Trained 4 models and saved them to the cache ("sweep"); rerunning this cell with the same settings will load them.',
      'Loaded all 4 models from the cache ("sweep") instead of training again.',
    ]);
    assert.deepEqual(second.runs[0].perSeed, first.runs[0].perSeed);
  });
});

test("runLongRange and runDistanceSweep refuse a bad configuration with the reason", async () => {
  await assert.rejects(runLongRange({ distances: [0, 4], listener: null }), /distances must hold integers ≥ 1/);
  await assert.rejects(runLongRange({ trainDistances: [], listener: null }), /trainDistances is empty/);
  await assert.rejects(runLongRange({ cells: [], listener: null }), /no cells/);
  await assert.rejects(runLongRange({ targetParams: 10, listener: null }), /targetParams must be a number ≥ 100/);
  await assert.rejects(runDistanceSweep({ seeds: [], listener: null }), /seeds must be a non-empty list/);
  await assert.rejects(runDistanceSweep({ distances: [1.5], listener: null }), /integers ≥ 1/);
});

test("runDistanceSweep: one model per cell, distance and seed; accuracy means and 'learned' counts; frees every model", async () => {
  const before = tf.memory().numTensors;
  const reports: number[] = [];
  const sweep = await runDistanceSweep({
    cells: ["rnn", "lstm"],
    distances: [1, 2],
    seeds: [1, 2],
    targetParams: 500,
    maxEpochs: 4,
    batchesPerDistance: 10,
    lr: 0.02,
    numTestPerDistance: 40,
    listener: { onProgress: (p) => reports.push(p.x) },
  });
  assert.equal(tf.memory().numTensors, before, "nothing is kept");
  assert.deepEqual(reports, [0, 1], "one report per distance, at log2(d)");
  assert.deepEqual(sweep.seeds, [1, 2]);
  assert.equal(sweep.steps, 40);
  for (const r of sweep.runs) {
    assert.equal(r.perSeed.length, 2);
    r.perSeed.forEach((accs, i) => {
      assert.equal(accs.length, 2, "one accuracy per seed");
      assert.ok(Math.abs(r.accuracy[i] - (accs[0] + accs[1]) / 2) < 1e-12, "the mean over seeds");
      assert.equal(r.learned[i], accs.filter((a) => a >= 0.95).length);
    });
    assert.ok(r.accuracy[0] >= 0.9, `${r.name} learns distance 1 alone: ${r.accuracy}`);
  }
  assert.match(sweep.table.text, /RNN learned \(≥ 95 %\)/);
  assert.match(sweep.table.text, /\d\/2/);
});

test("accuracyOf: the share of sequences labelled right, with no tensor left behind", () => {
  const model = buildAgreementClassifier("gru", { vocabSize: V, numHiddens: 4 });
  try {
    const [batch] = agreementTestSets([3], { count: 20 });
    const before = tf.memory().numTensors;
    const acc = accuracyOf(model, batch);
    assert.equal(tf.memory().numTensors, before);
    const predicted = model.predict(Array.from({ length: 20 }, (_, b) => Array.from(batch.X.slice(b * 5, b * 5 + 5))));
    assert.equal(acc, predicted.filter((p, b) => p === batch.labels[b]).length / 20);
  } finally {
    model.dispose();
  }
});
