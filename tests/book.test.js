// The book suite: `npm run book -- --quick` on a few notebooks, then every page in Chromium from file://.
//
//   node tests/book.test.js                 (npm test -- book)
//   node tests/book.test.js --book book     checks an existing book instead (e.g. the full one), builds nothing
//
// 1. builds a quick book of NOTEBOOKS into artifacts/book-test/book (the training cache is the usual one);
// 2. opens the index and every page in Chromium (playwright-core) with every request intercepted, and checks
//    per page: no console error or uncaught exception; no request outside the book folder; every plot output
//    drawn (as many rendered plotly plots, each with a .main-svg, as the executed notebook has plot outputs);
//    plotly.js not inlined; every equation typeset (as many MathJax outputs as the prose has equations, no raw
//    $$ left, no TeX error); every link of the nav bars and of the contents resolves to a file of the book;
// 3. a control page, a copy of a page with plotly.js and MathJax taken away, an outside image, a console error
//    and a broken link, must fail each of those checks, so that none of them passes by construction;
// 4. screenshots of the index and one page go to artifacts/screenshots/.
// Output ends with "N passed, N failed" like every suite of scripts/test.js.
"use strict";
/* global window, document, MathJax -- used in the page.evaluate() callbacks, which run in Chromium */
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { pathToFileURL, fileURLToPath } = require("url");
const { chromium } = require("playwright-core");
const { ROOT, chromiumPath, chromiumMissing } = require("../scripts/jupyter");
const { PLOT_CLASS, PLOTLY_BUNDLE_MARKER } = require("../lib/dist/plot/show");
const { checkDemos } = require("./demos.test");

/** Plots with a training board (00b), no equations at all (00), many equations and plots (02). */
const NOTEBOOKS = [
  "00-getting-started.ipynb",
  "00b-plots.ipynb",
  "02-rnn.ipynb",
  "07b-attention.ipynb",
  "08-dinosaur-names.ipynb",
  "09-tang-poems.ipynb",
];
/** The demo each notebook page links (scripts/export-demos.js). */
const DEMO_OF = {
  "07b-attention.html": ["iso-dates", "spelling-to-sound"],
  "08-dinosaur-names.html": ["dino-names"],
  "09-tang-poems.html": ["tang-quatrains"],
};
const WORK = path.join(ROOT, "artifacts", "book-test");
const EXISTING = process.argv.includes("--book") ? path.resolve(process.argv[process.argv.indexOf("--book") + 1] || "book") : null;
const BOOK = EXISTING || path.join(WORK, "book");
const SHOTS = path.join(ROOT, "artifacts", "screenshots");
const SHOT_PAGE = "02-rnn.html";
const SHOT_PREFIX = EXISTING ? "book-checked-" : "book-";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"];

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
  return ok;
}

/** True when `url` is a file:// URL of an existing file inside the book folder. */
function inBook(url, book) {
  if (!url.startsWith("file://")) return false;
  const file = fileURLToPath(url.split("#")[0].split("?")[0]);
  return (file === book || file.startsWith(book + path.sep)) && fs.existsSync(file);
}

/**
 * Opens `file` and measures everything the checks look at. `outside` collects the requests the context refused.
 * `plotWaitMs` bounds the wait for plots (a page that never draws them is measured when it runs out).
 */
async function measure(page, book, file, outside, plotWaitMs) {
  const errors = [];
  const onConsole = (m) => m.type() === "error" && errors.push(`console.error: ${m.text()}`);
  const onError = (e) => errors.push(`pageerror: ${e.message}`);
  const onFailed = (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  page.on("requestfailed", onFailed);
  outside.length = 0;
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await page
      .waitForFunction((cls) => [...document.querySelectorAll(`.${cls}`)].every((p) => p.querySelector(".main-svg") !== null), PLOT_CLASS, {
        timeout: plotWaitMs,
      })
      .catch(() => {});
    // MathJax typesets after DOMContentLoaded; its startup promise settles when every equation is done.
    await page.evaluate(() => (window.MathJax && MathJax.startup && MathJax.startup.promise) || null).catch(() => {});
    const found = await page.evaluate((cls) => {
      const prose = [...document.querySelectorAll(".text_cell_render")];
      const raw = prose.map((el) => {
        const copy = el.cloneNode(true);
        copy.querySelectorAll("mjx-container, code, pre").forEach((m) => m.remove());
        return copy.textContent;
      });
      return {
        plotDivs: document.querySelectorAll(`.${cls}`).length,
        drawn: [...document.querySelectorAll(`.${cls}`)].filter((p) => p.querySelector(".main-svg")).length,
        math: document.querySelectorAll(".text_cell_render mjx-container").length,
        texErrors: document.querySelectorAll("mjx-container [data-mjx-error], mjx-merror").length,
        rawDisplay: raw.join("\n").split("$$").length - 1,
        links: [...document.querySelectorAll(".book-nav a[href], .book-contents a[href], .book-demo a[href]")].map((a) => a.href),
      };
    }, PLOT_CLASS);
    await page.waitForTimeout(200); // late console errors (a plot's own script, MathJax's autoloads)
    return { ...found, errors: [...errors], outside: [...outside], html: fs.readFileSync(file, "utf8") };
  } finally {
    page.off("console", onConsole);
    page.off("pageerror", onError);
    page.off("requestfailed", onFailed);
  }
}

