// Barrel of lib/src/plot: one `export * from "./file";` line per file.
export * from "./figure";
export * from "./line-chart";
export * from "./heatmap";
export * from "./bar-chart";
export * from "./colored-text";
export * from "./table";
export * from "./show";
export * from "./board";
export * from "./gates";
export * from "./sine-demo";
export * from "./restoration";
export * from "./poem-view";
