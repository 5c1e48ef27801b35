// `npm run book`: the course as a static HTML book of executed notebooks, in book/ (gitignored).
//
//   npm run book                                  # every notebook, full settings, reusing the training cache
//   npm run book -- --quick                       # RNNLAB_QUICK=1: short training (tests, CI)
//   npm run book -- --out /tmp/rnnlab-book        # another folder
//   npm run book -- notebooks/02-rnn.ipynb …      # only these notebooks
//
// scripts/book_build.py executes each notebook in Jupyter (nbclient, the rnnlab kernel) and converts it with
// scripts/book-template/; this script copies the shared assets (plotly.js, MathJax, the CSS), writes the table of
// contents (index.html) and prints the summary. The book is built in a temporary folder next to the output and
// swapped in only when every notebook ran, so a failed build leaves the previous book as it was. Every file a page
// loads lies in the book's folder: it opens from file:// and from any static server. The trained models of the
// notebooks with a demo (scripts/export-demos.js) are exported next to the pages, with the page that runs them in
// the browser, linked from the notebook's page and from the contents.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { ROOT, findPython, installCommand } = require("./jupyter");
const { exportDemos } = require("./export-demos");

const NOTEBOOKS = path.join(ROOT, "notebooks");
const DEFAULT_OUT = path.join(ROOT, "book");
const MATHJAX = path.join(ROOT, "node_modules", "mathjax", "es5");
/** MathJax 3's SVG build needs no font files; the TeX extensions it may autoload, its menu and a11y parts. */
const MATHJAX_PARTS = ["tex-svg.js", "input/tex/extensions", "ui", "a11y"];

function usage(message) {
  if (message) console.error(`book: ${message}`);
  console.error("usage: npm run book -- [--quick] [--out <dir>] [notebooks/NN-name.ipynb ...]");
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { quick: false, out: DEFAULT_OUT, notebooks: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") opts.quick = true;
    else if (a === "--out") {
      if (!argv[i + 1]) usage("--out needs a folder");
      opts.out = path.resolve(argv[++i]);
    } else if (a.startsWith("--out=")) opts.out = path.resolve(a.slice("--out=".length));
    else if (a === "--help" || a === "-h") usage();
    else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else {
      const p = path.resolve(a);
      if (!p.endsWith(".ipynb") || !fs.existsSync(p)) usage(`${a} is not a notebook`);
      opts.notebooks.push(p);
    }
  }
  if (!opts.notebooks.length) {
    opts.notebooks = fs
      .readdirSync(NOTEBOOKS)
      .filter((f) => f.endsWith(".ipynb"))
      .sort()
      .map((f) => path.join(NOTEBOOKS, f));
  }
  return opts;
}

