import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { CELL_KINDS } from "../cells";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { BlockStyle, buildBlock, copyWeights } from "./blocks";

useBackendWithFullBudgets();

const STYLES: readonly BlockStyle[] = ["scratch", "concise", "fused"];

test("copyWeights makes every pair of styles compute the same function, for every kind, in every direction", () => {
  for (const kind of CELL_KINDS) {
    for (const from of STYLES) {
      for (const to of STYLES) {
        const a = buildBlock(kind, from, { numInputs: 5, numHiddens: 7, sigma: 0.4, seed: 1 });
        const b = buildBlock(kind, to, { numInputs: 5, numHiddens: 7, sigma: 0.4, seed: 2 });
        copyWeights(a, b);
        const diff = tf.tidy(() => {
          const X = tf.randomNormal([6, 3, 5], 0, 1, "float32", 3) as tf.Tensor3D;
          const state = a.initState(3).map((s, j) => tf.randomUniform(s.shape, -0.9, 0.9, "float32", 4 + j) as tf.Tensor2D);
          const [Ya, Sa] = a.forward(X, state);
          const [Yb, Sb] = b.forward(X, state);
          assert.ok(tf.max(tf.abs(Ya)).dataSync()[0] > 0.05, "outputs are not trivially zero");
          return Math.max(maxAbsDiff(Ya, Yb), ...Sa.map((s, j) => maxAbsDiff(s, Sb[j])));
        });
        assert.ok(diff < 1e-5, `${kind}: ${from} → ${to}: ${diff}`);
        a.dispose();
        b.dispose();
      }
    }
  }
});

test("copyWeights refuses blocks of another kind or size, saying what to do", () => {
  const gru = buildBlock("gru", "scratch", { numInputs: 3, numHiddens: 4 });
  const lstm = buildBlock("lstm", "concise", { numInputs: 3, numHiddens: 4 });
  const wide = buildBlock("gru", "fused", { numInputs: 3, numHiddens: 5 });
  assert.throws(() => copyWeights(gru, lstm), /a gru block .* cannot be copied into a lstm block .* Build both of the same kind and sizes/);
  assert.throws(() => copyWeights(gru, wide), /numHiddens 4 cannot be copied into a gru block with numInputs 3, numHiddens 5/);
  const w = gru.getWeights();
  assert.throws(() => wide.setWeights(w), /expected \[kernel, recurrentKernel, bias\] of shapes \[3,15\], \[5,15\], \[15\]/);
  tf.dispose(w);
  for (const b of [gru, lstm, wide]) b.dispose();
});

test("blocks built with default settings have identical weights in two separate processes (seed 0 is a real seed)", () => {
  const script = `
    const r = require(${JSON.stringify(path.join(__dirname, "..", "index.js"))});
    const crypto = require("crypto");
    (async () => {
      await r.setupBackend();
      const h = crypto.createHash("sha256");
      const add = (vars) => vars.forEach((v) => h.update(Buffer.from(v.dataSync().buffer)));
      for (const kind of r.CELL_KINDS) for (const style of ["scratch", "concise", "fused"]) add(r.buildBlock(kind, style, { numInputs: 5, numHiddens: 6 }).trainableVariables());
      add(new r.RNNScratch({ numInputs: 5, numHiddens: 6 }).trainableVariables());
      add(new r.GRU({ numInputs: 5, numHiddens: 6 }).trainableVariables());
      add(new r.RNNLMScratch({ block: new r.LSTMScratch({ numInputs: 4, numHiddens: 6 }), vocabSize: 9, embedSize: 4 }).trainableVariables());
      add(new r.RNNLM({ vocabSize: 9, numHiddens: 6, embedSize: 4 }).trainableVariables());
      add(r.buildNameLM(9, { numHiddens: 6 }).trainableVariables());
      console.log(h.digest("hex"));
    })();
  `;
  const run = (): string => {
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const first = run();
  assert.match(first, /^[0-9a-f]{64}$/);
  assert.equal(run(), first);
});

test("the seed decides the weights: same seed same weights, another seed other weights, in one process", () => {
  for (const style of STYLES) {
    const [a, b, c] = [0, 0, 1].map((seed) => buildBlock("gru", style, { numInputs: 4, numHiddens: 5, seed }));
    const wa = a.trainableVariables();
    b.trainableVariables().forEach((v, i) => assert.equal(maxAbsDiff(v, wa[i]), 0, `${style}: seed 0 twice`));
    assert.ok(maxAbsDiff(c.trainableVariables()[0], wa[0]) > 0, `${style}: seeds 0 and 1 differ`);
    for (const blk of [a, b, c]) blk.dispose();
  }
});
