import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "./rng";
import { tangPoems } from "./tang";
import {
  CORPUS_RATES,
  FREE_POSITIONS,
  RHYME_GROUPS,
  TONE_PATTERNS,
  type CorpusRates,
  type RhymeGroup,
  finalOf,
  linesRhyme,
  matchesTonePattern,
  readingOf,
  rhymeGroup,
  tonalClass,
  toneOf,
} from "./tones";

const QUIET_NIGHT = ["床前明月光", "疑是地上霜", "舉頭望明月", "低頭思故鄉"];
const STORK_TOWER = ["白日依山盡", "黃河入海流", "欲窮千里目", "更上一層樓"];

test("finalOf undoes pinyin's spelling rules", () => {
  const cases: Record<string, string> = {
    xiang: "iang",
    zhuang: "uang",
    yue: "üe",
    lüe: "üe",
    yu: "ü",
    qu: "ü",
    ju: "ü",
    nv: "ü",
    jun: "ün",
    yun: "ün",
    yuan: "üan",
    yi: "i",
    yin: "in",
    ying: "ing",
    ya: "ia",
    you: "iou",
    niu: "iou",
    yong: "iong",
    xiong: "iong",
    yo: "io",
    wu: "u",
    wo: "uo",
    wei: "uei",
    gui: "uei",
    wen: "uen",
    dun: "uen",
    weng: "ueng",
    shi: "-i",
    ri: "-i",
    zi: "-i",
    li: "i",
    er: "er",
    e: "e",
    ê: "ê",
    ng: "ng",
    hm: "hm",
  };
  for (const [syllable, final] of Object.entries(cases)) assert.equal(finalOf(syllable), final, syllable);
  assert.throws(() => finalOf("xiāng"), /toneless pinyin syllable/);
});

test("readingOf/toneOf: the four tones, both scripts, the neutral tone replaced by a full one", () => {
  assert.deepEqual(["媽", "麻", "馬", "罵"].map(toneOf), [1, 2, 3, 4]);
  assert.deepEqual(["妈", "麻", "马", "骂"].map(toneOf), [1, 2, 3, 4]);
  assert.deepEqual(readingOf("鄉"), { syllable: "xiang", tone: 1, final: "iang" });
  assert.deepEqual(readingOf("鄉"), readingOf("乡"));
  assert.deepEqual(readingOf("綠"), { syllable: "lü", tone: 4, final: "ü" });
  assert.deepEqual(readingOf("的"), { syllable: "di", tone: 4, final: "i" }, "de (neutral) → dì");
  assert.equal(toneOf("裳"), 2, "shang (neutral) → cháng");
  assert.equal(toneOf("着"), 2, "zhe (neutral) → zhuó");
  assert.equal(readingOf("𣯶")?.syllable, "san", "unknown to pinyin-pro, read through opencc's simplified 毶");
  assert.equal(readingOf("䍦"), undefined, "a rare character of the corpus with no reading");
  for (const c of ["A", "，", "3", " "]) assert.equal(toneOf(c), undefined, c);
  assert.throws(() => toneOf("春風"), /expected one character, got "春風" \(2 characters\)/);
  assert.throws(() => rhymeGroup(""), /expected one character/);
});

test("tonalClass: tones 1, 2 are 平 and 3, 4 仄; entering-tone characters now in tones 1 and 2 come out 平", () => {
  assert.deepEqual(["東", "紅", "好", "去"].map(tonalClass), ["ping", "ping", "ze", "ze"]);
  // 入聲: all 仄 in the Tang, scattered over the modern tones.
  assert.deepEqual(["白", "國", "一", "十", "月", "綠"].map(tonalClass), ["ping", "ping", "ping", "ping", "ze", "ze"]);
  assert.equal(tonalClass("䍦"), undefined);
});

test("RHYME_GROUPS: fourteen groups, each final in one, covering every final of the corpus's readings", () => {
  const groups = Object.keys(RHYME_GROUPS) as RhymeGroup[];
  assert.equal(groups.length, 14);
  const finals = groups.flatMap((g) => RHYME_GROUPS[g]);
  assert.equal(new Set(finals).size, finals.length, "no final in two groups");
  const seen = new Set<string>();
  for (const form of ["5", "7"] as const) {
    for (const p of tangPoems({ form })) for (const l of p.lines) for (const c of l) seen.add(readingOf(c)?.final ?? "");
  }
  seen.delete("");
  const missing = [...seen].filter((f) => !finals.includes(f) && !/^(h?ng|h?m|n)$/.test(f));
  assert.deepEqual(missing, [], "finals of corpus characters that no group holds");
});

