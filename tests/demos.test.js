// The in-browser demos of the book, in Chromium from file://: each demo page loads with no console error and no
// request outside the book folder, and produces valid output (names of letters with the prefix; quatrains that pass
// checkQuatrain with the heads asked for; real ISO dates and ARPAbet phonemes with their attention heatmaps).
//
//   node tests/demos.test.js [bookDir]   # without bookDir: exports the demos (quick training, a temporary
//                                        # training cache) into artifacts/demos-test/book first
//
// tests/book.test.js calls checkDemos() on the book it builds. Output ends with "N passed, N failed".
"use strict";
/* global document -- used in the page.evaluate() callbacks, which run in Chromium */
const fs = require("fs");
const os = require("os");
const path = require("path");
const { pathToFileURL, fileURLToPath } = require("url");
const { chromium } = require("playwright-core");
const { ROOT, chromiumPath, chromiumMissing } = require("../scripts/jupyter");

const SHOTS = path.join(ROOT, "artifacts", "screenshots");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"];

/** True when `url` is a file:// URL of an existing file inside `book`. */
function inBook(url, book) {
  if (!url.startsWith("file://")) return false;
  const file = fileURLToPath(url.split("#")[0].split("?")[0]);
  return (file === book || file.startsWith(book + path.sep)) && fs.existsSync(file);
}

