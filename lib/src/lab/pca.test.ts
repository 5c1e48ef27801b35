import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../data/rng";
import { pca } from "./pca";

test("pca finds the known axes of stretched, rotated data and their shares of the variance", () => {
  const rng = new Rng(3);
  const angle = Math.PI / 6;
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  // Standard deviations 5, 2 and 0.5 along the rotated x, rotated y and z axes, shifted by (10, −4, 1).
  const rows = Array.from({ length: 4000 }, () => {
    const [a, b, z] = [5 * rng.normal(), 2 * rng.normal(), 0.5 * rng.normal()];
    return [10 + c * a - s * b, -4 + s * a + c * b, 1 + z];
  });
  const r = pca(rows, 3);
  const dot = (u: number[], v: number[]) => u.reduce((t, x, i) => t + x * v[i], 0);
  assert.ok(Math.abs(Math.abs(dot(r.components[0], [c, s, 0])) - 1) < 2e-3, `pc1 ${r.components[0]}`);
  assert.ok(Math.abs(Math.abs(dot(r.components[1], [-s, c, 0])) - 1) < 2e-3, `pc2 ${r.components[1]}`);
  assert.ok(Math.abs(Math.abs(r.components[2][2]) - 1) < 1e-3, `pc3 ${r.components[2]}`);
  const expected = [25, 4, 0.25].map((v) => v / 29.25);
  r.explained.forEach((e, i) => assert.ok(Math.abs(e - expected[i]) < 0.02, `explained[${i}] = ${e}, expected ${expected[i]}`));
  assert.ok(Math.abs(r.mean[0] - 10) < 0.3 && Math.abs(r.mean[1] + 4) < 0.3);
  const p = r.projected.map((x) => x[0]);
  const sd = Math.sqrt(p.reduce((t, x) => t + x * x, 0) / (p.length - 1));
  assert.ok(Math.abs(sd - 5) < 0.2, `projected spread along pc1: ${sd}`);
  r.components.forEach((u, i) => {
    assert.ok(Math.abs(dot(u, u) - 1) < 1e-9, `component ${i} has length 1`);
    const big = u.reduce((best, x, j) => (Math.abs(x) > Math.abs(u[best]) ? j : best), 0);
    assert.ok(u[big] > 0, "the sign is fixed: the largest entry is positive");
  });
  assert.deepEqual(
    pca(rows, 2).projected.slice(0, 3),
    r.projected.slice(0, 3).map((x) => x.slice(0, 2)),
    "deterministic, and k = 2 gives the first two",
  );
});

test("pca: clear errors", () => {
  assert.throws(() => pca([[1, 2]]), /at least 2 rows/);
  assert.throws(() => pca([[1, 2], [3]]), /same, non-zero number of columns/);
  assert.throws(
    () =>
      pca(
        [
          [1, 2],
          [3, 4],
        ],
        3,
      ),
    /k must be a whole number from 1 to 2/,
  );
  assert.throws(
    () =>
      pca([
        [1, NaN],
        [3, 4],
      ]),
    /finite/,
  );
});
