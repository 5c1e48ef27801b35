/**
 * How good a batch of generated quatrains is, in the numbers notebook 09 puts in one table: form validity,
 * rhyme and tone-pattern rates, novelty against the training poems, and how many poems are distinct.
 *
 * ```ts
 * const corpus = tangPoems({ form: "5" }).map((p) => p.text);
 * poemMetrics(corpus, { form: "5", corpus }); // the corpus against itself:
 * // { count: 3749, formValid: 0.9992, rhyme24: 0.783, …, copiedLineShare: 1, longestCopied: { length: 20, … }, distinct: 1 }
 * ```
 * @see notebooks/09-tang-poems.ipynb
 */
import { checkQuatrain, isHan, isLineEnd, QuatrainForm, splitQuatrain } from "./quatrain";
import { linesRhyme, matchesTonePattern } from "./tones";

/** Options of {@link poemMetrics}. */
export interface PoemMetricsOptions {
  /** Characters per line the poems should have: `"5"` or `"7"`. */
  readonly form: QuatrainForm;
  /** The training poems' texts (punctuation allowed), e.g. `tangPoems({ form }).map((p) => p.text)`. Passing the same array again reuses its index. */
  readonly corpus: readonly string[];
}

/** The longest run of Han characters a generated poem shares with some corpus poem. */
export interface CopiedSpan {
  /** Its length in Han characters (punctuation ignored, so a span may cross a line end); 0 if no character occurs in the corpus. */
  readonly length: number;
  /** The span itself, without punctuation (`""` when `length` is 0). */
  readonly example: string;
  /** Index in `poems` of the (first) poem it comes from; -1 when `length` is 0. */
  readonly poem: number;
}

/** What {@link poemMetrics} measured. Shares lie in [0, 1]; a share of nothing is `NaN`. */
export interface PoemMetrics {
  /** Poems measured. */
  readonly count: number;
  /** Share of poems that pass {@link checkQuatrain} for the form. */
  readonly formValid: number;
  /** Number of poems that pass {@link checkQuatrain}: the denominator of the four rates below. */
  readonly validCount: number;
  /** Share of the form-valid poems whose lines 2 and 4 rhyme ({@link linesRhyme}); `NaN` if none is valid. */
  readonly rhyme24: number;
  /** Share of the form-valid poems whose lines 1, 2 and 4 rhyme (首句入韵); `NaN` if none is valid. */
  readonly rhyme124: number;
  /** Share of the form-valid poems that match a regulated tone pattern exactly ({@link matchesTonePattern}); `NaN` if none is valid. */
  readonly tonePattern: number;
  /** Share of the form-valid poems with at most one mismatch against the closest tone pattern; `NaN` if none is valid. */
  readonly toneWithinOne: number;
  /** Lines measured for novelty: the lines (cut by {@link splitQuatrain}) of all poems, valid or not, that hold a Han character. */
  readonly lines: number;
  /** Share of those lines whose Han characters are, verbatim, a whole line of some corpus poem. */
  readonly copiedLineShare: number;
  /** `1 − copiedLineShare`: share of lines not found as a line in the corpus. */
  readonly novelLineShare: number;
  /** The longest span of Han characters any poem shares with one corpus poem. */
  readonly longestCopied: CopiedSpan;
  /** Mean over poems of each poem's longest copied span, in Han characters. */
  readonly meanLongestCopied: number;
  /** Distinct poems over `count` (1 = all differ); poems that differ only in their line-end marks count as one. */
  readonly distinct: number;
}

/** Han characters of `text`, one code point per entry, everything else dropped. */
function hanChars(text: string): string[] {
  return [...text].filter(isHan);
}

/**
 * A suffix automaton (the smallest automaton accepting every substring) of the corpus poems' Han
 * characters, poems joined by a separator no query contains. Built in linear time; a query walks it once
 * to find, at each position, the longest substring ending there that occurs in the corpus.
 * Transitions live in flat typed arrays with an open-addressing hash table, since the alphabet (thousands of
 * characters) is too large for a dense table per state.
 */
class SubstringIndex {
  private readonly alphabet = new Map<string, number>();
  private readonly len: Int32Array;
  private readonly link: Int32Array;
  private readonly edgeHead: Int32Array;
  private readonly edgeNext: Int32Array;
  private readonly edgeFrom: Int32Array;
  private readonly edgeChar: Int32Array;
  private readonly edgeTo: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  private states = 1;
  private edges = 0;
  private last = 0;

