// The browser suite: notebooks/00b-plots.ipynb in a real Chromium, through the classic Notebook UI.
//
//   node tests/browser.test.js        (npm test -- browser runs it with RNNLAB_QUICK=1)
//
// 1. serves a copy of the notebook (artifacts/browser/, so the repository's file is never touched)
//    with Jupyter Notebook and the tslab kernel on a free 127.0.0.1 port;
// 2. runs all cells through the UI (Cell → Run All) and checks every plot output: a rendered
//    plotly SVG (.main-svg) with the expected number of traces, and no JavaScript errors;
// 3. saves through the UI, reloads the page and checks the plots again;
// 4. checks the saved .ipynb: plotly.js embedded exactly once; prints its size;
// 5. exports it with `jupyter nbconvert --to html`, opens the file and checks the plots there.
// Screenshots of each stage go to artifacts/screenshots/. The server is stopped in a finally.
// Output ends with "N passed, N failed" like every suite of scripts/test.js.
"use strict";
/* global window, document, MutationObserver, Jupyter -- used in the page.evaluate() callbacks, which run in Chromium */
const { spawn, spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const net = require("net");
const path = require("path");
const { chromium } = require("playwright-core");
const { ROOT, findPython, installCommand, chromiumPath, chromiumMissing } = require("../scripts/jupyter");
const { PLOT_CLASS, PLOTLY_BUNDLE_MARKER, PLOTLY_LIBRARY_CLASS } = require("../lib/dist/plot/show");

const NOTEBOOK = "00b-plots.ipynb";
const WORK = path.join(ROOT, "artifacts", "browser"); // inside the repo so the kernel finds node_modules/rnnlab
const SHOTS = path.join(ROOT, "artifacts", "screenshots");
const CHROMIUM = chromiumPath(); // RNNLAB_CHROMIUM, or Debian's /usr/bin/chromium
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
/** Traces of each plot of the notebook, in output order (a TrainingBoard keeps one plot, redrawn in place). */
const EXPECTED_TRACES = [2, 1, 1, 1, 2, 2, 1];
/** A line that occurs once in the plotly.js bundle, to count copies embedded uncompressed. */
const RAW_BUNDLE_MARKER = "Copyright 2012-2026, Plotly, Inc.";
const RUN_TIMEOUT_MS = Number(process.env.RNNLAB_BROWSER_TIMEOUT_MS || 120_000);
// Offline stand-ins for the CDN files of nbconvert's HTML template (require.js, MathJax).
const NB_STATIC = "/usr/lib/python3/dist-packages/notebook/static/components";
const CDN_FILES = [
  {
    url: /^https:\/\/cdnjs\.cloudflare\.com\/ajax\/libs\/require\.js\/[^/]+\/require\.min\.js/,
    dir: path.join(NB_STATIC, "requirejs"),
    file: "require.js",
  },
  { url: /^https:\/\/cdnjs\.cloudflare\.com\/ajax\/libs\/mathjax\/[^/]+\/(.*?)(\?.*)?$/, dir: path.join(NB_STATIC, "MathJax") },
];

// Console errors that Jupyter's own page causes, whatever the notebook holds: MathJax 2.7 probes web fonts with an
// `about:blank` URL, and leaving a notebook page asks for a beforeunload panel. Uncaught exceptions are never ignored.
const KNOWN_PAGE_NOISE = [
  /^Access to font at 'about:blank' from origin .* has been blocked by CORS policy/,
  /^Failed to load resource: net::ERR_FAILED \(about:blank\)$/,
  /^Blocked attempt to show a 'beforeunload' confirmation panel/,
];

let passed = 0;
let failed = 0;
let stageStart = Date.now();
/** Prints how long the stage that just ended took. */
function stageDone(name) {
  console.log(`     ${name}: ${((Date.now() - stageStart) / 1000).toFixed(1)} s`);
  stageStart = Date.now();
}

function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
  return ok;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(base, token, method, route) {
  const r = await fetch(`${base}${route}`, { method, headers: { Authorization: `token ${token}` } });
  if (!r.ok) throw new Error(`${method} ${route}: HTTP ${r.status}`);
  return r.status === 204 ? null : r.json();
}

async function startServer(py) {
  const port = await freePort();
  const token = crypto.randomBytes(24).toString("hex");
  const args = ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0"];
  if (typeof process.getuid === "function" && process.getuid() === 0) args.push("--allow-root");
  const proc = spawn(py, args, {
    cwd: WORK,
    env: { ...process.env, JUPYTER_TOKEN: token },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true, // own process group, so the finally can stop it and its children
  });
  let log = "";
  proc.stderr.on("data", (c) => (log += c));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`Jupyter exited with ${proc.exitCode}:\n${log.slice(-2000)}`);
    try {
      await api(base, token, "GET", "/api/status");
      return { proc, base, token, log: () => log };
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`Jupyter did not answer on ${base} within 60 s:\n${log.slice(-2000)}`);
}

