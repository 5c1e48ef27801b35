// What the demo pages of the book share (copied to book/assets/demo.js by scripts/export-demos.js): loading a model,
// wiring the form to it with messages in #status, and drawing an attention heatmap.
/* global window, document, rnnlab, Plotly */
"use strict";
window.rnnlabDemo = {
  /** Loads the model script's `name` with `loader` (e.g. `rnnlab.loadDateDemo`) on the cpu backend; `null` (and a message) on failure. */
  async load(name, loader) {
    const status = document.getElementById("status");
    try {
      await rnnlab.tf.setBackend("cpu");
      const demo = loader(window.RNNLAB_DEMOS[name]);
      status.textContent = "Ready.";
      document.getElementById("go").disabled = false;
      return demo;
    } catch (err) {
      status.textContent = `The model did not load: ${err.message}`;
      status.className = "error";
      return null;
    }
  },

  /**
   * Runs `run()` when the form is sent, and when an example button is pressed (after copying its text into the input
   * `inputId`). `run` returns what it did (`"12 names"`); the status then says it and how long it took, or the error.
   */
  wire(run, opts = {}) {
    const status = document.getElementById("status");
    const go = () => {
      status.className = "";
      status.textContent = opts.busy || "Working…";
      setTimeout(() => {
        try {
          const t0 = performance.now();
          const what = run();
          status.textContent = `${what} in ${Math.round(performance.now() - t0)} ms.`;
        } catch (err) {
          status.className = "error";
          status.textContent = err.message;
        }
      }, 0);
    };
    document.getElementById("form").addEventListener("submit", (event) => {
      event.preventDefault();
      go();
    });
    document.querySelectorAll(".examples button").forEach((b) =>
      b.addEventListener("click", () => {
        document.getElementById(opts.inputId).value = b.textContent;
        go();
      }),
    );
  },

  /** Draws attention weights `z` (rows `y`, columns `x`, values in [0, 1]) into `#heatmap`, in the course's unit colour scale. */
  heatmap(z, x, y, labels) {
    Plotly.newPlot(
      "heatmap",
      [{ type: "heatmap", z, x, y, zmin: 0, zmax: 1, colorscale: rnnlab.UNIT_COLORSCALE, colorbar: { title: { text: "attention" } } }],
      {
        title: { text: labels.title },
        xaxis: { title: { text: labels.x } },
        yaxis: { title: { text: labels.y }, autorange: "reversed" },
        height: labels.height || 380,
        margin: { t: 50 },
      },
      { displaylogo: false, responsive: true },
    );
  },
};
