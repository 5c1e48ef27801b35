import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets, withCheckpointRoot } from "../testing/fixtures";
import { evaluateG2P, g2pData, g2pRun, readG2PReport, saveG2PReport, trainG2P, transcribe } from "./g2p";
import type { G2PRecipe } from "./g2p";

useBackendWithFullBudgets();

const TINY: G2PRecipe = {
  embedSize: 8,
  encoderHiddens: 8,
  numHiddens: 16,
  score: "dot",
  variant: "luong",
  batchSize: 64,
  epochs: 1,
  maxStepsPerEpoch: 30,
  lr: 0.01,
  lrFinal: 0.001,
  clipNorm: 1,
  seed: 3,
};

test("trainG2P trains through the cache and loads on the second call; transcribe and evaluateG2P score words; reports round-trip", async () => {
  await withCheckpointRoot("g2p-", async () => {
    const data = g2pData(64);
    assert.equal(g2pRun(data, TINY).exists, false);
    const logs: string[] = [];
    const first = await trainG2P(data, TINY, { listener: null, log: (m) => logs.push(m) });
    assert.equal(first.fromCache, false);
    assert.equal(first.history.steps, 30);
    assert.ok(first.history.final["train loss"] < first.history.stepLosses[0], "the loss went down");
    const run = g2pRun(data, TINY);
    assert.equal(run.exists, true);
    assert.equal(run.dir, first.dir);
    const words = data.testWords.slice(0, 40);
    const before = tf.memory().numTensors;
    const greedy = transcribe(first.model, data, words);
    const beam = transcribe(first.model, data, words, { beamSize: 3 });
    assert.equal(tf.memory().numTensors, before, "decoding leaks nothing");
    assert.equal(greedy.length, words.length);
    const phonemes = new Set(data.tgtVocab.decode([...Array(data.tgtVocab.size).keys()]));
    for (const p of [...greedy, ...beam]) for (const x of p) assert.ok(phonemes.has(x) && !x.startsWith("<"), `a phoneme: ${x}`);
    const e = evaluateG2P(first.model, data, words, { beamSize: 1 });
    assert.equal(e.words, 40);
    assert.equal(e.beamSize, 1);
    assert.ok(e.wer > 0 && e.wer <= 1 && e.per > 0, `an untrained model makes errors: WER ${e.wer}, PER ${e.per}`);
    assert.equal(e.wordErrors, greedy.filter((p, i) => !data.pronunciations(words[i]).some((r) => r.join(" ") === p.join(" "))).length);
    const second = await trainG2P(data, TINY, { listener: null, log: (m) => logs.push(m) });
    assert.equal(second.fromCache, true);
    assert.deepEqual(transcribe(second.model, data, words), greedy, "the loaded model transcribes as the trained one");
    assert.ok(logs.some((m) => /Loaded the trained model from the cache/.test(m)));
    assert.equal(readG2PReport(run.dir), undefined);
    const report = {
      recipe: TINY,
      trainSeconds: 12,
      testWords: 40,
      results: [{ decoder: "greedy", wer: e.wer, per: e.per, seconds: e.seconds }],
    };
    saveG2PReport(run.dir, report);
    assert.deepEqual(readG2PReport(run.dir), report);
    assert.throws(() => transcribe(first.model, data, ["café"]), /character "é".*not in the vocabulary/);
    assert.throws(() => transcribe(first.model, data, ["cat"], { beamSize: 0 }), /beamSize must be a positive integer/);
    first.model.dispose();
    second.model.dispose();
  });
});
