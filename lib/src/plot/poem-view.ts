/**
 * Poems shown as poems: one line per column, read top to bottom and right to left as on a scroll
 * (CSS `writing-mode: vertical-rl`), or centred horizontal lines; chosen characters (e.g. the positions a
 * constraint fixed) marked in colour, and optionally every character shaded by a value such as its probability.
 *
 * ```ts
 * show(poemView("春眠不覺曉，處處聞啼鳥。夜來風雨聲，花落知多少。", { highlight: [0, 6, 12, 18], title: "acrostic" }));
 * show(poemGallery(samples, { vertical: false }));
 * ```
 * @see notebooks/09-tang-poems.ipynb
 */
import { isLineEnd } from "../data/quatrain";
import { valueColor, ValueRange } from "./colored-text";
import { HtmlView } from "./figure";
import { escapeHtml } from "./util";

/** Fonts tried in order: serif Han fonts of Linux, macOS and Windows for both scripts, then any serif. */
export const POEM_FONT_STACK =
  '"Noto Serif CJK TC", "Noto Serif CJK SC", "Source Han Serif", "Songti TC", "Songti SC", "STSong", "PMingLiU", "SimSun", serif';

/** Colour of highlighted characters. */
export const POEM_HIGHLIGHT_COLOR = "#d62728";

/** How each character looks, shared by {@link poemView} and the items of {@link poemGallery}. */
export interface PoemStyleOptions {
  /** `true` (default): lines as columns, right to left (`writing-mode: vertical-rl`); `false`: centred lines. */
  readonly vertical?: boolean;
  /** Indices of the characters to mark (code points of the text, punctuation included, from 0), e.g. the positions a constraint fixed. */
  readonly highlight?: readonly number[];
  /** What the highlight means, for the legend. Default `"constrained"`. */
  readonly highlightLabel?: string;
  /** Range of `values`; by default `"unit"` when all lie in [0, 1], else `"signed"` (see `valueColor`). */
  readonly range?: ValueRange;
  /** What the values are, for the legend. Default `"value"`, e.g. `"P(character)"`. */
  readonly valueLabel?: string;
}

/** Options of {@link poemView}. */
export interface PoemViewOptions extends PoemStyleOptions {
  /** One value per character (code point, punctuation included) to shade its background; `NaN` leaves a character plain. */
  readonly values?: ArrayLike<number>;
  /** A caption above the poem. */
  readonly title?: string;
  /** A smaller line of text below the poem (e.g. the metrics of this sample). */
  readonly note?: string;
}

/** One poem of {@link poemGallery}: its text, or the text with its own title, note, highlight and values. */
export type PoemGalleryItem = string | ({ readonly poem: string } & Pick<PoemViewOptions, "title" | "note" | "highlight" | "values">);

/** Options of {@link poemGallery}: the style of every poem (an item's own `highlight` replaces the shared one) and a caption. */
export interface PoemGalleryOptions extends PoemStyleOptions {
  /** A caption above the gallery. */
  readonly title?: string;
}

const TOLERANCE = 1e-6;

/** One character of a poem with its index in the text. */
interface PoemChar {
  readonly char: string;
  readonly index: number;
}

/** Cuts the characters into lines after each run of line-end marks (as `splitQuatrain` does) and at line breaks, which are not shown. */
function poemLines(chars: readonly string[]): PoemChar[][] {
  const lines: PoemChar[][] = [];
  let line: PoemChar[] = [];
  let closed = false;
  chars.forEach((char, index) => {
    if (char === "\n" || char === "\r") {
      if (line.length > 0) lines.push(line);
      line = [];
      closed = false;
      return;
    }
    const mark = isLineEnd(char);
    if (closed && !mark) {
      lines.push(line);
      line = [];
    }
    line.push({ char, index });
    closed = mark;
  });
  if (line.length > 0) lines.push(line);
  return lines;
}

function checkHighlight(where: string, highlight: readonly number[] | undefined, size: number): ReadonlySet<number> {
  if (highlight === undefined) return new Set();
  if (!Array.isArray(highlight)) throw new Error(`${where}: highlight must be an array of character indices, e.g. [0, 6, 12, 18].`);
  for (const i of highlight) {
    if (!Number.isInteger(i) || i < 0 || i >= size) {
      throw new Error(
        `${where}: highlight index ${i} is not a character of the poem; use whole numbers from 0 to ${size - 1} ` +
          `(code points of the text, punctuation included).`,
      );
    }
  }
  return new Set(highlight);
}