/** The checks of one notebook page; returns { name: [ok, detail] } so the control page can expect failures. */
function judgePage(m, entry, book) {
  const badLinks = m.links.filter((u) => !inBook(u, book));
  return {
    "no console error": [m.errors.length === 0, m.errors.slice(0, 3).join(" | ")],
    "no request outside the book folder": [m.outside.length === 0, m.outside.slice(0, 3).join(", ")],
    "every plot output drawn": [
      m.drawn === entry.plots && m.plotDivs === entry.plots,
      `${m.drawn} of ${m.plotDivs} plot divs have a .main-svg; the notebook has ${entry.plots} plot outputs`,
    ],
    "plotly.js loaded from assets/, not inlined": [
      !m.html.includes(PLOTLY_BUNDLE_MARKER) && (entry.plots === 0 || m.html.includes('src="assets/plotly.js"')),
      `${(m.html.length / 1e3).toFixed(0)} kB`,
    ],
    "every equation typeset": [
      m.math === entry.equations && m.rawDisplay === 0 && m.texErrors === 0,
      `${m.math} MathJax outputs for ${entry.equations} equations in the prose, ${m.rawDisplay} raw $$ left, ${m.texErrors} TeX errors`,
    ],
    "nav links resolve to files of the book": [
      m.links.length >= 2 && badLinks.length === 0,
      `${m.links.length} links, broken: ${badLinks.join(", ")}`,
    ],
  };
}

/**
 * A copy of `file` that breaks every check: no plotly.js, no MathJax, an outside image, a console error, a broken link,
 * and the marker of an inlined plotly.js bundle.
 */
function controlPage(file) {
  let html = fs.readFileSync(file, "utf8");
  html = html.replace('<script src="assets/plotly.js"></script>', "");
  html = html.replace(/<script id="MathJax-script"[^>]*><\/script>/, "");
  html = html.replace(
    "<body>",
    '<body>\n<img src="https://example.invalid/pixel.png" alt=""><script>console.error("control page")</script>\n' +
      `<nav class="book-nav"><a href="missing.html">missing</a></nav><!-- ${PLOTLY_BUNDLE_MARKER} -->`,
  );
  const out = path.join(path.dirname(file), "control.html");
  fs.writeFileSync(out, html);
  return out;
}

async function screenshot(page, file, name) {
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.evaluate(() => (window.MathJax && MathJax.startup && MathJax.startup.promise) || null).catch(() => {});
  const shot = path.join(SHOTS, name);
  await page.screenshot({ path: shot, fullPage: true });
  return path.relative(ROOT, shot);
}