  constructor(texts: readonly string[][]) {
    const total = texts.reduce((n, t) => n + t.length + 1, 0);
    const maxStates = 2 * total + 2;
    const maxEdges = 3 * total + 4;
    this.len = new Int32Array(maxStates);
    this.link = new Int32Array(maxStates);
    this.link[0] = -1;
    this.edgeHead = new Int32Array(maxStates).fill(-1);
    this.edgeNext = new Int32Array(maxEdges);
    this.edgeFrom = new Int32Array(maxEdges);
    this.edgeChar = new Int32Array(maxEdges);
    this.edgeTo = new Int32Array(maxEdges);
    let size = 1;
    while (size < 2 * maxEdges) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    const SEPARATOR = 0;
    for (const chars of texts) {
      for (const ch of chars) {
        let id = this.alphabet.get(ch);
        if (id === undefined) {
          id = this.alphabet.size + 1;
          this.alphabet.set(ch, id);
        }
        this.extend(id);
      }
      this.extend(SEPARATOR);
    }
  }

  private slotOf(state: number, char: number): number {
    return (Math.imul(state, 0x9e3779b1) ^ Math.imul(char, 0x85ebca6b)) & this.mask;
  }

  /** Index of the edge leaving `state` on `char`, or -1. */
  private find(state: number, char: number): number {
    for (let h = this.slotOf(state, char); ; h = (h + 1) & this.mask) {
      const e = this.slots[h];
      if (e === -1) return -1;
      if (this.edgeFrom[e] === state && this.edgeChar[e] === char) return e;
    }
  }

  private addEdge(state: number, char: number, to: number): void {
    const e = this.edges++;
    this.edgeFrom[e] = state;
    this.edgeChar[e] = char;
    this.edgeTo[e] = to;
    this.edgeNext[e] = this.edgeHead[state];
    this.edgeHead[state] = e;
    let h = this.slotOf(state, char);
    while (this.slots[h] !== -1) h = (h + 1) & this.mask;
    this.slots[h] = e;
  }

  /** Appends one character (the standard online construction). */
  private extend(char: number): void {
    const cur = this.states++;
    this.len[cur] = this.len[this.last] + 1;
    let p = this.last;
    while (p !== -1 && this.find(p, char) === -1) {
      this.addEdge(p, char, cur);
      p = this.link[p];
    }
    if (p === -1) {
      this.link[cur] = 0;
    } else {
      const q = this.edgeTo[this.find(p, char)];
      if (this.len[p] + 1 === this.len[q]) {
        this.link[cur] = q;
      } else {
        const clone = this.states++;
        this.len[clone] = this.len[p] + 1;
        this.link[clone] = this.link[q];
        for (let e = this.edgeHead[q]; e !== -1; e = this.edgeNext[e]) this.addEdge(clone, this.edgeChar[e], this.edgeTo[e]);
        for (let e = this.find(p, char); p !== -1 && e !== -1 && this.edgeTo[e] === q; ) {
          this.edgeTo[e] = clone;
          p = this.link[p];
          if (p !== -1) e = this.find(p, char);
        }
        this.link[q] = clone;
        this.link[cur] = clone;
      }
    }
    this.last = cur;
  }

  /** The longest run of `chars` that occurs inside one indexed text: its start and length. */
  longestMatch(chars: readonly string[]): { start: number; length: number } {
    let state = 0;
    let matched = 0;
    let best = { start: 0, length: 0 };
    chars.forEach((ch, i) => {
      const id = this.alphabet.get(ch);
      if (id === undefined) {
        state = 0;
        matched = 0;
        return;
      }
      let e = this.find(state, id);
      while (e === -1 && state !== 0) {
        state = this.link[state];
        matched = this.len[state];
        e = this.find(state, id);
      }
      if (e === -1) {
        matched = 0;
        return;
      }
      state = this.edgeTo[e];
      matched++;
      if (matched > best.length) best = { start: i - matched + 1, length: matched };
    });
    return best;
  }
}

/** What poemMetrics needs from a corpus: its lines and its substring index. */
interface CorpusIndex {
  readonly lines: ReadonlySet<string>;
  readonly substrings: SubstringIndex;
}

const indexCache = new WeakMap<readonly string[], CorpusIndex>();

function corpusIndex(corpus: readonly string[]): CorpusIndex {
  const cached = indexCache.get(corpus);
  if (cached) return cached;
  const lines = new Set<string>();
  for (const text of corpus) {
    for (const line of splitQuatrain(text)) {
      const han = hanChars(line.text).join("");
      if (han !== "") lines.add(han);
    }
  }
  const index = { lines, substrings: new SubstringIndex(corpus.map(hanChars)) };
  indexCache.set(corpus, index);
  return index;
}

