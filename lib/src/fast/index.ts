// Barrel of lib/src/fast: the fused kernels and ops. Not re-exported by the root barrel: the course uses
// them through FusedRecurrentBlock (rnn/fused.ts); benchmarks and tests import this barrel directly.
export * from "./fused-kernels";
export * from "./fused-loader";
export * from "./fused-core";
export * from "./fused-op";
export * from "./fused-reference";
export * from "./fused-adam";
export * from "./fused-head";
export * from "./fused-attention";
