/**
 * Loading the fused kernels once per process: the relaxed-SIMD wasm build when the engine takes it, else
 * plain SIMD, on two threads when that pays (see `fused-threads.ts`), else the plain-JS fallback.
 * `RNNLAB_FUSED=js` forces JS, `RNNLAB_FUSED=simd` skips the relaxed build.
 */
import * as fs from "fs";
import * as path from "path";
import { runFusedJob } from "./fused-core";
import { FUSED_WASM_PATH, FusedKernelKind, FusedKernels, FusedWasmExports, JsFusedKernels, WasmFusedKernels } from "./fused-kernels";
import { createFusedThreadedKernels } from "./fused-threads";

type WasmExports = FusedWasmExports;

let wasmKernels: FusedKernels | null | undefined;
let wasmFailure = "";
let wasmVariant: "relaxed-simd" | "simd" | null = null;
let jsKernels: FusedKernels | undefined;

/** Path of the relaxed-SIMD build (fused multiply-add). */
export const FUSED_RELAXED_WASM_PATH = path.join(__dirname, "fused-relaxed.wasm");

/**
 * Node 20's V8 (11.3) accepts relaxed SIMD only behind a flag. It can be set at run time; the module is
 * validated afterwards, and the plain-SIMD build is used whenever that fails.
 */
function relaxedBytes(): Buffer | null {
  if (!fs.existsSync(FUSED_RELAXED_WASM_PATH)) return null;
  const bytes = fs.readFileSync(FUSED_RELAXED_WASM_PATH);
  if (WebAssembly.validate(bytes)) return bytes;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only when relaxed SIMD needs the flag
    (require("v8") as typeof import("v8")).setFlagsFromString("--experimental-wasm-relaxed-simd");
  } catch {
    return null;
  }
  return WebAssembly.validate(bytes) ? bytes : null;
}

/** Loads the kernels once: relaxed SIMD if the engine takes it, else SIMD. `null` when neither loads. */
function loadWasm(): FusedKernels | null {
  if (wasmKernels !== undefined) return wasmKernels;
  const want = (process.env[FUSED_ENV] ?? "").trim().toLowerCase();
  const tries: ["relaxed-simd" | "simd", () => Buffer | null][] = [
    ["relaxed-simd", relaxedBytes],
    ["simd", () => fs.readFileSync(FUSED_WASM_PATH)],
  ];
  wasmKernels = null;
  for (const [variant, read] of tries) {
    if (want === "simd" && variant === "relaxed-simd") continue;
    try {
      const bytes = read();
      if (!bytes) continue;
      // Two threads on shared memory when that pays and works here; else one instance.
      const shared = path.join(__dirname, variant === "simd" ? "fused-shared.wasm" : "fused-relaxed-shared.wasm");
      wasmKernels = createFusedThreadedKernels(shared, runFusedJob);
      if (!wasmKernels) {
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
        wasmKernels = new WasmFusedKernels(instance.exports as unknown as WasmExports);
      }
      wasmVariant = variant;
      wasmFailure = "";
      break;
    } catch (err) {
      wasmFailure = String((err as Error).message ?? err).split("\n")[0];
    }
  }
  return wasmKernels;
}

/** Which wasm build computes: `"relaxed-simd"` (fused multiply-add), `"simd"`, or `null` (JS fallback). */
export function fusedWasmVariant(): "relaxed-simd" | "simd" | null {
  loadWasm();
  return wasmVariant;
}

/** Why the wasm kernels are not used (empty when they are). */
export function fusedWasmFailure(): string {
  loadWasm();
  return wasmFailure;
}

/** Environment variable: `RNNLAB_FUSED=js` forces the plain-JS kernels, `simd` the wasm build without FMA. */
export const FUSED_ENV = "RNNLAB_FUSED";

/**
 * The kernels to compute with: `kind` if given, else wasm SIMD when it loads (and `RNNLAB_FUSED` is not `js`),
 * else plain JS.
 */
export function fusedKernels(kind?: FusedKernelKind): FusedKernels {
  const want = kind ?? ((process.env[FUSED_ENV] ?? "").trim().toLowerCase() === "js" ? "js" : "wasm");
  if (want === "wasm") {
    const w = loadWasm();
    if (w) return w;
    if (kind === "wasm") throw new Error(`The fused wasm kernels cannot load (${wasmFailure}); run \`npm run build\`.`);
  }
  return (jsKernels ??= new JsFusedKernels());
}
