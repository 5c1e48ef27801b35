// `path` for the browser bundle (scripts/build-browser.js): the few calls made while modules load.
"use strict";
const join = (...parts) => parts.filter(Boolean).join("/").replace(/\/+/g, "/");
module.exports = {
  join,
  resolve: join,
  dirname: (p) => p.replace(/\/[^/]*$/, "") || "/",
  basename: (p) => p.replace(/^.*\//, ""),
  sep: "/",
};
