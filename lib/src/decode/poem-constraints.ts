/**
 * Constrained decoding of Tang quatrains (絕句) through the course's one sampling hook,
 * {@link AllowedTokens}: a rule that says, before every step, which tokens may come next, so that what
 * the model writes is a quatrain whatever it learned. {@link quatrainConstraint} composes four rules:
 *
 * - **form** (always on): four lines of exactly `form` (5 or 7) Han characters, each followed by one
 *   line-end mark — lines 1 and 3 by a mid-couplet mark (，；), lines 2 and 4 by a couplet-end mark
 *   (。？！) — and then only `<eos>`, so generation always stops;
 * - **acrostic** (藏頭詩, `heads`): line k starts with the k-th of four head characters;
 * - **tone pattern** (平仄, `tonePattern` + `tonalClassOf`): where the pattern says 平 or 仄, only
 *   characters of that tone class;
 * - **rhyme** (押韻, `rhymeWith`, e.g. {@link endRhyme}): the last character of a line comes from a set
 *   computed from the lines before it.
 *
 * Where rules meet, their sets intersect. An empty intersection is an error that names the line and the
 * position ("impossible constraint at line 2, position 5"), never an empty list. Rules that do not depend
 * on the text (form, heads, tones) are intersected once, when the rule is built, so such a conflict is
 * reported before any sampling; a rhyme set is intersected at its step.
 *
 * **Positions count from the start of the poem, not from the start of the generation.** `sample()` and
 * `beamSearch()` call `allowedTokens(t, generated, row)` with only the row's *new* ids (`t` equals
 * `generated.length`; the prefix is not included) and with `row` = the index of the row in the input
 * given to them (it stays the same when finished rows leave the batch). So the rule is given the same
 * prefixes (`prefixes`): in each, the tokens before the first Han character or line-end mark (such as
 * `<bos>`) are not part of the poem, the rest is the poem's beginning, and the position of the next token is
 * `poemTokensInPrefix + generated.length`. A prefix is checked when the rule is built (form and heads; its
 * own characters are not held to the tone pattern).
 *
 * Tones and rhyme groups are not computed here: the caller injects them (for instance from modern
 * Mandarin readings, which only approximate the Middle Chinese of the Tang poets).
 *
 * ```ts
 * const ids = quatrainTokenIds(vocab);                                    // Han characters, ，； 。？！, <eos>
 * const prefixes = Array.from({ length: 200 }, () => [vocab.bosId!]);
 * const allowedTokens = quatrainConstraint(ids, { form: 5, heads: "春夏秋冬", prefixes });
 * const rows = sample(languageModelStepper(model), prefixes, { method: { kind: "topP", p: 0.9 }, maxLength: quatrainMaxLength(5), eosId: ids.eosId, seed: 1, allowedTokens });
 * rows.map((r) => vocab.decode(r).join(""));                              // "春……，夏……。秋……，冬……。" × 200
 * ```
 * @see notebooks/09-tang-poems.ipynb
 */
import type { AllowedTokens } from "./sampling";

/** Lines of a quatrain. */
const LINES = 4;
/** A token that is one Han character. */
const HAN = /^\p{Script=Han}$/u;
/** Marks that end lines 1 and 3 when none are given (the corpus also ends a few dozen in ？ or 。). */
const DEFAULT_MID_ENDS = "，；";
/** Marks that end lines 2 and 4 when none are given. */
const DEFAULT_COUPLET_ENDS = "。？！";
/** How a tone pattern written as text spells its slots: 平 (level), 仄 (oblique), 中 (either). */
const TONE_CHARS: Readonly<Record<string, PoemToneSlot>> = { 平: "ping", 仄: "ze", 中: "free" };

// ---------------------------------------------------------------- token ids and positions

/** The part of a vocabulary {@link quatrainTokenIds} reads (the course's `Vocab` fits). */
export interface QuatrainVocab {
  /** Tokens in id order. */
  readonly tokens: readonly string[];
  /** Id of `<eos>`, if the vocabulary has it. */
  readonly eosId?: number;
}

/** Options of {@link quatrainTokenIds}. */
export interface QuatrainTokenOptions {
  /** Marks that may end lines 1 and 3. Default `"，；"`; pass `"，；？"` to allow a question there too. */
  readonly midEnds?: string;
  /** Marks that may end lines 2 and 4. Default `"。？！"`. */
  readonly coupletEnds?: string;
}

