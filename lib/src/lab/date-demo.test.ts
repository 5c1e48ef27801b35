import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { dates } from "../data/dates";
import { textPairSource } from "../data/pairs";
import { Rng } from "../data/rng";
import { buildAttentionSeq2Seq } from "../rnn/attention-decoder";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { dateDemoOf, demoDate, isoDateConstraint, loadDateDemo } from "./date-demo";
import type { DateDemoJSON, DateDemoSizes } from "./date-demo";

useBackendWithFullBudgets();

const isRealDate = (s: string): boolean => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])); // (Date.UTC would read years below 100 as 19xx)
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
};

test("isoDateConstraint: any choice among what it allows is a real date, 29 February only in leap years", () => {
  const data = textPairSource(dates(300, { seed: 1 }), { batchSize: 16, seed: 1 });
  const vocab = data.tgtVocab;
  const allowed = isoDateConstraint(vocab);
  const rng = new Rng(7);
  let leapDays = 0;
  const feb = [..."-02-"].map((c) => vocab.idOf(c));
  for (let n = 0; n < 3000; n++) {
    const ids: number[] = [];
    for (let t = 0; t < 11; t++) {
      const options = allowed(t, ids, 0) as number[];
      const random = options[Math.floor(rng.next() * options.length)];
      // A third of the rows go to February and its last allowed day, where a slip would show.
      const steer = n % 3 === 0 && t >= 4 && t < 8 ? feb[t - 4] : n % 3 === 0 && t >= 8 ? options[options.length - 1] : random;
      assert.ok(options.includes(steer), `${n}, ${t}`);
      ids.push(steer);
    }
    assert.equal(ids[10], vocab.eosId, "<eos> after the day");
    const text = ids
      .slice(0, 10)
      .map((i) => vocab.tokenOf(i))
      .join("");
    assert.ok(isRealDate(text), text);
    if (text.endsWith("-02-29")) leapDays++;
  }
  assert.ok(
    allowed(
      8,
      [..."2024-02"].map((c) => vocab.idOf(c)),
      0,
    )!.includes(vocab.idOf("2")),
    "February of a leap year has days 20–29",
  );
  const feb2023 = [..."2023-02-2"].map((c) => vocab.idOf(c));
  assert.deepEqual(
    allowed(9, feb2023, 0),
    [..."012345678"].map((c) => vocab.idOf(c)),
    "28 days in February 2023",
  );
  assert.ok(leapDays > 0, "some random dates are 29 February (of leap years)");
});

test("a date model survives JSON: same loss; demoDate gives a real ISO date and an attention map whose rows sum to 1", () => {
  const before = tf.memory().numTensors;
  const data = textPairSource(dates(300, { seed: 1 }), { batchSize: 16, seed: 1 });
  const [sv, tv] = [data.srcVocab, data.tgtVocab];
  const sizes: DateDemoSizes = {
    srcVocabSize: sv.size,
    tgtVocabSize: tv.size,
    bosId: tv.bosId as number,
    embedSize: 8,
    numHiddens: 12,
    bidirectional: true,
    encoderHiddens: 6,
    score: "additive",
    attentionSize: 5,
    variant: "bahdanau",
  };
  const model = buildAttentionSeq2Seq("gru", "fused", sizes);
  const json = JSON.parse(JSON.stringify(dateDemoOf(model, sv, tv, sizes))) as DateDemoJSON;
  const demo = loadDateDemo(json);
  const [batch] = data.valBatches();
  tf.tidy(() => assert.equal(demo.model.loss(batch).dataSync()[0], model.loss(batch).dataSync()[0], "the same loss"));
  const r = demoDate(demo, "  Saturday 9   May 2018 ");
  assert.ok(isRealDate(r.output), r.output);
  assert.equal(r.inputChars.join(""), "saturday 9 may 2018", "trimmed, spaces collapsed, lower-case as the data");
  assert.deepEqual(r.outputChars, [...r.output, "<eos>"]);
  assert.equal(r.weights.length, 11);
  for (const row of r.weights) {
    assert.equal(row.length, r.inputChars.length);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
  assert.throws(() => demoDate(demo, "9 mäy 2018"), /the model never saw "ä"/);
  assert.throws(() => demoDate(demo, "   "), /type a date/);
  assert.throws(() => loadDateDemo({ ...json, version: 2 } as unknown as DateDemoJSON), /not an rnnlab-date-demo/);
  model.dispose();
  demo.model.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
});
