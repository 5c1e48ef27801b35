import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets, withCheckpointRoot } from "../testing/fixtures";
import { checkQuatrain, splitQuatrain } from "../data/quatrain";
import { linesRhyme, matchesTonePattern } from "../data/tones";
import { quatrainCorpus, trainQuatrainLM, writeQuatrains } from "./quatrain-lm";
import type { QuatrainLMRecipe } from "./quatrain-lm";

useBackendWithFullBudgets();

const TINY: QuatrainLMRecipe = {
  cell: "gru",
  embedSize: 8,
  numHiddens: 16,
  numLayers: 1,
  epochs: 1,
  maxStepsPerEpoch: 3,
  lr: 0.01,
  lrFinal: 0.001,
  clipNorm: 1,
  seed: 2,
};

test("a tiny quatrain model trains through the cache, loads back, and writes poems whose form, heads, rhyme and tones hold", async () => {
  await withCheckpointRoot("quatrain-", async () => {
    const corpus = quatrainCorpus({ batchSize: 64 });
    assert.equal(corpus.texts.length, 3734 + 10309, "both forms, simplified");
    assert.ok(
      corpus.texts.every((t) => corpus.vocab.encode([...t]).every((id) => id > 2)),
      "every character is in the vocabulary",
    );
    const first = await trainQuatrainLM(corpus, TINY, { listener: null, log: () => undefined });
    assert.equal(first.fromCache, false);
    assert.equal(first.history.steps, 3);
    const second = await trainQuatrainLM(corpus, TINY, { listener: null, log: () => undefined });
    assert.equal(second.fromCache, true);
    const before = tf.memory().numTensors;
    for (const form of [5, 7] as const) {
      const poems = writeQuatrains(first.model, corpus, { form, n: 12, seed: 3 });
      assert.deepEqual(writeQuatrains(second.model, corpus, { form, n: 12, seed: 3 }), poems, "the loaded model writes the same poems");
      for (const p of poems) assert.ok(checkQuatrain(p, { form: String(form) as "5" | "7" }).valid, `${form}: ${p}`);
      const acrostics = writeQuatrains(first.model, corpus, { form, n: 6, heads: "春夏秋冬", rhyme: true, tonePattern: 0, seed: 4 });
      for (const p of acrostics) {
        const lines = splitQuatrain(p).map((l) => l.text);
        assert.deepEqual(
          lines.map((l) => l[0]),
          [..."春夏秋冬"],
          p,
        );
        assert.ok(linesRhyme(lines), `lines 2 and 4 rhyme: ${p}`);
        const tone = matchesTonePattern(lines, String(form) as "5" | "7");
        assert.ok(tone.matches, `a tone pattern holds: ${p} (${tone.mismatches} mismatches)`);
      }
    }
    assert.equal(tf.memory().numTensors, before, "writing leaks nothing");
    const cut = quatrainCorpus({ batchSize: 64, minCount: 3 });
    assert.ok(
      cut.vocab.size < 0.75 * corpus.vocab.size && cut.vocab.unkId !== undefined,
      `${cut.vocab.size} of ${corpus.vocab.size} tokens`,
    );
    const small = await trainQuatrainLM(cut, TINY, { listener: null, log: () => undefined });
    for (const p of writeQuatrains(small.model, cut, { form: 5, n: 12, seed: 5 }))
      assert.ok(checkQuatrain(p, { form: "5" }).valid && !p.includes("<unk>"), p);
    small.model.dispose();
    assert.throws(() => quatrainCorpus({ minCount: 0 }), /minCount must be a positive integer/);
    assert.throws(() => writeQuatrains(first.model, corpus, { form: 5, n: 0 }), /n must be a positive integer/);
    assert.throws(() => writeQuatrains(first.model, corpus, { form: 5, n: 1, tonePattern: 9 }), /tonePattern is an index from 0 to 3/);
    first.model.dispose();
    second.model.dispose();
  });
});
