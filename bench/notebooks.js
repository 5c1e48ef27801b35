// `npm run bench:notebooks`: every notebook at full settings (RNNLAB_QUICK=0) with an empty training cache,
// timed against its budget, in one table.
//
//   npm run bench:notebooks                                  # every notebook
//   npm run bench:notebooks -- notebooks/09-tang-poems.ipynb # some of them
//
// Each notebook runs through tests/run_notebooks.py in a fresh kernel: pass 1 with a new, empty training cache
// (what a student's first "Run All" costs), pass 2 reruns every cell in the same kernel (what a rerun costs, models
// loaded from the cache). Budgets: 5 minutes, 8 for 07b (its spelling-to-sound model). Run it alone on the
// machine: the numbers are wall-clock times. Exits 1 when a notebook fails or is over budget.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const DEFAULT_BUDGET_S = 300;
const BUDGETS_S = { "07b-attention": 480 };

/** The Python that has Jupyter (Debian's), as the test suite uses it. */
function python() {
  return fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

function notebooksToRun(argv) {
  const given = argv.filter((a) => a.endsWith(".ipynb"));
  if (given.length > 0) return given.map((p) => path.resolve(p));
  const dir = path.join(ROOT, "notebooks");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Runs one notebook twice (tests/run_notebooks.py) with an empty training cache; returns its row. */
function runOne(file) {
  const name = path.basename(file, ".ipynb");
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), `rnnlab-bench-${name}-`));
  const started = Date.now();
  const r = spawnSync(python(), [path.join(ROOT, "tests", "run_notebooks.py"), file], {
    cwd: ROOT,
    env: { ...process.env, RNNLAB_QUICK: "0", RNNLAB_CHECKPOINTS: cache, RNNLAB_CELL_TIMEOUT: "1800" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  fs.rmSync(cache, { recursive: true, force: true });
  const wall = (Date.now() - started) / 1000;
  const line = (r.stdout || "").split("\n").find((l) => l.startsWith(path.relative(ROOT, file)) && /\s(ok|FAIL)$/.test(l));
  const budget = BUDGETS_S[name] ?? DEFAULT_BUDGET_S;
  const m = line && line.match(/\s([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+ok$/);
  if (r.status !== 0 || !m) {
    const why = (r.stdout || "").split("\n").find((l) => l.startsWith("FAIL")) || (r.stderr || "").trim().split("\n").pop() || "no result";
    return { name, budget, wall, error: why.slice(0, 200) };
  }
  return { name, budget, wall, first: Number(m[1]), rerun: Number(m[2]), tensors: [Number(m[3]), Number(m[4])] };
}

function main() {
  const files = notebooksToRun(process.argv.slice(2));
  console.log(
    `bench:notebooks: ${files.length} notebook(s) at full settings, empty training cache, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`,
  );
  const rows = [];
  for (const f of files) {
    process.stdout.write(`  ${path.basename(f)} … `);
    const row = runOne(f);
    rows.push(row);
    console.log(row.error ? `FAIL (${row.error})` : `${row.first.toFixed(1)} s, rerun ${row.rerun.toFixed(1)} s`);
  }
  console.log();
  console.log(`| notebook | first run s | rerun s | budget s | tensors (pass 1 → 2) | result |`);
  console.log(`|---|---|---|---|---|---|`);
  let bad = 0;
  for (const r of rows) {
    if (r.error) {
      bad++;
      console.log(`| ${r.name} | | | ${r.budget} | | FAIL: ${r.error} |`);
      continue;
    }
    const over = r.first > r.budget;
    if (over) bad++;
    console.log(
      `| ${r.name} | ${r.first.toFixed(1)} | ${r.rerun.toFixed(1)} | ${r.budget} | ${r.tensors[0]} → ${r.tensors[1]} | ${over ? "OVER BUDGET" : "ok"} |`,
    );
  }
  const total = rows.reduce((s, r) => s + (r.first ?? 0), 0);
  console.log(
    `\n${rows.length - bad} within budget, ${bad} not; ${(total / 60).toFixed(1)} min of first runs; load ${os.loadavg()[0].toFixed(2)} at the end.`,
  );
  process.exitCode = bad === 0 ? 0 : 1;
}

main();
