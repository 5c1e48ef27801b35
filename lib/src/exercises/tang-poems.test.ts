import { test } from "node:test";
import * as assert from "node:assert/strict";
import { checkQuatrain } from "../data/quatrain";
import { exercises } from "./notebooks";
import { formRule, rhymes24 } from "./tang-poems";

/** The lines exercise `n` of notebook 09 prints for each answer. */
function lines(n: 1 | 2, answers: readonly unknown[]): string[] {
  const out: string[] = [];
  const ex = exercises("09-tang-poems", { print: (line) => out.push(line) });
  const check = ex.check.bind(ex) as unknown as (n: number, answer: unknown) => void;
  for (const answer of answers) check(n, answer);
  return out;
}

test("exercise 1: the reference rule writes poems that checkQuatrain accepts, in both forms", () => {
  for (const form of [5, 7] as const) {
    const marks = { mid: "，", end: "。" } as const;
    let poem = "";
    for (let i = 0; formRule(form, i) !== "eos"; i++) {
      const k = formRule(form, i);
      poem += k === "han" ? "山" : marks[k as "mid" | "end"];
    }
    assert.equal(poem.length, 4 * (form + 1));
    assert.deepEqual(checkQuatrain(poem, { form: String(form) as "5" | "7" }).problems, []);
  }
});

test("exercise 1: each typical slip gets its own message, none giving the positions away", () => {
  const off = lines(1, [
    (form: number, i: number) => (i >= 4 * form ? "eos" : i % form === form - 1 ? (Math.floor(i / form) % 2 === 0 ? "mid" : "end") : "han"),
    (form: 5 | 7, i: number) => (formRule(form, i) === "mid" ? "end" : formRule(form, i)),
    (form: 5 | 7, i: number) => (i >= 4 * (form + 1) ? "han" : formRule(form, i)),
    (_form: 5 | 7, i: number) => formRule(5, i),
    () => "character",
    () => undefined,
    (form: 5 | 7, i: number) => (i === 3 ? "end" : formRule(form, i)),
  ]);
  assert.match(off[0], /^✗.*one character too few/);
  assert.match(off[1], /^✗.*lines 1 and 3 end half a couplet/);
  assert.match(off[2], /^✗.*never stops/);
  assert.match(off[3], /^✗.*use the form argument/);
  assert.match(off[4], /^✗.*returns the string "character"/);
  assert.match(off[5], /^….*undefined/);
  assert.match(off[6], /^✗.*index 3 of a 5-character quatrain/);
  assert.match(lines(1, [formRule])[0], /^✓/);
});

test("exercise 2: the reference agrees with linesRhyme's rule; slips about lines 1–2, 1–3 and unknown readings are named", () => {
  const group = (t: Record<string, string>) => (c: string) => t[c];
  assert.equal(rhymes24("甲甲甲甲水，乙乙乙乙山。丙丙丙丙月，丁丁丁丁间？", group({ 山: "an", 间: "an" })), true);
  assert.equal(rhymes24("甲甲甲甲山，乙乙乙乙乙。丙丙丙丙山，丁丁丁丁丁。", group({})), false);
  const out = lines(2, [
    (poem: string, g: (c: string) => string | undefined) => {
      const ends = poem.split(/[，。？！；]/).map((l) => l[l.length - 1]);
      return g(ends[0]) !== undefined && g(ends[0]) === g(ends[1]);
    },
    (poem: string, g: (c: string) => string | undefined) => {
      const ends = poem.split(/[，。？！；]/).map((l) => l[l.length - 1]);
      return g(ends[1]) === g(ends[3]);
    },
    () => true,
    () => "yes",
    rhymes24,
  ]);
  assert.match(out[0], /^✗.*compares lines 1 and 2/);
  assert.match(out[1], /^✗.*an unknown rhymes with nothing/);
  assert.match(out[2], /^✗.*says every poem rhymes/);
  assert.match(out[3], /^✗.*return true or false/);
  assert.match(out[4], /^✓/);
});
