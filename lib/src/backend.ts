/**
 * Choosing the TensorFlow.js backend that runs the course.
 *
 * Order of preference: `tensorflow` (native, from `@tensorflow/tfjs-node`) if it loads, else `wasm`
 * (`@tensorflow/tfjs-backend-wasm`, whose `.wasm` ships inside the npm package), else `cpu` (plain JS).
 * `RNNLAB_BACKEND=cpu|wasm|tensorflow` forces one.
 *
 * ```ts
 * import { backendInfo } from "rnnlab";
 * await backendInfo(); // prints: backend wasm · tfjs 4.22.0 · SIMD on · 1 thread …
 * ```
 * @see notebooks/00-getting-started.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { inspect } from "util";
import { patchWasmKernels, patchedWasmKernels } from "./backend/wasm-kernels";

/** The backends the course can run on, fastest first. */
export const BACKENDS = ["tensorflow", "wasm", "cpu"] as const;

/** A backend name the course knows. */
export type BackendName = (typeof BACKENDS)[number];

/** A backend that was not used, and why. */
export interface SkippedBackend {
  readonly backend: BackendName;
  readonly reason: string;
}

/** What runs the tensors: the answer of {@link setupBackend} and {@link backendInfo}. */
export interface BackendInfo {
  /** The active backend. */
  readonly backend: BackendName;
  /** Version of `@tensorflow/tfjs`. */
  readonly tfjsVersion: string;
  /** Versions of every tfjs package loaded (core, layers, backends). */
  readonly versions: Readonly<Record<string, string>>;
  /** Whether wasm SIMD is on; `null` when the backend is not `wasm`. */
  readonly simd: boolean | null;
  /** Threads the backend computes with; `null` when tfjs does not say. */
  readonly threads: number | null;
  /** True when `RNNLAB_BACKEND` (or an explicit argument) chose the backend. */
  readonly forced: boolean;
  /** Faster backends that were skipped, with the reason for each. */
  readonly skipped: readonly SkippedBackend[];
  /** wasm kernels replaced by rnnlab's faster ones (see `backend/wasm-kernels.ts`; `RNNLAB_WASM_PATCH=0` disables). */
  readonly patchedKernels: readonly string[];
  /** One paragraph, for people. */
  toString(): string;
}

/** Raised when a backend was asked for but cannot be used. The message says what to do. */
export class BackendError extends Error {
  override name = "BackendError";
}

/** Environment variable that forces a backend. */
export const BACKEND_ENV = "RNNLAB_BACKEND";

/**
 * Reads a backend name as `RNNLAB_BACKEND` would give it.
 * Returns `undefined` for an empty value; throws {@link BackendError} for an unknown one.
 */
export function parseBackendName(value: string | undefined): BackendName | undefined {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "") return undefined;
  if ((BACKENDS as readonly string[]).includes(v)) return v as BackendName;
  throw new BackendError(
    `${BACKEND_ENV}="${value}" is not a backend rnnlab knows. Valid choices: ${BACKENDS.join(", ")} ` +
      `(or leave ${BACKEND_ENV} unset to pick the fastest that loads). ` +
      `Fix the variable, e.g. \`${BACKEND_ENV}=wasm npm start\`, and restart the kernel.`,
  );
}

const TFJS_NODE = "@tensorflow/tfjs-node";
const TFJS_NODE_HOWTO =
  `it is an optional dependency whose install script downloads libtensorflow; ` +
  `on a machine with internet, \`npm install ${TFJS_NODE}\` makes training several times faster`;

/** Turns a failed `require` into one readable line. */
function loadFailure(pkg: string, err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === "MODULE_NOT_FOUND" && (e.message ?? "").includes(pkg)) {
    return `${pkg} is not installed (${TFJS_NODE_HOWTO})`;
  }
  const first = String(e.message ?? err).split("\n")[0];
  return `${pkg} is installed but failed to load: ${first}`;
}

/** Loads the package that registers `name` (synchronously). Returns null on success, else the reason it failed. */
function loadBackendPackage(name: BackendName): string | null {
  const pkg = name === "tensorflow" ? TFJS_NODE : name === "wasm" ? "@tensorflow/tfjs-backend-wasm" : null;
  if (pkg === null) return null; // cpu ships with tfjs
  try {
    // Loading tfjs-node registers the `tensorflow` backend with the one shared tfjs-core; likewise wasm. Loaded
    // at run time, by name: tfjs-node is optional and may be missing.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(pkg);
    return null;
  } catch (err) {
    return loadFailure(pkg, err);
  }
}

/**
 * Makes `name` (whose package is loaded) the active backend. `tf.setBackend` is called before the first
 * `await`, so a selection started synchronously claims the engine at once: no tensor can be made on
 * tfjs's default backend in the meantime. Returns null on success, else the reason it failed.
 */
async function activateBackend(name: BackendName): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return `tf.setBackend("${name}") returned false (the backend failed to initialise)`;
  } catch (err) {
    return `initialising it failed: ${String((err as Error).message ?? err).split("\n")[0]}`;
  }
  if (name === "cpu") silenceNodeBanner();
  if (name === "wasm") patchWasmKernels();
  return null;
}

