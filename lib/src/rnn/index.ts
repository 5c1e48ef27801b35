// Barrel of lib/src/rnn: one `export * from "./file";` line per file.
export * from "./recurrent";
export * from "./layer-block";
export * from "./rnn";
export * from "./rnn-step";
export * from "./gru";
export * from "./lstm";
export * from "./rnn-lm";
export * from "./inspect";
export * from "./grad-flow";
