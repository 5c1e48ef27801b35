import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { FusedGRU, FusedLSTM, FusedSimpleRNN, fusedLSTMLayer } from "./fused-layers";
import { FusedRecurrentBlock } from "./fused-block";
import { fusedReference } from "./fused-reference";
import { patchWasmKernels } from "./wasm-kernels";

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test("each fused layer equals its tf.layers twin on the same weights", async () => {
  await tf.setBackend("cpu");
  const twins: [tf.layers.Layer, tf.layers.Layer][] = [
    [new FusedLSTM({ units: 7, returnSequences: true }), tf.layers.lstm({ units: 7, returnSequences: true, recurrentActivation: "sigmoid" })],
    [new FusedGRU({ units: 6, returnSequences: false }), tf.layers.gru({ units: 6, recurrentActivation: "sigmoid" })],
    [new FusedSimpleRNN({ units: 5, returnSequences: true }), tf.layers.simpleRNN({ units: 5, returnSequences: true })],
  ];
  for (const [fused, twin] of twins) {
    tf.tidy(() => {
      const x = tf.randomNormal([3, 4, 9], 0, 1, "float32", 1) as tf.Tensor3D; // [B, T, I]
      const want = twin.apply(x) as tf.Tensor;
      fused.apply(x);
      fused.setWeights(twin.getWeights());
      const got = fused.apply(x) as tf.Tensor;
      assert.deepEqual(got.shape, want.shape);
      const d = maxAbs(got.dataSync(), want.dataSync());
      assert.ok(d <= 1e-5, `${fused.getClassName()} differs by ${d}`);
    });
    fused.dispose();
    twin.dispose();
  }
});

test("a model with a fused layer trains with model.fit on wasm, and saves and loads", async () => {
  assert.ok(await tf.setBackend("wasm"));
  patchWasmKernels();
  // Task: is the first step's first feature positive? Needs the state to carry it to the end.
  const n = 64;
  const x = tf.tidy(() => tf.randomNormal([n, 6, 3], 0, 1, "float32", 3));
  const y = tf.tidy(() => x.slice([0, 0, 0], [n, 1, 1]).reshape([n, 1]).greater(0).toFloat());
  const model = tf.sequential();
  model.add(fusedLSTMLayer({ units: 16, inputShape: [6, 3] }));
  model.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
  model.compile({ optimizer: tf.train.adam(0.03), loss: "binaryCrossentropy" });
  const before = (model.evaluate(x, y) as tf.Scalar).dataSync()[0];
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 }); // creates the optimizer's state
  const tensors = tf.memory().numTensors;
  const hist = await model.fit(x, y, { epochs: 40, batchSize: 32, verbose: 0 });
  const losses = hist.history.loss as number[];
  assert.ok(losses[losses.length - 1] < 0.5 * before, `loss ${before} → ${losses[losses.length - 1]}`);
  assert.equal(tf.memory().numTensors, tensors, "fit leaves no tensors behind");
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  assert.equal(loaded.layers[0].getClassName(), "FusedLSTM");
  tf.tidy(() => {
    const d = maxAbs((loaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync());
    assert.ok(d < 1e-6);
  });
  tf.dispose([x, y]);
  model.dispose();
  loaded.dispose();
});

test("FusedRecurrentBlock keeps the RecurrentBlock contract, equals the tf-ops cell, and does not leak", async () => {
  await tf.setBackend("cpu");
  for (const cell of ["rnn", "gru", "lstm"] as const) {
    const before = tf.memory().numTensors;
    const block = new FusedRecurrentBlock({ cell, numInputs: 5, numHiddens: 8, sigma: 0.3 });
    assert.equal(tf.memory().numTensors, before + 3, "the block owns exactly its three variables");
    tf.tidy(() => {
      const X = tf.randomNormal([4, 3, 5], 0, 1, "float32", 2) as tf.Tensor3D;
      const state = block.initState(3).map((s) => s.add(0.1)) as tf.Tensor2D[];
      const [Y, out] = block.forward(X, state);
      assert.deepEqual(Y.shape, [4, 3, 8]);
      assert.equal(out.length, cell === "lstm" ? 2 : 1);
      const want = fusedReference(cell, X, state[0], state[1] ?? null, block.W, block.U, block.b);
      assert.ok(maxAbs(Y.dataSync(), want[0].dataSync()) <= 1e-5);
      assert.ok(maxAbs(out[out.length - 1].dataSync(), want[want.length - 1].dataSync()) <= 1e-5);
    });
    const opt = tf.train.sgd(0.1);
    const step = (): void => {
      opt.minimize(() => block.forward(tf.ones([3, 2, 5]))[0].square().mean() as tf.Scalar, false, block.trainableVariables());
    };
    step();
    const n = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) step();
    assert.equal(tf.memory().numTensors, n);
    opt.dispose();
    block.dispose();
  }
});
