import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets, withCheckpointRoot } from "../testing/fixtures";
import { TINY_QUATRAIN_LM } from "../testing/quatrain-recipe";
import { checkQuatrain, splitQuatrain } from "../data/quatrain";
import { TONE_PATTERNS, linesRhyme, matchesTonePattern } from "../data/tones";
import { tokenLogProbs } from "../decode/token-probs";
import { TANG_COUNTS, quatrainLines } from "../data/tang";
import { FusedRecurrentBlock } from "../rnn/fused";
import { QUATRAIN_LM, buildQuatrainLM, quatrainCorpus, trainQuatrainLM, writeQuatrains } from "./quatrain-lm";
import type { QuatrainLMRecipe } from "./quatrain-lm";

useBackendWithFullBudgets();

const TINY = TINY_QUATRAIN_LM;

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
    // Beam search: the n likeliest constrained poems of one search, best first, each obeying the constraints.
    const beams = writeQuatrains(first.model, corpus, { form: 5, n: 3, beamSize: 4, heads: "春夏秋冬", rhyme: true });
    assert.equal(new Set(beams).size, 3);
    const score = (p: string): number =>
      tokenLogProbs(first.model, [[corpus.vocab.bosId as number, ...corpus.vocab.encode([...p]), corpus.vocab.eosId as number]])[0].reduce(
        (a, b) => a + b,
        0,
      );
    for (const p of beams) {
      assert.ok(checkQuatrain(p, { form: "5" }).valid, p);
      assert.deepEqual(
        splitQuatrain(p).map((l) => l.text[0]),
        [..."春夏秋冬"],
      );
    }
    const scores = beams.map(score);
    scores.slice(1).forEach((x, i) => assert.ok(x <= scores[i] + 1e-4, `best first: ${scores.join(", ")}`));
    const sampled = writeQuatrains(first.model, corpus, { form: 5, n: 40, seed: 9, heads: "春夏秋冬", rhyme: true }).map(score);
    assert.ok(Math.max(...sampled) <= scores[0] + 1e-4, "no sample beats the best beam");
    assert.throws(() => writeQuatrains(first.model, corpus, { form: 5, n: 3, beamSize: 2 }), /beamSize must be an integer ≥ n \(3\)/);
    // 首句入韵: line 1 rhymes too, here with the tone pattern whose first line ends in 平.
    const firstRhymes = TONE_PATTERNS["7"].findIndex((p) => p.lines[0].endsWith("平"));
    for (const p of writeQuatrains(first.model, corpus, { form: 7, n: 8, seed: 8, rhyme: "124", tonePattern: firstRhymes })) {
      const lines = splitQuatrain(p).map((l) => l.text);
      assert.ok(linesRhyme(lines, { lines: [1, 2, 4] }), `lines 1, 2 and 4 rhyme: ${p}`);
      assert.ok(matchesTonePattern(lines, "7").matches, p);
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
    // A head the cut vocabulary lacks: a clear error, or a free line with unknownHead: "skip".
    const rare = corpus.vocab.tokens.find((t, id) => id > 2 && /^\p{Script=Han}$/u.test(t) && cut.vocab.encode([t])[0] === cut.vocab.unkId);
    assert.ok(rare !== undefined);
    assert.throws(
      () => writeQuatrains(small.model, cut, { form: 5, n: 2, heads: `春${rare}秋冬` }),
      new RegExp(`head "${rare}" \\(line 2\\)`),
    );
    for (const p of writeQuatrains(small.model, cut, { form: 5, n: 4, heads: `春${rare}秋冬`, unknownHead: "skip", seed: 6 })) {
      const heads = splitQuatrain(p).map((l) => l.text[0]);
      assert.deepEqual([heads[0], heads[2], heads[3]], ["春", "秋", "冬"], p);
      assert.ok(checkQuatrain(p, { form: "5" }).valid, p);
    }
    small.model.dispose();
    assert.throws(() => quatrainCorpus({ minCount: 0 }), /minCount must be a positive integer/);
    assert.throws(() => writeQuatrains(first.model, corpus, { form: 5, n: 0 }), /n must be a positive integer/);
    assert.throws(() => writeQuatrains(first.model, corpus, { form: 5, n: 1, tonePattern: 9 }), /tonePattern is an index from 0 to 3/);
    first.model.dispose();
    second.model.dispose();
  });
});

