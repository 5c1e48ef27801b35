// What the speed benchmarks share: the warm-up rule, the median, running a column in its own process, and the table.
"use strict";
const { spawnSync } = require("child_process");
const os = require("os");

/**
 * Warm-up before timing: at least `minSteps` steps and `minMs` of running (capped at `maxSteps`), so V8 has tiered
 * the JS around the wasm kernels up to optimised code (a fused step of the small sizes is still 1.5–2× slower after
 * 10 steps than after 200) and the allocator has settled. bench/torch_ref.py applies the same rule to PyTorch.
 */
const WARMUP = { minSteps: 10, minMs: 2000, maxSteps: 400 };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Warms `step` up (see {@link WARMUP}), then times `steps` calls; `step` must finish its work before returning. */
function timeSteps(step, steps) {
  const t0 = performance.now();
  let warmup = 0;
  while (warmup < WARMUP.minSteps || (warmup < WARMUP.maxSteps && performance.now() - t0 < WARMUP.minMs)) {
    step();
    warmup++;
  }
  const times = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  if (process.env.BENCH_TRACE) console.error(`warm-up ${warmup} steps; ms: ${times.map((t) => t.toFixed(1)).join(" ")}`);
  return { ms: median(times), warmup };
}

function argValue(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

/** Runs one column in its own process and reads its JSON lines; `{ error }` when it fails. */
function runColumn(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) return { error: (r.stderr || r.error || "").toString().trim().split("\n").slice(-3).join(" ") };
  return {
    rows: r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l)),
  };
}

function torchAvailable() {
  return spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" }).status === 0;
}

/** PyTorch's best of 1 and 2 threads for one configuration (`args` after the script name); null when it fails. */
function torchBest(script, args) {
  let best = null;
  let error = null;
  for (const threads of ["1", "2"]) {
    const res = runColumn("/usr/bin/python3", [script, ...args], { OMP_NUM_THREADS: threads });
    if (res.error) {
      error = res.error;
      continue;
    }
    for (const r of res.rows) if (!best || r.per_s > best.per_s) best = { ...r, threads };
  }
  return { best, error };
}

const fmt = (x) => (x == null ? "—" : Math.round(x).toLocaleString("en-US"));
const ratio = (x, y) => (x == null || y == null ? "—" : (x / y).toFixed(2) + "×");

/** Prints a Markdown table with right-aligned cells. */
function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => "| " + cells.map((c, i) => c.padStart(widths[i])).join(" | ") + " |";
  console.log(line(header));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(r));
}

const loadAverage = () => os.loadavg()[0];

/**
 * The fused character-level training step both bench/fast.js and bench/profile.js time: token ids (vocabulary `V`) →
 * fused `cell` of `H` units → fused output layer + softmax cross-entropy → FusedAdam, on fixed ids `[T+1, B]`.
 * `step()` returns the loss (the caller disposes it); `dispose()` frees the variables and ids.
 */
function fusedCharStep(tf, fast, cell, { H, B, T }, V) {
  const G = { rnn: 1, gru: 3, lstm: 4 }[cell];
  const ids = new Int32Array((T + 1) * B).map((_, i) => (i * 7919 + 13) % V);
  const opt = new fast.FusedAdam({ lr: 1e-3 });
  const vars = tf.tidy(() => [
    tf.variable(tf.randomNormal([V, G * H], 0, 0.1)),
    tf.variable(tf.randomNormal([H, G * H], 0, 0.1)),
    tf.variable(tf.zeros([G * H])),
    tf.variable(tf.randomNormal([H, V], 0, 0.1)),
    tf.variable(tf.zeros([V])),
  ]);
  const [W, U, b, Wout, bout] = vars;
  const X = tf.tensor2d(ids.subarray(0, T * B), [T, B], "int32"); // time-major token ids
  const targets = ids.slice(B); // next tokens, time-major like y
  const step = () =>
    opt.minimize(
      () => {
        const { y } = fast.fusedRecurrent(cell, { ids: X, numInputs: V }, { W, U, b });
        return fast.fusedSoftmaxCrossEntropy(y.reshape([T * B, H]), Wout, bout, targets);
      },
      true,
      vars,
    );
  const dispose = () => {
    opt.dispose();
    tf.dispose([...vars, X]);
  };
  return { step, dispose };
}

module.exports = {
  WARMUP,
  median,
  timeSteps,
  argValue,
  runColumn,
  torchAvailable,
  torchBest,
  fmt,
  ratio,
  printTable,
  loadAverage,
  fusedCharStep,
};
