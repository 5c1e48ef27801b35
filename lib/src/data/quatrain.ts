/**
 * The form of a Tang quatrain (絕句), checked the way a reader would: four lines of five (五言) or seven
 * (七言) Han characters, each line closed by one punctuation mark, lines 2 and 4 closing a couplet.
 * The marks are those the `chinese-poetry` corpus uses at line ends ({@link QUATRAIN_LINE_ENDS}); a couplet
 * (lines 1–2, lines 3–4) ends in a full stop, a question or an exclamation ({@link COUPLET_ENDS}).
 *
 * ```ts
 * checkQuatrain("床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。", { form: "5" });
 * // { valid: true, problems: [] }
 * checkQuatrain("床前明月光，疑是地上霜，舉頭望明月，低頭思故。", { form: "5" }).problems;
 * // ['line 2 ends in "，"; lines 2 and 4 close a couplet and end in 。, ？ or ！',
 * //  "line 4 has 4 characters; a 5-character quatrain needs 5"]
 * ```
 * @see notebooks/09-tang-poems.ipynb
 */

/** Marks that may end a line of a quatrain (those the Tang corpus uses): ，。？！； */
export const QUATRAIN_LINE_ENDS = ["，", "。", "？", "！", "；"] as const;

/** Marks that may end lines 2 and 4, which close a couplet (line 4 also ends the poem): 。？！ */
export const COUPLET_ENDS = ["。", "？", "！"] as const;

/** A mark of {@link QUATRAIN_LINE_ENDS}. */
export type QuatrainLineEnd = (typeof QUATRAIN_LINE_ENDS)[number];

/** Line length of a quatrain form: `"5"` (五言絕句) or `"7"` (七言絕句). */
export type QuatrainForm = "5" | "7";

/** One line of a poem as {@link splitQuatrain} cuts it. */
export interface QuatrainLine {
  /** Everything before the line's punctuation (normally its Han characters). */
  readonly text: string;
  /** The mark(s) that close the line: one mark normally, `""` if the text stops without one, more than one if marks repeat. */
  readonly end: string;
}

/** Options of {@link checkQuatrain}. */
export interface CheckQuatrainOptions {
  /** Characters per line: `"5"` or `"7"`. */
  readonly form: QuatrainForm;
}

/** What {@link checkQuatrain} found. */
export interface QuatrainCheck {
  /** `true` when `problems` is empty. */
  readonly valid: boolean;
  /** One English sentence per problem, naming the line and what to change. */
  readonly problems: readonly string[];
}

const LINE_END_SET: ReadonlySet<string> = new Set(QUATRAIN_LINE_ENDS);
const COUPLET_END_SET: ReadonlySet<string> = new Set(COUPLET_ENDS);
const HAN = /^\p{Script=Han}$/u;
const ASCII_MARKS: Readonly<Record<string, string>> = { ",": "，", ".": "。", "?": "？", "!": "！", ";": "；" };

/** `true` if `char` (one code point) is a Han character (CJK ideograph, any plane). */
export function isHan(char: string): boolean {
  return HAN.test(char);
}

/** `true` if `char` is one of {@link QUATRAIN_LINE_ENDS}. */
export function isLineEnd(char: string): char is QuatrainLineEnd {
  return LINE_END_SET.has(char);
}

/**
 * Cuts `text` after each run of line-end marks ({@link QUATRAIN_LINE_ENDS}). Nothing is removed or
 * checked: spaces and stray symbols stay inside the lines, and text after the last mark becomes a last
 * line with `end: ""` (a line still being written).
 *
 * ```ts
 * splitQuatrain("白日依山盡，黃河入海流。欲窮");
 * // [{ text: "白日依山盡", end: "，" }, { text: "黃河入海流", end: "。" }, { text: "欲窮", end: "" }]
 * ```
 */
export function splitQuatrain(text: string): QuatrainLine[] {
  if (typeof text !== "string") throw new Error(`splitQuatrain: expected the poem as a string, got ${typeof text}.`);
  const lines: QuatrainLine[] = [];
  let body = "";
  let end = "";
  for (const ch of text) {
    if (isLineEnd(ch)) {
      end += ch;
      continue;
    }
    if (end !== "") {
      lines.push({ text: body, end });
      body = "";
      end = "";
    }
    body += ch;
  }
  if (body !== "" || end !== "") lines.push({ text: body, end });
  return lines;
}

