/** A quatrain language model small enough for unit tests: a few steps of a 16-unit GRU (see `poems/quatrain-lm.ts`). */
import type { QuatrainLMRecipe } from "../poems/quatrain-lm";

/** Three steps of one epoch; spread and override it for variants (`{ ...TINY_QUATRAIN_LM, cell: "lstm" }`). */
export const TINY_QUATRAIN_LM: QuatrainLMRecipe = {
  cell: "gru",
  embedSize: 8,
  numHiddens: 16,
  numLayers: 1,
  epochs: 1,
  maxStepsPerEpoch: 3,
  lr: 0.01,
  lrFinal: 0.001,
  clipNorm: 1,
  seed: 2,
};
