/**
 * Checkpoints: a model's weights with everything needed to use them again (vocabulary, config,
 * training history), in a folder that is written atomically and checked when read.
 *
 * Layout of a checkpoint folder:
 * - `manifest.json`: format name and version, config, vocabulary, history, and one entry per tensor
 *   (name, shape, dtype, byte offset and length into `weights.bin`), plus the SHA-256 of `weights.bin`;
 * - `weights.bin`: the tensors' values, little-endian, one after another.
 *
 * ```ts
 * await saveCheckpoint("checkpoints/dino", { tensors: model.trainableVariables(), config, vocab: vocab.toJSON() });
 * const ckpt = loadCheckpoint("checkpoints/dino");
 * restoreVariables(model.trainableVariables(), ckpt);
 * ckpt.dispose();
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";

/** The format this version of rnnlab writes and reads. */
export const CHECKPOINT_FORMAT = "rnnlab-checkpoint";
/** Bump when the layout changes; older or newer checkpoints are refused with a clear message. */
export const CHECKPOINT_VERSION = 1;

const MANIFEST = "manifest.json";
const WEIGHTS = "weights.bin";

/** Raised for a missing, corrupt, truncated or incompatible checkpoint. Nothing is loaded when it is thrown. */
export class CheckpointError extends Error {
  override name = "CheckpointError";
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** What goes into a checkpoint. */
export interface CheckpointContents {
  /** The tensors to store, in order (e.g. `model.trainableVariables()`), or by name. */
  readonly tensors: readonly tf.Tensor[] | Readonly<Record<string, tf.Tensor>>;
  /** Hyperparameters and anything needed to rebuild the model. Must be JSON. */
  readonly config?: unknown;
  /** The vocabulary, as its `toJSON()` gives it. */
  readonly vocab?: unknown;
  /** Training history (e.g. perplexity per epoch). */
  readonly history?: unknown;
}

interface TensorEntry {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  offset: number;
  byteLength: number;
}

interface Manifest {
  format: string;
  version: number;
  createdAt: string;
  config: JsonValue;
  vocab: JsonValue;
  history: JsonValue;
  weights: { file: string; byteLength: number; sha256: string };
  tensors: TensorEntry[];
}

/** A checkpoint read back from disk. Owns its tensors until {@link LoadedCheckpoint.dispose}. */
export interface LoadedCheckpoint {
  readonly dir: string;
  readonly createdAt: string;
  readonly config: unknown;
  readonly vocab: unknown;
  readonly history: unknown;
  /** Tensor names in stored order. */
  readonly names: readonly string[];
  /** The stored tensors, in stored order. */
  readonly tensors: readonly tf.Tensor[];
  /** Looks a tensor up by name. */
  get(name: string): tf.Tensor;
  dispose(): void;
}

function asJson(value: unknown, what: string): JsonValue {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) as JsonValue;
  } catch (err) {
    throw new CheckpointError(`saveCheckpoint: the ${what} cannot be stored as JSON (${(err as Error).message}).`);
  }
}

function namedTensors(tensors: CheckpointContents["tensors"]): [string, tf.Tensor][] {
  if (Array.isArray(tensors)) return (tensors as readonly tf.Tensor[]).map((t, i) => [String(i), t]);
  return Object.entries(tensors as Record<string, tf.Tensor>);
}

/** Test hook: lets tests simulate a crash in the middle of writing. Not for normal use. */
export const checkpointTestHooks: { afterWeights?: () => void } = {};

