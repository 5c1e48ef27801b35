// Barrel of lib/src/plot: one `export * from "./file";` line per file.
export {};
