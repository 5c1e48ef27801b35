/**
 * Small helpers shared by the plot files. Internal: not re-exported by the barrel, so their generic
 * names cannot collide with other folders' exports.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Layout } from "plotly.js-dist";
import { DEFAULT_PLOT_HEIGHT } from "./figure";

/** Layout parts shared by the helpers: title, margins, height. */
export function baseLayout(title: string | undefined, height = DEFAULT_PLOT_HEIGHT): Partial<Layout> {
  const layout: Partial<Layout> = {
    height,
    margin: { l: 60, r: 30, t: title ? 50 : 20, b: 50 },
  };
  if (title) layout.title = { text: title };
  return layout;
}

/**
 * Copies numbers for a trace, turning NaN and ±Infinity into `null`, which plotly draws as a gap.
 * @throws Error when `values` is not an array of numbers.
 */
export function toPlotNumbers(values: ArrayLike<number>, what: string): (number | null)[] {
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw new Error(`${what} must be an array of numbers, got ${String(values)}.`);
  }
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") {
      throw new Error(`${what}[${i}] is ${JSON.stringify(v)}, not a number. Convert it (Number(...)) before plotting.`);
    }
    out[i] = Number.isFinite(v) ? v : null;
  }
  return out;
}

/** Makes whitespace characters visible as axis labels: space → `␣`, newline → `⏎`, tab → `⇥`. */
export function charLabel(label: string): string {
  if (label === " ") return "␣";
  if (label === "\n") return "⏎";
  if (label === "\t") return "⇥";
  return label;
}

/** Escapes text for use inside HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** True for a tfjs tensor (checked by shape, so a second copy of tfjs in node_modules still counts). */
export function isTensor(v: unknown): v is tf.Tensor {
  const t = v as { shape?: unknown; arraySync?: unknown; dataSync?: unknown } | null;
  return (
    typeof t === "object" && t !== null && Array.isArray(t.shape) && typeof t.arraySync === "function" && typeof t.dataSync === "function"
  );
}

/** Formats seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}
