/**
 * Test mode: `RNNLAB_QUICK` shrinks every training budget so the test suite can run each notebook
 * in seconds. Notebooks never branch on it; the lib's training code calls {@link scaled} instead.
 *
 * - unset, empty or `0`: full budgets (factor 1);
 * - `1` or `true`: budgets × {@link DEFAULT_QUICK_FACTOR};
 * - a number strictly between 0 and 1: budgets × that number.
 */

/** Environment variable that switches test mode on. */
export const QUICK_ENV = "RNNLAB_QUICK";

/** Budget factor used when `RNNLAB_QUICK=1`. */
export const DEFAULT_QUICK_FACTOR = 0.05;

/**
 * The factor training budgets are multiplied by: 1 normally, smaller under `RNNLAB_QUICK`.
 * @throws Error naming the accepted values when `RNNLAB_QUICK` cannot be read.
 */
export function quickFactor(value: string | undefined = process.env[QUICK_ENV]): number {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "0" || v === "false") return 1;
  if (v === "1" || v === "true") return DEFAULT_QUICK_FACTOR;
  const x = Number(v);
  if (Number.isFinite(x) && x > 0 && x < 1) return x;
  throw new Error(
    `${QUICK_ENV}="${value}" is not understood. Use 1 (quick test mode), 0 (full budgets), ` + `or a factor between 0 and 1 such as 0.1.`,
  );
}

/** True when budgets are being shrunk for tests. */
export function isQuick(): boolean {
  return quickFactor() < 1;
}

/**
 * Scales a training budget (epochs, steps, samples) for the current mode, never below `min`.
 *
 * ```ts
 * const maxEpochs = scaled(200); // 200 normally, 10 under RNNLAB_QUICK=1
 * ```
 */
export function scaled(n: number, min = 1): number {
  if (!Number.isFinite(n) || n < 0) throw new Error(`scaled(n): n must be a non-negative number, got ${n}.`);
  return Math.max(Math.min(min, n), Math.round(n * quickFactor()));
}