/**
 * Writes a checkpoint to `dir` atomically: everything is written to a temporary folder beside it,
 * which then replaces `dir` by rename. If writing fails part-way, the previous checkpoint in `dir`
 * is left as it was.
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  const entries = namedTensors(contents.tensors);
  if (entries.length === 0) throw new CheckpointError("saveCheckpoint: no tensors to save. Pass the model's trainableVariables().");
  const chunks: Buffer[] = [];
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    if (t.isDisposed) throw new CheckpointError(`saveCheckpoint: tensor "${name}" was already disposed; save before disposing the model.`);
    if (t.dtype !== "float32" && t.dtype !== "int32") {
      throw new CheckpointError(`saveCheckpoint: tensor "${name}" has dtype ${t.dtype}; only float32 and int32 are stored.`);
    }
    const data = await t.data();
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    tensors.push({ name, shape: [...t.shape], dtype: t.dtype, offset, byteLength: buf.byteLength });
    chunks.push(Buffer.from(buf)); // copy: the typed array may be a view into backend memory
    offset += buf.byteLength;
  }
  const weights = Buffer.concat(chunks);
  const manifest: Manifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    config: asJson(contents.config, "config"),
    vocab: asJson(contents.vocab, "vocabulary"),
    history: asJson(contents.history, "history"),
    weights: { file: WEIGHTS, byteLength: weights.byteLength, sha256: crypto.createHash("sha256").update(weights).digest("hex") },
    tensors,
  };

  const target = path.resolve(dir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  try {
    fs.mkdirSync(tmp);
    fs.writeFileSync(path.join(tmp, WEIGHTS), weights);
    checkpointTestHooks.afterWeights?.();
    fs.writeFileSync(path.join(tmp, MANIFEST), JSON.stringify(manifest, null, 1) + "\n");
    // Swap: the old folder steps aside, the new one takes its name, then the old one goes.
    const old = `${target}.old-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
    const hadOld = fs.existsSync(target);
    if (hadOld) fs.renameSync(target, old);
    try {
      fs.renameSync(tmp, target);
    } catch (err) {
      if (hadOld) fs.renameSync(old, target);
      throw err;
    }
    if (hadOld) fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(dir)) throw new CheckpointError(`No checkpoint at ${dir}. Train and save one first.`);
  if (!fs.existsSync(file))
    throw new CheckpointError(`${dir} is not a complete checkpoint: ${MANIFEST} is missing. Delete the folder and save again.`);
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
  } catch (err) {
    throw new CheckpointError(
      `The checkpoint at ${dir} is corrupt: ${MANIFEST} is not valid JSON (${(err as Error).message}). Delete it and retrain.`,
    );
  }
  if (m === null || typeof m !== "object" || m.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${dir} does not hold an rnnlab checkpoint (format "${(m as { format?: unknown })?.format}").`);
  }
  if (m.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `The checkpoint at ${dir} has format version ${m.version}, but this rnnlab reads version ${CHECKPOINT_VERSION}. ` +
        `Retrain the model (or use the rnnlab version that wrote it).`,
    );
  }
  if (!Array.isArray(m.tensors) || typeof m.weights?.sha256 !== "string") {
    throw new CheckpointError(`The checkpoint at ${dir} is corrupt: its manifest lacks the tensor list or the weights' checksum.`);
  }
  return m;
}

/**
 * Reads and verifies a checkpoint (checksum, sizes, version). Either everything loads or a
 * {@link CheckpointError} explains what is wrong; no partial or garbage weights are returned.
 */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const full = path.resolve(dir);
  const m = readManifest(full);
  const wfile = path.join(full, m.weights.file);
  if (!fs.existsSync(wfile))
    throw new CheckpointError(`The checkpoint at ${full} is incomplete: ${m.weights.file} is missing. Retrain and save again.`);
  const weights = fs.readFileSync(wfile);
  if (weights.byteLength !== m.weights.byteLength) {
    throw new CheckpointError(
      `The checkpoint at ${full} is truncated or corrupt: ${m.weights.file} has ${weights.byteLength} bytes, the manifest says ${m.weights.byteLength}. Retrain and save again.`,
    );
  }
  const sha = crypto.createHash("sha256").update(weights).digest("hex");
  if (sha !== m.weights.sha256) {
    throw new CheckpointError(
      `The checkpoint at ${full} is corrupt: the checksum of ${m.weights.file} does not match its manifest. Retrain and save again.`,
    );
  }
  const tensors: tf.Tensor[] = [];
  for (const e of m.tensors) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (e.byteLength !== size * 4 || e.offset < 0 || e.offset + e.byteLength > weights.byteLength) {
      tensors.forEach((t) => t.dispose());
      throw new CheckpointError(`The checkpoint at ${full} is corrupt: tensor "${e.name}" does not fit its shape [${e.shape}].`);
    }
    const bytes = weights.subarray(e.offset, e.offset + e.byteLength);
    const copy = new Uint8Array(bytes).buffer; // aligned copy
    const values = e.dtype === "int32" ? new Int32Array(copy) : new Float32Array(copy);
    tensors.push(tf.tensor(values, e.shape, e.dtype));
  }
  const names = m.tensors.map((e) => e.name);
  return {
    dir: full,
    createdAt: m.createdAt,
    config: m.config,
    vocab: m.vocab,
    history: m.history,
    names,
    tensors,
    get(name: string): tf.Tensor {
      const i = names.indexOf(name);
      if (i < 0) throw new CheckpointError(`The checkpoint at ${full} has no tensor "${name}". It has: ${names.join(", ")}.`);
      return tensors[i];
    },
    dispose(): void {
      tensors.forEach((t) => t.dispose());
    },
  };
}

/**
 * Copies a loaded checkpoint's tensors into a model's variables, in order, after checking that
 * every shape matches; on any mismatch nothing is assigned.
 */
export function restoreVariables(variables: readonly tf.Variable[], ckpt: LoadedCheckpoint): void {
  if (variables.length !== ckpt.tensors.length) {
    throw new CheckpointError(
      `The checkpoint at ${ckpt.dir} holds ${ckpt.tensors.length} tensors but the model has ${variables.length} variables: ` +
        `it was saved from a different model. Build the model with the checkpoint's config.`,
    );
  }
  variables.forEach((v, i) => {
    const t = ckpt.tensors[i];
    if (!tf.util.arraysEqual(v.shape, t.shape)) {
      throw new CheckpointError(
        `Variable ${i} ("${v.name}") has shape [${v.shape}] but the checkpoint's "${ckpt.names[i]}" has [${t.shape}]: ` +
          `the checkpoint was saved from a model with other sizes. Build the model with the checkpoint's config.`,
      );
    }
  });
  variables.forEach((v, i) => v.assign(ckpt.tensors[i]));
}
