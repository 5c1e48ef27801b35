import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Converter } from "opencc-js";
import { CACHE_ENV } from "./paths";
import { TANG_COUNTS, clearTangMemo, quatrainLines, tangPoems, toTraditional } from "./tang";

// Use a private cache folder so this test neither depends on nor disturbs the repository's .cache/.
const cache = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-tang-"));
process.env[CACHE_ENV] = cache;

test("the filter keeps clean quatrains only", () => {
  assert.deepEqual(quatrainLines("床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。", 5), ["床前明月光", "疑是地上霜", "舉頭望明月", "低頭思故鄉"]);
  assert.equal(quatrainLines("床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。", 7), undefined, "wrong form");
  assert.equal(quatrainLines("床前明月光，疑是地上□。舉頭望明月，低頭思故鄉。", 5), undefined, "lost character");
  assert.equal(quatrainLines("床前明月光，疑是地（一作）霜。舉頭望明月，低頭思故鄉。", 5), undefined, "variant reading");
  assert.equal(quatrainLines("床前明月光，疑是地上A。舉頭望明月，低頭思故鄉。", 5), undefined, "ASCII");
  assert.equal(quatrainLines("床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉，", 5), undefined, "must end a sentence");
  assert.equal(quatrainLines("床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。床前明月光，疑是地上霜。", 5), undefined, "six lines");
  assert.deepEqual(quatrainLines("𠀀前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。", 5)?.[0], "𠀀前明月光", "astral Han characters count once");
});

test("tangPoems: pinned counts; no kept poem has □, brackets, ASCII or a line of the wrong length; no repeats", () => {
  for (const form of ["5", "7"] as const) {
    for (const script of ["traditional", "simplified"] as const) {
      const poems = tangPoems({ form, script });
      assert.equal(poems.length, TANG_COUNTS[form][script], `${form}/${script}`);
      const n = Number(form);
      const seen = new Set<string>();
      for (const p of poems) {
        assert.equal(p.lines.length, 4);
        assert.ok(p.lines.every((l) => [...l].length === n), p.text);
        assert.doesNotMatch(p.text, /[□\p{ASCII}()（）[\]【】〖〗{}《》「」『』〈〉]/u, p.text);
        assert.equal(p.text.replace(/[，。？！；]/g, ""), p.lines.join(""));
        assert.ok(!seen.has(p.lines.join("")), `repeat: ${p.text}`);
        seen.add(p.lines.join(""));
      }
    }
  }
  assert.deepEqual(TANG_COUNTS, { "5": { traditional: 3749, simplified: 3734 }, "7": { traditional: 10338, simplified: 10309 } });
  const trad = tangPoems({ form: "5" })[0].text, simp = tangPoems({ form: "5", script: "simplified" })[0].text;
  assert.equal(trad, "四時運灰琯，一夕變冬春。送寒餘雪盡，迎歲早梅新。");
  assert.equal(simp, "四时运灰琯，一夕变冬春。送寒余雪尽，迎岁早梅新。");
});

test("the cache: written once, read back, rebuilt when corrupt", () => {
  const file = path.join(cache, "tang", "quatrains-v1-traditional.json");
  assert.ok(fs.existsSync(file), "cache file written");
  clearTangMemo();
  const fromCache = tangPoems({ form: "7" });
  assert.equal(fromCache.length, TANG_COUNTS["7"].traditional);
  fs.writeFileSync(file, "{ truncated");
  clearTangMemo();
  assert.equal(tangPoems({ form: "7" }).length, TANG_COUNTS["7"].traditional, "a corrupt cache is rebuilt");
  assert.doesNotThrow(() => JSON.parse(fs.readFileSync(file, "utf8")));
});

test("bad options are clear errors", () => {
  assert.throws(() => tangPoems({ form: "6" as "5" }), /form must be "5" or "7"/);
  assert.throws(() => tangPoems({ script: "pinyin" as "simplified" }), /script must be/);
});

test("toTraditional turns simplified corpus poems back into the source's characters (almost always)", () => {
  const toSimplified = Converter({ from: "t", to: "cn" }); // as tangPoems converts
  const trad = tangPoems({ form: "7" }).slice(0, 400);
  let same = 0;
  let chars = 0;
  let differ = 0;
  for (const p of trad) {
    const back = [...toTraditional(toSimplified(p.text))];
    const original = [...p.text];
    assert.equal(back.length, original.length);
    if (back.join("") === p.text) same++;
    chars += original.length;
    differ += back.filter((c, i) => c !== original[i]).length;
  }
  assert.ok(same / trad.length > 0.6, `${same} of ${trad.length} poems come back exactly`);
  assert.ok(differ / chars < 0.02, `${differ} of ${chars} characters differ`);
  assert.equal(toTraditional("举头望明月，低头思故乡。"), "舉頭望明月，低頭思故鄉。");
  assert.throws(() => toTraditional(5 as unknown as string), /expected a string/);
});
