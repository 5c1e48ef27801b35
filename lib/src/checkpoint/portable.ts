/**
 * Weights as plain JSON, for places without a file system: a page of the book loads a trained model from a
 * `<script>` (a browser refuses `fetch` from `file://`), so the values travel as base64 float32 inside JSON.
 *
 * ```ts
 * const json = exportWeights(model.trainableVariables()); // in Node, after training
 * importWeights(model.trainableVariables(), json);        // in the page, into a model built with the same sizes
 * ```
 */
import * as tf from "@tensorflow/tfjs";

/** The format of {@link PortableWeights}. */
export const PORTABLE_WEIGHTS_FORMAT = "rnnlab-weights";

/** Variables' values in order: each with its shape and its float32 values (little-endian) in base64. */
export interface PortableWeights {
  readonly format: typeof PORTABLE_WEIGHTS_FORMAT;
  readonly version: 1;
  readonly tensors: readonly { readonly shape: readonly number[]; readonly data: string }[];
}

/** Base64 of bytes, in Node and in browsers (`btoa` over a binary string, in chunks). */
function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The values of `variables`, in order, as {@link PortableWeights}. */
export function exportWeights(variables: readonly tf.Variable[]): PortableWeights {
  return {
    format: PORTABLE_WEIGHTS_FORMAT,
    version: 1,
    tensors: variables.map((v) => {
      const values = Float32Array.from(v.dataSync() as Float32Array);
      return { shape: [...v.shape], data: toBase64(new Uint8Array(values.buffer)) };
    }),
  };
}

/**
 * Assigns {@link PortableWeights} to `variables`, in order.
 * @throws Error naming what differs (format, count, a shape, a truncated value list); nothing is assigned then.
 */
export function importWeights(variables: readonly tf.Variable[], weights: PortableWeights): void {
  const W = "importWeights";
  if (!weights || weights.format !== PORTABLE_WEIGHTS_FORMAT || weights.version !== 1) {
    throw new Error(`${W}: this is not ${PORTABLE_WEIGHTS_FORMAT} version 1 (export the model again with exportWeights).`);
  }
  if (weights.tensors.length !== variables.length) {
    throw new Error(
      `${W}: ${weights.tensors.length} tensors for a model of ${variables.length} variables; build the model with the sizes it was exported with.`,
    );
  }
  const values = weights.tensors.map((t, i) => {
    const want = variables[i].shape;
    if (t.shape.length !== want.length || t.shape.some((d, j) => d !== want[j])) {
      throw new Error(
        `${W}: tensor ${i} is [${t.shape}] but the model's variable ${i} is [${want}]; build the model with the exported sizes.`,
      );
    }
    const bytes = fromBase64(t.data);
    const n = want.reduce((a, b) => a * b, 1);
    if (bytes.length !== 4 * n) {
      throw new Error(
        `${W}: tensor ${i} holds ${bytes.length} bytes, [${want}] needs ${4 * n} (${n} float32 values): the export is truncated or corrupt; export it again.`,
      );
    }
    return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  });
  tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape))));
}
