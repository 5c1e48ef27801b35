// Barrel of lib/src/train: one `export * from "./file";` line per file.
export * from "./progress";
export * from "./clip";
export * from "./trainer";
