// `npm start`: serves the course's notebooks/ with Jupyter Notebook on 127.0.0.1, token required.
//
//   npm start                 # port 8888, or the next free one
//   npm start -- --port 9000  # a given port
//
// If Jupyter is missing it is installed from Debian's packages when that is possible (root on
// Debian/Ubuntu); anywhere else the exact command to run is printed and the script exits 1.
// Chromium (only `npm test`'s browser suite needs it) is installed the same way, in the same
// apt-get run; where it cannot be, its command is printed as a warning and the notebooks are served.
"use strict";
const { spawn, spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const net = require("net");
const path = require("path");
const { ROOT, JUPYTER_PACKAGES, CHROMIUM_PACKAGES, findPython, installCommand, chromiumMissing } = require("./jupyter");
const { install: installKernel } = require("./install-kernel");

function fail(paragraph) {
  console.error(`\nrnnlab: ${paragraph}\n`);
  process.exit(1);
}

function isRootOnDebian() {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  return root && fs.existsSync("/etc/debian_version") && fs.existsSync("/usr/bin/apt-get");
}

function warn(paragraph) {
  console.warn(`\nrnnlab: ${paragraph}\n`);
}

function apt(args) {
  const r = spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return r.status === 0 ? null : `\`apt-get ${args.join(" ")}\` failed (exit ${r.status ?? r.signal ?? r.error?.message})`;
}

/**
 * Makes sure Jupyter (needed to serve) and Chromium (needed only by `npm test`'s browser suite) are
 * installed: as root on Debian with one `apt-get update` and an `apt-get install -y` for each that is
 * missing. Without Jupyter this exits; without Chromium it only warns. Returns Jupyter's Python.
 */
function ensureSystemPackages() {
  let py = findPython(["notebook"]);
  const noChromium = chromiumMissing();
  // apt-get can only provide Debian's /usr/bin/chromium, not a Chromium chosen with RNNLAB_CHROMIUM.
  const aptChromium = Boolean(noChromium) && !process.env.RNNLAB_CHROMIUM && isRootOnDebian();
  if (noChromium && !aptChromium) warn(`${noChromium}\nThe notebooks are served without it.`);
  if (!py && !isRootOnDebian()) {
    fail(
      `Jupyter Notebook is not installed (no Python with the \`notebook\` module was found; ` +
        `/usr/bin/python3 is tried before the python3 on PATH). Install it, then run \`npm start\` again:\n\n    ${installCommand()}\n\n` +
        `If Jupyter lives in another Python, point rnnlab at it: RNNLAB_PYTHON=/path/to/python npm start`,
    );
  }
  if (py && !aptChromium) return py;

  if (!py) {
    console.log(`rnnlab: Jupyter is not installed. Installing Debian's ${JUPYTER_PACKAGES.join(", ")} with apt-get (you are root)...`);
  }
  if (aptChromium) {
    console.log(
      `rnnlab: Chromium (for npm test's browser checks) is not installed. Installing Debian's ${CHROMIUM_PACKAGES.join(", ")} with apt-get (you are root)...`,
    );
  }
  const updateFailed = apt(["update"]);
  if (updateFailed && !py) fail(`${updateFailed}. Fix apt, then run \`npm start\` again.`);
  if (!py) {
    const failed = apt(["install", "-y", ...JUPYTER_PACKAGES]);
    if (failed) fail(`${failed}. Fix apt, then run \`npm start\` again.`);
    py = findPython(["notebook"]);
    if (!py)
      fail(
        `Jupyter was installed but /usr/bin/python3 still cannot import it. Run \`${installCommand()}\` by hand and look at its errors.`,
      );
  }
  if (aptChromium) {
    const failed = updateFailed || apt(["install", "-y", ...CHROMIUM_PACKAGES]);
    const still = chromiumMissing();
    if (still)
      warn(`${failed ? `${failed}. ` : ""}${still}\nThe notebooks are served without it; only the browser suite of npm test needs it.`);
  }
  return py;
}

function parseArgs(argv) {
  const opts = { port: Number(process.env.RNNLAB_PORT || 8888), browser: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--port") opts.port = Number(argv[++i]);
    else if (a.startsWith("--port=")) opts.port = Number(a.slice(7));
    else if (a === "--no-browser") opts.browser = false;
    else if (a === "--browser") opts.browser = true;
    else fail(`unknown option ${a}. Options: --port N, --no-browser, --browser.`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) fail(`--port must be a port number, got ${opts.port}.`);
  if (opts.browser === undefined) {
    opts.browser =
      process.platform === "darwin" || process.platform === "win32" || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  }
  return opts;
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

async function choosePort(wanted) {
  if (wanted === 0) {
    return new Promise((resolve) => {
      const srv = net.createServer();
      srv.listen(0, "127.0.0.1", () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
  }
  for (let p = wanted; p < wanted + 50 && p <= 65535; p++) if (await portFree(p)) return p;
  fail(`no free port between ${wanted} and ${wanted + 49} on 127.0.0.1. Choose one with \`npm start -- --port N\`.`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const py = ensureSystemPackages();
  if (!fs.existsSync(path.join(ROOT, "lib", "dist", "index.js"))) {
    console.log("rnnlab: building the lib (npm run build)...");
    const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) fail("building lib/ failed; the TypeScript errors are above.");
  }
  installKernel(); // (re)write the kernelspec, so it always points at this checkout
  const port = await choosePort(opts.port);
  const token = process.env.JUPYTER_TOKEN || crypto.randomBytes(24).toString("hex");
  const args = [
    "-m",
    "notebook",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    opts.browser ? "--NotebookApp.open_browser=True" : "--no-browser",
  ];
  // Jupyter refuses to run as root without this; root is normal in containers and on fresh machines.
  if (typeof process.getuid === "function" && process.getuid() === 0) args.push("--allow-root");
  // The token goes through the environment (both Notebook 6 and 7 read JUPYTER_TOKEN), not argv,
  // so it does not show in `ps`. Serving from notebooks/ makes it the root of the file browser.
  const child = spawn(py, args, {
    cwd: path.join(ROOT, "notebooks"),
    env: { ...process.env, JUPYTER_TOKEN: token },
    stdio: ["inherit", "inherit", "pipe"],
  });
  const url = `http://127.0.0.1:${port}/tree?token=${token}`;
  let announced = false;
  child.stderr.on("data", (chunk) => {
    process.stderr.write(chunk);
    if (!announced && /is running at|Serving notebooks|http:\/\/127\.0\.0\.1/.test(String(chunk))) {
      announced = true;
      console.log(
        `\nrnnlab: Jupyter Notebook is serving notebooks/ at\n\n    ${url}\n\nOpen it in a browser; the course's kernel is "TypeScript (rnnlab)". Ctrl+C stops the server.\n`,
      );
    }
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

main();
