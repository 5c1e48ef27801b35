// Registers the "rnnlab" Jupyter kernelspec, which runs this project's own tslab (through
// scripts/kernel.js) with this Node.
// Runs on `npm install` / `npm ci` (the `prepare` script). It writes the kernelspec straight into
// Jupyter's per-user kernels folder, so Jupyter Notebook, JupyterLab and VS Code all find it, and so
// that it works even before Jupyter is installed.
"use strict";
const fs = require("fs");
const path = require("path");
const { ROOT, KERNEL_NAME, findPython, kernelDir, installCommand } = require("./jupyter");

function install() {
  const tslab = path.join(ROOT, "node_modules", "tslab", "dist", "main.js");
  if (!fs.existsSync(tslab)) throw new Error(`tslab is missing at ${tslab}: run \`npm install\` first.`);
  // scripts/kernel.js starts this project's tslab after hardening its zeromq messaging.
  const spec = {
    argv: [process.execPath, path.join(ROOT, "scripts", "kernel.js"), "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (rnnlab)",
    language: "typescript",
    interrupt_mode: "signal",
    env: { TF_CPP_MIN_LOG_LEVEL: "2" },
    metadata: { rnnlab: { project: ROOT } },
  };
  const dir = kernelDir();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  return dir;
}

if (require.main === module) {
  try {
    const dir = install();
    console.log(`rnnlab: registered Jupyter kernel "${KERNEL_NAME}" (TypeScript, this project's tslab) in ${dir}`);
    if (findPython(["notebook"]) === null) {
      console.log(`rnnlab: Jupyter is not installed yet; \`npm start\` installs it as root on Debian, or run: ${installCommand()}`);
    }
  } catch (err) {
    // Never fail the whole install over the kernelspec: say what to do instead.
    console.warn(`rnnlab: could not register the Jupyter kernel (${err.message}). Run \`node scripts/install-kernel.js\` to retry.`);
  }
}

module.exports = { install };