async function stopServer(server) {
  if (!server) return;
  try {
    for (const k of await api(server.base, server.token, "GET", "/api/kernels")) {
      await api(server.base, server.token, "DELETE", `/api/kernels/${k.id}`).catch(() => {});
    }
  } catch {
    // the server may already be gone
  }
  const pgid = server.proc.pid;
  const alive = () => server.proc.exitCode === null && server.proc.signalCode === null;
  try {
    process.kill(-pgid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 40 && alive(); i++) await sleep(100);
  if (alive()) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already stopped
    }
  }
}

/** Serves nbconvert's CDN files from the local Notebook install; every other outside request is refused. */
async function routeOffline(context, blocked) {
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    const url = route.request().url();
    for (const c of CDN_FILES) {
      const m = url.match(c.url);
      if (!m) continue;
      const file = path.join(c.dir, c.file ?? m[1]);
      if (fs.existsSync(file)) return route.fulfill({ path: file });
    }
    blocked.push(url);
    return route.abort();
  });
}

/** Waits until every plot div holds a plotly SVG, then describes each plot. */
async function plotsOnPage(page, timeout = 60_000) {
  await page.waitForFunction(
    (cls) => {
      const plots = [...document.querySelectorAll(`.${cls}`)];
      return plots.length > 0 && plots.every((p) => p.querySelector(".main-svg") !== null);
    },
    PLOT_CLASS,
    { timeout },
  );
  return page.evaluate(
    (cls) =>
      [...document.querySelectorAll(`.${cls}`)].map((p) => ({
        svgs: p.querySelectorAll(".main-svg").length,
        // scatter and bar traces are <g class="trace">; a heatmap is drawn as <g class="hm">
        traces: p.querySelectorAll(".cartesianlayer g.trace, .cartesianlayer g.hm").length,
        title: (p.querySelector(".gtitle") || {}).textContent || "",
        width: p.getBoundingClientRect().width,
      })),
    PLOT_CLASS,
  );
}

function checkPlots(stage, plots) {
  check(`${stage}: ${EXPECTED_TRACES.length} plots`, plots.length === EXPECTED_TRACES.length, `found ${plots.length}`);
  const traces = plots.map((p) => p.traces);
  check(
    `${stage}: every plot has a .main-svg and the expected traces`,
    plots.every((p) => p.svgs > 0 && p.width > 100) && JSON.stringify(traces) === JSON.stringify(EXPECTED_TRACES),
    `traces ${JSON.stringify(traces)}, expected ${JSON.stringify(EXPECTED_TRACES)}`,
  );
}

function checkNoErrors(stage, errors) {
  check(`${stage}: no JavaScript errors`, errors.length === 0, errors.slice(0, 5).join(" | "));
  errors.length = 0;
}

async function screenshot(page, name) {
  // The notebook scrolls inside #site, so grow the viewport to the content before a full-page shot.
  const height = await page.evaluate(() => {
    const el = document.querySelector("#notebook-container") || document.body;
    return Math.ceil(el.scrollHeight + 200);
  });
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(height, 800), 16000) });
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  return file;
}

