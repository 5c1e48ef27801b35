/**
 * Replacement kernels for tfjs's `wasm` backend (4.22), registered with `tf.registerKernel`.
 *
 * The stock kernels have four problems that make recurrent training slow or impossible:
 * - `Slice` reads (copies) the *whole* input for every slice, and `SplitV`/`Unpack` call it once per piece;
 * - `BatchMatMul` with `transposeA/B` leaves XNNPACK's fast path;
 * - `GatherV2` is slow;
 * - `UnsortedSegmentSum` is missing, so embedding gradients fail.
 *
 * The replacements read and write the backend's heap directly (`typedArrayFromHeap`), copying only what the
 * output needs. {@link patchWasmKernels} installs them; the lib calls it when it selects `wasm`.
 *
 * ```ts
 * import { patchWasmKernels } from "rnnlab";
 * patchWasmKernels(); // → ["Slice", "SplitV", "Unpack", "BatchMatMul", "GatherV2", "UnsortedSegmentSum"]
 * ```
 */
import * as tf from "@tensorflow/tfjs";

/** The tfjs-core and tfjs-backend-wasm version these kernels were written against (they use its internals). */
const WASM_PATCH_TFJS_VERSION = "4.22.0";

/** Environment variable: `RNNLAB_WASM_PATCH=0` leaves the stock wasm kernels alone. */
export const WASM_PATCH_ENV = "RNNLAB_WASM_PATCH";

/** What the kernels need of `BackendWasm`: its tensor table and heap views. */
interface WasmBackendLike extends tf.KernelBackend {
  readonly dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

type Attrs = Record<string, unknown>;
interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: WasmBackendLike;
  attrs?: Attrs;
}
type Kernel = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Kernels replaced by this module, in the order they are registered. */
export const PATCHED_WASM_KERNELS = ["Slice", "SplitV", "Unpack", "BatchMatMul", "GatherV2", "UnsortedSegmentSum"] as const;

const stock = new Map<string, tf.KernelConfig>();
let patched: string[] | null = null;

/** Copies a (possibly strided) `size` block starting at `begin` from `x` into the dense `out`. */
function copyBlock(
  x: Float32Array | Int32Array | Uint8Array,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  out: Float32Array | Int32Array | Uint8Array,
): void {
  const rank = shape.length;
  const total = size.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const strides = tf.util.computeStrides(shape as number[]);
  // Merge trailing dimensions that are taken whole: they form one contiguous run.
  let inner = 1;
  let d = rank - 1;
  while (d >= 0 && begin[d] === 0 && size[d] === shape[d]) inner *= shape[d--];
  if (d >= 0) inner *= size[d];
  else {
    out.set(x.subarray(0, total));
    return;
  }
  const innerOffset = d >= 0 ? begin[d] * (d === rank - 1 ? 1 : strides[d]) : 0;
  // Outer index over dims [0, d): a mixed-radix counter.
  const outerDims = d;
  const counter = new Array<number>(outerDims).fill(0);
  let base = 0;
  for (let k = 0; k < outerDims; k++) base += begin[k] * strides[k];
  const runs = total / inner;
  let o = 0;
  for (let r = 0; r < runs; r++) {
    const src = base + innerOffset;
    if (inner < 16) for (let i = 0; i < inner; i++) out[o + i] = x[src + i];
    else out.set(x.subarray(src, src + inner), o);
    o += inner;
    // Advance the counter.
    for (let k = outerDims - 1; k >= 0; k--) {
      counter[k]++;
      base += strides[k];
      if (counter[k] < size[k]) break;
      base -= counter[k] * strides[k];
      counter[k] = 0;
    }
  }
}

/** `Slice` without reading the whole input: copies the requested block heap-to-heap. */
const slice: Kernel = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x;
  if (x.dtype === "string") return stock.get("Slice")!.kernelFunc(args as never) as tf.TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    attrs!.begin as number | number[],
    attrs!.size as number | number[],
  );
  const out = backend.makeOutput(size, x.dtype);
  // Views are taken after allocation: `makeOutput` may grow (and detach) the heap.
  copyBlock(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
};

