// `npm run lint` (also the first suite of `npm test`): three static checks, each reported on its own.
//
//   dependency-cruiser  lib/src's layers and no import cycles (rules in .dependency-cruiser.cjs)
//   eslint              lib/src, scripts, tests, bench (rules in eslint.config.mjs)
//   prettier            formatting of the same files (prettier --check; .prettierrc.json)
//
// Ends with "N passed, M failed" (N, M = checks) and exits 1 if any check failed.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const SOURCES = ["lib/src", "scripts", "tests", "bench"];

/** The JavaScript file of `pkg`'s command `name`, run with this Node (no shell, no node_modules/.bin). */
function bin(pkg, name) {
  const dir = path.join(ROOT, "node_modules", pkg);
  const json = path.join(dir, "package.json");
  if (!fs.existsSync(json)) throw new Error(`${pkg} is not installed: run \`npm install\` in ${ROOT}`);
  const b = JSON.parse(fs.readFileSync(json, "utf8")).bin;
  return path.join(dir, typeof b === "string" ? b : b[name]);
}

/** Each check: its command, and the one-line reason for a failure read from its output. */
const CHECKS = [
  {
    name: "dependency-cruiser",
    args: () => [bin("dependency-cruiser", "depcruise"), "lib/src", "--config", ".dependency-cruiser.cjs", "--output-type", "err"],
    reason: (out) => (out.match(/\d+ dependency violations? \([^)]*\)/) || [])[0],
  },
  {
    name: "eslint",
    args: () => [bin("eslint", "eslint"), ...SOURCES],
    reason: (out) => (out.match(/\d+ problems? \([^)]*\)/) || [])[0],
  },
  {
    name: "prettier",
    args: () => [bin("prettier", "prettier"), "--check", ...SOURCES, ".dependency-cruiser.cjs", "eslint.config.mjs"],
    reason: (out) => {
      const files = (out.match(/Code style issues found in (?:the above file|\d+ files)/) || [])[0];
      const errors = (out.match(/^\[error\]/gm) || []).length;
      if (files) return `${files.replace("Code style issues found in", "not formatted:")} (npx prettier --write <file>)`;
      return errors ? `prettier could not parse a file (${errors} error lines above)` : undefined;
    },
  },
];

function main() {
  const results = [];
  for (const check of CHECKS) {
    console.log(`\n--- ${check.name} ---`);
    const t0 = Date.now();
    let ok = false;
    let why = "";
    try {
      const r = spawnSync(process.execPath, check.args(), { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
      const out = `${r.stdout || ""}${r.stderr || ""}`;
      process.stdout.write(out.trim() ? `${out.trimEnd()}\n` : "");
      ok = r.status === 0;
      if (!ok) why = check.reason(out) || (r.error ? r.error.message : `exited with ${r.status ?? r.signal}`);
    } catch (err) {
      why = err.message;
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    console.log(`lint: ${check.name} ${ok ? "passed" : "FAILED"} (${seconds} s)${ok ? "" : `: ${why}`}`);
    results.push({ name: check.name, ok, why });
  }
  const failed = results.filter((r) => !r.ok);
  console.log("");
  for (const r of results) console.log(`  ${r.ok ? "ok    " : "FAILED"}  ${r.name}${r.ok ? "" : `: ${r.why}`}`);
  console.log(`\nlint: ${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}

main();