/** The token ids the quatrain rules work with. */
export interface QuatrainTokenIds {
  /** Token of each id, in id order (to find the heads and to name tokens in errors). */
  readonly tokens: readonly string[];
  /** Ids of the tokens that are one Han character: the only tokens allowed inside a line. */
  readonly hanIds: readonly number[];
  /** Ids of the marks allowed after lines 1 and 3 (e.g. ，；). */
  readonly midEndIds: readonly number[];
  /** Ids of the marks allowed after lines 2 and 4 (e.g. 。？！). */
  readonly coupletEndIds: readonly number[];
  /** Id of `<eos>`, the only token allowed after the fourth line. */
  readonly eosId: number;
}

/**
 * The ids {@link quatrainConstraint} needs, read from a vocabulary: every one-Han-character token, the
 * line-end marks the vocabulary has, and `<eos>`. A mark the vocabulary lacks is left out (the model could
 * not write it anyway).
 *
 * ```ts
 * const ids = quatrainTokenIds(vocab, { midEnds: "，；？" }); // a question may also end line 1 or 3
 * ```
 * @throws Error when the vocabulary has no `<eos>`, no Han character, or none of the marks of a kind.
 */
export function quatrainTokenIds(vocab: QuatrainVocab, opts: QuatrainTokenOptions = {}): QuatrainTokenIds {
  const { midEnds = DEFAULT_MID_ENDS, coupletEnds = DEFAULT_COUPLET_ENDS } = opts;
  if (vocab.eosId === undefined) {
    throw new Error(
      'quatrainTokenIds: the vocabulary has no "<eos>", so a poem could never end. Build it with { reserved: [..., "<eos>"] } ' +
        "and train on poems that end with it.",
    );
  }
  const index = new Map(vocab.tokens.map((t, i) => [t, i]));
  const markIds = (marks: string, name: string): number[] => {
    for (const m of marks) {
      if (HAN.test(m))
        throw new Error(`quatrainTokenIds: ${name} "${marks}" contains the Han character ${m}; give punctuation marks only.`);
    }
    const ids = [...new Set(marks)].flatMap((m) => index.get(m) ?? []);
    if (ids.length === 0) {
      throw new Error(
        `quatrainTokenIds: none of the ${name} marks "${marks}" is in the vocabulary. Build the vocabulary from the poems' text ` +
          `with its punctuation (TangPoem.text), or pass ${name} with marks it has.`,
      );
    }
    return ids;
  };
  const hanIds = vocab.tokens.flatMap((t, i) => (HAN.test(t) ? [i] : []));
  if (hanIds.length === 0) throw new Error("quatrainTokenIds: the vocabulary has no Han character; build it from the poems' text.");
  return {
    tokens: vocab.tokens,
    hanIds,
    midEndIds: markIds(midEnds, "midEnds"),
    coupletEndIds: markIds(coupletEnds, "coupletEnds"),
    eosId: vocab.eosId,
  };
}

/** Where a token sits in a quatrain. */
export interface QuatrainPosition {
  /** 0-based line, 0 … 3; 4 once the poem is complete (only `<eos>` may follow). */
  readonly line: number;
  /** 0-based column: 0 … form − 1 for a character, `form` for the line-end mark (0 after the poem). */
  readonly column: number;
}

/**
 * The line and column of the `index`-th token of a quatrain of `form`-character lines (marks included).
 *
 * ```ts
 * quatrainPosition(5, 11); // { line: 1, column: 5 }: the mark after line 2
 * ```
 */
export function quatrainPosition(form: 5 | 7, index: number): QuatrainPosition {
  checkForm("quatrainPosition", form);
  if (!(Number.isInteger(index) && index >= 0)) throw new Error(`quatrainPosition: index must be an integer ≥ 0, got ${index}.`);
  const width = form + 1; // characters + mark
  if (index >= LINES * width) return { line: LINES, column: 0 };
  return { line: Math.floor(index / width), column: index % width };
}

/** The `maxLength` that lets `sample()` write a whole quatrain and its `<eos>`: `4 · (form + 1) + 1`. */
export function quatrainMaxLength(form: 5 | 7): number {
  checkForm("quatrainMaxLength", form);
  return LINES * (form + 1) + 1;
}

