import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { Vocab } from "../data/vocab";
import { charTokens } from "../data/tokenize";
import { GRUScratch } from "../rnn/gru";
import { RNNLMScratch } from "../rnn/rnn-lm";
import { beamSearch } from "./beam-search";
import {
  PoemTone,
  QuatrainConstraintOptions,
  endRhyme,
  quatrainConstraint,
  quatrainMaxLength,
  quatrainPosition,
  quatrainTokenIds,
} from "./poem-constraints";
import { DecodeMethod, sample } from "./sampling";
import { Prefixes, Stepper, languageModelStepper } from "./stepper";

before(async () => {
  await setupBackend();
});

// A toy vocabulary: 25 Han characters with a tone class and a rhyme group each (一 has neither), the five
// line-end marks, one mark the rules never allow (、), a Latin letter, and the reserved tokens.
const CHARS: Readonly<Record<string, readonly [PoemTone | undefined, string | undefined]>> = {
  春: ["ping", "un"],
  夏: ["ze", "a"],
  秋: ["ping", "iu"],
  冬: ["ping", "ong"],
  花: ["ping", "a"],
  月: ["ze", "ue"],
  山: ["ping", "an"],
  水: ["ze", "ui"],
  风: ["ping", "ong"],
  雨: ["ze", "u"],
  江: ["ping", "ang"],
  天: ["ping", "an"],
  人: ["ping", "en"],
  来: ["ping", "ai"],
  不: ["ze", "u"],
  无: ["ping", "u"],
  落: ["ze", "uo"],
  日: ["ze", "i"],
  白: ["ze", "ai"],
  光: ["ping", "ang"],
  霜: ["ping", "ang"],
  乡: ["ping", "ang"],
  寒: ["ping", "an"],
  间: ["ping", "an"],
  一: [undefined, undefined],
};
const vocab = Vocab.build(charTokens(`${Object.keys(CHARS).join("")}，；。？！、a`), { reserved: ["<pad>", "<unk>", "<bos>", "<eos>"] });
const ids = quatrainTokenIds(vocab);
const BOS = vocab.bosId!;
const EOS = vocab.eosId!;
const id = (c: string): number => vocab.idOf(c);
const text = (row: readonly number[]): string => vocab.decode(row).join("");
const toneOf = (i: number): PoemTone | undefined => CHARS[vocab.tokens[i]]?.[0];
const groupOf = (i: number): string | undefined => CHARS[vocab.tokens[i]]?.[1];

