import { test } from "node:test";
import * as assert from "node:assert/strict";
import { FIRST_NAME_COUNT, GENDERED_NAME_COUNT, NAME_GENDER_LABELS, firstNames, genderedNames, labeledNameBatch, labeledNameSource } from "./names";
import type { LabeledName } from "./names";
import { Vocab } from "./vocab";

test("genderedNames: female 0, male 1; the names of both lists dropped (default) or labelled 2; counts as documented", () => {
  const two = genderedNames();
  const three = genderedNames({ ambiguous: "label" });
  const count = (items: readonly LabeledName[], label: number): number => items.filter((it) => it.label === label).length;
  assert.deepEqual(GENDERED_NAME_COUNT, { female: 4506, male: 3478, ambiguous: 419 });
  assert.deepEqual([count(three, 0), count(three, 1), count(three, 2)], [4506, 3478, 419]);
  assert.equal(three.length, FIRST_NAME_COUNT.all);
  assert.equal(GENDERED_NAME_COUNT.female + GENDERED_NAME_COUNT.ambiguous, FIRST_NAME_COUNT.female);
  assert.equal(GENDERED_NAME_COUNT.male + GENDERED_NAME_COUNT.ambiguous, FIRST_NAME_COUNT.male);
  assert.deepEqual(two, three.filter((it) => it.label < 2));
  assert.deepEqual(two.map((it) => it.name), firstNames().filter((n) => two.some((it) => it.name === n)));
  const label = new Map(three.map((it) => [it.name, it.label]));
  assert.deepEqual([label.get("mary"), label.get("john"), label.get("robin")], [0, 1, 2]);
  assert.deepEqual(NAME_GENDER_LABELS, ["female", "male", "ambiguous"]);
  assert.throws(() => genderedNames({ ambiguous: "keep" as "drop" }), /ambiguous must be "drop" or "label"/);
});

const ITEMS: LabeledName[] = ["anna", "bob", "cleo", "dan", "eve", "finn", "gia", "hal", "ida", "jon", "kim", "lou", "mia", "ned", "ola", "pat", "quin", "rex", "sue", "tom"].map(
  (name, i) => ({ name, label: i % 3 === 2 ? 2 : i % 2 }),
);
const vocab = Vocab.build(ITEMS.flatMap((it) => [...it.name]), { reserved: ["<pad>"] });

test("labeledNameBatch: ids padded at the end with <pad>, valid lengths, labels", () => {
  const b = labeledNameBatch([ITEMS[0], ITEMS[1]], vocab);
  assert.deepEqual([b.batchSize, b.numSteps], [2, 4]);
  assert.deepEqual(vocab.decode(b.X.subarray(4, 8)), ["b", "o", "b", "<pad>"]);
  assert.deepEqual([...b.validLens], [4, 3]);
  assert.deepEqual([...b.labels], [0, 1]);
  assert.throws(() => labeledNameBatch([{ name: "zoe", label: 0 }], vocab), /"z" in "zoe" \(item 0\) is not in the vocab/);
});

test("labeledNameSource: a seeded, stratified split without overlap; reshuffled training batches; fixed validation", () => {
  const data = labeledNameSource(ITEMS, vocab, { batchSize: 4, valFraction: 0.34, seed: 9 });
  assert.equal(data.numClasses, 3);
  assert.equal(data.vocabSize, vocab.size);
  const names = (list: readonly LabeledName[]) => list.map((it) => it.name);
  assert.ok(data.valItems.every((it) => !names(data.trainItems).includes(it.name)));
  assert.equal(data.trainItems.length + data.valItems.length, ITEMS.length);
  assert.deepEqual(data.classCounts.val, [2, 2, 2]); // floor(7·0.34), floor(7·0.34), floor(6·0.34)
  assert.deepEqual(data.classCounts.train, [5, 5, 4]);
  assert.equal(data.batchesPerEpoch, 4);
  const epoch = (e: number) => [...data.trainBatches(e)].flatMap((b) => [...b.labels].map((l, r) => `${vocab.decode(b.X.subarray(r * b.numSteps, r * b.numSteps + b.validLens[r])).join("")}:${l}`));
  const e1 = epoch(1);
  assert.deepEqual([...e1].sort(), data.trainItems.map((it) => `${it.name}:${it.label}`).sort());
  assert.deepEqual(epoch(1), e1);
  assert.notDeepEqual(epoch(2), e1);
  const val = [...data.valBatches()];
  assert.equal(val.reduce((n, b) => n + b.batchSize, 0), 6);
  assert.equal([...data.valBatches()][0], val[0]);
  assert.deepEqual(labeledNameSource(ITEMS, vocab, { batchSize: 4, valFraction: 0.34, seed: 9 }).valItems, data.valItems);
  for (const b of val) {
    assert.equal(b.X.length, b.batchSize * b.numSteps);
    assert.equal(b.numSteps, Math.max(...b.validLens));
  }
});

test("labeledNameSource: clear errors for repeats, bad labels, unknown characters and options", () => {
  assert.throws(() => labeledNameSource([...ITEMS, ITEMS[0]], vocab, { batchSize: 4 }), /"anna" repeats \(item 20\)/);
  assert.throws(() => labeledNameSource([{ name: "anna", label: -1 }], vocab, { batchSize: 4 }), /label -1/);
  assert.throws(() => labeledNameSource([{ name: "zed", label: 0 }], vocab, { batchSize: 4 }), /"z" in "zed"/);
  assert.throws(() => labeledNameSource([], vocab, { batchSize: 4 }), /no names/);
  assert.throws(() => labeledNameSource(ITEMS, vocab, { batchSize: 0 }), /batchSize/);
  assert.throws(() => labeledNameSource(ITEMS, vocab, { batchSize: 4, valFraction: 1 }), /valFraction/);
});