function checkForm(where: string, form: number): void {
  if (form !== 5 && form !== 7) throw new Error(`${where}: form must be 5 or 7 (characters per line), got ${JSON.stringify(form)}.`);
}

// ---------------------------------------------------------------- rule hooks

/** A tone class: 平 (`"ping"`, level) or 仄 (`"ze"`, oblique). */
export type PoemTone = "ping" | "ze";

/** One position of a tone pattern: a tone class, or `"free"` (中, either). */
export type PoemToneSlot = PoemTone | "free";

/** One line of a tone pattern: its slots, or text of 平, 仄 and 中, e.g. `"中仄平平仄"`. */
export type PoemToneLine = readonly PoemToneSlot[] | string;

/**
 * The characters that may end line `line` (0-based) given the last character of every line before it
 * (`earlierEnds[k]` ends line k) and the poem so far (`text`: prefix and generated ids, marks included);
 * `undefined` leaves the line free. Called once per line, at its last character.
 */
export type RhymeRule = (line: number, earlierEnds: readonly number[], text: readonly number[]) => ReadonlySet<number> | undefined;

/** Options of {@link quatrainConstraint}. */
export interface QuatrainConstraintOptions {
  /** Characters per line: 5 (五言絕句) or 7 (七言絕句). */
  readonly form: 5 | 7;
  /** Acrostic heads, one Han character per line: `"春夏秋冬"` or `["春", "夏", "秋", "冬"]`. Default none. */
  readonly heads?: string | readonly string[];
  /**
   * What to do with a head the vocabulary does not have: `"error"` (default) throws and names it;
   * `"skip"` lets that line start with any character.
   */
  readonly unknownHead?: "error" | "skip";
  /** The tone pattern: 4 lines of `form` slots each. Needs `tonalClassOf`. Default none. */
  readonly tonePattern?: readonly PoemToneLine[];
  /**
   * The tone class of a character id, or `undefined` when it is not known; such characters are left out
   * wherever the pattern says 平 or 仄 (they remain allowed at 中 positions).
   */
  readonly tonalClassOf?: (id: number) => PoemTone | undefined;
  /** The rhyme rule (see {@link RhymeRule} and {@link endRhyme}). Default none. */
  readonly rhymeWith?: RhymeRule;
  /**
   * The prefixes the sampler starts from, one per row, exactly as given to `sample()` or `beamSearch()`
   * (leading tokens that are neither Han characters nor marks, such as `<bos>`, are skipped). Default: every
   * row starts at the beginning of the poem.
   */
  readonly prefixes?: readonly (readonly number[])[];
}

/** Describes one token for an error message. */
function tokenName(ids: QuatrainTokenIds, id: number): string {
  const t = ids.tokens[id];
  return t === undefined ? `id ${id}` : JSON.stringify(t);
}

/** The class names of a tone slot, as errors show them. */
function toneName(tone: PoemTone | undefined): string {
  return tone === "ping" ? "平 (ping)" : tone === "ze" ? "仄 (ze)" : "of unknown tone";
}

/** Checks the ids: integers in range, disjoint kinds, `<eos>` apart. */
function checkTokenIds(ids: QuatrainTokenIds): void {
  const V = ids.tokens.length;
  const kinds: [string, readonly number[]][] = [
    ["hanIds", ids.hanIds],
    ["midEndIds", ids.midEndIds],
    ["coupletEndIds", ids.coupletEndIds],
    ["eosId", [ids.eosId]],
  ];
  for (const [name, list] of kinds) {
    if (list.length === 0) throw new Error(`quatrainConstraint: ${name} is empty; build the ids with quatrainTokenIds(vocab).`);
    for (const id of list) {
      if (!(Number.isInteger(id) && id >= 0 && id < V))
        throw new Error(`quatrainConstraint: ${name} has id ${id}, which is not in the vocabulary of ${V} tokens.`);
    }
  }
  const han = new Set(ids.hanIds);
  const marks = [...ids.midEndIds, ...ids.coupletEndIds];
  const both = marks.find((id) => han.has(id) || id === ids.eosId) ?? ids.hanIds.find((id) => id === ids.eosId);
  if (both !== undefined) {
    throw new Error(
      `quatrainConstraint: token ${tokenName(ids, both)} is listed as two kinds (character, mark or <eos>); each id must be one kind.`,
    );
  }
}

