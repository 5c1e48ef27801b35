import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { idsTensor } from "../data/batch-tensors";
import { textBatchSource } from "../data/lm-batches";
import { Vocab } from "../data/vocab";
import { useBackendWithFullBudgets, withCheckpointRoot } from "../testing/fixtures";
import {
  VERB_FILLER,
  VerbPreferenceRow,
  agreementContext,
  buildFusedLM,
  preferenceByGap,
  trainCharLMs,
  verbPreference,
  verbPreferenceFigure,
  verbPreferenceTable,
} from "./lm-agreement";

useBackendWithFullBudgets();

const letters = Vocab.build([..." abcdefghijklmnopqrstuvwxyz"]);

test("agreementContext: 'the <subject>', the first gap words of the filler, then a space", () => {
  assert.equal(agreementContext("cat", 0), "the cat ");
  assert.equal(agreementContext("cats", 2), "the cats which already ");
  assert.equal(agreementContext("man", 16), `the man ${VERB_FILLER} `);
  assert.equal(VERB_FILLER.split(" ").length, 16);
  assert.throws(() => agreementContext("cat", 17), /gap must be an integer from 0 to 16 \(the filler's words\), got 17/);
  assert.throws(() => agreementContext("cat", -1), /got -1/);
  assert.equal(agreementContext("cat", 1, "  which  now "), "the cat which ", "extra spaces in a filler are ignored");
});

test("verbPreference: log P of each verb and the space after it, from the model's own softmax; fused LSTMs included", () => {
  for (const cell of ["lstm", "gru"] as const) {
    const model = buildFusedLM(cell, { vocabSize: letters.size, numHiddens: 8, seed: 3 });
    try {
      const before = tf.memory().numTensors;
      const rows = verbPreference(model, letters, { subjects: [["cat", "cats"]], gaps: [0, 2] });
      assert.equal(tf.memory().numTensors, before, "no tensor left");
      assert.deepEqual(
        rows.map((r) => [r.subject, r.number, r.gap]),
        [
          ["cat", "singular", 0],
          ["cats", "plural", 0],
          ["cat", "singular", 2],
          ["cats", "plural", 2],
        ],
      );
      // The same number, character by character, from one forward pass over the whole string.
      const logP = (text: string, verb: string): number => {
        const ids = letters.encode([...(text + verb)]);
        return tf.tidy(() => {
          const [logits] = model.forward(idsTensor(ids, 1, ids.length)); // [T, 1, V]
          const lp = tf.logSoftmax(logits).arraySync() as number[][][];
          let sum = 0;
          for (let t = text.length; t < ids.length; t++) sum += lp[t - 1][0][ids[t]];
          return sum;
        });
      };
      const row = rows[3];
      const context = "the cats which already ";
      assert.ok(Math.abs(row.logProbs[0] - logP(context, "was ")) < 1e-4, `${cell}: log P(was )`);
      assert.ok(Math.abs(row.logProbs[1] - logP(context, "were ")) < 1e-4, `${cell}: log P(were )`);
      assert.ok(Math.abs(row.preference - (row.logProbs[0] - row.logProbs[1])) < 1e-12);
      assert.throws(() => verbPreference(model, letters, { subjects: [["Cat", "Cats"]] }), /vocabulary has no "C"/);
      assert.throws(() => verbPreference(model, letters, { gaps: [] }), /at least one subject pair and one gap/);
    } finally {
      model.dispose();
    }
  }
});

test("preferenceByGap: means after singular and plural subjects, their difference, over all pairs or one", () => {
  const row = (subject: string, number: "singular" | "plural", gap: number, preference: number): VerbPreferenceRow => ({
    subject,
    number,
    gap,
    logProbs: [preference, 0],
    preference,
  });
  const rows = [
    row("cat", "singular", 0, 2),
    row("cats", "plural", 0, -2),
    row("man", "singular", 0, 1),
    row("men", "plural", 0, 1),
    row("cat", "singular", 4, 0.5),
    row("cats", "plural", 4, 0.5),
    row("man", "singular", 4, 0),
    row("men", "plural", 4, 0),
  ];
  assert.deepEqual(preferenceByGap(rows), [
    { gap: 0, singular: 1.5, plural: -0.5, effect: 2 },
    { gap: 4, singular: 0.25, plural: 0.25, effect: 0 },
  ]);
  assert.deepEqual(preferenceByGap(rows, "cat")[0], { gap: 0, singular: 2, plural: -2, effect: 4 });
  assert.throws(() => preferenceByGap(rows, "dog"), /no rows for subject "dog"/);
  const models = [
    { name: "GRU", rows },
    { name: "LSTM", rows },
  ];
  const fig = verbPreferenceFigure(models);
  assert.equal(fig.data.length, 5, "two lines per model and the zero line");
  const dash = fig.data.map((d) => (d as { line?: { dash?: string } }).line?.dash);
  assert.deepEqual(dash.slice(0, 4), [undefined, "dot", undefined, "dot"], "plural lines dotted");
  const tbl = verbPreferenceTable(models, { subject: "cat" });
  assert.match(tbl.text, /filler words\s+GRU sing\.\s+GRU plur\.\s+GRU effect/);
});

test("trainCharLMs: fused models on the same batches; a corpus where number decides the verb teaches it; reruns load", async () => {
  const sentence = (i: number) => (i % 2 === 0 ? "the cat was here " : "the cats were here ");
  const text = Array.from({ length: 400 }, (_, i) => sentence(Math.floor(i / 1.7))).join("");
  const data = textBatchSource(letters.encode([...text]), { batchSize: 16, numSteps: 24, vocabSize: letters.size, valFraction: 0.1 });
  await withCheckpointRoot("lm-agreement-", async () => {
    const config = {
      data,
      cells: ["gru" as const],
      numHiddens: 32,
      maxEpochs: 6,
      stepsPerEpoch: 25,
      lr: 0.02,
      listener: null,
      cache: "agree-lm",
      log: () => {},
    };
    const before = tf.memory().numTensors;
    const lms = await trainCharLMs(config);
    const again = await trainCharLMs(config);
    try {
      assert.deepEqual(lms.cells, ["gru"]);
      assert.equal(again.runs[0].fromCache, true);
      const [gap0] = preferenceByGap(verbPreference(lms.runs[0].model, letters, { subjects: [["cat", "cats"]], gaps: [0] }));
      assert.ok(gap0.singular > 1 && gap0.plural < -1, `after 'the cat ' was, after 'the cats ' were: ${JSON.stringify(gap0)}`);
      const [loaded] = preferenceByGap(verbPreference(again.runs[0].model, letters, { subjects: [["cat", "cats"]], gaps: [0] }));
      assert.ok(Math.abs(loaded.effect - gap0.effect) < 1e-4, "the loaded model measures the same");
    } finally {
      lms.dispose();
      again.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });
  await assert.rejects(
    trainCharLMs({ data, numHiddens: 0, maxEpochs: 1, lr: 0.01, listener: null }),
    /numHiddens must be a positive integer/,
  );
  await assert.rejects(trainCharLMs({ data, cells: [], numHiddens: 4, maxEpochs: 1, lr: 0.01, listener: null }), /no cells/);
});
