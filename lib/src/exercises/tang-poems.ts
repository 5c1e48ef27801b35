/**
 * Exercises of notebook 09: the rule that guarantees a quatrain's form (what may come at each position),
 * and the test that lines 2 and 4 rhyme.
 * @see notebooks/09-tang-poems.ipynb
 */
import { isHan, splitQuatrain } from "../data/quatrain";
import { tangPoems } from "../data/tang";
import { rhymeGroup } from "../data/tones";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, wrong } from "./exercise";
import { describe } from "./feedback";

/** What the form allows at one position: a Han character, a mid-couplet mark (，；), a couplet-end mark (。？！), or `<eos>`. */
export type SlotKind = "han" | "mid" | "end" | "eos";

/** The answer of exercise 1: what may come as the `index`-th token (0-based, after `<bos>`) of a `form`-character quatrain. */
export type FormRuleFunction = (form: 5 | 7, index: number) => SlotKind | undefined;

/** Exercise 1: each line is `form` characters and a mark; ，； after lines 1 and 3, 。？！ after 2 and 4; then `<eos>`. */
export function formRule(form: 5 | 7, index: number): SlotKind {
  const width = form + 1; // the characters and the line's mark
  if (index >= 4 * width) return "eos"; // four lines written: only <eos>
  const line = Math.floor(index / width); // 0 … 3
  const column = index % width; // 0 … form
  if (column < form) return "han";
  return line % 2 === 0 ? "mid" : "end"; // lines 1 and 3 (0 and 2 here) end a half couplet
}

/** The indices the check tries: every position of the poem and a few after it. */
const INDICES = (form: 5 | 7): number[] => Array.from({ length: 4 * (form + 1) + 3 }, (_, i) => i);

function where(form: 5 | 7, index: number): string {
  return `index ${index} of a ${form}-character quatrain`;
}

/** Slips a student's rule may make, each recognised by its answers on every index, with what the student reads. */
const FORM_SLIPS: readonly [(form: 5 | 7, index: number) => SlotKind, string][] = [
  [
    (form, i) => (i >= 4 * form ? "eos" : i % form === form - 1 ? (Math.floor(i / form) % 2 === 0 ? "mid" : "end") : "han"),
    "your lines hold one character too few: the mark comes after the form's characters, so a line takes form + 1 tokens",
  ],
  [
    (form, i) => {
      const k = formRule(form, i);
      return k === "mid" ? "end" : k;
    },
    "every line of yours ends in a full stop; lines 1 and 3 end half a couplet, in ， or ；",
  ],
  [
    (form, i) => {
      const k = formRule(form, i);
      return k === "mid" ? "end" : k === "end" ? "mid" : k;
    },
    "your marks are swapped: a couplet is lines 1–2 and 3–4, so ，； come first and 。？！ close it",
  ],
  [
    (form, i) => (i >= 4 * (form + 1) ? "han" : formRule(form, i)),
    "your rule lets the poem go on after its fourth line; there only <eos> may come, or generation never stops",
  ],
];

