// Barrel of lib/src/decode: one `export * from "./file";` line per file.
export * from "./stepper";
export * from "./sampling";
export * from "./suffix";
export * from "./beam-search";
export * from "./seq2seq-stepper";
export * from "./poem-constraints";
export * from "./token-probs";
