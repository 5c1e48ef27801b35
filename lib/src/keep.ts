/**
 * Rerun-safe objects for notebooks. A cell that creates a tensor or a model and is run again would
 * otherwise leak the first one; `keep` disposes the value an earlier run stored under the same key.
 *
 * ```ts
 * const x = keep("x", tf.tensor([1, 2, 3])); // rerunning this cell frees the previous x
 * ```
 * @see notebooks/00-getting-started.ipynb
 */

/** Anything that frees its memory with `dispose()`: tensors, variables, models, optimizers. */
export interface Disposable {
  dispose(): void;
}

const kept = new Map<string, Disposable | readonly Disposable[]>();

function disposeValue(v: Disposable | readonly Disposable[]): void {
  const items = Array.isArray(v) ? (v as readonly Disposable[]) : [v as Disposable];
  for (const item of items) {
    // A tensor may already have been disposed by the user: disposing twice is harmless in tfjs,
    // but a model's layers throw, so tolerate only that case.
    try {
      item.dispose();
    } catch (err) {
      if (!/disposed/i.test(String((err as Error).message))) throw err;
    }
  }
}

/**
 * Stores `value` under `key` and returns it, first disposing the value stored under `key` before.
 * Storing the same object again is a no-op.
 */
export function keep<T extends Disposable | readonly Disposable[]>(key: string, value: T): T {
  const old = kept.get(key);
  if (old !== undefined && old !== value) disposeValue(old);
  kept.set(key, value);
  return value;
}

/** Disposes and forgets one kept value, or all of them when no key is given. */
export function release(key?: string): void {
  const keys = key === undefined ? [...kept.keys()] : [key];
  for (const k of keys) {
    const v = kept.get(k);
    if (v !== undefined) disposeValue(v);
    kept.delete(k);
  }
}

/** Keys currently kept (for tests and for curious students). */
export function keptKeys(): string[] {
  return [...kept.keys()];
}
