/**
 * **Principal component analysis**, to look at many hidden vectors at once (e.g. the context `C` of an
 * encoder–decoder for hundreds of dates, notebook 07): centre the rows, find the `k` directions of largest
 * variance (eigenvectors of the covariance, by power iteration with deflation, in float64), and project.
 *
 * ```ts
 * const { projected, explained } = pca(contexts, 2); // contexts: number[][] [n, d]
 * // projected[i] = [pc1, pc2] of row i; explained = [share of variance on pc1, on pc2]
 * ```
 * @see notebooks/07-seq2seq.ipynb
 */
import { Rng } from "../data/rng";

/** What {@link pca} returns. */
export interface PcaResult {
  /** The `k` unit directions, `[k][d]`, largest variance first (each one's sign is fixed: its largest entry is positive). */
  readonly components: number[][];
  /** Each row's coordinates on them, `[n][k]`. */
  readonly projected: number[][];
  /** The share of the total variance along each component, `[k]`. */
  readonly explained: number[];
  /** The column means that were subtracted, `[d]`. */
  readonly mean: number[];
}

/**
 * The first `k` principal components of the rows of `rows` (`[n][d]`, n ≥ 2). Deterministic (a seeded start).
 * @throws Error when the matrix is empty or ragged, holds a non-finite value, or `k` is not in `[1, d]`.
 */
export function pca(rows: readonly ArrayLike<number>[], k = 2): PcaResult {
  const n = rows.length;
  if (n < 2) throw new Error(`pca: needs at least 2 rows, got ${n}.`);
  const d = rows[0].length;
  if (d === 0 || rows.some((r) => r.length !== d)) throw new Error("pca: every row must have the same, non-zero number of columns.");
  if (!Number.isInteger(k) || k < 1 || k > d)
    throw new Error(`pca: k must be a whole number from 1 to ${d} (the number of columns), got ${k}.`);
  const mean = new Float64Array(d);
  for (const r of rows) {
    for (let j = 0; j < d; j++) {
      if (!Number.isFinite(r[j])) throw new Error(`pca: a value is ${r[j]}; every value must be finite.`);
      mean[j] += r[j] / n;
    }
  }
  const X = rows.map((r) => Float64Array.from({ length: d }, (_, j) => r[j] - mean[j])); // centred [n][d]
  const cov = Array.from({ length: d }, () => new Float64Array(d)); // [d][d]
  for (const x of X) for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[a][b] += (x[a] * x[b]) / (n - 1);
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a][b] = cov[b][a];
  const total = cov.reduce((s, row, a) => s + row[a], 0);
  const rng = new Rng(7);
  const components: number[][] = [];
  const variances: number[] = [];
  for (let c = 0; c < k; c++) {
    let v = Float64Array.from({ length: d }, () => rng.normal());
    let lambda = 0;
    for (let it = 0; it < 1000; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += cov[a][b] * v[b];
        w[a] = s;
      }
      const norm = Math.hypot(...w);
      if (norm === 0) break; // no variance left
      const next = w.map((x) => x / norm);
      const change = next.reduce((s, x, i) => s + Math.abs(Math.abs(x) - Math.abs(v[i])), 0);
      v = next;
      lambda = norm;
      if (change < 1e-12 * d) break;
    }
    const big = v.reduce((best, x, i) => (Math.abs(x) > Math.abs(v[best]) ? i : best), 0);
    if (v[big] < 0) v = v.map((x) => -x);
    components.push(Array.from(v));
    variances.push(lambda);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] -= lambda * v[a] * v[b]; // deflate
  }
  const projected = X.map((x) => components.map((u) => u.reduce((s, uj, j) => s + uj * x[j], 0)));
  return { components, projected, explained: variances.map((l) => (total > 0 ? l / total : 0)), mean: Array.from(mean) };
}