/** A 32-bit hash of a list of small integers. */
function mix(values: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) h = Math.imul(h ^ (v + 1), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A deterministic toy model: the logits of each row are a hash of its whole history (prefix and generated
 * tokens), in [−2, 2], plus an optional bias per token. It knows nothing of poems.
 */
class ToyPoemStepper implements Stepper<Prefixes> {
  readonly vocabSize = vocab.size;
  private histories: number[][] = [];

  constructor(private readonly bias: Readonly<Record<number, number>> = {}) {}

  get numRows(): number {
    return this.histories.length;
  }

  start(prefixes: Prefixes): Float32Array {
    this.histories = prefixes.map((p) => [...p]);
    return this.logits();
  }

  step(next: readonly number[]): Float32Array {
    next.forEach((t, i) => this.histories[i].push(t));
    return this.logits();
  }

  reorder(rows: readonly number[]): void {
    this.histories = rows.map((r) => [...this.histories[r]]);
  }

  dispose(): void {
    this.histories = [];
  }

  private logits(): Float32Array {
    const V = this.vocabSize;
    const out = new Float32Array(this.numRows * V); // [numRows, V]
    this.histories.forEach((h, r) => {
      for (let v = 0; v < V; v++) out[r * V + v] = (mix([...h, 1000 + v]) / 2 ** 32) * 4 - 2 + (this.bias[v] ?? 0);
    });
    return out;
  }
}

/** True when `poem` is 4 lines of `form` Han characters, lines 1 and 3 ended by ，；, lines 2 and 4 by 。？！. */
function isQuatrain(poem: string, form: 5 | 7): boolean {
  const line = `\\p{Script=Han}{${form}}`;
  return new RegExp(`^${line}[，；]${line}[。？！]${line}[，；]${line}[。？！]$`, "u").test(poem);
}

/** The four lines of a valid quatrain, without marks. */
function linesOf(poem: string, form: 5 | 7): string[] {
  const chars = [...poem];
  return [0, 1, 2, 3].map((l) => chars.slice(l * (form + 1), l * (form + 1) + form).join(""));
}

const N = 200;
const TOP_P: DecodeMethod = { kind: "topP", p: 0.95 };
const fromBos = (n = N): number[][] => Array.from({ length: n }, () => [BOS]);

/** `n` rows sampled from the toy model (from `<bos>`), with the constraint `opts` when given. */
function poems(form: 5 | 7, opts: Omit<QuatrainConstraintOptions, "form" | "prefixes"> | undefined, seed: number, extra = 10): number[][] {
  const prefixes = fromBos();
  const allowedTokens = opts && quatrainConstraint(ids, { form, prefixes, ...opts });
  return sample(new ToyPoemStepper(), prefixes, {
    method: TOP_P,
    maxLength: quatrainMaxLength(form) + extra,
    eosId: EOS,
    seed,
    allowedTokens,
  });
}

test("quatrainTokenIds: Han characters, the marks of each kind and <eos>; clear errors for a vocabulary without them", () => {
  assert.deepEqual(
    ids.hanIds.map((i) => vocab.tokens[i]).sort(),
    Object.keys(CHARS).sort(),
    "a, 、 and the reserved tokens are not characters",
  );
  assert.deepEqual(
    ids.midEndIds.map((i) => vocab.tokens[i]),
    ["，", "；"],
  );
  assert.deepEqual(
    ids.coupletEndIds.map((i) => vocab.tokens[i]),
    ["。", "？", "！"],
  );
  assert.equal(ids.eosId, EOS);
  assert.deepEqual(
    quatrainTokenIds(vocab, { midEnds: "，；？·" }).midEndIds.map((i) => vocab.tokens[i]),
    ["，", "；", "？"],
    "a mark the vocabulary lacks is left out",
  );
  assert.throws(() => quatrainTokenIds({ tokens: vocab.tokens }), /no "<eos>".*reserved/);
  const noMarks = Vocab.build(charTokens("春夏秋冬"), { reserved: ["<eos>"] });
  assert.throws(() => quatrainTokenIds(noMarks), /none of the midEnds marks "，；" is in the vocabulary.*punctuation/);
  assert.throws(() => quatrainTokenIds(vocab, { coupletEnds: "。春" }), /contains the Han character 春/);
  assert.throws(() => quatrainTokenIds(Vocab.build(charTokens("ab，。"), { reserved: ["<eos>"] })), /no Han character/);
});

test("quatrainPosition and quatrainMaxLength count characters and marks", () => {
  assert.deepEqual(quatrainPosition(5, 0), { line: 0, column: 0 });
  assert.deepEqual(quatrainPosition(5, 5), { line: 0, column: 5 });
  assert.deepEqual(quatrainPosition(5, 11), { line: 1, column: 5 });
  assert.deepEqual(quatrainPosition(7, 16), { line: 2, column: 0 });
  assert.deepEqual(quatrainPosition(7, 32), { line: 4, column: 0 });
  assert.equal(quatrainMaxLength(5), 25);
  assert.equal(quatrainMaxLength(7), 33);
  assert.throws(() => quatrainMaxLength(6 as 5), /form must be 5 or 7/);
  assert.throws(() => quatrainPosition(5, -1), /index must be an integer ≥ 0/);
});

test("without the rule the toy model writes no quatrain, and many rows never stop (so the form tests can fail)", () => {
  for (const form of [5, 7] as const) {
    const rows = poems(form, undefined, 1);
    const maxLength = quatrainMaxLength(form) + 10;
    assert.equal(rows.filter((r) => isQuatrain(text(r), form)).length, 0, `form ${form}: no valid quatrain`);
    assert.ok(rows.filter((r) => r.length === maxLength).length > 20, `form ${form}: rows cut at maxLength, <eos> never sampled`);
  }
});

test("user problems 'not in poem form' and 'line length cannot be chosen': 200 samples of each form are all valid quatrains", () => {
  for (const form of [5, 7] as const) {
    for (const seed of [1, 2]) {
      const rows = poems(form, {}, seed);
      rows.forEach((r, b) => assert.ok(isQuatrain(text(r), form), `form ${form}, seed ${seed}, row ${b}: ${text(r)}`));
      assert.equal(new Set(rows.map(text)).size, N, "the rows differ: the rule restricts, it does not dictate");
      // Every mark the rule allows shows up where it is allowed.
      const at = (line: number): Set<string> => new Set(rows.map((r) => vocab.tokens[r[line * (form + 1) + form]]));
      assert.deepEqual([...at(0)].sort(), ["，", "；"]);
      assert.deepEqual([...at(3)].sort(), ["。", "！", "？"]);
    }
  }
});

test("user problem 'generation never ends': every row stops with <eos> right after line 4, whatever maxLength and temperature", () => {
  for (const form of [5, 7] as const) {
    const prefixes = fromBos();
    const allowedTokens = quatrainConstraint(ids, { form, prefixes });
    const method: DecodeMethod = { kind: "temperature", temperature: 3 };
    // An <eos> the model never wants: its logit is 30 below the others.
    const stepper = new ToyPoemStepper({ [EOS]: -30 });
    const rows = sample(stepper, prefixes, { method, maxLength: 1000, eosId: EOS, seed: 3, allowedTokens });
    for (const r of rows) assert.equal(r.length, 4 * (form + 1), `form ${form}: stopped right after the poem: ${text(r)}`);
    // quatrainMaxLength is exactly enough: one fewer cuts the <eos>, so the row comes back at full length.
    const cut = sample(new ToyPoemStepper(), [[BOS]], { method, maxLength: quatrainMaxLength(form) - 1, eosId: EOS, allowedTokens });
    assert.equal(cut[0].length, quatrainMaxLength(form) - 1);
  }
});

test("user problem 'acrostic gives one line': the heads start all four lines, from a string or an array", () => {
  for (const form of [5, 7] as const) {
    for (const heads of ["春夏秋冬", ["山", "水", "风", "月"]]) {
      const rows = poems(form, { heads }, 4);
      const want = [...heads].join("");
      for (const r of rows) {
        assert.ok(isQuatrain(text(r), form), text(r));
        assert.equal(
          linesOf(text(r), form)
            .map((l) => l[0])
            .join(""),
          want,
          text(r),
        );
      }
    }
  }
});

test("user problem 'acrostic breaks on ？': lines ending in ？ keep the count, the heads and the form", () => {
  const question = id("？");
  const prefixes = fromBos();
  const allowedTokens = quatrainConstraint(quatrainTokenIds(vocab, { midEnds: "，？" }), { form: 5, heads: "春夏秋冬", prefixes });
  const stepper = new ToyPoemStepper({ [question]: 3 }); // the model loves questions
  const rows = sample(stepper, prefixes, { method: TOP_P, maxLength: 40, eosId: EOS, seed: 5, allowedTokens });
  let questions = 0;
  for (const r of rows) {
    const poem = text(r);
    assert.match(poem, /^春\p{Script=Han}{4}[，？]夏\p{Script=Han}{4}[。？！]秋\p{Script=Han}{4}[，？]冬\p{Script=Han}{4}[。？！]$/u);
    questions += [...poem].filter((c) => c === "？").length;
  }
  assert.ok(questions > N, `most lines end in ？ (${questions} of ${4 * N})`);
});

test("an unknown head is a clear error naming it, or a free line with unknownHead: 'skip'; bad heads are errors", () => {
  assert.throws(
    () => quatrainConstraint(ids, { form: 5, heads: "春夏秋龍" }),
    /the acrostic head "龍" \(line 4\) is not in the model's vocabulary.*simplified.*unknownHead: "skip"/,
  );
  const rows = poems(5, { heads: "春夏秋龍", unknownHead: "skip" }, 6);
  const fourth = new Set<string>();
  for (const r of rows) {
    const lines = linesOf(text(r), 5);
    assert.equal(
      lines
        .slice(0, 3)
        .map((l) => l[0])
        .join(""),
      "春夏秋",
    );
    fourth.add(lines[3][0]);
  }
  assert.ok(fourth.size > 5, "line 4 starts freely");
  assert.throws(() => quatrainConstraint(ids, { form: 5, heads: "春夏秋" }), /needs 4 head characters, one per line; got 3/);
  assert.throws(() => quatrainConstraint(ids, { form: 5, heads: ["春", "夏", "秋冬", "a"] }), /head 3, "秋冬", is not one Han character/);
  assert.throws(() => quatrainConstraint(ids, { form: 5, heads: "春夏秋a" }), /head 4, "a", is not one Han character/);
  assert.throws(() => quatrainConstraint(ids, { form: 5, heads: "春夏秋冬", unknownHead: "drop" as "skip" }), /unknownHead must be/);
});

test("a prefix is the poem's beginning: positions count from it, in every row, and it is checked", () => {
  // Ragged prefixes in one batch: nothing, two characters, a line and a half, and two characters without <bos>.
  const prefixes = [[BOS], [BOS, id("春"), id("江")], [BOS, ...["白", "日", "一", "山", "水", "，", "光"].map(id)], [id("山"), id("水")]];
  const allowedTokens = quatrainConstraint(ids, { form: 5, prefixes });
  const rows = sample(new ToyPoemStepper(), prefixes, { method: TOP_P, maxLength: 40, eosId: EOS, seed: 7, allowedTokens });
  const poemsWithPrefix = rows.map((r, b) => text(prefixes[b].filter((t) => t !== BOS)) + text(r));
  poemsWithPrefix.forEach((p, b) => assert.ok(isQuatrain(p, 5), `row ${b}: ${p}`));
  assert.ok(poemsWithPrefix[2].startsWith("白日一山水，光"));
  assert.equal(rows[2].length, 4 * 6 - 7, "the rule counted the 7 poem tokens of the prefix");
  // A prefix that breaks the form or the heads, or a row without a prefix.
  const bad = (prefix: string[], extra: Partial<QuatrainConstraintOptions> = {}): void => {
    quatrainConstraint(ids, { form: 5, prefixes: [[BOS, ...prefix.map(id)]], ...extra });
  };
  assert.throws(() => bad(["春", "江", "，"]), /row 0's prefix has "，" at line 1, position 3, where a Han character is needed/);
  assert.throws(() => bad(["春", "江", "花", "月", "。"]), /"。" at line 1, position 5, where a Han/);
  assert.throws(
    () => bad(["春", "江", "花", "月", "山", "。"]),
    /"。" at line 1, position 6, where line 1 of 5 characters must end with one of ，；/,
  );
  assert.throws(() => bad(["，"]), /"，" at line 1, position 1, where a Han character is needed/);
  assert.throws(() => bad(["山"], { heads: "春夏秋冬" }), /starts line 1 with "山" but the acrostic asks for "春"/);
  const long = Array.from({ length: 4 }, (_, l) => ["春", "江", "花", "月", "山", l % 2 ? "。" : "，"]).flat();
  assert.throws(() => bad([...long, "春"]), /after the end of the quatrain; a prefix holds at most 24 poem tokens/);
  const rule = quatrainConstraint(ids, { form: 5, prefixes: [[BOS]] });
  assert.throws(() => rule(0, [], 1), /no prefix for row 1 \(1 given\); pass the same prefixes you give to sample\(\)/);
  // A complete poem as the prefix: only <eos> may follow.
  assert.deepEqual(quatrainConstraint(ids, { form: 5, prefixes: [[BOS, ...long.map(id)]] })(0, [], 0), [EOS]);
});

const PATTERN_5 = ["中仄平平仄", "平平仄仄平", "中平平仄仄", "中仄仄平平"];

test("a tone pattern: every 平 or 仄 position gets a character of that class; 中 positions are free", () => {
  const rows = poems(5, { tonePattern: PATTERN_5, tonalClassOf: toneOf }, 8);
  const atFree = new Set<PoemTone | undefined>();
  for (const r of rows) {
    assert.ok(isQuatrain(text(r), 5), text(r));
    linesOf(text(r), 5).forEach((line, l) =>
      [...line].forEach((c, k) => {
        const slot = [...PATTERN_5[l]][k];
        const tone = toneOf(id(c));
        if (slot === "中") atFree.add(tone);
        else assert.equal(tone, slot === "平" ? "ping" : "ze", `${text(r)}: line ${l + 1}, position ${k + 1}`);
      }),
    );
  }
  assert.deepEqual([...atFree].sort(), ["ping", "ze", undefined], "free positions take both classes and the unknown 一");
  // The same pattern as slot arrays; and errors for a malformed pattern.
  const slots = PATTERN_5.map((l) => [...l].map((c) => (c === "平" ? "ping" : c === "仄" ? "ze" : "free") as "ping" | "ze" | "free"));
  assert.deepEqual(poems(5, { tonePattern: slots, tonalClassOf: toneOf }, 8), rows);
  assert.throws(() => quatrainConstraint(ids, { form: 5, tonePattern: PATTERN_5 }), /needs both tonePattern .* and tonalClassOf/);
  assert.throws(
    () => quatrainConstraint(ids, { form: 7, tonePattern: PATTERN_5, tonalClassOf: toneOf }),
    /line 1 of tonePattern has 5 slots; a 7-character quatrain needs 7/,
  );
  assert.throws(() => quatrainConstraint(ids, { form: 5, tonePattern: PATTERN_5.slice(1), tonalClassOf: toneOf }), /needs 4 lines, got 3/);
  assert.throws(
    () => quatrainConstraint(ids, { form: 5, tonePattern: ["中仄平平x", ...PATTERN_5.slice(1)], tonalClassOf: toneOf }),
    /line 1 of tonePattern has "x"; use "ping", "ze" and "free"/,
  );
});

test("rhyme with endRhyme: lines 2 and 4 (and 1 when asked) end in one group, with different characters", () => {
  const rhymeGroup = (i: number): string | undefined => (toneOf(i) === "ping" ? groupOf(i) : undefined); // rhyme on 平 only
  for (const lines of [
    [1, 3],
    [0, 1, 3],
  ]) {
    const rows = poems(7, { rhymeWith: endRhyme(ids, { groupOf: rhymeGroup, lines }) }, 9);
    const groups = new Set<string>();
    for (const r of rows) {
      const ends = linesOf(text(r), 7).map((l) => id(l[6]));
      const rhyming = lines.map((l) => ends[l]);
      const group = rhymeGroup(rhyming[0]);
      assert.ok(group !== undefined, text(r));
      for (const e of rhyming) assert.equal(rhymeGroup(e), group, `lines ${lines}: ${text(r)}`);
      assert.equal(new Set(rhyming).size, rhyming.length, `distinct rhyme characters: ${text(r)}`);
      groups.add(group);
    }
    // Only groups with enough 平 characters: an (山天寒间), ang (江光霜乡); ong (冬风) only for two lines.
    assert.deepEqual([...groups].sort(), lines.length === 2 ? ["an", "ang", "ong"] : ["an", "ang"]);
  }
  // Without the rule, lines 2 and 4 rarely rhyme: the test above can fail.
  const free = poems(7, {}, 9).filter((r) => {
    const ends = linesOf(text(r), 7).map((l) => id(l[6]));
    return rhymeGroup(ends[1]) !== undefined && rhymeGroup(ends[1]) === rhymeGroup(ends[3]);
  });
  assert.ok(free.length < N / 4, `${free.length} free poems rhyme`);
  assert.throws(() => endRhyme(ids, { groupOf, lines: [1] }), /two or more different 0-based lines/);
  assert.throws(() => endRhyme(ids, { groupOf, lines: [1, 4] }), /from 0 to 3/);
  assert.throws(() => endRhyme(ids, { groupOf: () => undefined }), /no rhyme group has 2 characters/);
  // A prefix whose line 2 ends in a character without a group: line 4 cannot rhyme with it.
  const prefixes = [[BOS, ...[..."春江花月山，春江花月一。"].map(id)]];
  const allowedTokens = quatrainConstraint(ids, { form: 5, prefixes, rhymeWith: endRhyme(ids, { groupOf: rhymeGroup }) });
  assert.throws(
    () => sample(new ToyPoemStepper(), prefixes, { method: TOP_P, maxLength: 20, eosId: EOS, allowedTokens }),
    /endRhyme: line 2 ends in "一", which groupOf puts in no rhyme group, so line 4 cannot rhyme with it/,
  );
});

test("an empty intersection of rules is an error naming the line and position, never an empty list", () => {
  // 夏 is 仄, but line 2 of the pattern starts with 平: found when the rule is built.
  assert.throws(
    () => quatrainConstraint(ids, { form: 5, heads: "春夏秋冬", tonePattern: PATTERN_5, tonalClassOf: toneOf }),
    /impossible constraint at line 2, position 1: no character satisfies all of: .*the acrostic head "夏", which tonalClassOf calls 仄 \(ze\); the tone pattern's 平 \(ping\)\. .*中 \(free\)/,
  );
  // A pattern asking for 仄 where a rhyme rule allows 平 characters only: found at the step of line 2, position 5.
  const prefixes = fromBos(3);
  const allowedTokens = quatrainConstraint(ids, {
    form: 5,
    prefixes,
    tonePattern: ["中中中中中", "中中中中仄", "中中中中中", "中中中中中"],
    tonalClassOf: toneOf,
    rhymeWith: (line) => (line === 1 ? new Set(ids.hanIds.filter((i) => toneOf(i) === "ping")) : undefined),
  });
  assert.throws(
    () => sample(new ToyPoemStepper(), prefixes, { method: TOP_P, maxLength: 30, eosId: EOS, allowedTokens }),
    /impossible constraint at line 2, position 5 \(row 0\): .*the tone pattern's 仄 \(ze\); the rhyme rule \(\d+ characters\)/,
  );
  // The rule never hands sample() an empty list, whatever it is asked.
  const rule = quatrainConstraint(ids, {
    form: 7,
    heads: "春夏秋冬",
    tonePattern: ["中中中中中中中", "中中中中中中平", "中中中中中中中", "中中中中中中平"],
    tonalClassOf: toneOf,
  });
  for (let n = 0; n < 40; n++) assert.ok((rule(n, new Array<number>(n).fill(id("山")), 0) ?? [1]).length > 0, `position ${n}`);
});

test("options that do not fit are errors that say what to do", () => {
  assert.throws(() => quatrainConstraint(ids, { form: 6 as 5 }), /form must be 5 or 7/);
  assert.throws(() => quatrainConstraint({ ...ids, hanIds: [] }, { form: 5 }), /hanIds is empty; build the ids with quatrainTokenIds/);
  assert.throws(() => quatrainConstraint({ ...ids, eosId: vocab.size }, { form: 5 }), /eosId has id \d+, which is not in the vocabulary/);
  assert.throws(() => quatrainConstraint({ ...ids, midEndIds: [id("春")] }, { form: 5 }), /"春" is listed as two kinds/);
});

test("beam search with the form rule and an acrostic returns quatrains, for a real language model too", () => {
  const prefixes = [[BOS], [BOS, id("白")]];
  const allowedTokens = quatrainConstraint(ids, { form: 5, heads: ["白", "夏", "秋", "冬"], prefixes });
  const toyBeams = beamSearch(new ToyPoemStepper(), prefixes, { beamSize: 4, maxLength: 30, eosId: EOS, numReturn: 3, allowedTokens });
  const model = new RNNLMScratch({
    block: new GRUScratch({ numInputs: vocab.size, numHiddens: 16, sigma: 1, seed: 5 }),
    vocabSize: vocab.size,
    sigma: 1,
    seed: 5,
  });
  const tensors = tf.memory().numTensors;
  const lmBeams = beamSearch(languageModelStepper(model), prefixes, {
    beamSize: 4,
    maxLength: 30,
    eosId: EOS,
    numReturn: 3,
    allowedTokens,
  });
  const lmSamples = sample(languageModelStepper(model), prefixes, { method: TOP_P, maxLength: 30, eosId: EOS, seed: 1, allowedTokens });
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
  model.dispose();
  for (const [what, rows] of [
    ["toy beams", toyBeams.map((hs) => hs.map((h) => h.ids))],
    ["LM beams", lmBeams.map((hs) => hs.map((h) => h.ids))],
    ["LM samples", lmSamples.map((r) => [r])],
  ] as const) {
    rows.forEach((hs, b) => {
      assert.ok(hs.length > 0);
      for (const h of hs) {
        const poem = (b === 1 ? "白" : "") + text(h);
        assert.ok(isQuatrain(poem, 5), `${what}, row ${b}: ${poem}`);
        assert.equal(
          linesOf(poem, 5)
            .map((l) => l[0])
            .join(""),
          "白夏秋冬",
          `${what}, row ${b}: ${poem}`,
        );
      }
    });
  }
  assert.ok(
    lmBeams.every((hs) => hs.every((h) => h.finished)),
    "every beam ended with <eos>",
  );
});