async function main() {
  const t0 = Date.now();
  const noChromium = chromiumMissing();
  if (noChromium) throw new Error(noChromium);
  fs.mkdirSync(SHOTS, { recursive: true });

  // 1. a quick book (or the one given with --book)
  if (!EXISTING) fs.rmSync(WORK, { recursive: true, force: true });
  const build = EXISTING
    ? { status: 0, stdout: `book: checking ${BOOK}\n` }
    : spawnSync(
        process.execPath,
        [path.join(ROOT, "scripts", "book.js"), "--quick", "--out", BOOK, ...NOTEBOOKS.map((n) => path.join(ROOT, "notebooks", n))],
        { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
  process.stdout.write(build.stdout || "");
  process.stderr.write(build.stderr || "");
  if (
    !check("npm run book -- --quick builds", build.status === 0 && fs.existsSync(path.join(BOOK, "index.html")), `exit ${build.status}`)
  ) {
    return;
  }
  const buildSeconds = (Date.now() - t0) / 1000;
  const manifest = JSON.parse(fs.readFileSync(path.join(BOOK, "book.json"), "utf8"));
  check(
    "the book has one page per notebook",
    manifest.pages.length === (EXISTING ? manifest.pages.length : NOTEBOOKS.length) &&
      manifest.pages.length > 0 &&
      manifest.pages.every((p) => fs.existsSync(path.join(BOOK, p.file))),
    manifest.pages.map((p) => p.file).join(", "),
  );

  // 2. every page in Chromium
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-book-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 900 },
    });
    const outside = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (inBook(url, BOOK)) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const page = await context.newPage();

    const index = await measure(page, BOOK, path.join(BOOK, "index.html"), outside, 1000);
    // The contents' own links, in order (the nav bar's "Start" and "Contents" come first).
    const isDemo = (u) => /\/demos\/[^/]+\.html$/.test(u);
    const listed = index.links
      .filter((u) => !isDemo(u))
      .slice(-manifest.pages.length)
      .map((u) => path.basename(fileURLToPath(u)));
    check(
      "index: no console error, no outside request",
      index.errors.length === 0 && index.outside.length === 0,
      [...index.errors, ...index.outside].join(" | "),
    );
    check(
      "index: lists every page, in order, and its links resolve",
      JSON.stringify(listed) === JSON.stringify(manifest.pages.map((p) => p.file)) && index.links.every((u) => inBook(u, BOOK)),
      listed.join(", "),
    );
    const titled = manifest.pages.every((p) => index.html.includes(p.title) && index.html.includes(p.status));
    check("index: one line per notebook with its title and status", titled);

    let plots = 0;
    let equations = 0;
    for (const [i, entry] of manifest.pages.entries()) {
      const m = await measure(page, BOOK, path.join(BOOK, entry.file), outside, 30_000);
      plots += m.drawn;
      equations += m.math;
      for (const [name, [ok, detail]] of Object.entries(judgePage(m, entry, BOOK))) check(`${entry.file}: ${name}`, ok, detail);
      const want = [i > 0 ? manifest.pages[i - 1].file : null, "index.html", manifest.pages[i + 1]?.file ?? null].filter(Boolean);
      const have = [...new Set(m.links.filter((u) => !isDemo(u)).map((u) => path.basename(fileURLToPath(u))))];
      const demoLinks = [...new Set(m.links.filter(isDemo).map((u) => path.relative(BOOK, fileURLToPath(u))))];
      check(
        `${entry.file}: links its demo (if it has one), from the page and from the contents`,
        JSON.stringify([...demoLinks].sort()) === JSON.stringify((entry.demos || []).map((d) => d.page).sort()) &&
          (entry.demos || []).every((d) => index.links.some((u) => u.endsWith(`/${d.page}`))),
        demoLinks.join(", "),
      );
      check(
        `${entry.file}: previous / contents / next`,
        JSON.stringify(have) === JSON.stringify(want),
        `${have.join(", ")} (want ${want.join(", ")})`,
      );
    }
    console.log(`     ${manifest.pages.length} pages: ${plots} plots drawn, ${equations} equations typeset`);

    // The in-browser demos of the notebooks built (tests/demos.test.js).
    const wantDemos = manifest.pages.flatMap((p) => DEMO_OF[p.file] || []);
    check(
      "the book exports the demos of its notebooks",
      JSON.stringify((manifest.demos || []).map((d) => d.name).sort()) === JSON.stringify([...wantDemos].sort()),
      JSON.stringify(manifest.demos),
    );
    if (wantDemos.length) await checkDemos(BOOK, check);

    // 3. the control page must fail every check
    const withBoth = manifest.pages.find((p) => p.plots > 0 && p.equations > 0);
    const control = await measure(page, BOOK, controlPage(path.join(BOOK, withBoth.file)), outside, 3000);
    for (const [name, [ok, detail]] of Object.entries(judgePage(control, withBoth, BOOK))) {
      check(`control page (${withBoth.file} broken on purpose) fails "${name}"`, !ok, detail);
    }
    fs.rmSync(path.join(BOOK, "control.html"));

    // 4. screenshots
    console.log(`     screenshot ${await screenshot(page, path.join(BOOK, "index.html"), `${SHOT_PREFIX}index.png`)}`);
    const shotPage = manifest.pages.some((p) => p.file === SHOT_PAGE) ? SHOT_PAGE : manifest.pages[0].file;
    const shotName = `${SHOT_PREFIX}${shotPage.replace(/\.html$/, ".png")}`;
    console.log(`     screenshot ${await screenshot(page, path.join(BOOK, shotPage), shotName)}`);
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`book: build ${buildSeconds.toFixed(1)} s, total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main()
  .catch((err) => check("book test ran to the end", false, err.stack || String(err)))
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  });