test("user problem 'mixed forms in the training data give wrong lengths': every corpus poem is one clean form; a mixed poem is filtered out", () => {
  const corpus = quatrainCorpus();
  const lengths = new Map<number, number>();
  for (const t of corpus.texts) {
    const lines = splitQuatrain(t).map((l) => [...l.text].length);
    assert.equal(lines.length, 4, t);
    assert.ok(lines.every((n) => n === lines[0]) && (lines[0] === 5 || lines[0] === 7), `one form per poem: ${t}`);
    lengths.set(lines[0], (lengths.get(lines[0]) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(lengths), { 5: TANG_COUNTS["5"].simplified, 7: TANG_COUNTS["7"].simplified });
  // A poem that mixes 5- and 7-character lines (as 杂言 verse does) is kept by neither form.
  const mixed = "床前明月光，疑是地上一片霜。舉頭望明月，低頭思故鄉。";
  assert.equal(quatrainLines(mixed, 5), undefined);
  assert.equal(quatrainLines(mixed, 7), undefined);
  // Training rows are <bos>, one poem, <eos>: 4·(form + 1) + 2 tokens, so a row never holds two poems.
  const [batch] = corpus.data.trainBatches(1);
  assert.ok(batch !== undefined);
  for (let b = 0; b < batch.batchSize; b++) {
    let targets = 0;
    for (let t = 0; t < batch.numSteps; t++) targets += batch.mask?.[b * batch.numSteps + t] ?? 0;
    assert.ok(targets === 4 * 6 + 1 || targets === 4 * 8 + 1, `row ${b}: ${targets} targets`);
    assert.equal(batch.Y[b * batch.numSteps + targets - 1], corpus.vocab.eosId);
  }
});

test("user problem 'CPU training takes hours': the recipe is the fused path (block and output layer) with a bounded budget", () => {
  const corpus = quatrainCorpus({ minCount: 3 });
  const model = buildQuatrainLM(corpus.vocab.size, QUATRAIN_LM);
  assert.ok(model.block instanceof FusedRecurrentBlock, "the fused wasm-SIMD recurrent op");
  assert.equal(model.fusedHead, true, "the fused softmax output layer");
  const steps = QUATRAIN_LM.epochs * Math.min(QUATRAIN_LM.maxStepsPerEpoch, corpus.data.batchesPerEpoch);
  // Two passes over the training poems at most: measured ≈ 5,000 tokens/s, so ≈ 3 minutes on 2 cores.
  assert.ok(steps * 64 <= 2 * corpus.texts.length, `${steps} steps of 64 poems`);
  assert.ok(corpus.vocab.size < 3800, `${corpus.vocab.size} tokens in the output layer`);
  model.dispose();
});

test("a stacked LSTM (two fused layers) trains on the quatrains and writes valid poems", async () => {
  await withCheckpointRoot("quatrain-stack-", async () => {
    const corpus = quatrainCorpus({ minCount: 3 });
    const recipe: QuatrainLMRecipe = { ...TINY, cell: "lstm", numLayers: 2, maxStepsPerEpoch: 2 };
    const run = await trainQuatrainLM(corpus, recipe, { listener: null, log: () => undefined });
    assert.equal(run.history.steps, 2);
    assert.ok(Number.isFinite(run.history.final["train loss"]));
    for (const p of writeQuatrains(run.model, corpus, { form: 7, n: 6, seed: 2, heads: "江山如画" })) {
      assert.ok(checkQuatrain(p, { form: "7" }).valid, p);
    }
    run.model.dispose();
  });
});