function copyAssets(dir) {
  const assets = path.join(dir, "assets");
  fs.mkdirSync(assets, { recursive: true });
  fs.copyFileSync(path.join(__dirname, "book-template", "book.css"), path.join(assets, "book.css"));
  fs.copyFileSync(require.resolve("plotly.js-dist"), path.join(assets, "plotly.js"));
  if (!fs.existsSync(MATHJAX)) throw new Error(`MathJax is missing (${MATHJAX}): run \`npm install\` in ${ROOT}`);
  for (const part of MATHJAX_PARTS) {
    fs.cpSync(path.join(MATHJAX, part), path.join(assets, "mathjax", part), { recursive: true });
  }
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function indexHtml(manifest, mode) {
  const items = manifest.pages
    .map((p) => {
      const counts = [p.plots ? `${p.plots} plots` : "", p.equations ? `${p.equations} equations` : ""].filter(Boolean).join(", ");
      return (
        `  <li><span><a href="${escapeHtml(p.file)}">${escapeHtml(p.title)}</a> ` +
        `<span class="book-name">${escapeHtml(path.basename(p.notebook))}</span>` +
        (p.demos || []).map((d) => ` <a class="book-demo-link" href="${escapeHtml(d.page)}">▶ ${escapeHtml(d.title)}</a>`).join("") +
        "</span>" +
        `<span class="book-status">${escapeHtml(p.status)}${counts ? ` · ${counts}` : ""}</span></li>`
      );
    })
    .join("\n");
  const built = new Date().toISOString().replace("T", " ").slice(0, 16);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>rnnlab · recurrent neural networks, hands on, in TypeScript</title>
<link rel="stylesheet" href="assets/book.css">
</head>
<body>
<nav class="book-nav book-nav-top"><span class="book-prev"></span><a class="book-index" href="index.html">Contents</a>${
    manifest.pages.length
      ? `<a class="book-next" rel="next" href="${escapeHtml(manifest.pages[0].file)}">Start &rarr;</a>`
      : '<span class="book-next"></span>'
  }</nav>
<main class="book-contents">
<h1>rnnlab: recurrent neural networks, hands on, in TypeScript</h1>
<p>The course's notebooks, executed top to bottom on the TypeScript (rnnlab) kernel, with their outputs, plots and
equations. To run and change the code, start the notebooks themselves (<code>npm start</code> in the repository).</p>
<ol>
${items}
</ol>
</main>
<footer class="book-footer">Built ${escapeHtml(built)} UTC with <code>npm run book${mode === "quick" ? " -- --quick" : ""}</code> (${
    mode === "quick" ? "quick settings: training shortened, numbers differ from a full run" : "full settings"
  }).</footer>
</body>
</html>
`;
}

function folderBytes(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = path.join(dir, e.name);
    return sum + (e.isDirectory() ? folderBytes(p) : fs.statSync(p).size);
  }, 0);
}

/** Adds a link to `demo` under the top navigation bar of the page `file` of the book in `dir`. */
function linkDemo(dir, file, demo) {
  const page = path.join(dir, file);
  const html = fs.readFileSync(page, "utf8");
  const at = html.indexOf("</nav>");
  if (at < 0) throw new Error(`${file} has no navigation bar to put the demo's link under`);
  const link = `\n<p class="book-demo"><a href="${escapeHtml(demo.page)}">▶ ${escapeHtml(demo.title)}: the model this notebook trains, in your browser</a></p>`;
  fs.writeFileSync(page, html.slice(0, at + 6) + link + html.slice(at + 6));
}

async function main() {
  const t0 = Date.now();
  const opts = parseArgs(process.argv.slice(2));
  const py = findPython(["nbclient", "nbconvert", "nbformat"]);
  if (!py) {
    console.error(`book: Jupyter (nbclient + nbconvert) is not installed. Install it: ${installCommand()}`);
    process.exit(1);
  }
  const mode = opts.quick ? "quick" : "full";
  const env = { ...process.env, RNNLAB_QUICK: opts.quick ? "1" : "0" };
  const cache = process.env.RNNLAB_CHECKPOINTS || path.join(ROOT, "checkpoints");
  console.log(
    `book: ${opts.notebooks.length} notebook${opts.notebooks.length === 1 ? "" : "s"} at ${mode} settings into ${path.relative(process.cwd(), opts.out) || "."}/ ` +
      `(training cache ${path.relative(process.cwd(), cache) || cache})`,
  );

  // Build next to the output, so that the final rename stays on one file system.
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  const tmp = path.join(path.dirname(opts.out), `.${path.basename(opts.out)}.building-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  let ok = false;
  try {
    copyAssets(tmp);
    const r = spawnSync(py, [path.join(__dirname, "book_build.py"), "--out", tmp, ...opts.notebooks], { cwd: ROOT, env, stdio: "inherit" });
    if (r.status !== 0) {
      const prev = fs.existsSync(path.join(opts.out, "index.html"))
        ? `the previous book in ${opts.out} is unchanged`
        : "no book was written";
      console.error(`book: failed after ${((Date.now() - t0) / 1000).toFixed(0)} s (${r.signal || `exit ${r.status}`}); ${prev}`);
      process.exitCode = 1;
      return;
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(tmp, "book.json"), "utf8"));
    manifest.mode = mode;
    // The demos of the notebooks in this build: their models from the training cache the notebooks just used.
    process.env.RNNLAB_QUICK = env.RNNLAB_QUICK;
    const built = manifest.pages.map((p) => path.basename(p.notebook, ".ipynb"));
    manifest.demos = await exportDemos(tmp, (line) => console.log(`book: ${line}`), { notebooks: built });
    for (const demo of manifest.demos) {
      const page = manifest.pages.find((p) => path.basename(p.notebook, ".ipynb") === demo.notebook);
      page.demos = [...(page.demos || []), { page: demo.page, title: demo.title }];
      linkDemo(tmp, page.file, demo);
    }
    fs.writeFileSync(path.join(tmp, "book.json"), `${JSON.stringify(manifest, null, 1)}\n`);
    fs.writeFileSync(path.join(tmp, "index.html"), indexHtml(manifest, mode));

    // Swap: the old book moves aside, the new one takes its name, then the old one is deleted.
    const old = `${tmp}.old`;
    if (fs.existsSync(opts.out)) fs.renameSync(opts.out, old);
    fs.renameSync(tmp, opts.out);
    fs.rmSync(old, { recursive: true, force: true });
    ok = true;

    const plots = manifest.pages.reduce((s, p) => s + p.plots, 0);
    const equations = manifest.pages.reduce((s, p) => s + p.equations, 0);
    const mb = (folderBytes(opts.out) / 1e6).toFixed(1);
    console.log(
      `book: ${manifest.pages.length} pages + index, ${manifest.demos.length} demo${manifest.demos.length === 1 ? "" : "s"}, ` +
        `${plots} plots, ${equations} equations, ${mb} MB in ${opts.out}, ` +
        `${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    console.log(`book: open file://${path.join(opts.out, "index.html")}`);
  } finally {
    if (!ok) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`book: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