function checkInputs(poems: readonly string[], opts: PoemMetricsOptions): void {
  const form = opts?.form;
  if (form !== "5" && form !== "7") throw new Error(`poemMetrics: form must be "5" or "7" (characters per line), got ${JSON.stringify(form)}.`);
  if (!Array.isArray(poems) || poems.length === 0) {
    throw new Error("poemMetrics: no poems to measure; pass the generated poems as a non-empty array of strings.");
  }
  const badPoem = poems.findIndex((p) => typeof p !== "string");
  if (badPoem >= 0) throw new Error(`poemMetrics: poem ${badPoem} is not a string (got ${typeof poems[badPoem]}); decode the ids to text first.`);
  const corpus = opts.corpus;
  if (!Array.isArray(corpus) || corpus.length === 0) {
    throw new Error(`poemMetrics: the corpus is empty; pass the training poems' texts, e.g. tangPoems({ form: "${form}" }).map((p) => p.text).`);
  }
  const badText = corpus.findIndex((p) => typeof p !== "string");
  if (badText >= 0) {
    throw new Error(`poemMetrics: corpus entry ${badText} is not a string (got ${typeof corpus[badText]}); pass texts, e.g. poems.map((p) => p.text).`);
  }
}

/**
 * Measures generated quatrains against the form and the training corpus:
 * - **form**: share passing {@link checkQuatrain};
 * - **rhyme and tone** (modern-Mandarin approximations, see `tones.ts`): shares of the *form-valid* poems only,
 *   since a poem without four proper lines has no lines 2 and 4 to rhyme; compare them with `CORPUS_RATES`;
 * - **novelty**, over the lines of all poems: the share of lines that are verbatim a line of some corpus poem
 *   (punctuation ignored), and the longest span of Han characters copied from one corpus poem (punctuation
 *   ignored, so spans may cross line ends), found with a suffix automaton of the corpus in linear time;
 * - **diversity**: distinct poems (ignoring line-end marks) over all poems.
 *
 * Indexing the 10,338 seven-character poems takes about 0.2 s, once per corpus array (the index is kept for
 * the same array); measuring 200 poems then takes about 30 ms, mostly looking up pronunciations.
 *
 * @throws if `form` is not `"5"` or `"7"`, or `poems` or `corpus` is empty or holds something other than strings.
 */
export function poemMetrics(poems: readonly string[], opts: PoemMetricsOptions): PoemMetrics {
  checkInputs(poems, opts);
  const { form } = opts;
  const index = corpusIndex(opts.corpus);

  let valid = 0;
  let rhyme24 = 0;
  let rhyme124 = 0;
  let tonePattern = 0;
  let toneWithinOne = 0;
  let lines = 0;
  let copiedLines = 0;
  let spanSum = 0;
  let longest: CopiedSpan = { length: 0, example: "", poem: -1 };
  poems.forEach((poem, i) => {
    if (checkQuatrain(poem, { form }).valid) {
      valid++;
      const four = splitQuatrain(poem).map((l) => l.text);
      if (linesRhyme(four)) rhyme24++;
      if (linesRhyme(four, { lines: [1, 2, 4] })) rhyme124++;
      const tone = matchesTonePattern(four, form);
      if (tone.matches) tonePattern++;
      if (tone.mismatches <= 1) toneWithinOne++;
    }
    for (const line of splitQuatrain(poem)) {
      const han = hanChars(line.text).join("");
      if (han === "") continue;
      lines++;
      if (index.lines.has(han)) copiedLines++;
    }
    const chars = hanChars(poem);
    const span = index.substrings.longestMatch(chars);
    spanSum += span.length;
    if (span.length > longest.length) {
      longest = { length: span.length, example: chars.slice(span.start, span.start + span.length).join(""), poem: i };
    }
  });

  const ofValid = (k: number): number => (valid === 0 ? NaN : k / valid);
  const ofLines = (k: number): number => (lines === 0 ? NaN : k / lines);
  return {
    count: poems.length,
    formValid: valid / poems.length,
    validCount: valid,
    rhyme24: ofValid(rhyme24),
    rhyme124: ofValid(rhyme124),
    tonePattern: ofValid(tonePattern),
    toneWithinOne: ofValid(toneWithinOne),
    lines,
    copiedLineShare: ofLines(copiedLines),
    novelLineShare: ofLines(lines - copiedLines),
    longestCopied: longest,
    meanLongestCopied: spanSum / poems.length,
    distinct: new Set(poems.map((p) => [...p].filter((c) => !isLineEnd(c)).join(""))).size / poems.length,
  };
}
