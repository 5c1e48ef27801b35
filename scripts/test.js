// `npm test`: runs every suite (building the lib first when a suite needs it) and prints one summary.
//
//   npm test                     # all suites
//   npm test -- unit notebooks   # only these suites
//   npm test -- notebooks notebooks/00-getting-started.ipynb   # one notebook
//
// Suites: lint (scripts/lint.js: dependency-cruiser, eslint, prettier; runs first, on the sources),
// unit (node's test runner on lib/dist/**/*.test.js), notebooks (each notebook run twice in real
// Jupyter), server (`npm start` answers on 127.0.0.1 and its kernel imports rnnlab), browser
// (plots render in Chromium; added with the plotting lesson), and book (a quick `npm run book` of a few notebooks,
// every page checked in Chromium: tests/book.test.js). Training in notebooks is shortened
// with RNNLAB_QUICK=1, which the lib's training code reads.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { ROOT, findPython, installCommand, chromiumMissing } = require("./jupyter");

const ARTIFACTS = path.join(ROOT, "artifacts");

/**
 * The compiled tests under `dir` whose source still exists: tsc never deletes the output of a source that
 * was moved or removed, and such a stale test must not run.
 */
function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const dist = path.join(ROOT, "lib", "dist");
  const src = path.join(ROOT, "lib", "src");
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    const source = path.join(src, path.relative(dist, p)).replace(/\.js$/, ".ts");
    return e.name.endsWith(".test.js") && fs.existsSync(source) ? [p] : [];
  });
}

function jupyterPython() {
  const py = findPython(["notebook", "nbclient", "nbformat"]);
  if (!py) {
    throw new Error(`Jupyter (notebook + nbclient) is not installed, so notebooks cannot be tested. Install it: ${installCommand()}`);
  }
  return py;
}

/** Each suite returns the command to run; its output must end with "N passed, N failed". */
const SUITES = {
  lint: () => ({ cmd: process.execPath, args: [path.join(ROOT, "scripts", "lint.js")] }),
  unit: () => {
    const files = testFiles(path.join(ROOT, "lib", "dist"));
    return {
      cmd: process.execPath,
      args: [
        "--test",
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=tap",
        `--test-reporter-destination=${path.join(ARTIFACTS, "unit.tap")}`,
        ...files,
      ],
      count: () => {
        const tap = fs.readFileSync(path.join(ARTIFACTS, "unit.tap"), "utf8");
        const num = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)$`, "m")) || [0, 0])[1]);
        return { passed: num("pass"), failed: num("fail") + num("cancelled") };
      },
    };
  },
  notebooks: (extra) => ({ cmd: jupyterPython(), args: [path.join(ROOT, "tests", "run_notebooks.py"), ...extra] }),
  server: () => ({ cmd: jupyterPython(), args: [path.join(ROOT, "tests", "server_smoke.py")] }),
  browser: () => {
    const noChromium = chromiumMissing();
    if (noChromium) throw new Error(noChromium);
    return { cmd: process.execPath, args: [path.join(ROOT, "tests", "browser.test.js")] };
  },
  book: () => {
    const noChromium = chromiumMissing();
    if (noChromium) throw new Error(noChromium);
    jupyterPython();
    return { cmd: process.execPath, args: [path.join(ROOT, "tests", "book.test.js")] };
  },
};

/** Suites that run on the sources, so they need no `npm run build` first. */
const NEEDS_NO_BUILD = new Set(["lint"]);

function lastCount(output) {
  const m = [...output.matchAll(/(\d+) passed, (\d+) failed/g)].pop();
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
}

function main() {
  const argv = process.argv.slice(2);
  const chosen = argv.filter((a) => a in SUITES);
  const extra = argv.filter((a) => !(a in SUITES));
  const names = chosen.length ? chosen : Object.keys(SUITES);
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const env = { ...process.env, RNNLAB_QUICK: process.env.RNNLAB_QUICK || "1" };
  const results = [];
  let built = false;
  for (const name of names) {
    if (!built && !NEEDS_NO_BUILD.has(name)) {
      const t0 = Date.now();
      console.log("\n=== build ===");
      const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
      if (build.status !== 0) {
        console.error("test: building lib/ failed; see the TypeScript errors above. The remaining suites were not run.");
        results.push({ name: "build", passed: 0, failed: 1, seconds: (Date.now() - t0) / 1000, note: "tsc failed" });
        break;
      }
      built = true;
    }
    const t0 = Date.now();
    console.log(`\n=== ${name} ===`);
    let passed = 0,
      failed = 0,
      note = "";
    try {
      const s = SUITES[name](extra);
      const r = spawnSync(s.cmd, s.args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 256 << 20, stdio: ["ignore", "pipe", "pipe"] });
      process.stdout.write(r.stdout || "");
      process.stderr.write(r.stderr || "");
      const c = s.count ? s.count() : lastCount(r.stdout || "");
      if (c) ({ passed, failed } = c);
      if (r.status !== 0 && failed === 0) {
        failed = 1;
        note = `exited with ${r.status ?? r.signal}`;
      }
    } catch (err) {
      failed = 1;
      note = err.message;
      console.error(`test: ${name}: ${err.message}`);
    }
    results.push({ name, passed, failed, seconds: (Date.now() - t0) / 1000, note });
  }

  console.log("\nsuite         passed  failed  seconds");
  for (const r of results) {
    console.log(
      `${r.name.padEnd(12)} ${String(r.passed).padStart(7)} ${String(r.failed).padStart(7)} ${r.seconds.toFixed(1).padStart(8)}  ${r.note}`,
    );
  }
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
