/**
 * Sending figures to the notebook. `show(figure)` emits one display bundle with three views of the
 * same plot:
 *
 * - `application/vnd.plotly.v1+json`: the figure itself, drawn natively by JupyterLab's plotly
 *   extension and by VS Code;
 * - `text/html`: a `<div>` plus a small script that draws the figure with plotly.js, for classic
 *   Notebook, JupyterLab without the extension and `jupyter nbconvert --to html`;
 * - `text/plain`: a one-line summary for terminals.
 *
 * The plotly.js library itself (~10 MB, sent compressed as ~2.6 MB) is sent once per kernel process,
 * as a separate output just before the first plot, so a notebook run top to bottom contains it exactly once. Each plot's script
 * waits until plotly.js is present, so plots also render when a saved notebook is reopened and in
 * exported HTML. (A notebook whose first plot cell was rerun later, without a kernel restart, no
 * longer holds the library after saving: its plots then say so and ask for Restart & Run All, or
 * for `ensurePlotlyLoaded(true)`.)
 *
 * ```ts
 * show(lineChart([{ name: "loss", y: [3, 2, 1.5] }]));
 * ```
 * @see notebooks/00b-plots.ipynb
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { DisplayHandle, displayBundle, inNotebook, MimeBundle } from "../notebook/display";
import { describeFigure, DEFAULT_PLOT_HEIGHT, isHtmlView, PlotFigure, Showable } from "./figure";
import { escapeHtml } from "./util";

/** MIME type of a plotly figure in Jupyter. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** CSS class of the (single) output that carries the plotly.js library. */
export const PLOTLY_LIBRARY_CLASS = "rnnlab-plotly-library";

/** CSS class of every plot's `<div>`. */
export const PLOT_CLASS = "rnnlab-plot";

/** Seconds a plot waits for plotly.js before it explains what is missing. */
const WAIT_FOR_PLOTLY_SECONDS = 60;

let libraryHtml: string | undefined;
let librarySent = false;
let nextPlotId = 0;
const sessionTag = `${process.pid.toString(36)}${Date.now().toString(36)}`;

/** The version of plotly.js the plots are drawn with. */
export function plotlyVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- read on demand, outside rootDir
  return (require("plotly.js-dist/package.json") as { version: string }).version;
}

/** Marks the one place where the compressed plotly.js bundle sits in a notebook (tests count it). */
export const PLOTLY_BUNDLE_MARKER = "rnnlab:plotly.js gzip+base64";

/**
 * The HTML that loads plotly.js into the page. The 10 MB bundle travels gzip-compressed and base64-encoded
 * (about 2.6 MB) and is unpacked in the browser with `DecompressionStream` (Chrome 80+, Firefox 113+,
 * Safari 16.4+), which makes every executed notebook about 10 MB smaller.
 *
 * Classic Notebook loads require.js, which grabs a UMD bundle that sees `define.amd` as an anonymous
 * AMD module (plotly.js 4 no longer checks for AMD, older builds did). The bundle therefore runs inside
 * a function whose `define`, `module` and `exports` are undefined, so it ends as `window.Plotly` either way. A page that already has this version skips the work.
 */
export function plotlyLibraryHtml(): string {
  if (libraryHtml === undefined) {
    const file = require.resolve("plotly.js-dist");
    const packed = zlib.gzipSync(fs.readFileSync(file), { level: 6 }).toString("base64");
    const version = JSON.stringify(plotlyVersion());
    const note = `plotly.js ${plotlyVersion()} (loaded once per notebook for the plots below)`;
    const tooOld = "This browser cannot unpack plotly.js (it needs DecompressionStream: Chrome 80+, Firefox 113+, Safari 16.4+).";
    libraryHtml =
      `<div class="${PLOTLY_LIBRARY_CLASS}" style="font-size:11px;color:#888">${escapeHtml(note)}</div>\n` +
      `<script type="text/javascript">\n(function () {\n` +
      `  if ((window.Plotly && window.Plotly.version === ${version}) || window.rnnlabPlotlyLoading) return;\n` +
      `  if (typeof DecompressionStream !== "function") {\n` +
      `    document.querySelectorAll(".${PLOTLY_LIBRARY_CLASS}").forEach(function (el) { el.textContent = ${JSON.stringify(tooOld)}; });\n` +
      `    return;\n  }\n` +
      `  var bundle /* ${PLOTLY_BUNDLE_MARKER} */ = "${packed}";\n` +
      `  var bytes = Uint8Array.from(atob(bundle), function (c) { return c.charCodeAt(0); });\n` +
      `  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));\n` +
      `  window.rnnlabPlotlyLoading = new Response(stream).text().then(function (code) {\n` +
      `    var hadModuleName = "moduleName" in window;\n` +
      `    new Function("define", "module", "exports", code).call(window, undefined, undefined, undefined);\n` +
      `    if (!hadModuleName) { try { delete window.moduleName; } catch (e) {} }\n` +
      `  }).finally(function () { window.rnnlabPlotlyLoading = undefined; });\n` +
      `})();\n</script>`;
  }
  return libraryHtml;
}

