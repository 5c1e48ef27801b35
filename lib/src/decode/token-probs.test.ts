import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { buildBlock } from "../rnn/blocks";
import { RNNLMScratch } from "../rnn/rnn-lm";
import { nextTokenProbs } from "./sampling";
import { languageModelStepper } from "./stepper";
import { perplexityOf, tokenLogProbs, topTokens } from "./token-probs";

before(async () => {
  await setupBackend("cpu");
});

const V = 9;
const tinyLM = (): RNNLMScratch =>
  new RNNLMScratch({
    block: buildBlock("gru", "scratch", { numInputs: 5, numHiddens: 8, seed: 3 }),
    vocabSize: V,
    embedSize: 5,
    seed: 3,
    sigma: 0.5,
  });

/** log P of each token after the first, read one step at a time through the Stepper (an independent path). */
function byStepper(model: RNNLMScratch, row: readonly number[]): number[] {
  const s = languageModelStepper(model);
  let logits = s.start([row.slice(0, 1)]);
  const out: number[] = [];
  for (let t = 1; t < row.length; t++) {
    const p = nextTokenProbs(logits, { kind: "temperature", temperature: 1 });
    out.push(Math.log(p[row[t]]));
    if (t + 1 < row.length) logits = s.step([row[t]]);
  }
  s.dispose();
  return out;
}

test("tokenLogProbs equals step-by-step decoding for ragged rows, batch after batch, and leaks no tensor", () => {
  const model = tinyLM();
  const rows = [
    [0, 3, 4, 5, 1],
    [0, 2],
    [0, 8, 8, 7, 6, 5, 4, 3],
    [0, 1, 2, 3],
    [0, 5, 5],
  ];
  const before = tf.memory().numTensors;
  const got = tokenLogProbs(model, rows, { batchSize: 2 }); // three batches, the last of one row
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(
    got.map((r) => r.length),
    rows.map((r) => r.length - 1),
  );
  rows.forEach((row, r) => {
    const want = byStepper(model, row);
    want.forEach((w, t) => assert.ok(Math.abs(got[r][t] - w) < 1e-5, `row ${r} token ${t}: ${got[r][t]} vs ${w}`));
    got[r].forEach((x) => assert.ok(x < 0));
  });
  const all = tokenLogProbs(model, rows, { batchSize: 64 });
  all.forEach((r, i) => r.forEach((x, t) => assert.ok(Math.abs(x - got[i][t]) < 1e-5)));
  assert.throws(() => tokenLogProbs(model, [[0]]), /at least two/);
  assert.throws(() => tokenLogProbs(model, [[0, 9]]), /id 9, not in the model's vocabulary of 9/);
});

test("perplexityOf is exp(−mean log-probability) over all tokens; topTokens ranks ids", () => {
  const ppl = perplexityOf([Float64Array.of(Math.log(0.5), Math.log(0.25)), Float64Array.of(Math.log(0.125))]);
  assert.ok(Math.abs(ppl - 4) < 1e-12); // geometric mean of 1/0.5, 1/0.25, 1/0.125 = (2·4·8)^(1/3) = 4
  assert.throws(() => perplexityOf([]), /no tokens/);
  assert.deepEqual(topTokens([0.1, 0.4, 0.1, 0.3, 0.1], 3), [
    { id: 1, p: 0.4 },
    { id: 3, p: 0.3 },
    { id: 0, p: 0.1 },
  ]);
  assert.throws(() => topTokens([1], 0), /positive integer/);
});
