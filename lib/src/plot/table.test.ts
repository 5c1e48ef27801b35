import { test } from "node:test";
import * as assert from "node:assert/strict";
import { formatTableCell, table } from "./table";

test("table renders rows as HTML and as aligned text", () => {
  const v = table(
    [
      { model: "RNN", ppl: 5.21234 },
      { model: "GRU<x>", ppl: 4 },
    ],
    { title: "val" },
  );
  assert.equal((v.html.match(/<tr>/g) ?? []).length, 3);
  assert.ok(v.html.includes('<td style="text-align:right;white-space:pre">5.212</td>'));
  assert.ok(v.html.includes("GRU&#60;x&#62;"));
  assert.equal(v.text, ["val", "model     ppl", "------  -----", "RNN     5.212", "GRU<x>      4"].join("\n"));
});

test("table keeps the given column order and leaves missing cells empty", () => {
  const v = table([{ a: 1 }, { b: "x" }], { columns: ["b", "a"] });
  assert.match(v.text, /^b {2}a\n/);
  assert.equal(formatTableCell(undefined), "");
  assert.equal(formatTableCell(1 / 3, 2), "0.33");
  assert.equal(formatTableCell(NaN), "NaN");
});

test("table rejects no rows and rows without columns", () => {
  assert.throws(() => table([]), /at least one row/);
  assert.throws(() => table([{}]), /no columns/);
});
