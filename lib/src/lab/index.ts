// Barrel of lib/src/lab: the course's experiments that train several models and plot them.
export * from "./bakeoff";
export * from "./compare";
export * from "./linear-probe";
export * from "./probe";
export * from "./trees";
export * from "./saliency";
export * from "./pca";
export * from "./decoders";
export * from "./g2p";
export * from "./agreement-task";
export * from "./long-range";
export * from "./lm-agreement";
export * from "./bit-hold";
export * from "./date-demo";
export * from "./g2p-demo";
