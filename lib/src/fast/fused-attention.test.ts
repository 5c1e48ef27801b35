import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { AdditiveAttention, AdditiveAttentionScratch } from "../rnn/attention";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { fusedAdditiveAttention } from "./fused-attention";

useBackendWithFullBudgets();

const [B, Q, S, h, c, a] = [3, 2, 5, 4, 6, 7];
const LENS = [5, 2, 3];

/** A loss that reaches both outputs (the context and the weights) and its gradients w.r.t. everything that learns or feeds in. */
function lossAndGrads(fused: boolean, concise: boolean, lens?: number[]) {
  const config = { querySize: h, keySize: c, attentionSize: a, seed: 3, fused };
  const att = concise ? new AdditiveAttention(config) : new AdditiveAttentionScratch(config);
  const out = tf.tidy(() => {
    const queries = tf.randomNormal([B, Q, h], 0, 1, "float32", 1) as tf.Tensor3D;
    const values = tf.randomNormal([B, S, c], 0, 1, "float32", 2) as tf.Tensor3D;
    const Rc = tf.randomNormal([B, Q, c], 0, 1, "float32", 4);
    const Rw = tf.randomNormal([B, Q, S], 0, 1, "float32", 5);
    const vars = att.trainableVariables();
    const f = (qs: tf.Tensor, vs: tf.Tensor): tf.Scalar => {
      const { context, weights } = att.attend(qs as tf.Tensor3D, att.prepareKeys(vs as tf.Tensor3D), vs as tf.Tensor3D, lens);
      return tf.add(tf.sum(tf.mul(context, Rc)), tf.sum(tf.mul(weights, Rw))) as tf.Scalar;
    };
    const { value, grads } = tf.variableGrads(() => f(queries, values), vars);
    const [dq, dv] = tf.grads(f)([queries, values]);
    const { weights } = att.attend(queries, att.prepareKeys(values), values, lens);
    return [value, weights, dq, dv, ...vars.map((v) => grads[v.name])];
  });
  att.dispose();
  return out;
}

for (const concise of [false, true]) {
  test(`fused additive attention (${concise ? "tf.layers" : "scratch"} projections) equals the tensor ops: loss, weights and every gradient, with and without valid lengths`, () => {
    const before = tf.memory().numTensors;
    for (const lens of [undefined, LENS]) {
      const plain = lossAndGrads(false, concise, lens);
      const fused = lossAndGrads(true, concise, lens);
      assert.equal(plain.length, 7, "loss, weights, dqueries, dvalues and W_q, W_k, w_v");
      plain.forEach((p, i) => {
        const scale = Math.max(
          1,
          tf.tidy(() => tf.max(tf.abs(p)).dataSync()[0]),
        );
        const err = maxAbsDiff(p, fused[i]) / scale;
        assert.ok(err < 1e-5, `output ${i} (lens ${lens}): relative error ${err}`);
      });
      if (lens) {
        const w = fused[1].arraySync() as number[][][];
        w.forEach((rows, b) =>
          rows.forEach((r) =>
            assert.ok(
              r.slice(lens[b]).every((x) => x === 0),
              `row ${b}: padding weighs 0`,
            ),
          ),
        );
      }
      tf.dispose([...plain, ...fused]);
    }
    assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  });
}

test("fused: true takes the fused op (no Tanh kernel runs), the default takes tensor ops", async () => {
  for (const fused of [false, true]) {
    const att = new AdditiveAttentionScratch({ querySize: h, keySize: c, attentionSize: a, fused });
    const info = await tf.profile(() => {
      const values = tf.ones([B, S, c]) as tf.Tensor3D;
      const r = att.attend(tf.ones([B, Q, h]) as tf.Tensor3D, att.prepareKeys(values), values, LENS);
      return [r.context, r.weights];
    });
    assert.equal(info.kernelNames.includes("Tanh"), !fused, `fused ${fused}: ${info.kernelNames}`);
    tf.dispose(info.result as tf.Tensor[]);
    att.dispose();
  }
});

test("the fused attention on the JS kernels equals the wasm kernels; bad shapes and lengths are explained", () => {
  tf.tidy(() => {
    const q = tf.randomNormal([B, Q, a], 0, 1, "float32", 7) as tf.Tensor3D;
    const k = tf.randomNormal([B, S, a], 0, 1, "float32", 8) as tf.Tensor3D;
    const w = tf.randomNormal([a], 0, 1, "float32", 9) as tf.Tensor1D;
    const v = tf.randomNormal([B, S, c], 0, 1, "float32", 10) as tf.Tensor3D;
    const lens = Int32Array.from(LENS);
    const grads = (kernels: "wasm" | "js") =>
      tf.grads((qq, kk, ww, vv) => {
        const r = fusedAdditiveAttention(qq as tf.Tensor3D, kk as tf.Tensor3D, ww as tf.Tensor1D, vv as tf.Tensor3D, lens, { kernels });
        return tf.add(tf.sum(tf.square(r.context)), tf.sum(tf.mul(r.weights, tf.range(0, S).reshape([1, 1, S]))));
      })([q, k, w, v]);
    const [gw, gj] = [grads("wasm"), grads("js")];
    gw.forEach((g, i) => assert.ok(maxAbsDiff(g, gj[i]) < 1e-5, `gradient ${i}`));
    assert.throws(() => fusedAdditiveAttention(q, k, w, v, Int32Array.from([5, 0, 3])), /give 3 valid lengths, each from 1 to 5/);
    assert.throws(() => fusedAdditiveAttention(q, k, w, tf.zeros([B, S + 1, c]) as tf.Tensor3D, null), /values must be \[3, 5, c\]/);
    assert.throws(() => fusedAdditiveAttention(q, k, tf.zeros([a + 1]) as tf.Tensor1D, v, null), /w_v must have 7 values/);
  });
});
