// Barrel of lib/src/fast: one `export * from "./file";` line per file.
export * from "./wasm-kernels";
