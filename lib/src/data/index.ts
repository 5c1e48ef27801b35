// Barrel of lib/src/data: one `export * from "./file";` line per file.
export * from "./batch";
export * from "./rng";
export * from "./tokenize";
export * from "./vocab";
export * from "./lm-batches";
export * from "./line-batches";
export * from "./batch-tensors";
export * from "./perplexity";
export * from "./paths";
export * from "./text-file";
export * from "./names";
export * from "./sotu";
export * from "./cmudict";
export * from "./dates";
export * from "./tang";
