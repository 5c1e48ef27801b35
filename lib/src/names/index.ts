// Barrel of lib/src/names: one `export * from "./file";` line per file.
export * from "./split";
export * from "./classic";
export * from "./modern";
export * from "./generate";
export * from "./demo";
