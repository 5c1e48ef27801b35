// Barrel of lib/src/checkpoint.
export * from "./checkpoint";
export * from "./cache";
export * from "./portable";