/** The id of each line's head (or `undefined` for a free line). */
function headIds(ids: QuatrainTokenIds, heads: string | readonly string[] | undefined, unknownHead: string): (number | undefined)[] {
  if (heads === undefined) return new Array<undefined>(LINES).fill(undefined);
  if (unknownHead !== "error" && unknownHead !== "skip")
    throw new Error(`quatrainConstraint: unknownHead must be "error" or "skip", got ${JSON.stringify(unknownHead)}.`);
  const list = typeof heads === "string" ? [...heads] : [...heads];
  if (list.length !== LINES) {
    throw new Error(
      `quatrainConstraint: an acrostic needs ${LINES} head characters, one per line; got ${list.length} in ${JSON.stringify(heads)}.`,
    );
  }
  const han = new Map(ids.hanIds.map((id) => [ids.tokens[id], id]));
  return list.map((h, k) => {
    if (typeof h !== "string" || !HAN.test(h))
      throw new Error(
        `quatrainConstraint: head ${k + 1}, ${JSON.stringify(h)}, is not one Han character; give four characters such as "春夏秋冬".`,
      );
    const id = han.get(h);
    if (id !== undefined || unknownHead === "skip") return id;
    throw new Error(
      `quatrainConstraint: the acrostic head "${h}" (line ${k + 1}) is not in the model's vocabulary, so the model can never write it. ` +
        `Choose another character (if the model was trained on simplified characters, write the head simplified, and vice versa), ` +
        `or pass unknownHead: "skip" to let line ${k + 1} start with any character.`,
    );
  });
}

/** The tone pattern as slots, `[4][form]`, or `undefined` when there is none. */
function toneSlots(form: 5 | 7, opts: QuatrainConstraintOptions): PoemToneSlot[][] | undefined {
  const { tonePattern, tonalClassOf } = opts;
  if (tonePattern === undefined && tonalClassOf === undefined) return undefined;
  if (tonePattern === undefined || tonalClassOf === undefined) {
    throw new Error(
      "quatrainConstraint: a tone rule needs both tonePattern (which class where) and tonalClassOf (the class of each character); give both or neither.",
    );
  }
  if (tonePattern.length !== LINES) throw new Error(`quatrainConstraint: tonePattern needs ${LINES} lines, got ${tonePattern.length}.`);
  return tonePattern.map((line, l) => {
    const slots: string[] = typeof line === "string" ? [...line].map((c) => TONE_CHARS[c] ?? c) : [...line];
    if (slots.length !== form)
      throw new Error(
        `quatrainConstraint: line ${l + 1} of tonePattern has ${slots.length} slots; a ${form}-character quatrain needs ${form}.`,
      );
    const bad = slots.find((s) => s !== "ping" && s !== "ze" && s !== "free");
    if (bad !== undefined) {
      throw new Error(
        `quatrainConstraint: line ${l + 1} of tonePattern has ${JSON.stringify(bad)}; use "ping", "ze" and "free" (or 平, 仄 and 中 in text).`,
      );
    }
    return slots as PoemToneSlot[];
  });
}

/** The error of an empty intersection: where, and which rules met there. */
function impossible(line: number, column: number, rules: readonly string[], row?: number): Error {
  const where = `line ${line + 1}, position ${column + 1}${row === undefined ? "" : ` (row ${row})`}`;
  return new Error(
    `quatrainConstraint: impossible constraint at ${where}: no character satisfies all of: ${rules.join("; ")}. ` +
      "Loosen a rule there: mark the position 中 (free) in the tone pattern, choose another head, or widen the rhyme groups.",
  );
}

/** The poem part of a prefix (after any leading `<bos>`), checked against the form and the heads. */
function poemStart(prefix: readonly number[], row: number, ctx: RuleContext): number[] {
  const { ids, form, heads, han, lineEnds } = ctx;
  const isPoemToken = (id: number): boolean => han.has(id) || lineEnds.some((ends) => ends.includes(id));
  const first = prefix.findIndex(isPoemToken);
  const poem = first < 0 ? [] : prefix.slice(first);
  poem.forEach((id, i) => {
    const { line, column } = quatrainPosition(form, i);
    const at = `row ${row}'s prefix has ${tokenName(ids, id)} at line ${line + 1}, position ${column + 1}`;
    if (line === LINES)
      throw new Error(
        `quatrainConstraint: ${at}, after the end of the quatrain; a prefix holds at most ${LINES * (form + 1)} poem tokens.`,
      );
    if (column === form && !lineEnds[line].includes(id)) {
      const marks = lineEnds[line].map((m) => ids.tokens[m]).join("");
      throw new Error(`quatrainConstraint: ${at}, where line ${line + 1} of ${form} characters must end with one of ${marks}.`);
    }
    if (column < form && !han.has(id)) throw new Error(`quatrainConstraint: ${at}, where a Han character is needed (lines have ${form}).`);
    const head = heads[line];
    if (column === 0 && head !== undefined && id !== head) {
      throw new Error(
        `quatrainConstraint: row ${row}'s prefix starts line ${line + 1} with ${tokenName(ids, id)} but the acrostic asks for ` +
          `${tokenName(ids, head)}; change the prefix or the heads.`,
      );
    }
  });
  return poem;
}

