import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets, withCheckpointRoot } from "../testing/fixtures";
import { TINY_QUATRAIN_LM } from "../testing/quatrain-recipe";
import { splitQuatrain } from "../data/quatrain";
import { CONSTRAINT_LADDER, constraintLadder, freeQuatrains, ladderTableRow, poemPerplexity, poemTokens } from "./quatrain-eval";
import { quatrainCorpus, trainQuatrainLM } from "./quatrain-lm";
import type { QuatrainLMRecipe } from "./quatrain-lm";

useBackendWithFullBudgets();

const TINY: QuatrainLMRecipe = { ...TINY_QUATRAIN_LM, maxStepsPerEpoch: 4, seed: 3 };

test("the constraint ladder: the corpus reference, free samples, then each rung, measured the same way; rules hold where asked", async () => {
  await withCheckpointRoot("quatrain-eval-", async () => {
    const corpus = quatrainCorpus({ minCount: 3 });
    assert.equal(corpus.trainTexts.length + corpus.valTexts.length, corpus.texts.length);
    assert.equal(new Set([...corpus.trainTexts, ...corpus.valTexts]).size, new Set(corpus.texts).size, "the split covers every poem");
    assert.ok(corpus.valTexts.every((t) => !corpus.trainTexts.includes(t) || corpus.texts.filter((u) => u === t).length > 1));
    const { model } = await trainQuatrainLM(corpus, TINY, { listener: null, log: () => undefined });
    const before = tf.memory().numTensors;
    const rows = constraintLadder(model, corpus, { form: 5, n: 10, seed: 2 });
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
    assert.deepEqual(
      rows.map((r) => r.name),
      ["corpus (held-out 5-character poems)", "unconstrained", ...CONSTRAINT_LADDER.map((r) => r.name)],
    );
    const [held, free, form, rhyme, tone, acrostic] = rows;
    assert.equal(held.metrics.formValid, 1);
    assert.ok(held.metrics.count > 100 && held.metrics.rhyme24 > 0.6, `the corpus rhymes: ${held.metrics.rhyme24}`);
    assert.ok(held.perplexity > 1 && held.perplexity < corpus.vocab.size, `${held.perplexity}`);
    assert.equal(free.metrics.count, 10);
    for (const r of [form, rhyme, tone, acrostic]) assert.equal(r.metrics.formValid, 1, r.name);
    for (const r of [rhyme, tone, acrostic]) assert.equal(r.metrics.rhyme24, 1, r.name);
    for (const r of [tone, acrostic]) assert.equal(r.metrics.tonePattern, 1, r.name);
    for (const p of acrostic.poems)
      assert.deepEqual(
        splitQuatrain(p).map((l) => l.text[0]),
        [..."春夏秋冬"],
      );
    // A tiny, barely trained model: constrained poems are less likely under it than its own choices would be.
    assert.ok(rows.every((r) => Number.isFinite(r.perplexity) && r.perplexity > 1));
    // The same unconstrained poems can be shared by both forms' ladders.
    const shared = freeQuatrains(model, corpus, { n: 6, seed: 4 });
    const seven = constraintLadder(model, corpus, { form: 7, n: 4, free: shared, rungs: CONSTRAINT_LADDER.slice(0, 1) });
    assert.deepEqual(seven[1].poems, shared);
    assert.equal(seven.length, 3);
    assert.ok(Math.abs(poemPerplexity(model, corpus, shared) - seven[1].perplexity) < 1e-9);
    const cells = ladderTableRow(acrostic);
    assert.equal(cells["form valid"], "100.0 %");
    assert.equal(cells.n, 10);
    // A sampled rare character comes back as "<unk>": one token, as the model wrote it.
    assert.deepEqual(poemTokens("春<unk>秋。"), ["春", "<unk>", "秋", "。"]);
    const unk = corpus.vocab.unkId as number;
    assert.deepEqual(corpus.vocab.encode(poemTokens("春<unk>")), [corpus.vocab.encode(["春"])[0], unk]);
    assert.throws(() => poemPerplexity(model, corpus, []), /no poems/);
    assert.throws(() => freeQuatrains(model, corpus, { n: 0 }), /positive integer/);
    model.dispose();
  });
});
