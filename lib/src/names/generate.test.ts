import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Vocab } from "../data/vocab";
import { RNNLMScratch } from "../rnn/rnn-lm";
import { RNNScratch } from "../rnn/rnn";
import { generationTable, sampleNames, sampleNamesWithSuffix, unitColoredText } from "./generate";
import { buildNameLM } from "./modern";
import { splitNames } from "./split";

// <eos> = 0, a = 1, b = 2, c = 3
const vocab = Vocab.build(["a", "b", "c"], { reserved: ["<eos>"] });

/**
 * A real language model set by hand, with no memory: after token i it (almost surely) produces `next[i]`.
 * An RNN with `W_xh = 10·I`, `W_hh = 0`, so `H_t ≈ onehot(x_t)`, and `W_hq` row i = 50·onehot(next[i]).
 */
function chainModel(next: readonly number[]): RNNLMScratch {
  const V = next.length;
  const model = new RNNLMScratch({ block: new RNNScratch({ numInputs: V, numHiddens: V }), vocabSize: V });
  const rnn = model.block as RNNScratch;
  tf.tidy(() => {
    rnn.W_xh.assign(tf.mul(tf.eye(V), 10));
    rnn.W_hh.assign(tf.zeros([V, V]));
    rnn.b_h.assign(tf.zeros([V]));
    model.W_hq.assign(tf.mul(tf.oneHot(tf.tensor1d(next as number[], "int32"), V), 50)); // [V, V] logits
    model.b_q.assign(tf.zeros([V]));
  });
  return model;
}

test("sampleNames stops at <eos>: start → a → b → c → <eos> gives 'abc'", () => {
  const model = chainModel([1, 2, 3, 0]);
  try {
    const before = tf.memory().numTensors;
    const names = sampleNames(model, vocab, { count: 3, method: { kind: "temperature", temperature: 1 }, maxLength: 50 });
    assert.deepEqual(names, ["abc", "abc", "abc"]);
    assert.deepEqual(sampleNames(model, vocab, { count: 1, method: { kind: "greedy" }, prefix: "b" }), ["bc"]);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    model.dispose();
  }
});

test("sampleNames stops at the length limit when <eos> never comes", () => {
  const model = chainModel([1, 2, 3, 1]); // c → a: a cycle without <eos>
  try {
    const names = sampleNames(model, vocab, { count: 2, method: { kind: "greedy" }, maxLength: 7 });
    assert.deepEqual(names, ["abcabca", "abcabca"]);
    assert.equal(sampleNames(model, vocab, { count: 1, method: { kind: "greedy" }, maxLength: 50, prefix: "ab" })[0].length, 52);
  } finally {
    model.dispose();
  }
});

test("sampleNamesWithSuffix attaches the suffix only where the model expects it to follow", () => {
  const model = chainModel([1, 2, 3, 1]); // a → b → c → a …: "c<eos>" is likely only right after a "b"
  try {
    const short = sampleNamesWithSuffix(model, vocab, "c", { count: 4, method: { kind: "temperature", temperature: 1 }, maxStem: 3 });
    assert.deepEqual(short, ["abc", "abc", "abc", "abc"]);
    const long = sampleNamesWithSuffix(model, vocab, "c", { count: 8, method: { kind: "temperature", temperature: 1 }, maxStem: 5 });
    for (const n of long) assert.ok(n === "abc" || n === "abcabc", n);
    assert.throws(() => sampleNamesWithSuffix(model, vocab, "", { count: 1, method: { kind: "greedy" } }), /suffix is empty/);
  } finally {
    model.dispose();
  }
});

test("generationTable marks each name and counts the labels per setting", () => {
  const model = chainModel([1, 2, 3, 0]); // always "abc"
  try {
    const inTrain = splitNames(["abc", "cab", "bca"], { valFraction: 0.34, seed: 1 });
    const label = inTrain.trainSet.has("abc") ? " ·" : " ★";
    const view = generationTable(
      model,
      vocab,
      inTrain,
      [
        { title: "T=1", method: { kind: "temperature", temperature: 1 } },
        { title: "b…", method: { kind: "greedy" }, prefix: "b" },
      ],
      { count: 3 },
    );
    const lines = view.text.split("\n");
    assert.equal(lines.filter((l) => l.startsWith(`abc${label}`)).length, 3);
    assert.match(view.text, /bc {2,}|bc$/m); // "bc" is new: no mark
    assert.match(view.text, label === " ·" ? /0 new, 3 ·, 0 ★/ : /0 new, 0 ·, 3 ★/);
    assert.match(view.text, /3 new, 0 ·, 0 ★/);
  } finally {
    model.dispose();
  }
});

test("unitColoredText colours every letter and rejects a unit that does not exist", () => {
  const model = buildNameLM(vocab.size, { numHiddens: 4, seed: 2 });
  try {
    const view = unitColoredText(model, vocab, ["abc", "ca"], 1);
    assert.equal((view.html.match(/<span style="background:/g) ?? []).length - 2, 6); // 5 letters + 1 line break (+2 legend swatches)
    assert.throws(() => unitColoredText(model, vocab, ["abc"], 4), /units 0 … 3/);
  } finally {
    model.dispose();
  }
});