/** What the rule and its checks share. */
interface RuleContext {
  readonly ids: QuatrainTokenIds;
  readonly form: 5 | 7;
  /** Head id of each line, or `undefined`. */
  readonly heads: readonly (number | undefined)[];
  readonly han: ReadonlySet<number>;
  /** The marks allowed after each line. */
  readonly lineEnds: readonly (readonly number[])[];
}

/**
 * The form rule, with an acrostic, a tone pattern and a rhyme rule when asked for: an
 * {@link AllowedTokens} for `sample()` or `beamSearch()` that makes every row a quatrain of `form`-character
 * lines followed by `<eos>` (give `maxLength: quatrainMaxLength(form)` or more, so the `<eos>` fits).
 *
 * ```ts
 * const ids = quatrainTokenIds(vocab);
 * const allowedTokens = quatrainConstraint(ids, {
 *   form: 5,
 *   heads: "春夏秋冬",
 *   tonePattern: ["中仄平平仄", "平平仄仄平", "中平平仄仄", "中仄仄平平"],
 *   tonalClassOf: (id) => toneOf(vocab.tokens[id]),               // the caller's tone table
 *   rhymeWith: endRhyme(ids, { groupOf: (id) => rhymeOf(vocab.tokens[id]) }),
 *   prefixes,                                                      // the same array sample() gets
 * });
 * ```
 * @throws Error when an option is invalid, a head is not in the vocabulary (with `unknownHead: "error"`), a
 *   prefix breaks the form or the heads, or the rules leave no character at some position; the returned rule
 *   throws when a rhyme set leaves none at its step, or when asked about a row without a prefix.
 */
export function quatrainConstraint(ids: QuatrainTokenIds, opts: QuatrainConstraintOptions): AllowedTokens {
  const { form, unknownHead = "error", rhymeWith, tonalClassOf, prefixes } = opts;
  checkForm("quatrainConstraint", form);
  checkTokenIds(ids);
  const heads = headIds(ids, opts.heads, unknownHead);
  const tones = toneSlots(form, opts);
  const toneOf = new Map(tonalClassOf ? ids.hanIds.map((id) => [id, tonalClassOf(id)]) : []);

  // The characters allowed at each (line, column) by the rules that do not depend on the text, and their names.
  const charSets: number[][][] = [];
  const ruleNames: string[][][] = [];
  for (let line = 0; line < LINES; line++) {
    charSets.push([]);
    ruleNames.push([]);
    for (let column = 0; column < form; column++) {
      let allowed = [...ids.hanIds];
      const names = ["the form (a Han character)"];
      const head = column === 0 ? heads[line] : undefined;
      if (head !== undefined) {
        allowed = [head];
        names.push(`the acrostic head ${tokenName(ids, head)}${tones ? `, which tonalClassOf calls ${toneName(toneOf.get(head))}` : ""}`);
      }
      const slot = tones?.[line][column];
      if (slot === "ping" || slot === "ze") {
        allowed = allowed.filter((id) => toneOf.get(id) === slot);
        names.push(`the tone pattern's ${toneName(slot)}`);
      }
      if (allowed.length === 0) throw impossible(line, column, names);
      charSets[line].push(allowed);
      ruleNames[line].push(names);
    }
  }

  const ctx: RuleContext = {
    ids,
    form,
    heads,
    han: new Set(ids.hanIds),
    lineEnds: [ids.midEndIds, ids.coupletEndIds, ids.midEndIds, ids.coupletEndIds],
  };
  const starts = (prefixes ?? []).map((p, row) => poemStart(p, row, ctx));
  const eosOnly = [ids.eosId];

  return (_t, generated, row) => {
    if (prefixes !== undefined && starts[row] === undefined) {
      throw new Error(
        `quatrainConstraint: no prefix for row ${row} (${prefixes.length} given); pass the same prefixes you give to sample(), one per row.`,
      );
    }
    const start = starts[row] ?? [];
    const { line, column } = quatrainPosition(form, start.length + generated.length);
    if (line === LINES) return eosOnly; // the poem is complete: stop
    if (column === form) return ctx.lineEnds[line];
    const allowed = charSets[line][column];
    if (rhymeWith === undefined || column !== form - 1) return allowed;
    const text = [...start, ...generated];
    const earlierEnds = Array.from({ length: line }, (_, k) => text[k * (form + 1) + form - 1]);
    const rhyme = rhymeWith(line, earlierEnds, text);
    if (rhyme === undefined) return allowed;
    const both = allowed.filter((id) => rhyme.has(id));
    if (both.length === 0) throw impossible(line, column, [...ruleNames[line][column], `the rhyme rule (${rhyme.size} characters)`], row);
    return both;
  };
}

