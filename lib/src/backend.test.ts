import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { BACKENDS, BackendError, formatInfo, parseBackendName, setupBackend } from "./backend";

test("parseBackendName accepts the three backends, case-insensitively, and empty as 'auto'", () => {
  for (const b of BACKENDS) assert.equal(parseBackendName(b.toUpperCase()), b);
  assert.equal(parseBackendName(undefined), undefined);
  assert.equal(parseBackendName("  "), undefined);
});

test("an unknown RNNLAB_BACKEND is an error naming the valid choices", () => {
  assert.throws(
    () => parseBackendName("webgpu"),
    (err: Error) => {
      assert.ok(err instanceof BackendError);
      assert.match(err.message, /"webgpu"/);
      assert.match(err.message, /tensorflow, wasm, cpu/);
      return true;
    },
  );
});

test("setupBackend picks wasm here, says why tensorflow was skipped, and is stable across calls", async () => {
  const saved = process.env.RNNLAB_BACKEND;
  delete process.env.RNNLAB_BACKEND;
  try {
    const info = await setupBackend();
    const nodeFolder = fs.existsSync(path.join(require.resolve("@tensorflow/tfjs"), "..", "..", "..", "tfjs-node"));
    if (!nodeFolder) assert.equal(info.backend, "wasm");
    // A tfjs-node folder whose install script never ran (npm install --ignore-scripts) cannot load: wasm, with the reason.
    else
      assert.ok(
        info.backend === "tensorflow" || (info.backend === "wasm" && /tfjs-node/.test(info.skipped[0].reason)),
        JSON.stringify(info),
      );
    assert.equal(tf.getBackend(), info.backend);
    assert.equal(info.tfjsVersion, "4.22.0");
    if (info.backend === "wasm") {
      assert.equal(info.skipped[0].backend, "tensorflow");
      assert.match(info.skipped[0].reason, /tfjs-node/);
      assert.equal(typeof info.simd, "boolean");
      assert.ok((info.threads ?? 0) >= 1);
    }
    assert.equal(await setupBackend(), info, "a second call returns the same answer");
    assert.match(formatInfo(info), new RegExp(`^backend ${info.backend} · tfjs 4.22.0`));
  } finally {
    if (saved !== undefined) process.env.RNNLAB_BACKEND = saved;
  }
});

test("a forced backend is used, and a forced backend that cannot load names the reason", async () => {
  const cpu = await setupBackend("cpu");
  assert.equal(cpu.backend, "cpu");
  assert.equal(cpu.forced, true);
  assert.equal(tf.getBackend(), "cpu");
  if (!fs.existsSync(path.join(require.resolve("@tensorflow/tfjs"), "..", "..", "..", "tfjs-node"))) {
    await assert.rejects(setupBackend("tensorflow"), (err: Error) => {
      assert.ok(err instanceof BackendError);
      assert.match(err.message, /tfjs-node is not installed/);
      assert.match(err.message, /Valid choices: tensorflow, wasm, cpu/);
      return true;
    });
  }
  const back = await setupBackend();
  assert.equal(tf.getBackend(), back.backend);
});

test("the cpu backend does not print tfjs's 'install tfjs-node' banner", async () => {
  await setupBackend("cpu");
  const warnings: string[] = [];
  const orig = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a.join(" "));
  try {
    tf.tidy(() => tf.tensor([1, 2, 3]).square().dataSync());
  } finally {
    console.warn = orig;
  }
  assert.deepEqual(
    warnings.filter((w) => /tfjs-node/.test(w)),
    [],
  );
  await setupBackend();
});

test("exactly one copy of tfjs-core is installed", () => {
  const root = path.resolve(__dirname, "..", "..");
  const copies: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 6 || !fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = path.join(dir, e.name);
      if (p.endsWith(path.join("@tensorflow", "tfjs-core")) && fs.existsSync(path.join(p, "package.json"))) copies.push(p);
      if (
        e.name === "node_modules" ||
        e.name.startsWith("@") ||
        path.basename(dir) === "node_modules" ||
        path.basename(dir).startsWith("@")
      ) {
        walk(p, depth + 1);
      }
    }
  };
  walk(path.join(root, "node_modules"), 0);
  walk(path.join(root, "lib", "node_modules"), 0);
  assert.equal(copies.length, 1, `found tfjs-core at: ${copies.join(", ")}`);
});
