import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DINOSAUR_NAME_COUNT, FIRST_NAME_COUNT, dinosaurNames, firstNames, nameList } from "./names";

test("dinosaurNames returns the documented number of lower-case, unique, sorted genus names", () => {
  const names = dinosaurNames();
  assert.equal(names.length, DINOSAUR_NAME_COUNT);
  assert.equal(DINOSAUR_NAME_COUNT, 1290);
  assert.ok(names.every((n) => /^[a-z]+$/.test(n)));
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(names, [...names].sort());
  for (const famous of ["tyrannosaurus", "triceratops", "stegosaurus", "velociraptor", "brachiosaurus", "iguanodon"]) {
    assert.ok(names.includes(famous), famous);
  }
  // Animals that scraped "dinosaur" lists often contain but that are not dinosaurs.
  for (const notDino of ["dimetrodon", "smilodon", "squalodon", "postosuchus", "archaeoraptor", "lagosuchus", "futabasaurus", "tanystropheus", "pachysuchus", "fulengia"]) {
    assert.ok(!names.includes(notDino), notDino);
  }
});

test("firstNames: counts per list, lower-case a-z only, no duplicates, hyphenated compounds dropped", () => {
  const all = firstNames();
  assert.equal(all.length, FIRST_NAME_COUNT.all);
  assert.equal(firstNames({ sex: "female" }).length, FIRST_NAME_COUNT.female);
  assert.equal(firstNames({ sex: "male" }).length, FIRST_NAME_COUNT.male);
  assert.deepEqual(FIRST_NAME_COUNT, { all: 8403, female: 4925, male: 3897 });
  assert.ok(all.every((n) => /^[a-z]+$/.test(n)));
  assert.equal(new Set(all).size, all.length);
  assert.ok(all.includes("ervin") && all.includes("anne") && !all.includes("anne-marie"));
  assert.throws(() => firstNames({ sex: "other" as "all" }), /sex must be/);
});

test("nameList: a corrupt name file is a clear error naming the line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-names-"));
  const file = path.join(dir, "names.txt");
  fs.writeFileSync(file, "aardonyx\n\nzuul\n");
  assert.deepEqual(nameList(file), ["aardonyx", "zuul"]);
  fs.writeFileSync(file, "aardonyx\nTyrannosaurus Rex\n");
  assert.throws(() => nameList(file), /line 2 .* "Tyrannosaurus Rex", not a lower-case name/);
  fs.writeFileSync(file, "aardonyx\naardonyx\n");
  assert.throws(() => nameList(file), /"aardonyx" repeats at line 2/);
  assert.throws(() => nameList(path.join(dir, "missing.txt")), /no file at/);
});