// ---------------------------------------------------------------- a rhyme rule

/** Options of {@link endRhyme}. */
export interface EndRhymeOptions {
  /**
   * The rhyme group of a character id (e.g. its final in modern Mandarin), or `undefined` when it has none
   * that may rhyme. To rhyme on 平 only, as regulated verse does, return `undefined` for 仄 characters.
   */
  readonly groupOf: (id: number) => string | undefined;
  /** 0-based lines whose last characters rhyme: default `[1, 3]` (lines 2 and 4); `[0, 1, 3]` rhymes line 1 too. */
  readonly lines?: readonly number[];
  /** Forbid ending two rhyming lines with the same character. Default `true`. */
  readonly distinct?: boolean;
}

/**
 * A {@link RhymeRule}: the first of `lines` ends in a character of a rhyme group large enough for all of
 * them, and the later ones end in the same group (with other characters, when `distinct`).
 *
 * ```ts
 * const rhymeWith = endRhyme(ids, { groupOf: (id) => finalOf(ids.tokens[id]), lines: [1, 3] });
 * ```
 * @throws Error when `lines` is invalid or no group is large enough; the rule throws when the first rhyming
 *   line (from a prefix) ends in a character without a group.
 */
export function endRhyme(ids: QuatrainTokenIds, opts: EndRhymeOptions): RhymeRule {
  const { groupOf, lines = [1, 3], distinct = true } = opts;
  const rhyming = [...lines].sort((a, b) => a - b);
  if (rhyming.length < 2 || new Set(rhyming).size !== rhyming.length || !rhyming.every((l) => Number.isInteger(l) && l >= 0 && l < LINES)) {
    throw new Error(
      `endRhyme: lines must be two or more different 0-based lines from 0 to 3, such as [1, 3]; got ${JSON.stringify(lines)}.`,
    );
  }
  const groups = new Map<string, number[]>();
  for (const id of ids.hanIds) {
    const g = groupOf(id);
    if (g === undefined) continue;
    const members = groups.get(g);
    if (members) members.push(id);
    else groups.set(g, [id]);
  }
  const need = distinct ? rhyming.length : 1; // characters a group needs so that every rhyming line can end in it
  const firstEnds = new Set([...groups.values()].filter((members) => members.length >= need).flat());
  if (firstEnds.size === 0)
    throw new Error(`endRhyme: no rhyme group has ${need} characters in the vocabulary; check groupOf, or pass distinct: false.`);
  const [first] = rhyming;
  return (line, earlierEnds) => {
    if (!rhyming.includes(line)) return undefined;
    if (line === first) return firstEnds;
    const anchor = earlierEnds[first];
    const group = groupOf(anchor);
    if (group === undefined) {
      throw new Error(
        `endRhyme: line ${first + 1} ends in ${tokenName(ids, anchor)}, which groupOf puts in no rhyme group, so line ${line + 1} ` +
          `cannot rhyme with it. Give a prefix whose line ${first + 1} ends in a rhyming character, or extend groupOf.`,
      );
    }
    const used = new Set(distinct ? rhyming.filter((k) => k < line).map((k) => earlierEnds[k]) : []);
    return new Set((groups.get(group) ?? []).filter((id) => !used.has(id)));
  };
}
