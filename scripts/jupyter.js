// Finding Jupyter, Chromium and the course's kernelspec. Shared by install-kernel.js, start.js, test.js,
// tests/browser.test.js and .ci/run, so they all name the same Debian packages.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const KERNEL_NAME = "rnnlab";
/** Debian's Jupyter: needed by `npm start` and by the notebooks, server and browser suites of `npm test`. */
const JUPYTER_PACKAGES = ["jupyter-notebook", "jupyter-nbconvert", "python3-nbclient"];
/** Debian's Chromium (/usr/bin/chromium): needed only by `npm test`'s browser suite. */
const CHROMIUM_PACKAGES = ["chromium"];
/** Every system package the course uses (`npm start` installs them as root on Debian; .ci/run reads this list). */
const SYSTEM_PACKAGES = [...JUPYTER_PACKAGES, ...CHROMIUM_PACKAGES];
const DEFAULT_CHROMIUM = "/usr/bin/chromium";

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

function isDebian() {
  return fs.existsSync("/etc/debian_version");
}

/** `apt-get install -y <packages>`, with sudo unless this process is root. */
function aptInstallCommand(packages) {
  const sudo = process.getuid && process.getuid() === 0 ? "" : "sudo ";
  return `${sudo}apt-get install -y ${packages.join(" ")}`;
}

/** The exact command that installs Jupyter on this machine, for messages. */
function installCommand() {
  if (isDebian()) return aptInstallCommand(JUPYTER_PACKAGES);
  return "python3 -m pip install notebook nbconvert nbclient";
}

/** The Chromium the browser suite drives: RNNLAB_CHROMIUM, or Debian's /usr/bin/chromium. */
function chromiumPath() {
  return process.env.RNNLAB_CHROMIUM || DEFAULT_CHROMIUM;
}

/** Null when Chromium is there; otherwise one line that says what is missing and the exact command that fixes it. */
function chromiumMissing() {
  const exe = chromiumPath();
  if (fs.existsSync(exe)) return null;
  if (process.env.RNNLAB_CHROMIUM) {
    return `Chromium is not at RNNLAB_CHROMIUM=${exe}. Point RNNLAB_CHROMIUM at a Chromium, or unset it to use ${DEFAULT_CHROMIUM}.`;
  }
  const fix = isDebian() ? aptInstallCommand(CHROMIUM_PACKAGES) : "install Chromium, then set RNNLAB_CHROMIUM=/path/to/chromium";
  return `Chromium is not installed (${exe} is missing); npm test's browser suite needs it. Install it: ${fix}`;
}

module.exports = {
  ROOT,
  KERNEL_NAME,
  JUPYTER_PACKAGES,
  CHROMIUM_PACKAGES,
  SYSTEM_PACKAGES,
  findPython,
  jupyterDataDir,
  kernelDir,
  installCommand,
  aptInstallCommand,
  chromiumPath,
  chromiumMissing,
};
