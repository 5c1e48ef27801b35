import { test } from "node:test";
import * as assert from "node:assert/strict";
import { poemMetrics } from "./poem-metrics";
import { isHan } from "./quatrain";
import { Rng } from "./rng";
import { tangPoems } from "./tang";

const QUIET_NIGHT = "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。";
const STORK_TOWER = "白日依山盡，黃河入海流。欲窮千里目，更上一層樓。";
const CORPUS = [QUIET_NIGHT, STORK_TOWER];

test("poemMetrics: every field on hand-made poems with known answers", () => {
  const poems = [
    STORK_TOWER, // valid; 流/樓 rhyme, 盡 does not; exact tone pattern; 4 lines copied; span 20
    QUIET_NIGHT, // valid; 光/霜/鄉 rhyme; 2 tone mismatches; 4 lines copied; span 20
    STORK_TOWER, // a repeat
    "春風，明月何處來。", // two lines: invalid; no line copied; span 明月 (2)
    "白日依山盡，疑是地上霜。欲窮千里目，低頭思故人。", // valid; 霜/人 do not rhyme; 3 mismatches; 3 lines copied; span 5
    "白雲依山盡，黃河入海流。欲窮千里目，更上一層樓。", // valid; rhymes 2/4; 雲 is 平 where 日 is 仄: 1 mismatch; 3 lines; span 18
  ];
  const m = poemMetrics(poems, { form: "5", corpus: CORPUS });
  assert.equal(m.count, 6);
  assert.equal(m.validCount, 5);
  assert.equal(m.formValid, 5 / 6);
  assert.equal(m.rhyme24, 4 / 5, "over the 5 valid poems, not all 6");
  assert.equal(m.rhyme124, 1 / 5);
  assert.equal(m.tonePattern, 2 / 5);
  assert.equal(m.toneWithinOne, 3 / 5);
  assert.equal(m.lines, 22);
  assert.equal(m.copiedLineShare, 18 / 22);
  assert.equal(m.novelLineShare, 4 / 22);
  assert.deepEqual(m.longestCopied, { length: 20, example: "白日依山盡黃河入海流欲窮千里目更上一層樓", poem: 0 });
  assert.equal(m.meanLongestCopied, (20 + 20 + 20 + 2 + 5 + 18) / 6);
  assert.equal(m.distinct, 5 / 6);
});

test("poemMetrics: copied spans ignore punctuation but never join two corpus poems", () => {
  const m = poemMetrics(["低頭思故鄉，白日依山盡。"], { form: "5", corpus: CORPUS });
  assert.equal(m.copiedLineShare, 1);
  assert.deepEqual(m.longestCopied, { length: 5, example: "低頭思故鄉", poem: 0 }, "鄉 ends one corpus poem and 白 starts the next");
  const across = poemMetrics(["月光疑是，地上。"], { form: "5", corpus: CORPUS });
  assert.deepEqual(across.longestCopied, { length: 6, example: "月光疑是地上", poem: 0 }, "spans cross line ends");
  assert.equal(across.copiedLineShare, 0);
  const unseen = poemMetrics(["甲乙丙。"], { form: "5", corpus: CORPUS });
  assert.deepEqual(unseen.longestCopied, { length: 0, example: "", poem: -1 });
  assert.equal(unseen.meanLongestCopied, 0);
});

test("poemMetrics: no valid poem gives NaN rates, not zeros; distinct ignores line-end marks", () => {
  const m = poemMetrics(["春風明月", "春風，明月？", "春風。明月！"], { form: "7", corpus: CORPUS });
  assert.equal(m.validCount, 0);
  assert.equal(m.formValid, 0);
  for (const rate of [m.rhyme24, m.rhyme124, m.tonePattern, m.toneWithinOne]) assert.ok(Number.isNaN(rate));
  assert.equal(m.distinct, 1 / 3);
  const empty = poemMetrics(["", "，。"], { form: "5", corpus: CORPUS });
  assert.equal(empty.lines, 0);
  assert.ok(Number.isNaN(empty.copiedLineShare));
});

/** Longest common substring of `a` and any of `texts`, by brute force. */
function naiveLongest(a: string[], texts: string[][]): number {
  let best = 0;
  for (const t of texts) {
    for (let i = 0; i < a.length; i++) {
      for (let j = 0; j < t.length; j++) {
        let k = 0;
        while (i + k < a.length && j + k < t.length && a[i + k] === t[j + k]) k++;
        best = Math.max(best, k);
      }
    }
  }
  return best;
}

