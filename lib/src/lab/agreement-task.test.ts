import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  AGREEMENT_LABELS,
  agreementExamples,
  agreementSource,
  agreementTestSets,
  agreementText,
  agreementVocab,
  otherNumber,
} from "./agreement-task";

test("agreementVocab: <pad>, S, P, ?, then the distractor letters, in that id order", () => {
  const vocab = agreementVocab(3);
  assert.deepEqual(vocab.tokens, ["<pad>", "S", "P", "?", "a", "b", "c"]);
  assert.equal(vocab.padId, 0);
  assert.equal(agreementVocab().size, 12, "8 distractors by default");
  assert.deepEqual(AGREEMENT_LABELS, ["was", "were"]);
  assert.throws(() => agreementVocab(0), /numDistractors must be an integer from 1 to 26, got 0/);
  assert.throws(() => agreementVocab(27), /from 1 to 26, got 27/);
});

test("agreementExamples: [marker, d distractors, ?], the marker matches the label, balanced, seeded", () => {
  const { sequences, labels } = agreementExamples({ distance: 5, count: 200, seed: 3, numDistractors: 4 });
  assert.equal(sequences.length, 200);
  assert.equal(labels.filter((l) => l === 0).length, 100, "half singular");
  sequences.forEach((seq, i) => {
    assert.equal(seq.length, 7, "subject, 5 distractors, verb slot");
    assert.equal(seq[0], 1 + labels[i], "S (id 1) for label 0 (was), P (id 2) for label 1 (were)");
    assert.equal(seq[6], 3, "ends with the verb slot");
    for (const id of seq.slice(1, -1)) assert.ok(id >= 4 && id < 8, `distractor id ${id} in [4, 8)`);
  });
  assert.ok(
    labels.slice(0, 100).some((l) => l === 1),
    "labels are shuffled, not 100 singular then 100 plural",
  );
  assert.deepEqual(
    agreementExamples({ distance: 5, count: 200, seed: 3, numDistractors: 4 }).sequences,
    sequences,
    "same seed, same examples",
  );
  assert.notDeepEqual(agreementExamples({ distance: 5, count: 200, seed: 4, numDistractors: 4 }).sequences, sequences);
  const odd = agreementExamples({ distance: 1, count: 7 }).labels;
  assert.equal(odd.filter((l) => l === 0).length, 4, "an odd count: balanced within one");
  const used = new Set(agreementExamples({ distance: 64, count: 20, numDistractors: 8 }).sequences.flatMap((s) => s.slice(1, -1)));
  assert.equal(used.size, 8, "every distractor occurs");
});

test("agreementExamples refuses distances below 1 and bad counts, with the reason", () => {
  assert.throws(() => agreementExamples({ distance: 0, count: 4 }), /distance must be an integer ≥ 1 .* got 0/);
  assert.throws(() => agreementExamples({ distance: -3, count: 4 }), /got -3/);
  assert.throws(() => agreementExamples({ distance: 2.5, count: 4 }), /got 2.5/);
  assert.throws(() => agreementExamples({ distance: 2, count: 0 }), /count must be a positive integer, got 0/);
  assert.throws(() => agreementExamples({ distance: 2, count: 4, numDistractors: 30 }), /numDistractors/);
});

test("agreementText and otherNumber: a sequence as text, and the same text with the other subject", () => {
  const vocab = agreementVocab();
  assert.equal(agreementText([1, 6, 4, 3], vocab), "Sca?");
  assert.equal(agreementText([2, 11, 3]), "Ph?", "the default vocabulary knows every letter");
  assert.equal(otherNumber("Sca?"), "Pca?");
  assert.equal(otherNumber("Pca?"), "Sca?");
  assert.throws(() => otherNumber("abc?"), /does not start with a subject marker \(S or P\)/);
});

test("agreementSource: each batch one distance (no padding), balanced; fresh seeded batches every epoch; fixed validation", () => {
  const data = agreementSource({ distances: [1, 4, 9], batchSize: 6, batchesPerDistance: 3, numValPerDistance: 10, seed: 2 });
  assert.equal(data.batchesPerEpoch, 9);
  assert.equal(data.vocabSize, 12);
  const epoch1 = [...data.trainBatches(1)];
  assert.equal(epoch1.length, 9);
  const lengths = epoch1.map((b) => b.numSteps);
  assert.deepEqual(
    [...lengths].sort((a, b) => a - b),
    [3, 3, 3, 6, 6, 6, 11, 11, 11],
    "three batches of each distance (d + 2 tokens)",
  );
  assert.notDeepEqual(lengths, [3, 3, 3, 6, 6, 6, 11, 11, 11], "in a shuffled order");
  for (const b of epoch1) {
    assert.equal(b.batchSize, 6);
    assert.ok(
      b.validLens.every((n) => n === b.numSteps),
      "no padding",
    );
    assert.equal(
      b.labels.reduce((a, l) => a + l, 0),
      3,
      "half plural",
    );
  }
  assert.deepEqual(
    [...data.trainBatches(1)].map((b) => Array.from(b.X)),
    epoch1.map((b) => Array.from(b.X)),
    "an epoch is reproducible",
  );
  assert.notDeepEqual(
    [...data.trainBatches(2)].map((b) => Array.from(b.X)),
    epoch1.map((b) => Array.from(b.X)),
    "the next epoch draws new sequences",
  );
  const val = [...data.valBatches()];
  assert.deepEqual(
    val.map((b) => [b.batchSize, b.numSteps]),
    [
      [10, 3],
      [10, 6],
      [10, 11],
    ],
  );
  assert.equal([...data.valBatches()][2], val[2], "validation is fixed");
  assert.throws(() => agreementSource({ distances: [] }), /no distances/);
  assert.throws(() => agreementSource({ distances: [4, 0] }), /distance must be an integer ≥ 1/);
  assert.throws(() => agreementSource({ distances: [4], batchSize: 0 }), /batchSize must be a positive integer, got 0/);
});

test("agreementTestSets: one balanced set per distance, not the validation sequences", () => {
  const tests = agreementTestSets([8, 16], { count: 50, seed: 1 });
  assert.deepEqual(
    tests.map((b) => [b.batchSize, b.numSteps]),
    [
      [50, 10],
      [50, 18],
    ],
  );
  const val = [...agreementSource({ distances: [8], numValPerDistance: 50, seed: 1 }).valBatches()][0];
  const valRows = new Set(Array.from({ length: 50 }, (_, b) => Array.from(val.X.slice(b * 10, b * 10 + 10)).join(",")));
  const shared = Array.from({ length: 50 }, (_, b) => Array.from(tests[0].X.slice(b * 10, b * 10 + 10)).join(",")).filter((r) =>
    valRows.has(r),
  );
  assert.equal(shared.length, 0, "at d = 8 no test sequence is a validation sequence");
});