/**
 * tfjs's cpu backend prints a banner ("install our node backend") on its first write in Node.
 * The same advice is kept in {@link BackendInfo.skipped}, so the banner is switched off here,
 * for this backend only, without touching tfjs's global warning flags.
 */
function silenceNodeBanner(): void {
  const cpu = tf.engine().findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (cpu && "firstUse" in cpu) cpu.firstUse = false;
}

async function describe(backend: BackendName, forced: boolean, skipped: SkippedBackend[]): Promise<BackendInfo> {
  let simd: boolean | null = null;
  let threads: number | null = null;
  if (backend === "wasm") {
    simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when wasm is the backend
    const wasm = require("@tensorflow/tfjs-backend-wasm") as { getThreadsCount(): number };
    threads = wasm.getThreadsCount();
  } else if (backend === "cpu") {
    threads = 1;
  }
  const versions = { ...(tf.version as Record<string, string>) };
  const tfjsVersion = versions["tfjs"] ?? versions["tfjs-core"] ?? "unknown";
  const info: BackendInfo = {
    backend,
    tfjsVersion,
    versions,
    simd,
    threads,
    forced,
    skipped,
    patchedKernels: backend === "wasm" ? patchedWasmKernels() : [],
    toString: () => formatInfo(info),
  };
  // Shown as the same paragraph when a notebook cell evaluates it.
  Object.defineProperty(info, inspect.custom, { value: () => formatInfo(info), enumerable: false });
  return info;
}

/** Renders a {@link BackendInfo} as a short paragraph. */
export function formatInfo(info: BackendInfo): string {
  const parts = [`backend ${info.backend}${info.forced ? ` (forced by ${BACKEND_ENV})` : ""}`];
  parts.push(`tfjs ${info.tfjsVersion}`);
  if (info.simd !== null) parts.push(`SIMD ${info.simd ? "on" : "off"}`);
  if (info.threads !== null) parts.push(`${info.threads} thread${info.threads === 1 ? "" : "s"}`);
  const lines = [parts.join(" · ")];
  for (const s of info.skipped) lines.push(`  skipped ${s.backend}: ${s.reason}`);
  return lines.join("\n");
}

let current: { key: string; info: Promise<BackendInfo> } | undefined;

/**
 * Selects the backend once per process and returns what was chosen. Safe to call again: later calls
 * return the same answer unless a different backend is asked for (a new selection waits for the one
 * before it to finish).
 *
 * @param backend force this backend; defaults to `RNNLAB_BACKEND`, else the fastest that loads.
 * @throws BackendError when a forced backend cannot be used, or `RNNLAB_BACKEND` is unknown.
 */
export function setupBackend(backend?: BackendName): Promise<BackendInfo> {
  const forced = backend ?? parseBackendName(process.env[BACKEND_ENV]);
  const key = forced ?? "auto";
  if (current?.key !== key) {
    const previous = current?.info;
    const info = previous === undefined ? select(forced) : previous.catch(() => undefined).then(() => select(forced));
    current = { key, info };
    // A failed selection must not stick: the next call tries again.
    info.catch(() => {
      if (current?.info === info) current = undefined;
    });
  }
  return current.info;
}

/**
 * Starts {@link setupBackend} without waiting: importing rnnlab calls it, so that the lib never computes
 * on a backend tfjs picked by default (the slow `cpu`). Errors surface at the next `setupBackend()` or
 * `backendInfo()`.
 */
export function startBackend(): void {
  try {
    setupBackend().catch(() => undefined);
  } catch {
    // An unknown RNNLAB_BACKEND: reported by backendInfo().
  }
}

async function select(forced: BackendName | undefined): Promise<BackendInfo> {
  const skipped: SkippedBackend[] = [];
  for (const name of forced ? [forced] : BACKENDS) {
    const reason = loadBackendPackage(name) ?? (await activateBackend(name));
    if (reason === null) return describe(name, forced !== undefined, skipped);
    if (forced) {
      throw new BackendError(
        `${BACKEND_ENV}=${forced} was asked for, but ${reason}. ` +
          `Valid choices: ${BACKENDS.join(", ")}. Unset ${BACKEND_ENV} to use the fastest backend that loads, ` +
          `then restart the kernel.`,
      );
    }
    skipped.push({ backend: name, reason });
  }
  throw new BackendError(
    `No TensorFlow.js backend could start:\n${skipped.map((s) => `  ${s.backend}: ${s.reason}`).join("\n")}\n` +
      `Reinstall the project's packages with \`npm ci\` and try again.`,
  );
}

/**
 * Selects the backend (see {@link setupBackend}), prints a short report of it and returns it.
 * The first cell of every notebook awaits this.
 */
export async function backendInfo(backend?: BackendName): Promise<BackendInfo> {
  const info = await setupBackend(backend);
  console.log(formatInfo(info));
  return info;
}
