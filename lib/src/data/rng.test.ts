import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "./rng";

test("same seed, same sequence; different seeds differ", () => {
  const a = new Rng(7), b = new Rng(7), c = new Rng(8);
  const sa = Array.from({ length: 20 }, () => a.next());
  assert.deepEqual(sa, Array.from({ length: 20 }, () => b.next()));
  assert.notDeepEqual(sa, Array.from({ length: 20 }, () => c.next()));
  assert.ok(sa.every((x) => x >= 0 && x < 1));
});

test("int, shuffle and categorical have the right distributions", () => {
  const rng = new Rng(1);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 40000; i++) counts[rng.int(4)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 400, `int(4) counts ${counts}`);
  const w = [0, 0, 0];
  for (let i = 0; i < 30000; i++) w[rng.categorical([0.5, 0, 1.5])]++;
  assert.equal(w[1], 0);
  assert.ok(Math.abs(w[2] / 30000 - 0.75) < 0.02, `categorical ${w}`);
  const s = rng.shuffle([...Array(50).keys()]);
  assert.deepEqual([...s].sort((x, y) => x - y), [...Array(50).keys()]);
  assert.notDeepEqual(s, [...Array(50).keys()]);
  let sum = 0, sq = 0;
  for (let i = 0; i < 20000; i++) { const x = rng.normal(); sum += x; sq += x * x; }
  assert.ok(Math.abs(sum / 20000) < 0.05 && Math.abs(sq / 20000 - 1) < 0.05);
});

test("bad arguments are errors that say what is expected", () => {
  const rng = new Rng(1);
  assert.throws(() => rng.int(0), /positive integer/);
  assert.throws(() => rng.categorical([0, 0]), /all weights are zero/);
  assert.throws(() => rng.categorical([0.5, NaN]), /weight 1 is NaN/);
  assert.throws(() => rng.choice([]), /empty/);
  assert.throws(() => new Rng(NaN), /finite/);
});