/** Words for the characters of a line that are neither Han nor line-end marks, one problem per kind. */
function strayProblems(n: number, text: string): string[] {
  const chars = [...text];
  const problems: string[] = [];
  const quote = (cs: string[]): string => [...new Set(cs)].map((c) => `"${c}"`).join(", ");
  if (chars.some((c) => /\s/u.test(c))) problems.push(`line ${n} contains a space or line break; write the poem on one line without spaces`);
  const latin = chars.filter((c) => /\p{Script=Latin}/u.test(c));
  if (latin.length > 0) problems.push(`line ${n} contains Latin letters (${quote(latin)}); a quatrain is written in Han characters only`);
  const digits = chars.filter((c) => /\p{Nd}/u.test(c));
  if (digits.length > 0) problems.push(`line ${n} contains digits (${quote(digits)}); write numbers as Han characters, e.g. 三 or 千`);
  const ascii = chars.filter((c) => c in ASCII_MARKS);
  if (ascii.length > 0) {
    const fix = [...new Set(ascii)].map((c) => `${ASCII_MARKS[c]} for ${c}`).join(", ");
    problems.push(`line ${n} contains ASCII punctuation (${quote(ascii)}); use the full-width mark (${fix}) and only at the end of a line`);
  }
  const other = chars.filter((c) => !HAN.test(c) && !/\s/u.test(c) && !/\p{Script=Latin}/u.test(c) && !/\p{Nd}/u.test(c) && !(c in ASCII_MARKS));
  if (other.length > 0) {
    problems.push(`line ${n} contains ${quote(other)}, not a Han character; only Han characters, and one of ${QUATRAIN_LINE_ENDS.join("")} at the end, belong in a line`);
  }
  return problems;
}

/**
 * Checks that `text` is a quatrain of the given form and says, line by line, what is wrong:
 * - four lines, each closed by exactly one mark of {@link QUATRAIN_LINE_ENDS};
 * - lines 2 and 4 closed by one of {@link COUPLET_ENDS} (line 4 ends the poem);
 * - exactly 5 or 7 Han characters per line;
 * - nothing else: no spaces or line breaks, Latin letters, digits, ASCII punctuation or other symbols.
 *
 * Every poem `tangPoems` returns passes, except 17 whose source punctuates line 2 with ，or ；
 * (3 of the 3,749 five-character and 14 of the 10,338 seven-character traditional poems).
 *
 * @throws if `form` is not `"5"` or `"7"`.
 */
export function checkQuatrain(text: string, opts: CheckQuatrainOptions): QuatrainCheck {
  const form = opts?.form;
  if (form !== "5" && form !== "7") throw new Error(`checkQuatrain: form must be "5" or "7" (characters per line), got ${JSON.stringify(form)}.`);
  if (typeof text !== "string") throw new Error(`checkQuatrain: expected the poem as a string, got ${typeof text}.`);
  const n = Number(form);
  if (text === "") return { valid: false, problems: [`the poem is empty; a ${n}-character quatrain has four lines of ${n} Han characters, each ending in ，or 。`] };
  const lines = splitQuatrain(text);
  const problems: string[] = [];
  if (lines.length !== 4) {
    problems.push(`the poem has ${lines.length} line${lines.length === 1 ? "" : "s"}; a quatrain has 4, each ending in one of ${QUATRAIN_LINE_ENDS.join("")}`);
  }
  lines.forEach((line, i) => {
    const k = i + 1;
    const han = [...line.text].filter((c) => HAN.test(c)).length;
    if (han !== n) {
      const has = han === 0 ? "no Han characters" : `${han} character${han === 1 ? "" : "s"}`;
      problems.push(`line ${k} has ${has}; a ${n}-character quatrain needs ${n}`);
    }
    problems.push(...strayProblems(k, line.text));
    const last = k === lines.length;
    if (line.end === "") {
      problems.push(`line ${k} has no punctuation mark at its end; end it with ${k % 2 === 0 || last ? "。, ？ or ！" : "，or 。"}`);
    } else if ([...line.end].length > 1) {
      problems.push(`line ${k} ends in ${[...line.end].length} marks ("${line.end}"); end each line with exactly one`);
    } else if ((k === 2 || k === 4) && !COUPLET_END_SET.has(line.end)) {
      problems.push(`line ${k} ends in "${line.end}"; lines 2 and 4 close a couplet and end in 。, ？ or ！`);
    } else if (last && !COUPLET_END_SET.has(line.end)) {
      problems.push(`line ${k} ends the poem with "${line.end}"; the last line ends in 。, ？ or ！`);
    }
  });
  return { valid: problems.length === 0, problems };
}

/**
 * How often each line-end mark closes each line of `poems` (four lines each): `counts[k][mark]` for line `k + 1`.
 * Poems with other than four lines are skipped and counted in `skipped`.
 *
 * ```ts
 * lineEndCounts(tangPoems({ form: "5" }).map((p) => p.text)).counts[1]["。"]; // line 2 mostly ends a sentence
 * ```
 */
export function lineEndCounts(poems: readonly string[]): { readonly counts: Record<string, number>[]; readonly skipped: number } {
  const counts: Record<string, number>[] = [{}, {}, {}, {}];
  let skipped = 0;
  for (const poem of poems) {
    const lines = splitQuatrain(poem);
    if (lines.length !== 4) {
      skipped++;
      continue;
    }
    lines.forEach((l, k) => (counts[k][l.end] = (counts[k][l.end] ?? 0) + 1));
  }
  return { counts, skipped };
}
