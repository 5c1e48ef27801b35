import { test } from "node:test";
import * as assert from "node:assert/strict";
import { coloredText, valueColor } from "./colored-text";

test("coloredText wraps each character in a span coloured by its value, escaping HTML", () => {
  const v = coloredText("a<b", [1, -1, 0]);
  const spans = v.html.match(/<span style="background:[^"]+" title="[^"]*">[^<]*<\/span>/g) ?? [];
  assert.equal(spans.length, 3);
  assert.ok(spans[0].includes(valueColor(1, "signed")) && spans[0].endsWith(">a</span>"));
  assert.ok(spans[1].includes("rgba(31,119,180,1.000)") && spans[1].endsWith(">&#60;</span>"));
  assert.equal(v.text, "a<b");
});

test("coloredText infers [0, 1] for non-negative values and [-1, 1] otherwise", () => {
  assert.ok(coloredText("ab", [0.5, 1]).html.includes("rgba(255,127,14,0.500)"));
  assert.ok(coloredText("ab", [-0.5, 1]).html.includes("rgba(31,119,180,0.500)"));
  assert.ok(coloredText("ab", [NaN, 1]).html.includes("rgba(0,0,0,0)"), "NaN is left uncoloured");
});

test("coloredText rejects a wrong number of values and values out of range", () => {
  assert.throws(() => coloredText("abc", [1, 2]), /3 characters but 2 values/);
  assert.throws(() => coloredText("", []), /empty text/);
  assert.throws(() => coloredText("ab", [0.5, 3]), /value 3 for character 1 \("b"\) is outside \[0, 1\]/);
  assert.throws(() => coloredText("ab", [-0.5, 3]), /value 3 for character 1 \("b"\) is outside \[-1, 1\]/);
  assert.throws(() => coloredText("ab", [-0.5, 0.5], { range: "unit" }), /outside \[0, 1\]/);
});
