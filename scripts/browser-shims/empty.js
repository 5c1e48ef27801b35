// Stands in for a Node built-in in the browser bundle (scripts/build-browser.js): the code that would use it
// (the training cache, the fused kernels' wasm loader) is not reached in a page, or falls back when it fails.
module.exports = {};
