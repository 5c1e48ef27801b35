/**
 * A rerun-safe training cache: rerunning a training cell with the same settings and data loads the
 * checkpoint saved last time instead of training again. Any change of settings, data or test mode
 * gives a different key, hence a fresh training run.
 *
 * ```ts
 * const { fromCache, history } = await trainOrLoad({
 *   name: "dino-lstm", settings: { numHiddens, lr, maxEpochs, data: dataFingerprint(names) },
 *   variables: () => model.trainableVariables(),
 *   train: () => trainer.fit(model, data),
 * });
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { CheckpointError, loadCheckpoint, restoreVariables, saveCheckpoint } from "./checkpoint";
import { quickFactor } from "../quick";

/** Where cached checkpoints go: `RNNLAB_CHECKPOINTS`, else `checkpoints/` at the repository root (gitignored). */
export function checkpointRoot(): string {
  return process.env.RNNLAB_CHECKPOINTS || path.resolve(__dirname, "..", "..", "..", "checkpoints");
}

/** JSON with object keys sorted, so that equal settings always give the same text. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) return JSON.stringify(String(value));
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`)
    .join(",")}}`;
}

/** A short fingerprint of training data (strings or numbers), to put into cache settings. */
export function dataFingerprint(data: readonly (string | number)[] | string): string {
  const h = crypto.createHash("sha256");
  if (typeof data === "string") h.update(data);
  else for (const item of data) h.update(String(item)).update("\u0000");
  return h.digest("hex").slice(0, 16);
}

/** The cache key of a training run: its settings plus the test-mode budget factor. */
export function cacheKey(settings: unknown): string {
  return crypto
    .createHash("sha256")
    .update(stableStringify({ settings, quick: quickFactor() }))
    .digest("hex")
    .slice(0, 12);
}

/**
 * The folder where {@link trainOrLoad} keeps (or would keep) the checkpoint of `name` with `settings`, and
 * whether it exists: so a notebook can load a long run's model when someone has trained it, and train a
 * smaller one otherwise.
 */
export function cachedRun(name: string, settings: unknown, root?: string): { readonly dir: string; readonly exists: boolean } {
  const dir = path.join(root ?? checkpointRoot(), `${name}-${cacheKey(settings)}`);
  return { dir, exists: fs.existsSync(dir) };
}

/** Options of {@link trainOrLoad}. */
export interface TrainOrLoadOptions<H> {
  /** A readable name for the folder, e.g. `"dino-lstm"`. */
  readonly name: string;
  /** Everything that determines the result: hyperparameters, seed, a data fingerprint. JSON-like. */
  readonly settings: unknown;
  /** The variables to save and restore, in a fixed order. */
  readonly variables: () => tf.Variable[];
  /** Trains the model in place and returns its history (stored in the checkpoint). */
  readonly train: () => Promise<H> | H;
  /** Anything else to store, e.g. the vocabulary's JSON. */
  readonly vocab?: unknown;
  /** Train even when a cached checkpoint exists (and replace it). */
  readonly force?: boolean;
  /** Folder holding cached checkpoints; defaults to {@link checkpointRoot}. */
  readonly root?: string;
  /** Where messages go; defaults to `console.log`. */
  readonly log?: (message: string) => void;
}

/** What {@link trainOrLoad} did. */
export interface TrainOrLoadResult<H> {
  readonly fromCache: boolean;
  readonly dir: string;
  readonly history: H;
}

/**
 * Loads the cached checkpoint for these settings into the model's variables if there is one;
 * otherwise trains and saves. Says which of the two happened. A cached checkpoint that cannot be
 * read (corrupt, old format) is reported and the model is retrained; the bad folder is replaced.
 */
export async function trainOrLoad<H>(opts: TrainOrLoadOptions<H>): Promise<TrainOrLoadResult<H>> {
  const log = opts.log ?? ((m: string) => console.log(m));
  if (!/^[\w.-]+$/.test(opts.name)) throw new Error(`trainOrLoad: name "${opts.name}" may only hold letters, digits, '.', '_' and '-'.`);
  const { dir, exists } = cachedRun(opts.name, opts.settings, opts.root);
  if (!opts.force && exists) {
    try {
      const ckpt = loadCheckpoint(dir);
      try {
        restoreVariables(opts.variables(), ckpt);
      } finally {
        ckpt.dispose();
      }
      log(
        `Loaded the trained model from the cache (${path.basename(dir)}, saved ${ckpt.createdAt}) instead of training again. Pass force: true to retrain.`,
      );
      return { fromCache: true, dir, history: ckpt.history as H };
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
      log(`The cached checkpoint could not be used (${err.message}) Training again.`);
    }
  }
  const history = await opts.train();
  await saveCheckpoint(dir, { tensors: opts.variables(), config: opts.settings, vocab: opts.vocab, history });
  log(`Saved the trained model to ${dir}; rerunning this cell with the same settings will load it.`);
  return { fromCache: false, dir, history };
}