function checkValues(where: string, values: ArrayLike<number> | undefined, chars: readonly string[]): number[] | undefined {
  if (values === undefined) return undefined;
  if (values.length !== chars.length) {
    throw new Error(
      `${where}: the poem has ${chars.length} characters (punctuation included) but ${values.length} values; give one value per character, NaN for none.`,
    );
  }
  return Array.from(values);
}

function inferRange(values: readonly (readonly number[])[]): ValueRange {
  return values.every((vs) => vs.every((v) => !Number.isFinite(v) || v >= -TOLERANCE)) ? "unit" : "signed";
}

function checkRange(where: string, values: readonly number[], chars: readonly string[], range: ValueRange): void {
  const lo = range === "unit" ? 0 : -1;
  values.forEach((v, i) => {
    if (Number.isFinite(v) && (v < lo - TOLERANCE || v > 1 + TOLERANCE)) {
      throw new Error(
        `${where}: value ${v} of character ${i} (${JSON.stringify(chars[i])}) is outside [${lo}, 1]; ` +
          `pass probabilities, or squash the values first (sigmoid for [0, 1], tanh for [-1, 1]).`,
      );
    }
  });
}

/** A poem checked and ready to render. */
interface PreparedPoem {
  readonly chars: readonly string[];
  readonly marked: ReadonlySet<number>;
  readonly values?: readonly number[];
  readonly title?: string;
  readonly note?: string;
}

function prepare(where: string, poem: string, highlight: readonly number[] | undefined, opts: PoemViewOptions): PreparedPoem {
  if (typeof poem !== "string")
    throw new Error(`${where}: expected the poem as a string, got ${typeof poem}; decode the ids to text first.`);
  const chars = [...poem];
  if (chars.length === 0) throw new Error(`${where}: the poem is empty; there is nothing to show.`);
  return {
    chars,
    marked: checkHighlight(where, highlight, chars.length),
    values: checkValues(where, opts.values, chars),
    title: opts.title,
    note: opts.note,
  };
}

/** The HTML and text of one poem. */
function render(p: PreparedPoem, vertical: boolean, range: ValueRange): HtmlView {
  const lines = poemLines(p.chars);
  const cell = ({ char, index }: PoemChar): string => {
    const styles: string[] = [];
    const v = p.values?.[index];
    if (v !== undefined && Number.isFinite(v)) styles.push(`background:${valueColor(v, range)}`);
    const marked = p.marked.has(index);
    if (marked) styles.push(`color:${POEM_HIGHLIGHT_COLOR}`, "font-weight:bold");
    const tip = `${index}: ${char}${v !== undefined && Number.isFinite(v) ? ` ${v.toFixed(3)}` : ""}`;
    const cls = marked ? ' class="rnnlab-poem-mark"' : "";
    const style = styles.length > 0 ? ` style="${styles.join(";")}"` : "";
    return `<span data-i="${index}"${cls}${style} title="${escapeHtml(tip)}">${escapeHtml(char)}</span>`;
  };
  const body = lines.map((line) => `<div>${line.map(cell).join("")}</div>`).join("");
  const layout = vertical
    ? "writing-mode:vertical-rl;text-orientation:mixed;margin:0 auto;letter-spacing:0.15em"
    : "text-align:center;letter-spacing:0.1em";
  const title = p.title ? `<div style="font-weight:bold;text-align:center;margin-bottom:6px">${escapeHtml(p.title)}</div>` : "";
  const note = p.note ? `<div style="font-size:75%;color:#666;text-align:center;margin-top:6px">${escapeHtml(p.note)}</div>` : "";
  const html =
    `<div class="rnnlab-poem" style="display:inline-block;vertical-align:top;margin:6px 14px;font-family:${escapeHtml(POEM_FONT_STACK)}">` +
    `${title}<div style="${layout};font-size:22px;line-height:1.8">${body}</div>${note}</div>`;
  const textLines = lines.map((line) => line.map(({ char, index }) => (p.marked.has(index) ? `[${char}]` : char)).join(""));
  const text = [...(p.title ? [p.title] : []), ...textLines, ...(p.note ? [p.note] : [])].join("\n");
  return { html, text };
}

