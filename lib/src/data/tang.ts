/**
 * Tang quatrains (絕句): four lines of five or seven characters, from the *Complete Tang Poems*
 * (全唐詩) as packaged in `chinese-poetry` (MIT; the poems themselves are centuries out of copyright).
 * Simplified characters come from `opencc-js` (Apache-2.0), never from a hand-written table.
 *
 * Only clean quatrains are kept: exactly four lines of equal length (5 or 7) made of Han characters,
 * each line ended by one of ，。？！； (the last by 。？！). A poem with □ (a lost character), any
 * bracket or quote (notes, variant readings, titles), ASCII, digits, other symbols, or private-use
 * characters is dropped, and so is a repeat of a poem already kept (same characters, ignoring
 * punctuation; checked again after conversion to simplified characters).
 *
 * The 25 MB of JSON is parsed once; the result is cached in `.cache/tang/` at the repository root
 * (gitignored; `RNNLAB_CACHE_DIR` moves it).
 *
 * ```ts
 * const poems = tangPoems({ form: "5", script: "simplified" });
 * poems[0].text;   // "……，……。……，……。"
 * poems[0].lines;  // the four lines without punctuation
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import * as fs from "fs";
import * as path from "path";
import { Converter } from "opencc-js";
import { cacheDir } from "./paths";

/** One quatrain. */
export interface TangPoem {
  readonly title: string;
  readonly author: string;
  /** The poem with its punctuation, e.g. "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。". */
  readonly text: string;
  /** The four lines without punctuation. */
  readonly lines: readonly string[];
}

/** Options of {@link tangPoems}. */
export interface TangOptions {
  /** Five-character (`"5"`, 五言絕句) or seven-character (`"7"`, 七言絕句) quatrains. Default `"5"`. */
  readonly form?: "5" | "7";
  /** `"traditional"` as in the source (default), or `"simplified"` (converted with opencc-js, `t` → `cn`). */
  readonly script?: "traditional" | "simplified";
  /** Ignore the cache and parse the JSON again. Default `false`. */
  readonly refresh?: boolean;
}

/** Quatrains {@link tangPoems} returns for each form and script, pinned by the tests. */
export const TANG_COUNTS = {
  "5": { traditional: 3749, simplified: 3734 },
  "7": { traditional: 10338, simplified: 10309 },
} as const;

const CACHE_VERSION = 1;
const PUNCT = "，。？！；";
const LINE_END = new Set([...PUNCT]);
const POEM_END = new Set(["。", "？", "！"]);
const HAN = /^\p{Script=Han}$/u;

interface RawPoem {
  author?: unknown;
  title?: unknown;
  paragraphs?: unknown;
}

interface CacheFile {
  version: number;
  source: string;
  script: "traditional" | "simplified";
  poems: Record<"5" | "7", TangPoem[]>;
}

/** Folder of the package's Tang poems (`poet.tang.*.json`). */
export function tangSourceDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve("chinese-poetry/package.json");
  } catch {
    throw new Error("tangPoems: the npm package chinese-poetry is not installed. Run `npm install` in the repository.");
  }
  return path.join(path.dirname(pkg), "dist", "quantangshi");
}

function sourceVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(tangSourceDir(), "..", "..", "package.json"), "utf8")) as { version: string };
  return `chinese-poetry@${pkg.version}`;
}

/**
 * The four lines of `body` if it is a clean quatrain of `n`-character lines (see the module summary),
 * else `undefined`.
 */
export function quatrainLines(body: string, n: 5 | 7): string[] | undefined {
  const chars = [...body.replace(/\s+/g, "")];
  if (chars.length !== 4 * (n + 1)) return undefined;
  const lines: string[] = [];
  for (let i = 0; i < 4; i++) {
    const line = chars.slice(i * (n + 1), i * (n + 1) + n);
    const mark = chars[i * (n + 1) + n];
    if (!line.every((c) => HAN.test(c)) || !LINE_END.has(mark)) return undefined;
    if (i === 3 && !POEM_END.has(mark)) return undefined;
    lines.push(line.join(""));
  }
  return lines;
}

