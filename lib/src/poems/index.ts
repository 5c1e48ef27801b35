// Barrel of lib/src/poems: one `export * from "./file";` line per file.
export * from "./quatrain-lm";
export * from "./quatrain-eval";
export * from "./demo";
