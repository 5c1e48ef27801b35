import { test } from "node:test";
import * as assert from "node:assert/strict";
import { CMUDICT_COUNTS, cmudict } from "./cmudict";
import { SOTU_COUNTS, stateOfTheUnion } from "./sotu";

test("stateOfTheUnion: the documented counts, years in order, bad ranges rejected", () => {
  const all = stateOfTheUnion();
  assert.equal(all.length, SOTU_COUNTS.speeches);
  assert.equal(all.reduce((n, s) => n + s.text.length, 0), SOTU_COUNTS.characters);
  assert.deepEqual(SOTU_COUNTS, { speeches: 233, characters: 10_759_831, firstYear: 1790, lastYear: 2021 });
  assert.equal(all[0].year, 1790);
  assert.equal(all[0].president, "George Washington");
  assert.ok(all.every((s, i) => i === 0 || all[i - 1].year <= s.year));
  const recent = stateOfTheUnion({ years: [2000, 2021] });
  assert.equal(recent.length, 22);
  assert.ok(recent.every((s) => s.year >= 2000 && s.text.length > 1000));
  assert.equal(stateOfTheUnion({ years: 1953 }).length, 2, "1953 has two addresses");
  assert.throws(() => stateOfTheUnion({ years: [1700, 1720] }), /no addresses in 1700–1720; the corpus covers 1790–2021/);
  assert.throws(() => stateOfTheUnion({ years: [2010, 2000] }), /from <= to/);
});

test("cmudict: the documented counts, letters-only words, ARPAbet phonemes with and without stress", () => {
  const d = cmudict();
  assert.equal(d.length, CMUDICT_COUNTS.words);
  assert.ok(d.every((e) => /^[a-z]+$/.test(e.word) && e.phonemes.length > 0));
  const cat = d.find((e) => e.word === "cat");
  assert.deepEqual(cat?.phonemes, ["K", "AE1", "T"]);
  assert.equal(new Set(d.flatMap((e) => e.phonemes)).size, CMUDICT_COUNTS.phonemes);
  const plain = cmudict({ stress: false });
  assert.equal(new Set(plain.flatMap((e) => e.phonemes)).size, CMUDICT_COUNTS.phonemesWithoutStress);
  assert.equal(cmudict({ variants: true }).length, CMUDICT_COUNTS.withVariants);
});