/** The key to the colours, or `""` when nothing is coloured. */
function legend(opts: PoemStyleOptions, marked: boolean, valued: boolean, range: ValueRange): string {
  const parts: string[] = [];
  if (marked)
    parts.push(
      `<span style="color:${POEM_HIGHLIGHT_COLOR};font-weight:bold">字</span> ${escapeHtml(opts.highlightLabel ?? "constrained")}`,
    );
  if (valued) {
    const swatch = (v: number, label: string): string => `<span style="background:${valueColor(v, range)};padding:0 3px">${label}</span>`;
    const scale = range === "unit" ? `${swatch(0, "0")} → ${swatch(1, "1")}` : `${swatch(-1, "−1")} · 0 · ${swatch(1, "+1")}`;
    parts.push(`${escapeHtml(opts.valueLabel ?? "value")} ${scale}`);
  }
  return parts.length === 0 ? "" : `<div style="font-size:80%;margin:2px 14px">${parts.join(" &nbsp; ")}</div>`;
}

/**
 * One poem, vertical (columns right to left) by default, its characters and punctuation in order, all text
 * escaped. Highlighted characters are red and bold, and a legend explains the colours in use; in the
 * terminal text they appear in brackets, e.g. `[春]眠不覺曉，`.
 *
 * @throws if the poem is empty, a highlight index is not a character of it, or `values` does not hold one value
 * (within the range) per character.
 */
export function poemView(poem: string, opts: PoemViewOptions = {}): HtmlView {
  const p = prepare("poemView", poem, opts.highlight, opts);
  const range = opts.range ?? (p.values ? inferRange([p.values]) : "unit");
  if (p.values) checkRange("poemView", p.values, p.chars, range);
  const view = render(p, opts.vertical ?? true, range);
  return {
    html: `<div class="rnnlab-poem-view">${legend(opts, p.marked.size > 0, p.values !== undefined, range)}${view.html}</div>`,
    text: view.text,
  };
}

/**
 * Several poems side by side (wrapping to new rows), each as {@link poemView} draws it, with one legend.
 * `opts.highlight` applies to every poem without its own, e.g. the acrostic positions `[0, 6, 12, 18]`.
 *
 * @throws if there are no poems, or one of them fails {@link poemView}'s checks (the error names it).
 */
export function poemGallery(poems: readonly PoemGalleryItem[], opts: PoemGalleryOptions = {}): HtmlView {
  if (!Array.isArray(poems) || poems.length === 0)
    throw new Error("poemGallery: no poems to show; pass an array of poem texts or { poem, title } items.");
  const prepared = poems.map((item, k) => {
    const where = `poemGallery (poem ${k})`;
    if (typeof item === "string") return prepare(where, item, opts.highlight, {});
    if (item === null || typeof item !== "object")
      throw new Error(`${where}: expected a poem text or a { poem, title } item, got ${item === null ? "null" : typeof item}.`);
    return prepare(where, item.poem, item.highlight ?? opts.highlight, item);
  });
  const valued = prepared.flatMap((p) => (p.values ? [p.values] : []));
  const range = opts.range ?? inferRange(valued);
  prepared.forEach((p, k) => p.values && checkRange(`poemGallery (poem ${k})`, p.values, p.chars, range));
  const views = prepared.map((p) => render(p, opts.vertical ?? true, range));
  const caption = opts.title ? `<div style="font-weight:bold;margin:2px 14px">${escapeHtml(opts.title)}</div>` : "";
  const key = legend(
    opts,
    prepared.some((p) => p.marked.size > 0),
    valued.length > 0,
    range,
  );
  const html =
    `<div class="rnnlab-poem-gallery">${caption}${key}` +
    `<div style="display:flex;flex-wrap:wrap;align-items:flex-start">${views.map((v) => v.html).join("")}</div></div>`;
  const text = [...(opts.title ? [opts.title] : []), views.map((v) => v.text).join("\n\n")].join("\n");
  return { html, text };
}
