import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MISSING_SPACE_COLOR, WRONG_SPACE_COLOR, restorationView } from "./restoration";

test("restorationView: missing and wrong spaces in their own colours, correct spaces plain, counts in the legend", () => {
  const v = restorationView("the stateof the un ion", "the state of the union", { title: "epoch 3" });
  const missing =
    v.html.match(
      new RegExp(`<span style="background:${MISSING_SPACE_COLOR.replace(/[()]/g, "\\$&")}" title="missing space">&nbsp;</span>`, "g"),
    ) ?? [];
  const wrong =
    v.html.match(
      new RegExp(`<span style="background:${WRONG_SPACE_COLOR.replace(/[()]/g, "\\$&")}" title="wrong space">&nbsp;</span>`, "g"),
    ) ?? [];
  assert.deepEqual([missing.length, wrong.length], [1, 1]);
  assert.notEqual(MISSING_SPACE_COLOR, WRONG_SPACE_COLOR);
  assert.ok(v.html.includes("the state"), "correct spaces are plain");
  assert.ok(v.html.includes("missing space (1)") && v.html.includes("wrong space (1)") && v.html.includes("<b>epoch 3</b>"));
  assert.equal(
    v.text,
    [
      "epoch 3",
      "the state_of the un|ion",
      "_ missing space, | wrong space: 3 right, 1 missing, 1 wrong (precision 75.0%, recall 75.0%, F1 75.0%)",
    ].join("\n"),
  );
});

test("restorationView: a perfect restoration, HTML escaped, and a clear error for different letters", () => {
  const v = restorationView("a<b c", "a<b c");
  assert.ok(v.html.includes("a&#60;b c") || v.html.includes("a&lt;b c"));
  assert.ok(!v.html.includes('title="missing space"') && !v.html.includes('title="wrong space"'));
  assert.equal(v.text.split("\n")[0], "a<b c");
  assert.throws(() => restorationView("the state", "the stats"), /different letters/);
  assert.throws(() => restorationView("", ""), /no letters/);
});
