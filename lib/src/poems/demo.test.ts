import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { TINY_QUATRAIN_LM } from "../testing/quatrain-recipe";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { demoQuatrain, loadPoemDemo, poemDemoOf } from "./demo";
import type { PoemDemoJSON } from "./demo";
import { buildQuatrainLM, quatrainCorpus } from "./quatrain-lm";

useBackendWithFullBudgets();

test("a quatrain model survives JSON: same logits; the acrostic it writes passes checkQuatrain with the heads asked for", () => {
  const before = tf.memory().numTensors;
  const corpus = quatrainCorpus({ batchSize: 64, minCount: 3 });
  const model = buildQuatrainLM(corpus.vocab.size, TINY_QUATRAIN_LM);
  const json = JSON.parse(JSON.stringify(poemDemoOf(model, corpus, TINY_QUATRAIN_LM))) as PoemDemoJSON;
  const demo = loadPoemDemo(json);
  tf.tidy(() => {
    const ids = tf.tensor2d([1, 5, 9, 40, 7, 300], [3, 2], "int32");
    assert.deepEqual(
      Array.from(demo.model.forward(ids)[0].dataSync()),
      Array.from(model.forward(ids)[0].dataSync()),
      "bit-identical logits",
    );
  });
  for (const [form, tonePattern] of [
    [5, undefined],
    [7, 1],
  ] as const) {
    const { poem, lines, check } = demoQuatrain(demo, { heads: "春 夏 秋 冬", form, tonePattern, seed: 3 });
    assert.ok(check.valid, `${poem}: ${check.problems.join("; ")}`);
    assert.equal(lines.length, 4, poem);
    lines.forEach((line, k) => {
      assert.equal([...line][0], "春夏秋冬"[k], `line ${k + 1} of ${poem} starts with its head`);
      assert.equal([...line].length, form + 1, `line ${k + 1} of ${poem}: ${form} characters and a mark`);
    });
    assert.equal(demoQuatrain(demo, { heads: "春夏秋冬", form, tonePattern, seed: 3 }).poem, poem, "same seed, same poem");
  }
  assert.throws(() => demoQuatrain(demo, { heads: "春夏秋" }), /give four head characters, one per line; got 3/);
  assert.throws(() => loadPoemDemo({ ...json, format: "x" } as unknown as PoemDemoJSON), /not an rnnlab-poem-demo/);
  assert.throws(
    () => loadPoemDemo({ ...json, recipe: { ...json.recipe, numHiddens: 17 } }),
    /tensor \d+ is \[[0-9,]+\] but the model's variable/,
  );
  model.dispose();
  demo.model.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
});
