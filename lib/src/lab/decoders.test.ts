import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import type { BatchSource } from "../data/batch";
import { pairBatch } from "../data/pairs";
import { Rng } from "../data/rng";
import { translate } from "../decode/seq2seq-stepper";
import { buildSeq2Seq } from "../rnn/seq2seq";
import type { Seq2SeqBatch } from "../rnn/seq2seq";
import { Trainer } from "../train/trainer";
import { accuracyByPosition, compareDecoders } from "./decoders";

useBackendWithFullBudgets();

// Reverse 2–5 letters. Source ids 1…5 (0 pads); target ids 0 <pad>, 1 <bos>, 2 <eos>, 3…7 the letters a…e.
const TGT = { start: 1, eos: 2, pad: 0 };
const LETTERS = "abcde";
const text = (ids: readonly number[]) => ids.map((id) => LETTERS[id - 3] ?? "?").join("");

function reversal(n: number, seed: number): { sources: number[][]; batches: Seq2SeqBatch[] } {
  const rng = new Rng(seed);
  const sources = Array.from({ length: n }, () => Array.from({ length: 2 + rng.int(4) }, () => 1 + rng.int(5)));
  const targets = sources.map((s) => [...s].reverse().map((x) => x + 2));
  const batches: Seq2SeqBatch[] = [];
  for (let i = 0; i < n; i += 32) batches.push(pairBatch(sources.slice(i, i + 32), targets.slice(i, i + 32), 0, TGT));
  return { sources, batches };
}

test("accuracyByPosition and compareDecoders on a trained string reverser", async () => {
  const train = reversal(1024, 1);
  const val = reversal(96, 2);
  const data: BatchSource<Seq2SeqBatch> = { trainBatches: () => train.batches, valBatches: () => val.batches };
  const model = buildSeq2Seq("gru", "fused", {
    srcVocabSize: 6,
    tgtVocabSize: 8,
    bosId: 1,
    embedSize: 8,
    numHiddens: 32,
    sigma: 0.2,
    seed: 3,
  });
  await new Trainer({ maxEpochs: 6, lr: 0.02, listener: null }).fit(model, data);
  const before = tf.memory().numTensors;

  const acc = accuracyByPosition(model, val.batches, { eosId: TGT.eos });
  assert.deepEqual(
    acc.counts,
    [0, 1, 2, 3, 4, 5].map((t) => val.sources.filter((s) => s.length + 1 > t).length),
    "every real target, <eos> included, counted at its position",
  );
  assert.equal(acc.forced[0], acc.free[0], "at the first position both read only <bos>");
  assert.ok(
    acc.forced.every((a, t) => a >= acc.free[t] - 0.05),
    `teacher-forced accuracy is not below free-running: ${acc.forced} vs ${acc.free}`,
  );
  assert.ok(acc.forced[1] > 0.5, `trained: ${acc.forced}`);

  const targets = val.sources.map((s) => text([...s].reverse().map((x) => x + 2)));
  const rows = compareDecoders(model, {
    sources: val.sources,
    targets,
    decodeTarget: text,
    eosId: TGT.eos,
    maxLength: 8,
    decoders: [
      { name: "greedy", beamSize: 1, lengthPenalty: 0 },
      { name: "beam 4", beamSize: 4 },
    ],
  });
  const greedy = translate(model, val.sources, { maxLength: 8, eosId: TGT.eos }).map(text);
  assert.deepEqual(rows[0].outputs, greedy, "beam 1 with α = 0 is greedy decoding");
  assert.equal(rows[0].exact, greedy.filter((g, i) => g === targets[i]).length / greedy.length);
  for (const r of rows) {
    assert.ok(r.exact > 0.5, `${r.decoder}: exact ${r.exact}`);
    assert.ok(r.bleu > 0.5 && r.bleu <= 1, `${r.decoder}: BLEU ${r.bleu}`);
    assert.ok(r.meanLogProb < 0 && r.meanLength > 1 && r.seconds >= 0);
  }
  const perfect = compareDecoders(model, {
    sources: val.sources,
    targets: greedy,
    decodeTarget: text,
    eosId: TGT.eos,
    maxLength: 8,
    decoders: [{ name: "greedy", beamSize: 1, lengthPenalty: 0 }],
  });
  assert.equal(perfect[0].exact, 1);
  assert.ok(Math.abs(perfect[0].bleu - 1) < 1e-12, "its own outputs as targets: BLEU 1");
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  assert.throws(
    () => compareDecoders(model, { sources: val.sources, targets: [], decodeTarget: text, eosId: 2, maxLength: 8, decoders: [] }),
    /one target per source/,
  );
  assert.throws(() => accuracyByPosition(model, [], { eosId: 2 }), /no batches/);
  model.dispose();
});