const splitV: Kernel = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x;
  const axis = tf.util.parseAxisParam(attrs!.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs!.numOrSizeSplits as number | number[], axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const piece = slice({ inputs: { x }, backend, attrs: { begin: begin.slice(), size } }) as tf.TensorInfo;
    begin[axis] += s;
    return piece;
  });
};

const unpack: Kernel = (args) => {
  const { inputs, backend, attrs } = args;
  const value = inputs.value;
  const rank = value.shape.length;
  let axis = attrs!.axis as number;
  if (axis < 0) axis += rank;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const size = value.shape.slice();
  size[axis] = 1;
  const begin = new Array<number>(rank).fill(0);
  const outs: tf.TensorInfo[] = [];
  for (let i = 0; i < value.shape[axis]; i++) {
    begin[axis] = i;
    const piece = slice({ inputs: { x: value }, backend, attrs: { begin: begin.slice(), size } }) as tf.TensorInfo;
    outs.push({ dataId: piece.dataId, dtype: piece.dtype, shape: outShape });
  }
  return outs;
};

/** `BatchMatMul`: transposes explicitly first, so XNNPACK's fast (non-transposed) path always runs. */
const batchMatMul: Kernel = (args) => {
  const { inputs, backend, attrs } = args;
  const transposeA = Boolean(attrs!.transposeA);
  const transposeB = Boolean(attrs!.transposeB);
  const base = stock.get("BatchMatMul")!.kernelFunc;
  if (!transposeA && !transposeB) return base(args as never) as tf.TensorInfo;
  const transpose = tf.getKernel("Transpose", "wasm")!.kernelFunc;
  const swapLast = (t: tf.TensorInfo): tf.TensorInfo => {
    const r = t.shape.length;
    const perm = [...Array(r).keys()];
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    return transpose({ inputs: { x: t }, backend, attrs: { perm } } as never) as tf.TensorInfo;
  };
  const a = transposeA ? swapLast(inputs.a) : inputs.a;
  const b = transposeB ? swapLast(inputs.b) : inputs.b;
  const out = base({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } } as never);
  if (transposeA) backend.disposeData(a.dataId);
  if (transposeB) backend.disposeData(b.dataId);
  return out as tf.TensorInfo;
};

/** `GatherV2` as block copies on the heap. Indices out of `[0, dim)` are an error, as on the cpu backend. */
const gatherV2: Kernel = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, indices } = inputs;
  if (x.dtype === "string") return stock.get("GatherV2")!.kernelFunc(args as never) as tf.TensorInfo;
  const axis = tf.util.parseAxisParam(attrs!.axis as number, x.shape)[0];
  const batchDims = (attrs!.batchDims as number | undefined) ?? 0;
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
    x as unknown as tf.Tensor,
    indices as unknown as tf.Tensor,
    axis,
    batchDims,
  );
  const numIdx = tf.util.sizeFromShape(indices.shape);
  const perBatch = info.batchSize === 0 ? 0 : numIdx / info.batchSize;
  const out = backend.makeOutput(info.outputShape, x.dtype);
  const xv = backend.typedArrayFromHeap(x);
  const iv = backend.typedArrayFromHeap(indices);
  const ov = backend.typedArrayFromHeap(out);
  const { dimSize, sliceSize, outerSize } = info;
  for (let i = 0; i < numIdx; i++) {
    const k = iv[i];
    tf.util.assert(k >= 0 && k < dimSize, () => `GatherV2: the index value ${k} is not in [0, ${dimSize - 1}]`);
  }
  if (ov.length === 0) return out;
  let o = 0;
  for (let b = 0; b < info.batchSize; b++) {
    for (let q = 0; q < outerSize; q++) {
      const xBase = (b * outerSize + q) * dimSize * sliceSize;
      for (let j = 0; j < perBatch; j++) {
        const src = xBase + iv[b * perBatch + j] * sliceSize;
        if (sliceSize < 16) for (let s = 0; s < sliceSize; s++) ov[o + s] = xv[src + s];
        else ov.set(xv.subarray(src, src + sliceSize), o);
        o += sliceSize;
      }
    }
  }
  return out;
};

