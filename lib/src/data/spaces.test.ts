import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "./rng";
import { removeSpaces, spaceDiff, spaceRestorationSource, withSpaces, windowText } from "./spaces";
import { Vocab } from "./vocab";

test("removeSpaces / withSpaces: tags mark word ends (the last letter too), and they invert each other", () => {
  const { letters, boundaries } = removeSpaces("the state of the union");
  assert.equal(letters, "thestateoftheunion");
  assert.deepEqual([...boundaries].join(""), "001000010100100001");
  assert.equal(withSpaces(letters, boundaries), "the state of the union");
  // Runs of whitespace are one break; whitespace at the ends is ignored.
  const messy = removeSpaces("  ab \n\n c  ");
  assert.deepEqual([messy.letters, [...messy.boundaries]], ["abc", [0, 1, 1]]);
  assert.equal(withSpaces("abc", [1, 1, 1]), "a b c");
  assert.equal(withSpaces("abc", [0, 0, 0]), "abc");
  assert.throws(() => removeSpaces(" \n "), /no letters/);
  assert.throws(() => withSpaces("abc", [0, 1]), /3 letters but 2 tags/);
  assert.throws(() => withSpaces("abc", [0, 0.7, 1]), /tag 1 is 0.7/);
});

/** A seeded text of `numWords` random words of 1–8 letters a–z (so that no two windows are alike). */
function wordsText(numWords: number, seed = 3): string {
  const rng = new Rng(seed);
  const word = (): string => Array.from({ length: rng.intBetween(1, 8) }, () => "abcdefghijklmnopqrstuvwxyz"[rng.int(26)]).join("");
  return Array.from({ length: numWords }, word).join(" ");
}

test("spaceRestorationSource: windows of letters with their tags, seeded epochs, a fixed validation part from the end", () => {
  const text = wordsText(3000);
  const data = spaceRestorationSource(text, { batchSize: 8, numSteps: 16, valFraction: 0.1, seed: 7 });
  const { letters, boundaries } = removeSpaces(text);
  assert.equal(data.numTrainLetters + data.numValLetters, letters.length);
  assert.equal(boundaries[data.numTrainLetters - 1], 1, "the split falls at a word start");
  assert.ok(data.numValLetters >= Math.floor(letters.length * 0.1) - 10 && data.numValLetters <= Math.floor(letters.length * 0.1));
  assert.equal(data.vocabSize, data.vocab.size);
  assert.ok(!data.vocab.has(" "));
  assert.equal(data.numTrainWindows, Math.floor((data.numTrainLetters - 15) / 16));
  assert.equal(data.batchesPerEpoch, Math.floor(data.numTrainWindows / 8));
  assert.equal(data.sequential, false);
  const share = [...boundaries].filter((b) => b === 1).length / boundaries.length;
  assert.equal(data.spaceShare, share);

  // Every training row is a window of the training part, with its tags; windows of an epoch never overlap.
  const startOf = (row: string): number[] => {
    const out: number[] = [];
    for (let i = letters.indexOf(row); i >= 0; i = letters.indexOf(row, i + 1)) out.push(i);
    return out;
  };
  const epoch1 = [...data.trainBatches(1)];
  assert.equal(epoch1.length, data.batchesPerEpoch);
  const candidates: number[][] = []; // where each row of the epoch may start in the text
  for (const b of epoch1) {
    assert.deepEqual([b.batchSize, b.numSteps, b.X.length, b.Y.length], [8, 16, 128, 128]);
    assert.ok(b.mask!.every((m) => m === 1));
    for (let r = 0; r < b.batchSize; r++) {
      const row = data.vocab.decode(b.X.subarray(r * 16, (r + 1) * 16)).join("");
      const tags = [...b.Y.subarray(r * 16, (r + 1) * 16)].join();
      const at = startOf(row).filter((s) => s + 16 <= data.numTrainLetters && [...boundaries.subarray(s, s + 16)].join() === tags);
      assert.ok(at.length > 0, `row ${row} is a window of the training part, with its tags`);
      candidates.push(at);
    }
  }
  // One offset for the epoch: every row starts at offset + k·16, each k at most once (no overlap).
  const offset = [...Array(16).keys()].find((o) => candidates.every((c) => c.some((s) => s % 16 === o)));
  assert.ok(offset !== undefined, "all windows share one offset");
  const starts = candidates.map((c) => c.find((s) => s % 16 === offset));
  assert.equal(new Set(starts).size, starts.length, "no window repeats within an epoch");
  // Seeded: the same epoch again is the same; another epoch differs.
  assert.deepEqual([...data.trainBatches(1)].map((b) => [...b.X]), epoch1.map((b) => [...b.X]));
  assert.notDeepEqual([...data.trainBatches(2)][0].X, epoch1[0].X);
  assert.throws(() => data.trainBatches(0), /1-based/);

  // Validation: consecutive windows from the start of the validation part, the same every call.
  const val = [...data.valBatches()];
  assert.equal(val.reduce((n, b) => n + b.batchSize, 0), data.numValWindows);
  assert.equal(data.numValWindows, Math.floor(data.numValLetters / 16));
  const first = data.vocab.decode(val[0].X.subarray(0, 16)).join("");
  assert.equal(first, letters.slice(data.numTrainLetters, data.numTrainLetters + 16));
  assert.deepEqual([...val[0].Y.subarray(0, 16)], [...boundaries.subarray(data.numTrainLetters, data.numTrainLetters + 16)]);
  assert.equal([...data.valBatches()][0], val[0]);
  assert.equal(windowText(val[0], 0, data.vocab), withSpaces(first, boundaries.subarray(data.numTrainLetters, data.numTrainLetters + 16)));
});

test("spaceRestorationSource: clear errors for unknown letters, short texts and bad options", () => {
  const vocab = Vocab.build([..."abc"]);
  assert.throws(() => spaceRestorationSource("ab cd", { vocab, batchSize: 1, numSteps: 1, valFraction: 0 }), /letter "d" \(at letter 3\) is not in the vocab/);
  assert.throws(() => spaceRestorationSource(wordsText(20), { batchSize: 32, numSteps: 64 }), /too short for one batch/);
  assert.throws(() => spaceRestorationSource(wordsText(400), { batchSize: 4, numSteps: 64, valFraction: 0.01 }), /validation part .* shorter than one window/);
  assert.throws(() => spaceRestorationSource("", {}), /no letters/);
  assert.throws(() => spaceRestorationSource(wordsText(400), { numSteps: 0 }), /numSteps must be a positive integer/);
  assert.throws(() => spaceRestorationSource(wordsText(400), { valFraction: 1 }), /valFraction/);
  const noVal = spaceRestorationSource(wordsText(400), { batchSize: 4, numSteps: 8, valFraction: 0 });
  assert.equal([...noVal.valBatches()].length, 0);
  assert.equal(noVal.numValLetters, 0);
});

test("spaceDiff: correct, missing and wrong spaces between letters, with precision and recall", () => {
  const d = spaceDiff("the stateof the un ion", "the state of the union");
  assert.equal(d.letters, "thestateoftheunion");
  assert.equal(d.marks.length, 17);
  assert.deepEqual([d.correct, d.missing, d.wrong], [3, 1, 1]);
  assert.equal(d.marks[7], "missing"); // after "state"
  assert.equal(d.marks[14], "wrong"); // inside "union"
  assert.equal(d.precision, 0.75);
  assert.equal(d.recall, 0.75);
  assert.equal(spaceDiff("abc", "abc").f1, 1);
  assert.throws(() => spaceDiff("the stat", "the state"), /different letters .* first difference at letter 7/);
});
