import { test } from "node:test";
import * as assert from "node:assert/strict";
import { valueColor } from "./colored-text";
import { isHtmlView } from "./figure";
import { POEM_HIGHLIGHT_COLOR, poemGallery, poemView } from "./poem-view";

const SPRING_DAWN = "春眠不覺曉，處處聞啼鳥。夜來風雨聲，花落知多少。";

/** The characters of the spans, in document order, unescaped. */
function shownChars(html: string): string {
  return [...html.matchAll(/<span data-i="\d+"[^>]*>([^<]*)<\/span>/g)]
    .map((m) => m[1].replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d))))
    .join("");
}

/** Indices of the marked characters. */
function markedIndices(html: string): number[] {
  return [...html.matchAll(/<span data-i="(\d+)" class="rnnlab-poem-mark"/g)].map((m) => Number(m[1]));
}

test("poemView shows every character and mark in order, one line per column, vertical by default", () => {
  const v = poemView(SPRING_DAWN);
  assert.ok(isHtmlView(v));
  assert.equal(shownChars(v.html), SPRING_DAWN);
  assert.match(v.html, /writing-mode:vertical-rl/);
  assert.match(v.html, /Noto Serif CJK/);
  const columns = v.html.match(/<div><span/g) ?? [];
  assert.equal(columns.length, 4, "one block (a column in vertical-rl) per line");
  assert.equal(v.text, "春眠不覺曉，\n處處聞啼鳥。\n夜來風雨聲，\n花落知多少。");
  assert.equal(markedIndices(v.html).length, 0);
  assert.doesNotMatch(v.html, /constrained/, "no legend when nothing is coloured");

  const flat = poemView(SPRING_DAWN, { vertical: false });
  assert.doesNotMatch(flat.html, /writing-mode/);
  assert.match(flat.html, /text-align:center/);
  assert.equal(shownChars(flat.html), SPRING_DAWN);
});

test("poemView marks exactly the highlighted indices, with a legend and brackets in the text", () => {
  const v = poemView(SPRING_DAWN, { highlight: [0, 6, 12, 18], title: "藏頭", note: "rhyme ✓" });
  assert.deepEqual(markedIndices(v.html), [0, 6, 12, 18]);
  assert.ok(v.html.includes(`color:${POEM_HIGHLIGHT_COLOR}`));
  assert.match(v.html, /字<\/span> constrained/);
  assert.equal(v.text, "藏頭\n[春]眠不覺曉，\n[處]處聞啼鳥。\n[夜]來風雨聲，\n[花]落知多少。\nrhyme ✓");
  const label = poemView(SPRING_DAWN, { highlight: [5], highlightLabel: "forced mark" });
  assert.deepEqual(markedIndices(label.html), [5]);
  assert.match(label.html, /forced mark/);
});

test("poemView escapes the poem, the title and the note", () => {
  const v = poemView("<b>&，\"'。", { title: "<script>", note: "a<b" });
  assert.doesNotMatch(v.html, /<b>|<script>|a<b/);
  assert.ok(v.html.includes("&#60;script&#62;") && v.html.includes("a&#60;b"));
  assert.equal(shownChars(v.html), "<b>&，\"'。");
});

test("poemView shades characters by value with the colour of coloredText", () => {
  const values = [...SPRING_DAWN].map((c, i) => (c === "，" || c === "。" ? NaN : (i % 5) / 4));
  const v = poemView(SPRING_DAWN, { values, valueLabel: "P(char)" });
  assert.ok(v.html.includes(`<span data-i="1" style="background:${valueColor(0.25, "unit")}"`));
  assert.match(v.html, /<span data-i="5" title/, "NaN leaves a character plain");
  assert.match(v.html, /P\(char\)/);
  const signed = poemView("一二，", { values: [-1, 1, NaN] });
  assert.ok(signed.html.includes(valueColor(-1, "signed")));
});

test("poemView errors name the bad index or count and the valid range", () => {
  assert.throws(
    () => poemView(SPRING_DAWN, { highlight: [24] }),
    /highlight index 24 is not a character of the poem; use whole numbers from 0 to 23/,
  );
  assert.throws(() => poemView(SPRING_DAWN, { highlight: [-1] }), /highlight index -1/);
  assert.throws(() => poemView(SPRING_DAWN, { highlight: [1.5] }), /highlight index 1\.5/);
  assert.throws(() => poemView(""), /the poem is empty/);
  assert.throws(() => poemView(SPRING_DAWN, { values: [0.5] }), /24 characters \(punctuation included\) but 1 values/);
  assert.throws(() => poemView("一二", { values: [0.5, 2] }), /value 2 of character 1 \("二"\) is outside \[0, 1\]/);
  assert.throws(() => poemView(42 as unknown as string), /expected the poem as a string, got number/);
});

test("poemGallery puts poems side by side with one legend and per-poem titles", () => {
  const other = "白日依山盡，黃河入海流。欲窮千里目，更上一層樓。";
  const g = poemGallery([SPRING_DAWN, { poem: other, title: "登鸛雀樓", highlight: [1] }], { highlight: [0], title: "samples" });
  assert.equal((g.html.match(/class="rnnlab-poem"/g) ?? []).length, 2);
  assert.equal(shownChars(g.html), SPRING_DAWN + other);
  assert.deepEqual(markedIndices(g.html), [0, 1], "the shared highlight, then the item's own");
  assert.equal((g.html.match(/constrained/g) ?? []).length, 1);
  assert.match(g.html, /display:flex;flex-wrap:wrap/);
  assert.ok(g.text.startsWith("samples\n[春]眠不覺曉，") && g.text.includes("\n\n登鸛雀樓\n白[日]依山盡，"));
  assert.throws(() => poemGallery([]), /no poems to show/);
  assert.throws(
    () => poemGallery([SPRING_DAWN, { poem: "一二", highlight: [2] }]),
    /poemGallery \(poem 1\): highlight index 2 .* from 0 to 1/,
  );
});