test("rhymeGroup merges finals that rhyme in Mandarin and keeps the rest apart", () => {
  const group = (chars: string): (RhymeGroup | undefined)[] => [...chars].map(rhymeGroup);
  assert.deepEqual(group("光霜鄉陽"), ["唐", "唐", "唐", "唐"]);
  assert.deepEqual(group("花家瓜"), ["麻", "麻", "麻"]);
  assert.deepEqual(group("歌多波"), ["波", "波", "波"]);
  assert.deepEqual(group("雪月節"), ["皆", "皆", "皆"]);
  assert.deepEqual(group("山天還船圓"), ["寒", "寒", "寒", "寒", "寒"]);
  assert.deepEqual(group("人春雲新"), ["文", "文", "文", "文"]);
  assert.deepEqual(group("風情紅窮"), ["庚", "庚", "庚", "庚"]);
  assert.deepEqual(group("期魚兒"), ["齐", "齐", "齐"]);
  assert.deepEqual(group("時詩枝"), ["支", "支", "支"]);
  assert.deepEqual(group("來歸流無"), ["开", "微", "尤", "姑"]);
  assert.equal(rhymeGroup("，"), undefined);
});

test("linesRhyme: the last characters of the chosen lines share a group", () => {
  assert.equal(linesRhyme(QUIET_NIGHT), true, "霜/鄉");
  assert.equal(linesRhyme(QUIET_NIGHT, { lines: [1, 2, 4] }), true, "光/霜/鄉");
  assert.equal(linesRhyme(STORK_TOWER), true, "流/樓");
  assert.equal(linesRhyme(STORK_TOWER, { lines: [1, 2, 4] }), false, "盡 does not rhyme");
  assert.equal(linesRhyme(["床前明月光，", "疑是地上霜。", "舉頭望明月，", "低頭思故鄉。"]), true, "punctuation is skipped");
  assert.equal(linesRhyme(["床前明月光", "疑是地上霜", "舉頭望明月", "低頭思故人"]), false, "霜/人");
  assert.equal(linesRhyme(["一", "䍦", "三", "䍦"]), false, "no reading, no rhyme");
  assert.throws(() => linesRhyme(QUIET_NIGHT, { lines: [2, 5] }), /line 5 does not exist; the poem has lines 1 to 4/);
  assert.throws(() => linesRhyme(QUIET_NIGHT, { lines: [2] }), /at least two lines/);
  assert.throws(() => linesRhyme(["", "疑是地上霜", "", "。"]), /line 4 \("。"\) has no Han character/);
});

test("TONE_PATTERNS follow the rules of regulated verse", () => {
  for (const form of ["5", "7"] as const) {
    const n = Number(form);
    const patterns = TONE_PATTERNS[form];
    assert.equal(patterns.length, 4);
    assert.equal(new Set(patterns.map((p) => p.canonical.join(""))).size, 4, "four different patterns");
    for (const p of patterns) {
      const L = p.canonical.map((l) => [...l]);
      assert.ok(L.length === 4 && L.every((l) => l.length === n && l.every((t) => t === "平" || t === "仄")), p.name);
      const even = n === 7 ? [1, 3, 5] : [1, 3]; // 0-based 2nd, 4th (6th) characters
      for (const l of L) for (let k = 1; k < even.length; k++) assert.notEqual(l[even[k]], l[even[k - 1]], `${p.name}: 2-4-6 alternate`);
      assert.notEqual(L[1][1], L[0][1], `${p.name}: line 2 opposes line 1 (對)`);
      assert.equal(L[2][1], L[1][1], `${p.name}: line 3 follows line 2 (粘)`);
      assert.notEqual(L[3][1], L[2][1], `${p.name}: line 4 opposes line 3 (對)`);
      assert.equal(L[1][n - 1], "平", `${p.name}: line 2 ends on a 平 rhyme`);
      assert.equal(L[3][n - 1], "平", `${p.name}: line 4 ends on a 平 rhyme`);
      assert.equal(L[2][n - 1], "仄", `${p.name}: line 3 does not rhyme`);
      assert.equal(L[0][n - 1] === "平", !p.name.includes("不入韵"), `${p.name}: line 1 rhymes iff 首句入韵`);
      assert.equal(p.name.startsWith("平起"), L[0][1] === "平", `${p.name}: named by line 1's 2nd character`);
      const free = new Set(FREE_POSITIONS[form]);
      p.lines.forEach((l, i) => [...l].forEach((t, j) => assert.equal(t, free.has(j + 1) ? "中" : L[i][j], `${p.name} line ${i + 1}`)));
    }
  }
  for (const p7 of TONE_PATTERNS["7"]) {
    const start = p7.name.startsWith("平起") ? "仄起" : "平起";
    const p5 = TONE_PATTERNS["5"].find((p) => p.name === start + p7.name.slice(2));
    assert.ok(p5, p7.name);
    p7.canonical.forEach((l, i) => {
      const head = p5.canonical[i][0] === "平" ? "仄仄" : "平平";
      assert.equal(l, head + p5.canonical[i], `${p7.name} line ${i + 1} = two opposite characters + ${p5.name}`);
    });
  }
  assert.deepEqual(TONE_PATTERNS["5"][0].lines, ["中仄中平仄", "中平中仄平", "中平中仄仄", "中仄中平平"]);
});