function checkFormRule(answer: FormRuleFunction): Feedback {
  if (typeof answer !== "function") return wrong(`your answer is ${describe(answer)}, not a function`);
  const kinds: readonly string[] = ["han", "mid", "end", "eos"];
  let firstOff: [form: 5 | 7, index: number, got: string] | undefined;
  const answers = new Map<5 | 7, unknown[]>();
  for (const form of [5, 7] as const) {
    const got: unknown[] = [];
    for (const i of INDICES(form)) {
      let a: unknown;
      try {
        a = answer(form, i);
      } catch (err) {
        return wrong(`at ${where(form, i)}, your function raised an error: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (a === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
      if (typeof a !== "string" || !kinds.includes(a)) {
        return wrong(`at ${where(form, i)} your function returns ${describe(a)}; return one of "han", "mid", "end", "eos"`);
      }
      got.push(a);
      if (firstOff === undefined && a !== formRule(form, i)) firstOff = [form, i, a];
    }
    answers.set(form, got);
  }
  if (firstOff === undefined) {
    return correct(
      "a line is form characters and one mark, ，； close lines 1 and 3, 。？！ lines 2 and 4, and then only <eos>: quatrainConstraint allows exactly these token ids at each step",
    );
  }
  for (const [slip, message] of FORM_SLIPS) {
    if (([5, 7] as const).every((form) => INDICES(form).every((i, j) => answers.get(form)?.[j] === slip(form, i)))) return wrong(message);
  }
  const usesFive = INDICES(7).every((i, j) => answers.get(7)?.[j] === formRule(5, i));
  if (usesFive) return wrong("your rule gives a 7-character quatrain the positions of a 5-character one; use the form argument");
  const [form, i, got] = firstOff;
  return wrong(`at ${where(form, i)} your rule allows "${got}"; count which line and which column that token falls in`);
}

/** The answer of exercise 2: do lines 2 and 4 of `poem` end in the same rhyme group? */
export type RhymesFunction = (poem: string, groupOf: (char: string) => string | undefined) => boolean | undefined;

/** Exercise 2: the last Han characters of lines 2 and 4 both have a rhyme group, and it is the same. */
export function rhymes24(poem: string, groupOf: (char: string) => string | undefined): boolean {
  const lines = splitQuatrain(poem).map((l) => [...l.text].filter(isHan)); // the characters, marks left out
  const last = (k: number): string | undefined => lines[k]?.[lines[k].length - 1];
  const [a, b] = [last(1), last(3)]; // lines 2 and 4
  if (a === undefined || b === undefined) return false;
  const [ga, gb] = [groupOf(a), groupOf(b)];
  return ga !== undefined && ga === gb; // a character with no known reading rhymes with nothing
}

/** One poem of the check of exercise 2 and its rhyme-group table. */
interface RhymeCase {
  readonly poem: string;
  readonly groupOf: (char: string) => string | undefined;
}

let rhymeCases: readonly RhymeCase[] | undefined;

/** Real quatrains (both forms) with the 中华新韵 groups, and made-up ones that separate the usual slips. */
function rhymeCaseList(): readonly RhymeCase[] {
  if (rhymeCases !== undefined) return rhymeCases;
  const real = [
    ...tangPoems({ form: "5", script: "simplified" }).slice(0, 30),
    ...tangPoems({ form: "7", script: "simplified" }).slice(0, 30),
  ];
  const table = (t: Record<string, string>) => (c: string) => t[c];
  const made: RhymeCase[] = [
    // Lines 1 and 2 rhyme, 2 and 4 do not.
    { poem: "甲甲甲甲山，乙乙乙乙山。丙丙丙丙水，丁丁丁丁月。", groupOf: table({ 山: "an", 水: "ui", 月: "ue" }) },
    // Lines 2 and 4 rhyme, 1 and 3 do not; 4 ends in ？.
    { poem: "甲甲甲甲水，乙乙乙乙山。丙丙丙丙月，丁丁丁丁间？", groupOf: table({ 山: "an", 间: "an", 水: "ui", 月: "ue" }) },
    // Lines 1 and 3 rhyme, 2 and 4 do not.
    { poem: "甲甲甲甲天，乙乙乙乙水。丙丙丙丙年，丁丁丁丁月。", groupOf: table({ 天: "an", 年: "an", 水: "ui", 月: "ue" }) },
    // No reading for the last characters of lines 2 and 4: they rhyme with nothing.
    { poem: "甲甲甲甲山，乙乙乙乙乙。丙丙丙丙山，丁丁丁丁丁。", groupOf: table({ 山: "an" }) },
    // A 7-character poem whose lines 2 and 4 rhyme.
    {
      poem: "甲甲甲甲甲甲水，乙乙乙乙乙乙山。丙丙丙丙丙丙月，丁丁丁丁丁丁间。",
      groupOf: table({ 山: "an", 间: "an", 水: "ui", 月: "ue" }),
    },
  ];
  rhymeCases = [...real.map((p) => ({ poem: p.text, groupOf: rhymeGroup })), ...made];
  return rhymeCases;
}

/** The last Han character of each line of `poem`. */
function lineEnds(poem: string): (string | undefined)[] {
  return splitQuatrain(poem).map((l) => [...l.text].filter(isHan).pop());
}

/** Lines `i` and `j` (0-based) end in the same known group. */
const sameGroup = (c: RhymeCase, i: number, j: number): boolean => {
  const ends = lineEnds(c.poem);
  const [a, b] = [ends[i], ends[j]];
  return a !== undefined && b !== undefined && c.groupOf(a) !== undefined && c.groupOf(a) === c.groupOf(b);
};

/** Slips a student's test may make, each recognised by its answers on every case, with what the student reads. */
const RHYME_SLIPS: readonly [(c: RhymeCase) => boolean, string][] = [
  [() => true, "your function says every poem rhymes; some of the check's poems do not"],
  [() => false, "your function says no poem rhymes; some of the check's poems do"],
  [(c) => sameGroup(c, 0, 1), "your function compares lines 1 and 2; the rule is about lines 2 and 4"],
  [(c) => sameGroup(c, 0, 2), "your function compares lines 1 and 3; the rule is about lines 2 and 4"],
  [
    (c) => {
      const ends = lineEnds(c.poem);
      return c.groupOf(ends[1] ?? "") === c.groupOf(ends[3] ?? "");
    },
    "your function says two characters with no known reading rhyme; an unknown rhymes with nothing",
  ],
];

function checkRhymes(answer: RhymesFunction): Feedback {
  if (typeof answer !== "function") return wrong(`your answer is ${describe(answer)}, not a function`);
  const cases = rhymeCaseList();
  const got: boolean[] = [];
  for (const c of cases) {
    let a: unknown;
    try {
      a = answer(c.poem, c.groupOf);
    } catch (err) {
      return wrong(`on ${c.poem} your function raised an error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (a === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
    if (typeof a !== "boolean") return wrong(`your function returns ${describe(a)}; return true or false`);
    got.push(a);
  }
  const first = cases.findIndex((c, i) => got[i] !== rhymes24(c.poem, c.groupOf));
  if (first < 0) {
    return correct(
      "lines 2 and 4 end in the same rhyme group (and a character with no known reading rhymes with nothing), which is what linesRhyme and the rhyme rule of writeQuatrains test",
    );
  }
  for (const [slip, message] of RHYME_SLIPS) if (cases.every((c, i) => got[i] === slip(c))) return wrong(message);
  const c = cases[first];
  return wrong(
    `your function says ${c.poem} ${got[first] ? "rhymes" : "does not rhyme"} on lines 2 and 4; look at which lines you compare, and at their last characters rather than their marks`,
  );
}

/** The exercises of notebook 09-tang-poems. */
export const TANG_POEMS_EXERCISES = {
  notebook: "09-tang-poems",
  file: "exercises/tang-poems.ts",
  exercises: {
    1: functionExercise<FormRuleFunction>({
      title: "the rule of the form",
      hint: "A line is form characters followed by one mark, so it takes form + 1 tokens. Which line and which column is the index-th token? Lines 1 and 3 end half a couplet; after four lines only <eos> may come.",
      explanation:
        "Index ÷ (form + 1) gives the line and the remainder the column: columns 0 … form − 1 take characters, column form takes the line's mark, and index 4·(form + 1) is the end.",
      solution: formRule,
      mistake: (form, index) => (index >= 4 * (form + 1) ? "eos" : index % (form + 1) === form ? "end" : "han"),
      check: checkFormRule,
    }),
    2: functionExercise<RhymesFunction>({
      title: "do lines 2 and 4 rhyme?",
      hint: "splitQuatrain(poem) gives the lines; keep the Han characters of each (isHan) and take the last one of lines 2 and 4 (indices 1 and 3). They rhyme when groupOf gives both the same group, and not when either has none.",
      explanation:
        "The rhyme of a quatrain falls on the last characters of the even lines; the mark after them is punctuation, not a syllable, and a character with no known reading cannot be said to rhyme.",
      solution: rhymes24,
      mistake: (poem, groupOf) => {
        const ends = splitQuatrain(poem).map((l) => [...l.text].filter(isHan).pop() ?? "");
        return groupOf(ends[1]) === groupOf(ends[3]);
      },
      check: checkRhymes,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
