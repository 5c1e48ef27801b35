import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { exportWeights, importWeights } from "../checkpoint/portable";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { demoNames, loadNameDemo, nameDemoOf } from "./demo";
import type { NameDemoJSON } from "./demo";
import { buildNameLM, nameVocab } from "./modern";

useBackendWithFullBudgets();

const NAMES = ["aba", "abba", "baab", "bab", "abab", "bbaa", "aab", "babb", "abbba", "baaab", "abbab", "bbab"];

test("a name model survives JSON: same logits after the round trip, the same names from the same seed, each labelled", () => {
  const before = tf.memory().numTensors;
  const vocab = nameVocab(NAMES);
  const model = buildNameLM(vocab.size, { numHiddens: 8, seed: 3, sigma: 1 });
  const json = JSON.parse(JSON.stringify(nameDemoOf(model, vocab, NAMES, { cell: "lstm", numHiddens: 8 }))) as NameDemoJSON;
  const demo = loadNameDemo(json);
  tf.tidy(() => {
    const ids = tf.tensor2d([0, 1, 2, 1, 2, 2], [3, 2], "int32");
    const [a] = model.forward(ids);
    const [b] = demo.model.forward(ids);
    assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()), "bit-identical logits");
  });
  const opts = { prefix: "Ab ", count: 6, temperature: 0.9, seed: 5 };
  const got = demoNames(demo, opts);
  assert.equal(got.length, 6);
  for (const { name, label, mark } of got) {
    assert.match(name, /^ab[ab]*$/, `${name}: the prefix (trimmed, lower-case), then letters of the vocabulary`);
    const want = demo.split.trainSet.has(name) ? "in training set" : demo.split.valSet.has(name) ? "held-out real name" : "new";
    assert.equal(label, want, name);
    assert.equal(mark, { new: "", "in training set": " ·", "held-out real name": " ★" }[label]);
  }
  assert.deepEqual(demoNames(demo, opts), got, "same seed, same names");
  assert.notDeepEqual(
    demoNames(demo, { ...opts, seed: 6 }).map((r) => r.name),
    got.map((r) => r.name),
    "another seed, other names",
  );
  assert.equal(demo.split.train.length + demo.split.val.length, NAMES.length);
  assert.throws(() => demoNames(demo, { temperature: 0 }), /temperature must be above 0/);
  assert.throws(() => demoNames(demo, { prefix: "abz" }), /letters the vocabulary does not know \(z\)/);
  model.dispose();
  demo.model.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
});

test("bad exports are refused with what to do, and nothing is assigned", () => {
  const vocab = nameVocab(NAMES);
  const model = buildNameLM(vocab.size, { numHiddens: 8, seed: 3 });
  const json = nameDemoOf(model, vocab, NAMES, { cell: "lstm", numHiddens: 8 });
  assert.throws(() => loadNameDemo({ ...json, format: "other" } as unknown as NameDemoJSON), /not an rnnlab-name-demo/);
  assert.throws(() => loadNameDemo({ ...json, numHiddens: 9 }), /tensor 0 is \[[0-9,]+\] but the model's variable 0 is/);
  const vars = model.trainableVariables();
  const w = exportWeights(vars);
  const original = vars.map((v) => Array.from(v.dataSync()));
  const truncated = { ...w, tensors: w.tensors.map((t, i) => (i === 1 ? { ...t, data: t.data.slice(0, 8) } : t)) };
  assert.throws(
    () => importWeights(vars, truncated),
    /tensor 1 holds 6 bytes, \[8,32\] needs 1024 \(256 float32 values\): the export is truncated/,
  );
  assert.throws(() => importWeights(vars.slice(1), w), /tensors for a model of/);
  assert.throws(() => importWeights(vars, { ...w, version: 2 } as unknown as typeof w), /not rnnlab-weights version 1/);
  vars.forEach((v, i) => assert.deepEqual(Array.from(v.dataSync()), original[i], `variable ${i} untouched`));
  model.dispose();
});
