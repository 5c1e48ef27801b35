// Barrel of lib/src/data: one `export * from "./file";` line per file.
export * from "./batch";