test("poemMetrics: the longest copied span equals brute force on random texts over a tiny alphabet", () => {
  const rng = new Rng(7);
  const alphabet = ["一", "二", "三", "𠀋"]; // one character outside the BMP
  const text = (n: number): string => Array.from({ length: n }, () => alphabet[rng.int(alphabet.length)]).join("");
  for (let trial = 0; trial < 30; trial++) {
    const corpus = Array.from({ length: 1 + rng.int(5) }, () => text(1 + rng.int(25)));
    const poems = Array.from({ length: 5 }, () => text(1 + rng.int(20)));
    const m = poemMetrics(poems, { form: "5", corpus });
    const lengths = poems.map((p) => naiveLongest([...p], corpus.map((t) => [...t])));
    assert.equal(m.longestCopied.length, Math.max(...lengths), `corpus ${JSON.stringify(corpus)}, poems ${JSON.stringify(poems)}`);
    assert.equal(m.meanLongestCopied, lengths.reduce((s, n) => s + n, 0) / lengths.length);
    const poem = [...poems[m.longestCopied.poem]].join("");
    assert.ok(poem.includes(m.longestCopied.example) && corpus.some((t) => t.includes(m.longestCopied.example)));
  }
});

/** Each poem with its Han characters shuffled among their positions, punctuation kept in place. */
function shuffleWithin(texts: readonly string[], rng: Rng): string[] {
  return texts.map((t) => {
    const chars = [...t];
    const at = chars.flatMap((c, i) => (isHan(c) ? [i] : []));
    const han = at.map((i) => chars[i]);
    for (let i = han.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [han[i], han[j]] = [han[j], han[i]];
    }
    at.forEach((i, k) => (chars[i] = han[k]));
    return chars.join("");
  });
}

test("poemMetrics: the corpus against itself copies every line; shuffled, it copies almost nothing", () => {
  const corpus = tangPoems({ form: "5" }).map((p) => p.text);
  const self = poemMetrics(corpus, { form: "5", corpus });
  assert.equal(self.count, 3749);
  assert.equal(self.validCount, 3746, "3 poems punctuate line 2 with ，or ；");
  assert.equal(self.copiedLineShare, 1);
  assert.equal(self.lines, 4 * 3749);
  assert.equal(self.meanLongestCopied, 20);
  assert.equal(self.longestCopied.length, 20);
  assert.equal(self.distinct, 1);
  assert.ok(Math.abs(self.rhyme24 - 0.783) < 0.005 && Math.abs(self.tonePattern - 0.195) < 0.005, JSON.stringify(self));

  const shuffled = poemMetrics(shuffleWithin(corpus, new Rng(1)), { form: "5", corpus });
  assert.equal(shuffled.validCount, 3746, "shuffling keeps the form");
  assert.ok(shuffled.copiedLineShare < 0.01, `copied lines ${shuffled.copiedLineShare}`);
  assert.ok(shuffled.meanLongestCopied < 4, `mean longest span ${shuffled.meanLongestCopied}`);
  assert.ok(shuffled.rhyme24 < 0.2 && shuffled.tonePattern < 0.02, JSON.stringify(shuffled));
});

test("poemMetrics: measuring 200 poems against the 7-character corpus takes well under a second", () => {
  const corpus = tangPoems({ form: "7" }).map((p) => p.text);
  const poems = shuffleWithin(corpus.slice(0, 200), new Rng(2));
  poemMetrics(poems.slice(0, 1), { form: "7", corpus: CORPUS }); // warm up the pronunciation tables
  const start = performance.now();
  poemMetrics(poems, { form: "7", corpus: [...corpus] }); // a fresh array: the index is built too
  const ms = performance.now() - start;
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});

test("poemMetrics: errors say what to pass", () => {
  assert.throws(() => poemMetrics([], { form: "5", corpus: CORPUS }), /no poems to measure; pass the generated poems/);
  assert.throws(() => poemMetrics([QUIET_NIGHT], { form: "6" as "5", corpus: CORPUS }), /form must be "5" or "7" \(characters per line\), got "6"/);
  assert.throws(() => poemMetrics([QUIET_NIGHT], { form: 5 as unknown as "5", corpus: CORPUS }), /form must be "5" or "7".*got 5/);
  assert.throws(() => poemMetrics([QUIET_NIGHT], { form: "5", corpus: [] }), /the corpus is empty; pass the training poems' texts, e\.g\. tangPoems/);
  assert.throws(() => poemMetrics([[1, 2] as unknown as string], { form: "5", corpus: CORPUS }), /poem 0 is not a string \(got object\); decode the ids/);
  const poems = tangPoems({ form: "5" }).slice(0, 2);
  assert.throws(() => poemMetrics([QUIET_NIGHT], { form: "5", corpus: poems as unknown as string[] }), /corpus entry 0 is not a string \(got object\).*p\.text/);
});