/** Opens a demo page with every request checked; returns the page, its errors and the refused requests. */
async function openDemo(context, book, file) {
  const page = await context.newPage();
  const errors = [];
  const outside = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`console.error: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (inBook(url, book)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(path.join(book, file)).href);
  await page.waitForFunction(() => !["Loading the model…"].includes(document.getElementById("status").textContent), null, {
    timeout: 60_000,
  });
  return { page, errors, outside };
}

/** Runs the dinosaur-name demo: names for a prefix, marks, the message for an unknown letter. */
async function checkDinoNames(context, book, check) {
  const { page, errors, outside } = await openDemo(context, book, path.join("demos", "dino-names.html"));
  check("dino-names: the model loads", (await page.textContent("#status")) === "Ready.", await page.textContent("#status"));
  await page.fill("#prefix", "Tyr");
  await page.fill("#count", "12");
  await page.click("#go");
  await page.waitForFunction(() => /^\d+ names in \d+ ms\.$/.test(document.getElementById("status").textContent), null, {
    timeout: 30_000,
  });
  const rows = await page.$$eval("#names li", (items) => items.map((li) => ({ text: li.textContent, label: li.title })));
  const marks = { new: "", "in training set": " ·", "held-out real name": " ★" };
  const bad = rows.filter((r) => {
    const name = r.text.replace(/ [·★]$/, "");
    return !/^tyr[a-z]*$/.test(name) || marks[r.label] === undefined || r.text !== name + marks[r.label];
  });
  check(
    "dino-names: 12 names of lower-case letters starting with the prefix, each marked as its label says",
    rows.length === 12 && bad.length === 0,
    JSON.stringify(bad.length ? bad : rows.length),
  );
  await page.fill("#prefix", "tyr9");
  await page.click("#go");
  await page.waitForFunction(() => document.getElementById("status").className === "error", null, { timeout: 10_000 });
  const message = await page.textContent("#status");
  check("dino-names: a letter the model does not know gets a message naming it", /does not know \(9\)/.test(message), message);
  check("dino-names: no console error or uncaught exception", errors.length === 0, errors.join("; "));
  check("dino-names: no request outside the book folder", outside.length === 0, outside.join(", "));
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.fill("#prefix", "tyr");
  await page.click("#go");
  await page.waitForFunction(() => /^\d+ names in/.test(document.getElementById("status").textContent), null, { timeout: 30_000 });
  await page.screenshot({ path: path.join(SHOTS, "demo-dino-names.png"), fullPage: true });
  await page.close();
}

/** Writes acrostic quatrains of both forms; each must pass the lib's checkQuatrain with the heads asked for. */
async function checkTangQuatrains(context, book, check) {
  const { checkQuatrain } = require("../lib/dist/data/quatrain");
  const { page, errors, outside } = await openDemo(context, book, path.join("demos", "tang-quatrains.html"));
  check("tang-quatrains: the model loads", (await page.textContent("#status")) === "Ready.", await page.textContent("#status"));
  for (const [form, tones] of [
    ["5", false],
    ["7", true],
  ]) {
    await page.fill("#heads", "春夏秋冬");
    await page.check(`input[name="form"][value="${form}"]`);
    await page.setChecked("#tones", tones);
    await page.click("#go");
    await page.waitForFunction(() => /^Written.* in \d+ ms\.$/.test(document.getElementById("status").textContent), null, {
      timeout: 60_000,
    });
    const lines = await page.$$eval("#poem div", (divs) => divs.map((d) => d.textContent));
    const poem = lines.join("");
    const result = checkQuatrain(poem, { form });
    const heads = lines.map((l) => [...l][0]).join("");
    check(
      `tang-quatrains: a ${form}-character acrostic${tones ? " with a tone pattern" : ""} passes checkQuatrain, heads 春夏秋冬`,
      result.valid && heads === "春夏秋冬" && lines.length === 4,
      `${poem} ${result.problems.join(" ")}`,
    );
    check(
      `tang-quatrains: the page reports the check (${form})`,
      (await page.textContent("#check")).startsWith("✓"),
      await page.textContent("#check"),
    );
  }
  await page.fill("#heads", "春夏");
  await page.click("#go");
  await page.waitForFunction(() => document.getElementById("status").className === "error", null, { timeout: 10_000 });
  const message = await page.textContent("#status");
  check(
    "tang-quatrains: two heads instead of four get a message saying so",
    /give four head characters, one per line; got 2/.test(message),
    message,
  );
  check("tang-quatrains: no console error or uncaught exception", errors.length === 0, errors.join("; "));
  check("tang-quatrains: no request outside the book folder", outside.length === 0, outside.join(", "));
  await page.fill("#heads", "春夏秋冬");
  await page.check('input[name="form"][value="5"]');
  await page.click("#go");
  await page.waitForFunction(() => /^Written.* in \d+ ms\.$/.test(document.getElementById("status").textContent), null, {
    timeout: 60_000,
  });
  await page.screenshot({ path: path.join(SHOTS, "demo-tang-quatrains.png"), fullPage: true });
  await page.close();
}

/** The attention heatmap of a demo page: its drawn SVGs and the shape of its values. */
function heatmapShape(page) {
  return page.evaluate(() => {
    const el = document.getElementById("heatmap");
    return {
      svg: el.querySelectorAll(".main-svg").length,
      rows: el.data ? el.data[0].z.length : 0,
      cols: el.data ? el.data[0].z[0].length : 0,
    };
  });
}

/** Translates dates written several ways; each output must be a real ISO date, with its attention heatmap drawn. */
async function checkIsoDates(context, book, check) {
  const { page, errors, outside } = await openDemo(context, book, path.join("demos", "iso-dates.html"));
  check("iso-dates: the model loads", (await page.textContent("#status")) === "Ready.", await page.textContent("#status"));
  const isRealDate = (s) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (!m) return false;
    const d = new Date(0);
    d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
  };
  for (const input of ["Saturday 9 May 2018", "7.2.2019", "the 28th of january, 2025"]) {
    await page.fill("#date", input);
    await page.click("#go");
    await page.waitForFunction(() => /^Translated in \d+ ms\.$/.test(document.getElementById("status").textContent), null, {
      timeout: 30_000,
    });
    const output = await page.textContent("#output");
    const drawn = await heatmapShape(page);
    check(`iso-dates: "${input}" → a real ISO date`, isRealDate(output), output);
    check(
      `iso-dates: "${input}": the heatmap is drawn, one row per output character and <eos>, one column per input character`,
      drawn.svg > 0 && drawn.rows === 11 && drawn.cols === input.length,
      JSON.stringify(drawn),
    );
  }
  await page.fill("#date", "9 mäy 2018");
  await page.click("#go");
  await page.waitForFunction(() => document.getElementById("status").className === "error", null, { timeout: 10_000 });
  const message = await page.textContent("#status");
  check("iso-dates: a character the model never saw gets a message naming it", /never saw "ä"/.test(message), message);
  check("iso-dates: no console error or uncaught exception", errors.length === 0, errors.join("; "));
  check("iso-dates: no request outside the book folder", outside.length === 0, outside.join(", "));
  await page.fill("#date", "saturday 9 may 2018");
  await page.click("#go");
  await page.waitForFunction(() => /^Translated in \d+ ms\.$/.test(document.getElementById("status").textContent), null, {
    timeout: 30_000,
  });
  await page.screenshot({ path: path.join(SHOTS, "demo-iso-dates.png"), fullPage: true });
  await page.close();
}

/** Reads words aloud; each output must be ARPAbet phonemes, with the attention heatmap of phonemes × letters drawn. */
async function checkSpellingToSound(context, book, check) {
  const { page, errors, outside } = await openDemo(context, book, path.join("demos", "spelling-to-sound.html"));
  check("spelling-to-sound: the model loads", (await page.textContent("#status")) === "Ready.", await page.textContent("#status"));
  for (const word of ["knight", "Xylophone"]) {
    await page.fill("#word", word);
    await page.click("#go");
    await page.waitForFunction(() => /^Read in \d+ ms\.$/.test(document.getElementById("status").textContent), null, { timeout: 30_000 });
    const phonemes = (await page.textContent("#output")).split(" ").filter(Boolean);
    const drawn = await heatmapShape(page);
    check(
      `spelling-to-sound: "${word}" → ARPAbet phonemes (1–2 capital letters each), the heatmap phonemes + <eos> × letters`,
      phonemes.length > 0 &&
        phonemes.every((p) => /^[A-Z]{1,2}$/.test(p)) &&
        drawn.svg > 0 &&
        drawn.rows === phonemes.length + 1 &&
        drawn.cols === word.length,
      `${phonemes.join(" ")} ${JSON.stringify(drawn)}`,
    );
  }
  await page.fill("#word", "kn1ght");
  await page.click("#go");
  await page.waitForFunction(() => document.getElementById("status").className === "error", null, { timeout: 10_000 });
  const message = await page.textContent("#status");
  check("spelling-to-sound: a character that is not a letter gets a message naming it", /"1" is not one/.test(message), message);
  check("spelling-to-sound: no console error or uncaught exception", errors.length === 0, errors.join("; "));
  check("spelling-to-sound: no request outside the book folder", outside.length === 0, outside.join(", "));
  await page.fill("#word", "knight");
  await page.click("#go");
  await page.waitForFunction(() => /^Read in \d+ ms\.$/.test(document.getElementById("status").textContent), null, { timeout: 30_000 });
  await page.screenshot({ path: path.join(SHOTS, "demo-spelling-to-sound.png"), fullPage: true });
  await page.close();
}

/** The demo pages present in `book`, checked by name. */
const DEMO_CHECKS = {
  "dino-names": checkDinoNames,
  "tang-quatrains": checkTangQuatrains,
  "iso-dates": checkIsoDates,
  "spelling-to-sound": checkSpellingToSound,
};

/** Checks every demo of the book at `book` (a folder with assets/ and demos/). */
async function checkDemos(book, check) {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    const pages = fs.readdirSync(path.join(book, "demos")).filter((f) => f.endsWith(".html"));
    check(
      "every demo page has its checks",
      pages.every((f) => DEMO_CHECKS[f.replace(/\.html$/, "")]),
      pages.join(", "),
    );
    for (const f of pages) await DEMO_CHECKS[f.replace(/\.html$/, "")]?.(context, book, check);
  } finally {
    await browser.close();
  }
}

module.exports = { checkDemos };

async function main() {
  let passed = 0;
  let failed = 0;
  const check = (name, ok, detail = "") => {
    if (ok) passed++;
    else failed++;
    console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail && !ok ? `: ${detail}` : ""}`);
  };
  const missing = chromiumMissing();
  if (missing) {
    console.log(`FAIL demos: ${missing}`);
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
  let book = process.argv[2] ? path.resolve(process.argv[2]) : null;
  if (!book) {
    book = path.join(ROOT, "artifacts", "demos-test", "book");
    fs.rmSync(book, { recursive: true, force: true });
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-demos-"));
    process.env.RNNLAB_QUICK = "1";
    process.env.RNNLAB_CHECKPOINTS = cache;
    const { exportDemos } = require("../scripts/export-demos");
    try {
      await exportDemos(book, (line) => console.log(`     ${line}`));
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  }
  await checkDemos(book, check);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    console.log("0 passed, 1 failed");
    process.exit(1);
  });
}
