// Finding Jupyter and the course's kernelspec. Shared by install-kernel.js, start.js and test.js.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const KERNEL_NAME = "rnnlab";
const DEBIAN_PACKAGES = ["jupyter-notebook", "jupyter-nbconvert", "python3-nbclient"];

/**
 * Pythons to try, in order. /usr/bin/python3 comes before the one on PATH because on Debian the
 * PATH one is often a pyenv or venv Python without Jupyter. RNNLAB_PYTHON overrides both.
 */
function pythonCandidates() {
  // An explicit choice is the only candidate, so that a wrong one is reported rather than skipped.
  if (process.env.RNNLAB_PYTHON) return [process.env.RNNLAB_PYTHON];
  const c = [];
  if (process.platform === "win32") c.push("python");
  else c.push("/usr/bin/python3", "/usr/local/bin/python3", "/opt/homebrew/bin/python3", "python3");
  return [...new Set(c)];
}

/** The first Python that can import every module in `modules`, or null. */
function findPython(modules = ["notebook"]) {
  for (const py of pythonCandidates()) {
    const r = spawnSync(py, ["-c", `import ${modules.join(", ")}`], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

/** Jupyter's per-user data folder, where a user's kernelspecs live (as jupyter_core computes it). */
function jupyterDataDir() {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const home = os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA || home, "jupyter");
  return path.join(process.env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

function kernelDir() {
  return path.join(jupyterDataDir(), "kernels", KERNEL_NAME);
}

/** The exact command that installs Jupyter on this machine, for messages. */
function installCommand() {
  if (fs.existsSync("/etc/debian_version")) {
    const sudo = process.getuid && process.getuid() === 0 ? "" : "sudo ";
    return `${sudo}apt-get install -y ${DEBIAN_PACKAGES.join(" ")}`;
  }
  return "python3 -m pip install notebook nbconvert nbclient";
}

module.exports = { ROOT, KERNEL_NAME, DEBIAN_PACKAGES, findPython, jupyterDataDir, kernelDir, installCommand };
