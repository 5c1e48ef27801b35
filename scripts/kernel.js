#!/usr/bin/env node
// The course's Jupyter kernel: this project's tslab, started after making its zeromq messaging safe
// (each socket's sends wait for its bind and for the sends before them; see
// lib/src/notebook/zmq-queue.ts for the two races this removes). The kernelspec written by
// scripts/install-kernel.js runs: node scripts/kernel.js kernel --config-path {connection_file}
"use strict";
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const fromRoot = (id) => require.resolve(id, { paths: [ROOT] });

try {
  const { queueZeromqSends } = require(path.join(ROOT, "lib", "dist", "notebook", "zmq-queue.js"));
  queueZeromqSends(require(fromRoot("zeromq")));
} catch (err) {
  // A missing build must not stop the kernel; it only runs less robustly.
  console.error(`rnnlab kernel: could not queue zeromq sends (${err.message}); run \`npm run build\`.`);
}
require(fromRoot("tslab/dist/main.js")).main();
