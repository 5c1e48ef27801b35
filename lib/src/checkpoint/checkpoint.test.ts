import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { CHECKPOINT_VERSION, CheckpointError, checkpointTestHooks, loadCheckpoint, restoreVariables, saveCheckpoint } from "./checkpoint";
import { cacheKey, stableStringify, trainOrLoad } from "./cache";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-ckpt-"));

function makeVars(seed: number): tf.Variable[] {
  return [
    tf.variable(tf.randomNormal([3, 4], 0, 1, "float32", seed)),
    tf.variable(tf.randomNormal([4], 0, 1, "float32", seed + 1)),
    tf.variable(tf.tensor([1, 2, 3], [3], "int32")),
  ];
}

test("a checkpoint round-trips bit-exactly, with config, vocab and history", async () => {
  await setupBackend();
  const dir = path.join(tmp(), "model");
  const vars = makeVars(1);
  await saveCheckpoint(dir, { tensors: vars, config: { numHiddens: 4 }, vocab: { tokens: ["a", "b"] }, history: [1.5, 1.2] });
  const other = makeVars(7);
  const ckpt = loadCheckpoint(dir);
  restoreVariables(other, ckpt);
  ckpt.dispose();
  for (let i = 0; i < vars.length; i++) {
    assert.deepEqual(Array.from(other[i].dataSync()), Array.from(vars[i].dataSync()));
    assert.equal(other[i].dtype, vars[i].dtype);
  }
  const again = loadCheckpoint(dir);
  assert.deepEqual(again.config, { numHiddens: 4 });
  assert.deepEqual(again.vocab, { tokens: ["a", "b"] });
  assert.deepEqual(again.history, [1.5, 1.2]);
  assert.deepEqual(again.names, ["0", "1", "2"]);
  again.dispose();
  [...vars, ...other].forEach((v) => v.dispose());
});

test("corrupt, truncated and wrong-version checkpoints fail with a clear message and load nothing", async () => {
  await setupBackend();
  const vars = makeVars(2);
  const before = tf.memory().numTensors;
  const make = async () => {
    const dir = path.join(tmp(), "m");
    await saveCheckpoint(dir, { tensors: vars });
    return dir;
  };
  let dir = await make();
  const w = path.join(dir, "weights.bin");
  fs.truncateSync(w, fs.statSync(w).size - 4);
  assert.throws(
    () => loadCheckpoint(dir),
    (e: Error) => e instanceof CheckpointError && /truncated or corrupt/.test(e.message),
  );

  dir = await make();
  const bytes = fs.readFileSync(path.join(dir, "weights.bin"));
  bytes[5] ^= 0xff;
  fs.writeFileSync(path.join(dir, "weights.bin"), bytes);
  assert.throws(() => loadCheckpoint(dir), /checksum of weights.bin does not match/);

  dir = await make();
  fs.writeFileSync(path.join(dir, "manifest.json"), "{ not json");
  assert.throws(() => loadCheckpoint(dir), /manifest.json is not valid JSON/);

  dir = await make();
  const m = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  m.version = CHECKPOINT_VERSION + 1;
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(m));
  assert.throws(
    () => loadCheckpoint(dir),
    new RegExp(`format version ${CHECKPOINT_VERSION + 1}, but this rnnlab reads version ${CHECKPOINT_VERSION}`),
  );

  assert.throws(() => loadCheckpoint(path.join(tmp(), "none")), /No checkpoint at/);
  assert.equal(tf.memory().numTensors, before, "failed loads leave no tensors behind");
  vars.forEach((v) => v.dispose());
});

test("a crash while saving leaves the previous checkpoint loadable", async () => {
  await setupBackend();
  const dir = path.join(tmp(), "m");
  const first = makeVars(3);
  await saveCheckpoint(dir, { tensors: first, history: "first" });
  const second = makeVars(4);
  checkpointTestHooks.afterWeights = () => {
    throw new Error("simulated crash");
  };
  try {
    await assert.rejects(saveCheckpoint(dir, { tensors: second, history: "second" }), /simulated crash/);
  } finally {
    delete checkpointTestHooks.afterWeights;
  }
  const ckpt = loadCheckpoint(dir);
  assert.equal(ckpt.history, "first");
  assert.deepEqual(Array.from(ckpt.tensors[0].dataSync()), Array.from(first[0].dataSync()));
  ckpt.dispose();
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ["m"], "no temporary folders are left behind");
  [...first, ...second].forEach((v) => v.dispose());
});

test("restoring into a model of another shape is refused before anything is assigned", async () => {
  await setupBackend();
  const dir = path.join(tmp(), "m");
  const vars = makeVars(5);
  await saveCheckpoint(dir, { tensors: vars });
  const wrong = [tf.variable(tf.zeros([3, 4])), tf.variable(tf.zeros([5])), tf.variable(tf.zeros([3], "int32"))];
  const ckpt = loadCheckpoint(dir);
  assert.throws(() => restoreVariables(wrong, ckpt), /has shape \[5\] but the checkpoint's "1" has \[4\]/);
  assert.equal(wrong[0].sum().dataSync()[0], 0, "the first variable was not touched");
  assert.throws(() => restoreVariables(wrong.slice(1), ckpt), /holds 3 tensors but the model has 2 variables/);
  ckpt.dispose();
  [...vars, ...wrong].forEach((v) => v.dispose());
});

test("the training cache hits on identical settings and misses on any change", async () => {
  await setupBackend();
  const root = tmp();
  const v = [tf.variable(tf.zeros([2]))];
  let trained = 0;
  const run = (settings: unknown, force = false) =>
    trainOrLoad({
      name: "toy",
      settings,
      root,
      force,
      log: () => undefined,
      variables: () => v,
      train: () => {
        trained++;
        v[0].assign(tf.tensor([trained, trained]));
        return { run: trained };
      },
    });
  const a = await run({ lr: 0.1, data: "abc" });
  assert.equal(a.fromCache, false);
  v[0].assign(tf.zeros([2]));
  const b = await run({ data: "abc", lr: 0.1 }); // same settings, other key order
  assert.equal(b.fromCache, true);
  assert.deepEqual(b.history, { run: 1 });
  assert.deepEqual(Array.from(v[0].dataSync()), [1, 1], "the cached weights were loaded");
  assert.equal((await run({ lr: 0.2, data: "abc" })).fromCache, false);
  assert.equal((await run({ lr: 0.1, data: "abd" })).fromCache, false);
  assert.equal((await run({ lr: 0.1, data: "abc" }, true)).fromCache, false, "force retrains");
  assert.equal(trained, 4);
  // A corrupt cache entry is reported and retrained, not loaded.
  fs.writeFileSync(path.join(a.dir, "weights.bin"), "garbage");
  const msgs: string[] = [];
  const c = await trainOrLoad({
    name: "toy",
    settings: { lr: 0.1, data: "abc" },
    root,
    log: (m) => msgs.push(m),
    variables: () => v,
    train: () => ({ run: 99 }),
  });
  assert.equal(c.fromCache, false);
  assert.match(msgs[0], /could not be used/);
  v[0].dispose();
});

test("cache keys ignore key order but not values", () => {
  assert.equal(stableStringify({ b: 1, a: [1, { d: 2, c: 3 }] }), '{"a":[1,{"c":3,"d":2}],"b":1}');
  assert.equal(cacheKey({ a: 1, b: 2 }), cacheKey({ b: 2, a: 1 }));
  assert.notEqual(cacheKey({ a: 1 }), cacheKey({ a: 2 }));
});
