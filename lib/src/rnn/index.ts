// Barrel of lib/src/rnn: one `export * from "./file";` line per file.
export * from "./recurrent";
export * from "./runner";
export * from "./cell-block";
export * from "./init";
export * from "./layer-block";
export * from "./rnn";
export * from "./gru";
export * from "./lstm";
export * from "./fused";
export * from "./blocks";
export * from "./embedding";
export * from "./rnn-lm";
export * from "./trace";
export * from "./rnn-step";
export * from "./grad-flow";
