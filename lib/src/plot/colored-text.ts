/**
 * Text coloured character by character by a value, to see what a neuron or a gate responds to:
 * values in [−1, 1] go from blue (−1) through white (0) to red (+1); values in [0, 1] from white to
 * orange. Hovering a character shows its value.
 *
 * ```ts
 * show(coloredText("hello world", activations)); // one value per character
 * ```
 * @see notebooks/00b-plots.ipynb
 */
import { HtmlView } from "./figure";
import { escapeHtml } from "./util";

/** Which range the values live in: `"signed"` = [−1, 1] (tanh), `"unit"` = [0, 1] (sigmoid). */
export type ValueRange = "signed" | "unit";

/** Options of {@link coloredText}. */
export interface ColoredTextConfig {
  /** Range of the values; by default `"unit"` when all lie in [0, 1], else `"signed"`. */
  readonly range?: ValueRange;
  /** A caption above the text. */
  readonly title?: string;
}

const TOLERANCE = 1e-6;

function inferRange(values: readonly number[]): ValueRange {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.every((v) => v >= -TOLERANCE) ? "unit" : "signed";
}

/** Background colour for `v` in the given range (`rgba`, transparent for NaN). */
export function valueColor(v: number, range: ValueRange): string {
  if (!Number.isFinite(v)) return "rgba(0,0,0,0)";
  const a = Math.min(1, Math.abs(v)).toFixed(3);
  if (range === "unit") return `rgba(255,127,14,${a})`;
  return v >= 0 ? `rgba(214,39,40,${a})` : `rgba(31,119,180,${a})`;
}

/**
 * Colours each character of `text` by the value at the same position.
 * @throws Error when the number of values differs from the number of characters, or a value lies outside the range.
 */
export function coloredText(text: string, values: ArrayLike<number>, config: ColoredTextConfig = {}): HtmlView {
  const chars = [...text];
  if (chars.length === 0) throw new Error("coloredText got an empty text; give it at least one character.");
  if (values.length !== chars.length) {
    throw new Error(`coloredText: ${chars.length} characters but ${values.length} values; give one value per character.`);
  }
  const vals = Array.from(values);
  const range = config.range ?? inferRange(vals);
  const lo = range === "unit" ? 0 : -1;
  vals.forEach((v, i) => {
    if (Number.isFinite(v) && (v < lo - TOLERANCE || v > 1 + TOLERANCE)) {
      throw new Error(
        `coloredText: value ${v} for character ${i} (${JSON.stringify(chars[i])}) is outside [${lo}, 1]. ` +
          `Squash it first (tanh for [-1, 1], sigmoid for [0, 1]) or divide by the largest |value|.`,
      );
    }
  });
  const spans = chars.map((c, i) => {
    const v = vals[i];
    const shown = c === "\n" ? "⏎<br>" : escapeHtml(c);
    const tip = `${JSON.stringify(c)}: ${Number.isFinite(v) ? v.toFixed(3) : "NaN"}`;
    return `<span style="background:${valueColor(v, range)}" title="${escapeHtml(tip)}">${shown}</span>`;
  });
  const legend =
    range === "unit"
      ? `<span style="background:${valueColor(0, range)}">0</span> → <span style="background:${valueColor(1, range)}">1</span>`
      : `<span style="background:${valueColor(-1, range)}">−1</span> · 0 · <span style="background:${valueColor(1, range)}">+1</span>`;
  const caption = config.title ? `<b>${escapeHtml(config.title)}</b> ` : "";
  const html =
    `<div class="rnnlab-colored-text">` +
    `<div style="font-size:85%;margin-bottom:4px">${caption}${legend}</div>` +
    `<div style="font-family:monospace;white-space:pre-wrap;line-height:1.6">${spans.join("")}</div></div>`;
  return { html, text: config.title ? `${config.title}: ${text}` : text };
}
