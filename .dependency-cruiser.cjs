// dependency-cruiser rules for lib/src (run by `npm run lint`, or: npx depcruise lib/src).
//
// The lib is layered and dependencies point DOWN: a module may import from its own layer or a
// lower one, never from a higher one. The layers, lowest first, as paths under lib/src
// ("x.ts" is that file, "x/" is everything in that folder, its barrel index.ts included):
const LAYERS = [
  // L0 base: the tfjs backend, RNNLAB_QUICK, keep(), cell helpers, notebook display, checkpoints
  { name: "L0-base", paths: ["backend.ts", "backend/", "quick.ts", "keep.ts", "cells.ts", "notebook/", "checkpoint/"] },
  // L1 ops: fused wasm-SIMD layers and patched wasm kernels
  { name: "L1-ops", paths: ["fast/"] },
  // L2 data: corpora, tokens, vocabularies, batches, RNG, perplexity
  { name: "L2-data", paths: ["data/"] },
  // L3 models: cells, recurrent blocks, language models
  { name: "L3-models", paths: ["rnn/"] },
  // L4 training and decoding
  { name: "L4-train-decode", paths: ["train/", "decode/"] },
  // L5 plots
  { name: "L5-plots", paths: ["plot/"] },
  // L6 projects built from everything below
  { name: "L6-projects", paths: ["names/", "poems/", "lab/", "exercises/"] },
  // L7 the root barrel and the browser bundle's entry, which may import anything (and nothing may import them)
  { name: "L7-root-barrel", paths: ["index.ts", "browser.ts"] },
];

// Tests beside the code and the shared test helpers are exempt from the layer rules (not from
// no-circular); production code must never import them.
const TESTS = ["\\.test\\.ts$", "^lib/src/testing/"];

/** "x.ts" -> ^lib/src/x\.ts$ and "x/" -> ^lib/src/x/ */
const toRegex = (p) => "^lib/src/" + p.replace(/\./g, "\\.") + (p.endsWith("/") ? "" : "$");
const pathsOf = (layers) => layers.flatMap((l) => l.paths.map(toRegex));

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer.name}-imports-higher-layer`,
  comment: `${layer.name} may only import from itself and lower layers (see LAYERS in .dependency-cruiser.cjs).`,
  severity: "error",
  from: { path: pathsOf([layer]), pathNot: TESTS },
  to: { path: pathsOf(LAYERS.slice(i + 1)) },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Import cycles (type-only imports count) make load order fragile and the layers meaningless.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: "not-in-a-layer",
      comment: "Every production module in lib/src belongs to a layer: add its path to LAYERS in .dependency-cruiser.cjs.",
      severity: "error",
      from: { path: "^lib/src/" },
      to: { path: "^lib/src/", pathNot: [...pathsOf(LAYERS), ...TESTS] },
    },
    {
      name: "not-in-a-layer",
      comment: "Every production module in lib/src belongs to a layer: add its path to LAYERS in .dependency-cruiser.cjs.",
      severity: "error",
      from: { path: "^lib/src/", pathNot: [...pathsOf(LAYERS), ...TESTS] },
      to: {},
    },
    {
      name: "not-to-test",
      comment: "Production code must not import test files or lib/src/testing.",
      severity: "error",
      from: { path: "^lib/src/", pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: "not-to-unresolvable",
      comment: "This import cannot be resolved: a typo, a missing file, or a package that is not installed.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-non-package-json",
      comment: "This package is used but not declared in a package.json: it only resolves because another package brought it in.",
      severity: "warn",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "no-orphans",
      comment: "Nothing imports this module: remove it, or import it where it is meant to be used.",
      severity: "warn",
      from: {
        orphan: true,
        pathNot: [...TESTS, "\\.d\\.ts$"],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^lib/dist/", "^lib/asm/"] },
    // Type-only imports are dependencies too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require("path").join(__dirname, "lib", "tsconfig.json") },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["main", "types", "typings"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