/** The `<div>` and script that draw `fig` with plotly.js once it is present in the page. */
export function plotHtml(fig: PlotFigure): string {
  const id = `rnnlab-plot-${sessionTag}-${nextPlotId++}`;
  const height = typeof fig.layout.height === "number" ? fig.layout.height : DEFAULT_PLOT_HEIGHT;
  // `<` escaped so that no label can close the script element early.
  const json = JSON.stringify({ data: fig.data, layout: fig.layout, config: fig.config ?? {} }).replace(/</g, "\\u003c");
  const missing = escapeHtml(
    "plotly.js is not loaded in this page, so this plot cannot be drawn. " +
      "The output holding it was probably cleared: run Kernel → Restart & Run All " +
      "(or run ensurePlotlyLoaded(true) in any cell), then save.",
  );
  // Classic Notebook runs the script before the output is attached to the page, so it polls for
  // its div (and for plotly.js) instead of drawing at once.
  return (
    `<div id="${id}" class="${PLOT_CLASS}" style="width:100%;min-height:${height}px"></div>\n` +
    `<script type="text/javascript">\n(function () {\n` +
    `  var fig = ${json};\n  var start = Date.now();\n` +
    `  function draw() {\n` +
    `    var el = document.getElementById(${JSON.stringify(id)});\n` +
    `    var ready = window.Plotly && typeof window.Plotly.newPlot === "function";\n` +
    `    if (el && el.isConnected && ready) {\n` +
    // Plots whose output was replaced (a board redraw) or cleared are purged, freeing their listeners.
    `      var live = (window.rnnlabPlots || []).filter(function (gd) {\n` +
    `        if (gd.isConnected) return true;\n        window.Plotly.purge(gd);\n        return false;\n      });\n` +
    `      live.push(el);\n      window.rnnlabPlots = live;\n` +
    `      window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);\n      return;\n    }\n` +
    `    if (Date.now() - start > ${WAIT_FOR_PLOTLY_SECONDS * 1000}) {\n` +
    `      if (el && !ready) el.innerHTML = ${JSON.stringify(`<p style="color:#b00">${missing}</p>`)};\n` +
    `      return;\n    }\n` +
    `    setTimeout(draw, 50);\n  }\n  draw();\n})();\n</script>`
  );
}

function checkShowable(item: unknown): asserts item is Showable {
  const o = item as { data?: unknown; layout?: unknown; html?: unknown } | null | undefined;
  const isFigure = typeof o === "object" && o !== null && Array.isArray(o.data) && typeof o.layout === "object";
  const isView = typeof o === "object" && o !== null && typeof o.html === "string";
  if (!isFigure && !isView) {
    const what = o === null || typeof o !== "object" ? String(o) : `an object with keys ${Object.keys(o).slice(0, 5).join(", ")}`;
    throw new Error(
      `show(...) takes a figure (from lineChart, heatmap, barChart) or a view (from coloredText, table); got ${what}. ` +
        `To look at a tensor, print it (t.print()) or plot it, e.g. show(heatmap(t)).`,
    );
  }
}

/** The MIME bundle `show` sends for `item` (without the one-off library output). */
export function plotBundle(item: Showable): MimeBundle {
  if (isHtmlView(item)) return { "text/html": item.html, "text/plain": item.text };
  const fig: PlotFigure = item;
  return {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, config: fig.config ?? {} },
    "text/html": plotHtml(fig),
    "text/plain": describeFigure(fig),
  };
}

/**
 * Sends the plotly.js library to the notebook unless this kernel process has already done so.
 * `ensurePlotlyLoaded(true)` sends it again: for a notebook whose output holding the library was
 * cleared (plots in the saved file then ask for it); plots wait for it wherever it sits.
 */
export function ensurePlotlyLoaded(force = false): void {
  if ((librarySent && !force) || !inNotebook()) return;
  displayBundle({ "text/html": plotlyLibraryHtml(), "text/plain": `plotly.js ${plotlyVersion()} loaded` });
  librarySent = true;
}

/** True once the plotly.js library has been sent to the notebook by this kernel process. */
export function plotlyLoaded(): boolean {
  return librarySent;
}

/**
 * Shows a figure, coloured text or a table in the cell's output; outside a notebook prints its text.
 * Pass a `DisplayHandle` to draw into (and later redraw) the same output area.
 *
 * ```ts
 * show(heatmap([[0, 1], [1, 0]], { xLabels: ["a", "b"] }));
 * ```
 */
export function show(item: Showable, handle?: DisplayHandle): void {
  checkShowable(item);
  if (!isHtmlView(item)) ensurePlotlyLoaded();
  const bundle = plotBundle(item);
  if (handle === undefined) displayBundle(bundle);
  else handle.show(bundle);
}
