/**
 * The lib's browser-safe parts, for the book's in-browser demos: `scripts/build-browser.js` bundles this file
 * with tfjs into one script (`rnnlab` on `window`). Node-only modules reached through these imports (the
 * training cache, the fused kernels' loader) are replaced by stubs in the bundle; the fused blocks then run on
 * their plain-JS kernels, and the decoding is the lib's own (`Stepper`, samplers).
 */
export * as tf from "@tensorflow/tfjs";
export { NAME_DEMO_FORMAT, demoNames, loadNameDemo } from "./names/demo";
export type { DemoNamesOptions, NameDemo, NameDemoJSON } from "./names/demo";
export { POEM_DEMO_FORMAT, demoQuatrain, loadPoemDemo } from "./poems/demo";
export type { DemoQuatrainOptions, PoemDemo, PoemDemoJSON } from "./poems/demo";
export { DATE_DEMO_FORMAT, demoDate, isoDateConstraint, loadDateDemo } from "./lab/date-demo";
export type { DateDemo, DateDemoJSON, DemoDateResult } from "./lab/date-demo";
export { UNIT_COLORSCALE } from "./plot/heatmap";
export { G2P_DEMO_FORMAT, demoG2P, loadG2PDemo } from "./lab/g2p-demo";
export type { DemoG2PResult, G2PDemoJSON } from "./lab/g2p-demo";
