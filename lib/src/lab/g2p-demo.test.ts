import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { G2P_NOTEBOOK, g2pData, g2pModel } from "./g2p";
import { demoG2P, g2pDemoOf, loadG2PDemo } from "./g2p-demo";
import type { G2PDemoJSON } from "./g2p-demo";

useBackendWithFullBudgets();

test("a G2P model survives JSON: same logits; demoG2P gives phonemes of the vocabulary and a phonemes × letters attention map", () => {
  const before = tf.memory().numTensors;
  const data = g2pData();
  const recipe = { ...G2P_NOTEBOOK, numHiddens: 16, encoderHiddens: 8, embedSize: 8 };
  const model = g2pModel(data, recipe);
  const json = JSON.parse(JSON.stringify(g2pDemoOf(model, data, recipe))) as G2PDemoJSON;
  const demo = loadG2PDemo(json);
  const a = demoG2P(demo, " Knight ");
  assert.deepEqual(a.letters, [..."knight"]);
  assert.ok(a.phonemes.length >= 1 && a.phonemes.length <= 12, a.phonemes.join(" "));
  for (const p of a.phonemes) assert.ok(data.tgtVocab.has(p) && /^[A-Z]{1,2}$/.test(p), p);
  assert.equal(a.weights.length, a.phonemes.length + 1);
  for (const row of a.weights) {
    assert.equal(row.length, 6);
    assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-5);
  }
  assert.deepEqual(demoG2P(demo, "knight").phonemes, a.phonemes, "deterministic");
  assert.throws(() => demoG2P(demo, "kn1ght"), /"1" is not one/);
  assert.throws(() => demoG2P(demo, " "), /type a word/);
  assert.throws(() => loadG2PDemo({ ...json, format: "x" } as unknown as G2PDemoJSON), /not an rnnlab-g2p-demo/);
  model.dispose();
  demo.model.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
});