async function openNotebook(page, server) {
  await page.goto(`${server.base}/notebooks/${NOTEBOOK}?token=${server.token}`);
  await page.waitForFunction(
    () =>
      window.Jupyter &&
      Jupyter.notebook &&
      Jupyter.notebook._fully_loaded &&
      Jupyter.notebook.kernel &&
      Jupyter.notebook.kernel.is_connected(),
    undefined,
    { timeout: 60_000 },
  );
}

async function runAllThroughUi(page) {
  // Count how often the board's status line is (re)drawn while the cells run: proof of live, in-place updates.
  await page.evaluate(() => {
    window.boardDraws = 0;
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.nodeType === 1 && (n.matches(".rnnlab-board-status") || n.querySelector(".rnnlab-board-status"))) window.boardDraws++;
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.click("#celllink");
  await page.click("#run_all_cells > a");
  await page.waitForFunction(
    () => {
      const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
      const done = cells.every((c) => typeof c.input_prompt_number === "number");
      return done && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
    },
    undefined,
    { timeout: RUN_TIMEOUT_MS, polling: 250 },
  );
  return page.evaluate(
    (libraryClass) => ({
      errors: document.querySelectorAll(".output_error").length,
      stderr: document.querySelectorAll(".output_stderr").length,
      libraries: document.querySelectorAll(`.${libraryClass}`).length,
      boardDraws: window.boardDraws,
      boardStatuses: document.querySelectorAll(".rnnlab-board-status").length,
    }),
    PLOTLY_LIBRARY_CLASS,
  );
}

async function saveThroughUi(page, file) {
  const before = fs.statSync(file).mtimeMs;
  const saved = page.waitForResponse((r) => r.url().includes(`/api/contents/${NOTEBOOK}`) && r.request().method() === "PUT", {
    timeout: 60_000,
  });
  await page.click("#filelink");
  await page.click("#save_checkpoint > a");
  const response = await saved;
  return response.ok() && fs.statSync(file).mtimeMs > before;
}

async function main() {
  const t0 = Date.now();
  const py = findPython(["notebook", "nbconvert"]);
  if (!py) throw new Error(`Jupyter Notebook and nbconvert are not installed. Install them: ${installCommand()}`);
  const noChromium = chromiumMissing();
  if (noChromium) throw new Error(noChromium);
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const nbFile = path.join(WORK, NOTEBOOK);
  fs.copyFileSync(path.join(ROOT, "notebooks", NOTEBOOK), nbFile);

  let server;
  let context;
  const profile = fs.mkdtempSync(path.join(require("os").tmpdir(), "rnnlab-chromium-")); // a fresh user-data-dir
  let page;
  try {
    server = await startServer(py);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    const blocked = [];
    await routeOffline(context, blocked);
    page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      const text = `${m.text()} (${m.location().url || "?"})`;
      if (!KNOWN_PAGE_NOISE.some((re) => re.test(m.text()) || re.test(text))) errors.push(`console.error: ${text}`);
    });

    // 1. run all cells through the UI
    stageDone("server and browser started");
    await openNotebook(page, server);
    stageDone("notebook opened, kernel connected");
    const run = await runAllThroughUi(page);
    check("run all: no error or stderr output", run.errors === 0 && run.stderr === 0, `${run.errors} errors, ${run.stderr} stderr`);
    check("run all: the plotly.js library output appears once", run.libraries === 1, `${run.libraries}`);
    check(
      "run all: the board's status line was redrawn in place while training ran",
      run.boardDraws >= 3 && run.boardStatuses === 1,
      `${run.boardDraws} draws seen, ${run.boardStatuses} status line on the page`,
    );
    checkPlots("run all", await plotsOnPage(page));
    const tracked = await page.evaluate(() => (window.rnnlabPlots || []).length);
    check("run all: plots replaced by board redraws were purged", tracked === EXPECTED_TRACES.length, `${tracked} plots tracked`);
    checkNoErrors("run all", errors);
    stageDone("run all");
    console.log(`     screenshot ${path.relative(ROOT, await screenshot(page, "1-run-all.png"))}`);

    // 2. save, reload, check again
    check("save through the UI", await saveThroughUi(page, nbFile));
    await page.reload();
    await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded, undefined, { timeout: 60_000 });
    check("reload: the saved notebook is trusted (its scripts may run)", await page.evaluate(() => Jupyter.notebook.trusted));
    checkPlots("reload", await plotsOnPage(page));
    checkNoErrors("reload", errors);
    stageDone("save and reload");
    console.log(`     screenshot ${path.relative(ROOT, await screenshot(page, "2-after-reload.png"))}`);

    // 3. the saved file: plotly.js embedded once
    const text = fs.readFileSync(nbFile, "utf8");
    const nb = JSON.parse(text);
    const outputs = nb.cells.flatMap((c) => c.outputs || []);
    const plotOutputs = outputs.filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]).length;
    const copies = text.split(PLOTLY_BUNDLE_MARKER).length - 1 + text.split(RAW_BUNDLE_MARKER).length - 1;
    check("saved .ipynb: the plotly.js bundle is embedded exactly once", copies === 1, `${copies} copies`);
    check("saved .ipynb: one plotly output per plot", plotOutputs === EXPECTED_TRACES.length, `${plotOutputs}`);
    // The JSON views (what JupyterLab's plotly extension and VS Code draw) must be valid plotly figures.
    const figures = outputs
      .filter((o) => o.data && o.data["application/vnd.plotly.v1+json"])
      .map((o) => o.data["application/vnd.plotly.v1+json"]);
    const invalid = await page.evaluate(
      (figs) => figs.flatMap((f, i) => (window.Plotly.validate(f.data, f.layout) || []).map((e) => `plot ${i}: ${e.msg}`)),
      figures,
    );
    const control = await page.evaluate(() => (window.Plotly.validate([{ type: "scatter", notAnAttribute: 1 }], {}) || []).length);
    check(
      "saved .ipynb: every plotly JSON output passes Plotly.validate (which does flag a bad trace)",
      invalid.length === 0 && control > 0,
      `${invalid.slice(0, 3).join(" | ")}${control > 0 ? "" : " (the control was not flagged)"}`,
    );
    const mb = (fs.statSync(nbFile).size / 1e6).toFixed(2);
    console.log(`     executed notebook: ${mb} MB with ${plotOutputs} plots, ${copies} plotly.js bundle(s)`);

    // 4. nbconvert --to html, opened from disk
    const conv = spawnSync(py, ["-m", "nbconvert", "--to", "html", NOTEBOOK], { cwd: WORK, encoding: "utf8" });
    const htmlFile = path.join(WORK, NOTEBOOK.replace(/\.ipynb$/, ".html"));
    const converted = conv.status === 0 && fs.existsSync(htmlFile);
    check("nbconvert --to html succeeds", converted, converted ? "" : (conv.stderr || "").slice(-500));
    await page.goto(`file://${htmlFile}`);
    checkPlots("nbconvert html", await plotsOnPage(page));
    checkNoErrors("nbconvert html", errors);
    stageDone("nbconvert and exported page");
    console.log(`     screenshot ${path.relative(ROOT, await screenshot(page, "3-nbconvert-html.png"))}`);
    if (blocked.length) console.log(`     refused outside requests (offline test): ${[...new Set(blocked)].join(", ")}`);
  } catch (err) {
    check("browser test ran to the end", false, err.stack || String(err));
    if (page) {
      const state = await page
        .evaluate(() =>
          window.Jupyter && Jupyter.notebook
            ? Jupyter.notebook
                .get_cells()
                .map((c) => c.input_prompt_number ?? "-")
                .join(" ")
            : "no notebook",
        )
        .catch((e) => String(e));
      console.log(`     cell prompts at failure: ${state}`);
      await page.screenshot({ path: path.join(SHOTS, "failure.png") }).catch(() => {});
    }
    if (server) console.log(`     Jupyter log (tail):\n${server.log().slice(-1500)}`);
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
    await stopServer(server);
  }
  console.log(`browser: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(`browser: ${err.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
