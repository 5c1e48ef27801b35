import { test } from "node:test";
import * as assert from "node:assert/strict";
import { DEFAULT_QUICK_FACTOR, quickFactor, scaled } from "./quick";

test("quickFactor reads RNNLAB_QUICK", () => {
  assert.equal(quickFactor(""), 1);
  assert.equal(quickFactor("0"), 1);
  assert.equal(quickFactor("1"), DEFAULT_QUICK_FACTOR);
  assert.equal(quickFactor("0.25"), 0.25);
  assert.throws(() => quickFactor("fast"), /RNNLAB_QUICK="fast" is not understood/);
  assert.throws(() => quickFactor("2"), /between 0 and 1/);
});

test("scaled shrinks budgets in quick mode but never below min", () => {
  const saved = process.env.RNNLAB_QUICK;
  try {
    process.env.RNNLAB_QUICK = "0";
    assert.equal(scaled(200), 200);
    process.env.RNNLAB_QUICK = "0.1";
    assert.equal(scaled(200), 20);
    assert.equal(scaled(3), 1);
    assert.equal(scaled(3, 2), 2);
    assert.equal(scaled(0), 0);
    assert.throws(() => scaled(-1), /non-negative/);
  } finally {
    if (saved === undefined) delete process.env.RNNLAB_QUICK;
    else process.env.RNNLAB_QUICK = saved;
  }
});