function parseSource(): Record<"5" | "7", TangPoem[]> {
  const dir = tangSourceDir();
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^poet\.tang\.\d+\.json$/.test(f)) : [];
  if (files.length === 0) throw new Error(`tangPoems: no poet.tang.*.json files in ${dir}; reinstall the chinese-poetry package.`);
  files.sort((a, b) => Number(a.split(".")[2]) - Number(b.split(".")[2]));
  const out: Record<"5" | "7", TangPoem[]> = { "5": [], "7": [] };
  const seen = new Set<string>();
  for (const f of files) {
    let raw: RawPoem[];
    try {
      raw = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as RawPoem[];
    } catch (err) {
      throw new Error(`tangPoems: ${path.join(dir, f)} is not valid JSON (${(err as Error).message}); reinstall chinese-poetry.`, { cause: err });
    }
    for (const p of raw) {
      if (!Array.isArray(p.paragraphs) || !p.paragraphs.every((x) => typeof x === "string")) continue;
      const body = (p.paragraphs as string[]).join("");
      for (const n of [5, 7] as const) {
        const lines = quatrainLines(body, n);
        if (!lines) continue;
        const key = lines.join("");
        if (seen.has(key)) break;
        seen.add(key);
        out[String(n) as "5" | "7"].push({
          title: typeof p.title === "string" ? p.title : "",
          author: typeof p.author === "string" ? p.author : "",
          text: body.replace(/\s+/g, ""),
          lines,
        });
      }
    }
  }
  return out;
}

function toSimplified(poems: Record<"5" | "7", TangPoem[]>): Record<"5" | "7", TangPoem[]> {
  const convert = Converter({ from: "t", to: "cn" });
  const out: Record<"5" | "7", TangPoem[]> = { "5": [], "7": [] };
  for (const form of ["5", "7"] as const) {
    const seen = new Set<string>();
    for (const p of poems[form]) {
      const lines = p.lines.map((l) => convert(l));
      const key = lines.join("");
      if (seen.has(key)) continue; // two traditional variants can become one simplified poem
      seen.add(key);
      out[form].push({ title: convert(p.title), author: convert(p.author), text: convert(p.text), lines });
    }
  }
  return out;
}

function readCache(file: string, source: string, script: string): Record<"5" | "7", TangPoem[]> | undefined {
  try {
    const c = JSON.parse(fs.readFileSync(file, "utf8")) as CacheFile;
    if (c.version === CACHE_VERSION && c.source === source && c.script === script && Array.isArray(c.poems["5"]) && Array.isArray(c.poems["7"])) {
      return c.poems;
    }
  } catch {
    // Missing or corrupt: rebuild below.
  }
  return undefined;
}

function writeCache(file: string, data: CacheFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data));
  fs.renameSync(tmp, file); // atomic: a concurrent reader sees the old file or the new one
}

const memo = new Map<string, Record<"5" | "7", TangPoem[]>>();

function loadAll(script: "traditional" | "simplified", refresh: boolean): Record<"5" | "7", TangPoem[]> {
  const source = sourceVersion();
  const memoKey = `${source}/${script}`;
  if (!refresh && memo.has(memoKey)) return memo.get(memoKey)!;
  const file = path.join(cacheDir(), "tang", `quatrains-v${CACHE_VERSION}-${script}.json`);
  let poems = refresh ? undefined : readCache(file, source, script);
  if (!poems) {
    poems = script === "traditional" ? parseSource() : toSimplified(loadAll("traditional", refresh));
    writeCache(file, { version: CACHE_VERSION, source, script, poems });
  }
  memo.set(memoKey, poems);
  return poems;
}

/**
 * Clean Tang quatrains of one form and script ({@link TANG_COUNTS} of them), in the order of the source.
 * The first call parses the package's JSON (about a second) and caches the result; later calls read the cache.
 */
export function tangPoems(opts: TangOptions = {}): TangPoem[] {
  const { form = "5", script = "traditional", refresh = false } = opts;
  if (form !== "5" && form !== "7") throw new Error(`tangPoems: form must be "5" or "7" (characters per line), got ${JSON.stringify(form)}.`);
  if (script !== "traditional" && script !== "simplified") {
    throw new Error(`tangPoems: script must be "traditional" or "simplified", got ${JSON.stringify(script)}.`);
  }
  return loadAll(script, refresh)[form].slice();
}

/** Forgets the poems held in memory (the cache files stay), so the next call reads the cache again. */
export function clearTangMemo(): void {
  memo.clear();
}

let toTraditionalConverter: ((text: string) => string) | undefined;

/**
 * Simplified text in traditional characters (opencc-js, `cn` → `t`), to show a poem written by a model trained on
 * the simplified corpus as the poets wrote it. The mapping is not one to one (发 is 發 or 髮, 干 is 干, 乾 or 幹), so a
 * character may come back as another form than the source's: over the first 400 seven-character poems, simplified
 * and back, 1.2 % of the characters differ (却 → 卻, 閑 → 閒, 迴 → 回, …) and 69 % of the poems come back exactly.
 */
export function toTraditional(text: string): string {
  if (typeof text !== "string") throw new Error(`toTraditional: expected a string, got ${typeof text}.`);
  toTraditionalConverter ??= Converter({ from: "cn", to: "t" });
  return toTraditionalConverter(text);
}
