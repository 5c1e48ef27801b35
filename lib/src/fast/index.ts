// Barrel of lib/src/fast: one `export * from "./file";` line per file.
export * from "./wasm-kernels";
export * from "./fused-kernels";
export * from "./fused-core";
export * from "./fused-op";
export * from "./fused-reference";
export * from "./fused-layers";
export * from "./fused-block";
export * from "./fused-adam";
export * from "./fused-head";