/**
 * `UnsortedSegmentSum` (missing on wasm): `out[segmentIds[i], …] += x[i, …]`. Ids outside `[0, numSegments)`
 * are dropped, as on the cpu backend.
 */
const unsortedSegmentSum: Kernel = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs;
  const numSegments = attrs!.numSegments as number;
  const numIds = tf.util.sizeFromShape(segmentIds.shape);
  const rest = x.shape.slice(segmentIds.shape.length);
  const inner = tf.util.sizeFromShape(rest);
  const out = backend.makeOutput([numSegments, ...rest], x.dtype);
  const xv = backend.typedArrayFromHeap(x);
  const sv = backend.typedArrayFromHeap(segmentIds);
  const ov = backend.typedArrayFromHeap(out);
  ov.fill(0);
  for (let i = 0; i < numIds; i++) {
    const s = sv[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) ov[dst + k] += xv[src + k];
  }
  return out;
};

const REPLACEMENTS: Record<(typeof PATCHED_WASM_KERNELS)[number], Kernel> = {
  Slice: slice,
  SplitV: splitV,
  Unpack: unpack,
  BatchMatMul: batchMatMul,
  GatherV2: gatherV2,
  UnsortedSegmentSum: unsortedSegmentSum,
};

/** Why the patch is off, or `null` when it may be applied. */
function patchBlocked(): string | null {
  const flag = (process.env[WASM_PATCH_ENV] ?? "").trim();
  if (flag === "0" || flag.toLowerCase() === "false") return `${WASM_PATCH_ENV}=${flag}`;
  const core = (tf.version as Record<string, string>)["tfjs-core"];
  let wasm: string;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional package, checked at run time
    wasm = (require("@tensorflow/tfjs-backend-wasm") as { version_wasm: string }).version_wasm;
  } catch {
    return "@tensorflow/tfjs-backend-wasm is not installed";
  }
  for (const [pkg, v] of [
    ["tfjs-core", core],
    ["tfjs-backend-wasm", wasm],
  ]) {
    if (v !== WASM_PATCH_TFJS_VERSION) return `${pkg} ${v} is not ${WASM_PATCH_TFJS_VERSION}, which the kernels were written for`;
  }
  return null;
}

/**
 * Re-registers the replacement kernels for the `wasm` backend. Idempotent: a second call changes nothing and
 * returns the same list. Returns the kernel names now patched (empty when `RNNLAB_WASM_PATCH=0` or the
 * tfjs version is not the pinned one).
 */
export function patchWasmKernels(): string[] {
  if (patched) return patched.slice();
  if (patchBlocked() !== null) return [];
  const done: string[] = [];
  for (const name of PATCHED_WASM_KERNELS) {
    const old = tf.getKernel(name, "wasm");
    if (old) {
      stock.set(name, old);
      tf.unregisterKernel(name, "wasm");
    }
    tf.registerKernel({
      kernelName: name,
      backendName: "wasm",
      setupFunc: old?.setupFunc,
      kernelFunc: REPLACEMENTS[name] as unknown as tf.KernelFunc,
    });
    done.push(name);
  }
  patched = done;
  return done.slice();
}

/** Puts the stock wasm kernels back (for benchmarks and tests that compare). Returns what was restored. */
export function unpatchWasmKernels(): string[] {
  if (!patched) return [];
  const restored: string[] = [];
  for (const name of patched) {
    tf.unregisterKernel(name, "wasm");
    const old = stock.get(name);
    if (old) tf.registerKernel(old);
    restored.push(name);
  }
  stock.clear();
  patched = null;
  return restored;
}

/** The kernels currently replaced (empty when unpatched). */
export function patchedWasmKernels(): string[] {
  return patched ? patched.slice() : [];
}