test("matchesTonePattern: a regular poem, an entering-tone miss, polyphonic misses, unknowns, errors", () => {
  assert.deepEqual(matchesTonePattern(STORK_TOWER, "5"), { matches: true, pattern: "仄起首句不入韵", closest: "仄起首句不入韵", mismatches: 0, unknown: 0 });
  // 杜牧《清明》: 節 (入聲 tset, 仄) reads jié (平) at a fixed position.
  assert.deepEqual(matchesTonePattern(["清明時節雨紛紛", "路上行人欲斷魂", "借問酒家何處有", "牧童遙指杏花村"], "7"), {
    matches: false,
    closest: "平起首句入韵",
    mismatches: 1,
    unknown: 0,
  });
  // 王昌齡《出塞》: 將 jiàng and 教 jiāo here, but their most common readings are jiāng (平) and jiào (仄).
  const frontier = matchesTonePattern(["秦時明月漢時關", "萬里長征人未還", "但使龍城飛將在", "不教胡馬度陰山"], "7");
  assert.deepEqual([frontier.closest, frontier.mismatches], ["平起首句入韵", 2]);
  assert.deepEqual(matchesTonePattern(["白䍦依山盡", "黃河入海流", "欲窮千里目", "更上一層樓"], "5"), {
    matches: true,
    pattern: "仄起首句不入韵",
    closest: "仄起首句不入韵",
    mismatches: 0,
    unknown: 1,
  });
  assert.throws(() => matchesTonePattern(STORK_TOWER, "7"), /expected 4 lines of 7 characters without punctuation/);
  assert.throws(() => matchesTonePattern(STORK_TOWER.slice(0, 3), "5"), /expected 4 lines of 5 characters/);
  assert.throws(() => matchesTonePattern(STORK_TOWER, "6" as "5"), /form must be "5" or "7"/);
});

/** Rates of `poems` as {@link CORPUS_RATES} defines them. */
function rates(poems: readonly { lines: readonly string[] }[], form: "5" | "7"): CorpusRates {
  let rhyme24 = 0,
    rhyme124 = 0,
    tonePattern = 0,
    tonePatternWithin1 = 0,
    chars = 0,
    noReading = 0;
  for (const p of poems) {
    if (linesRhyme(p.lines)) rhyme24++;
    if (linesRhyme(p.lines, { lines: [1, 2, 4] })) rhyme124++;
    const m = matchesTonePattern(p.lines, form);
    if (m.matches) tonePattern++;
    if (m.mismatches <= 1) tonePatternWithin1++;
    for (const l of p.lines) {
      for (const c of l) {
        chars++;
        if (readingOf(c) === undefined) noReading++;
      }
    }
  }
  const N = poems.length;
  return { poems: N, rhyme24: rhyme24 / N, rhyme124: rhyme124 / N, tonePattern: tonePattern / N, tonePatternWithin1: tonePatternWithin1 / N, noReading: noReading / chars };
}

test("CORPUS_RATES: measured on the traditional corpus; the simplified one agrees; shuffled poems do not", () => {
  const near = (got: CorpusRates, want: CorpusRates, tol: number, what: string): void => {
    for (const k of ["rhyme24", "rhyme124", "tonePattern", "tonePatternWithin1", "noReading"] as const) {
      assert.ok(Math.abs(got[k] - want[k]) <= tol, `${what} ${k}: measured ${got[k].toFixed(4)}, pinned ${want[k]}`);
    }
  };
  const rng = new Rng(7);
  for (const form of ["5", "7"] as const) {
    const n = Number(form);
    const poems = tangPoems({ form });
    const got = rates(poems, form);
    assert.equal(got.poems, CORPUS_RATES[form].poems);
    near(got, CORPUS_RATES[form], 0.005, `${form}/traditional`);
    near(rates(tangPoems({ form, script: "simplified" }), form), CORPUS_RATES[form], 0.015, `${form}/simplified`);
    // The same characters in random order: tone patterns and rhymes are a property of the poems, not of the characters.
    const shuffled = poems.map((p) => {
      const cs = rng.shuffle([...p.lines.join("")]);
      return { lines: [0, 1, 2, 3].map((i) => cs.slice(i * n, (i + 1) * n).join("")) };
    });
    const base = rates(shuffled, form);
    assert.ok(base.tonePattern < 0.01, `${form}: shuffled poems match a tone pattern ${base.tonePattern}`);
    assert.ok(base.rhyme24 < 0.15, `${form}: shuffled poems rhyme ${base.rhyme24}`);
  }
});
