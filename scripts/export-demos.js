// Exports the trained models of the notebooks for the book's in-browser demos, with the pages that run them.
// Each model is the one its notebook trains, fetched from the training cache (trained now when the cache is
// empty), written as a script (`<out>/demos/<name>.model.js`) because a page opened from file:// may load
// scripts but may not fetch files. Run by `npm run book`; alone:
//
//   node scripts/export-demos.js [outDir]      # default book/; honours RNNLAB_QUICK like the notebooks
"use strict";
const fs = require("fs");
const path = require("path");
const { buildBrowserBundle } = require("./build-browser");

const ROOT = path.join(__dirname, "..");

/** The demos: the notebook each model comes from, its page, and how to make its JSON. */
const DEMOS = [
  {
    name: "dino-names",
    notebook: "08-dinosaur-names",
    title: "Dinosaur names",
    /** Notebook 08's model, with the notebook's data and settings (its cell "const hp = …"). */
    async make(R) {
      const names = R.dinosaurNames();
      const vocab = R.nameVocab(names);
      const data = R.nameData(names, vocab, { batchSize: 32, valFraction: 0.1, seed: 42 });
      const hp = { cell: "lstm", numHiddens: 128, maxEpochs: 30, lr: 0.005, clipNorm: 1 };
      const model = R.buildNameLM(vocab.size, { cell: hp.cell, numHiddens: hp.numHiddens, seed: 0 });
      try {
        const { fromCache } = await R.trainNameLM(model, data, names, { ...hp, name: "dino-lstm", settings: hp });
        return { json: R.nameDemoOf(model, vocab, names, { cell: hp.cell, numHiddens: hp.numHiddens }), fromCache };
      } finally {
        model.dispose();
      }
    },
  },
  {
    name: "iso-dates",
    notebook: "07b-attention",
    title: "Dates to ISO dates, with attention",
    /** Notebook 07b's attention model: its data, sizes and comparison settings (the cache key of its contestant). */
    async make(R) {
      const data = R.textPairSource(R.dates(30000, { seed: 1 }), { batchSize: 64, seed: 1 });
      const [sv, tv] = [data.srcVocab, data.tgtVocab];
      const sizes = {
        srcVocabSize: sv.size,
        tgtVocabSize: tv.size,
        bosId: tv.bosId,
        embedSize: 32,
        numHiddens: 64,
        bidirectional: true,
        encoderHiddens: 32,
        score: "additive",
        attentionSize: 10,
        variant: "bahdanau",
      };
      const runs = await R.compareModels({
        data,
        score: "val greedy exact",
        lr: 0.008,
        lrSchedule: "cosine",
        maxEpochs: 5,
        stepsPerEpoch: 120,
        maxValBatches: 8,
        cache: "07b-dates",
        listener: null,
        log: () => {},
        contestants: [
          {
            name: "attention GRU 64",
            build: () => R.buildAttentionSeq2Seq("gru", "fused", { ...sizes, metrics: [R.greedyExactMatch({ eosId: tv.eosId })] }),
            settings: { E: 32, H: 64, att: "bahdanau additive 10, bi 32" },
          },
        ],
      });
      const run = runs.runs[0];
      try {
        return { json: R.dateDemoOf(run.model, sv, tv, sizes), fromCache: run.fromCache };
      } finally {
        run.model.dispose();
      }
    },
  },
  {
    name: "spelling-to-sound",
    notebook: "07b-attention",
    title: "Spelling to sound (G2P), with attention",
    /** Notebook 07b's G2P model: the long run's when `npm run g2p` has cached it, else the notebook's recipe. */
    async make(R) {
      const data = R.g2pData();
      const recipe = R.g2pRun(data, R.G2P_LONG_RUN).exists ? R.G2P_LONG_RUN : R.G2P_NOTEBOOK;
      const run = await R.trainG2P(data, recipe, { listener: null, log: () => {} });
      try {
        return { json: R.g2pDemoOf(run.model, data, recipe), fromCache: run.fromCache };
      } finally {
        run.model.dispose();
      }
    },
  },
  {
    name: "tang-quatrains",
    notebook: "09-tang-poems",
    title: "Acrostic Tang quatrains",
    /** Notebook 09's model: its corpus (characters seen 3 times or more) and its recipe, scaled as the notebook scales it. */
    async make(R) {
      const corpus = R.quatrainCorpus({ minCount: 3, batchSize: 64 });
      const recipe = { ...R.QUATRAIN_LM, maxStepsPerEpoch: R.scaled(R.QUATRAIN_LM.maxStepsPerEpoch) };
      const run = await R.trainQuatrainLM(corpus, recipe, { listener: null });
      try {
        return { json: R.poemDemoOf(run.model, corpus, recipe), fromCache: run.fromCache };
      } finally {
        run.model.dispose();
      }
    },
  },
];

/**
 * Writes `<outDir>/assets/rnnlab.js` (the lib's browser bundle) and, per demo, its page and model script.
 * `options.notebooks` (names such as "08-dinosaur-names") keeps only the demos of those notebooks; none: no bundle.
 * @returns one line per demo: name, notebook, page (relative to outDir), whether the model came from the cache, bytes.
 */
async function exportDemos(outDir, log = () => {}, options = {}) {
  const demos = options.notebooks ? DEMOS.filter((d) => options.notebooks.includes(d.notebook)) : DEMOS;
  if (demos.length === 0) return [];
  const R = require(path.join(ROOT, "lib", "dist"));
  await R.setupBackend("wasm");
  const bundleBytes = await buildBrowserBundle(path.join(outDir, "assets", "rnnlab.js"));
  log(`demos: browser bundle ${(bundleBytes / 1e6).toFixed(2)} MB`);
  fs.mkdirSync(path.join(outDir, "demos"), { recursive: true });
  // The heatmaps use the book's shared plotly.js (copied here when the demos are exported on their own).
  const plotly = path.join(outDir, "assets", "plotly.js");
  if (!fs.existsSync(plotly)) fs.copyFileSync(require.resolve("plotly.js-dist"), plotly);
  for (const f of ["demo.css", "demo.js"]) fs.copyFileSync(path.join(__dirname, "demos", f), path.join(outDir, "assets", f));
  const done = [];
  for (const demo of demos) {
    const t0 = Date.now();
    const { json, fromCache } = await demo.make(R);
    const script = `window.RNNLAB_DEMOS = window.RNNLAB_DEMOS || {};\nwindow.RNNLAB_DEMOS[${JSON.stringify(demo.name)}] = ${JSON.stringify(json)};\n`;
    const modelFile = path.join(outDir, "demos", `${demo.name}.model.js`);
    fs.writeFileSync(modelFile, script);
    fs.copyFileSync(path.join(__dirname, "demos", `${demo.name}.html`), path.join(outDir, "demos", `${demo.name}.html`));
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    log(
      `demos: ${demo.name} from notebook ${demo.notebook} (${fromCache ? "training cache" : "trained now"}, ${seconds} s, ${(script.length / 1e6).toFixed(2)} MB)`,
    );
    done.push({
      name: demo.name,
      notebook: demo.notebook,
      title: demo.title,
      page: `demos/${demo.name}.html`,
      fromCache,
      bytes: script.length,
    });
  }
  return done;
}

module.exports = { DEMOS, exportDemos };

if (require.main === module) {
  const out = path.resolve(process.argv[2] || path.join(ROOT, "book"));
  exportDemos(out, (line) => console.log(line)).catch((err) => {
    console.error(`export-demos: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
}
