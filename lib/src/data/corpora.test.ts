import { test } from "node:test";
import * as assert from "node:assert/strict";
import { CMUDICT_COUNTS, cmudict } from "./cmudict";
import { DATE_FORMAT_COUNT, dates } from "./dates";
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

test("dates: seeded, exactly n pairs, and every input names the date of its target", () => {
  const a = dates(500, { seed: 7 });
  assert.equal(a.length, 500);
  assert.deepEqual(dates(500, { seed: 7 }), a);
  assert.notDeepEqual(dates(500, { seed: 8 }), a);
  const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
  const shapes = new Set<string>();
  for (const { input, target } of a) {
    const [y, m, d] = target.split("-").map(Number);
    assert.match(target, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(y >= 1950 && y <= 2049);
    const iso = new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
    assert.equal(iso, target, "a real calendar date");
    const numeric = /^(\d\d)[/.](\d\d)[/.](\d{2,4})$/.exec(input);
    if (numeric) {
      assert.equal(Number(numeric[1]), d);
      assert.equal(Number(numeric[2]), m);
      assert.ok(String(y).endsWith(numeric[3]));
    } else {
      assert.ok(input.includes(months[m - 1]), `${input} names month ${m}`);
      assert.ok(new RegExp(`\\b${d}\\b`).test(input), `${input} names day ${d}`);
      assert.ok(input.includes(String(y)) || input.includes(`'${String(y).slice(2)}`), `${input} names year ${y}`);
    }
    shapes.add(input.replace(/[a-z]+/g, "w").replace(/\d/g, "9"));
  }
  assert.ok(shapes.size >= DATE_FORMAT_COUNT - 1, `formats seen: ${[...shapes].join(" | ")}`);
  assert.throws(() => dates(-1), /n must be a whole number/);
  assert.throws(() => dates(3, { years: [2000, 1990] }), /years must be/);
});
