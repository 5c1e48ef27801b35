import { test } from "node:test";
import * as assert from "node:assert/strict";
import { hiddenGradientNorms, scaledOrthogonal } from "./grad-flow";

test("scaledOrthogonal(n, s) satisfies Qᵀ Q = s² I", () => {
  const n = 12;
  const Q = scaledOrthogonal(n, 0.7, 3);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += Q.data[i * n + a] * Q.data[i * n + b];
      assert.ok(Math.abs(dot - (a === b ? 0.49 : 0)) < 1e-12, `(${a}, ${b}): ${dot}`);
    }
  }
});

test("with zero input the gradient norm is exactly ρ^k, k steps from the loss", () => {
  for (const rho of [0.5, 1, 1.3]) {
    const norms = hiddenGradientNorms({ spectralRadius: rho, inputScale: 0, numSteps: 30 });
    assert.equal(norms.length, 30);
    for (const k of [0, 1, 10, 29]) assert.ok(Math.abs(norms[k] / rho ** k - 1) < 1e-9, `ρ=${rho}, k=${k}: ${norms[k]}`);
  }
});

test("gradients vanish for ρ < 1 and explode for ρ > 1 over 100 steps", () => {
  const at = (rho: number): number => hiddenGradientNorms({ spectralRadius: rho, numSteps: 100 })[99];
  assert.ok(at(0.5) < 1e-20);
  assert.ok(at(0.9) < 1e-3);
  assert.ok(at(2) > 1e3);
  assert.throws(() => hiddenGradientNorms({ spectralRadius: -1 }), /spectralRadius/);
});
