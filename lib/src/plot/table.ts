/**
 * Small tables for samples and metrics, as HTML in a notebook and aligned text in a terminal.
 *
 * ```ts
 * show(table([{ model: "RNN", ppl: 5.21 }, { model: "GRU", ppl: 4.02 }], { title: "validation" }));
 * ```
 * @see notebooks/00b-plots.ipynb
 */
import { HtmlView } from "./figure";
import { escapeHtml } from "./util";

/** A table cell: text, a number, or a boolean. */
export type TableCell = string | number | boolean | null | undefined;

/** Options of {@link table}. */
export interface TableConfig {
  /** Column order and selection; default: the keys of the rows in first-seen order. */
  readonly columns?: readonly string[];
  /** Caption above the table. */
  readonly title?: string;
  /** Significant digits for non-integer numbers (default 4). */
  readonly digits?: number;
}

/** Formats one cell: integers as is, other numbers with `digits` significant digits. */
export function formatTableCell(v: TableCell, digits = 4): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    return String(Number(v.toPrecision(digits)));
  }
  return String(v);
}

/**
 * A table with one row per object. Missing cells stay empty.
 * @throws Error when there are no rows or no columns.
 */
export function table(rows: readonly Readonly<Record<string, TableCell>>[], config: TableConfig = {}): HtmlView {
  if (!Array.isArray(rows) || rows.length === 0) throw new Error('table needs at least one row, e.g. [{ model: "RNN", ppl: 5.2 }].');
  const columns = config.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (columns.length === 0) throw new Error("table: the rows have no columns (they are empty objects).");
  const cells = rows.map((r) => columns.map((c) => formatTableCell(r[c], config.digits)));
  const numeric = columns.map((c) => rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === "number"));
  const align = (j: number) => (numeric[j] ? "right" : "left");
  const head = columns.map((c, j) => `<th style="text-align:${align(j)}">${escapeHtml(c)}</th>`).join("");
  const body = cells
    .map((row) => `<tr>${row.map((v, j) => `<td style="text-align:${align(j)};white-space:pre">${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("");
  const caption = config.title ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(config.title)}</caption>` : "";
  const html = `<table class="rnnlab-table">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;

  const widths = columns.map((c, j) => Math.max([...c].length, ...cells.map((row) => [...row[j]].length)));
  const pad = (v: string, j: number) => (numeric[j] ? v.padStart(widths[j]) : v.padEnd(widths[j]));
  const lines = [
    columns.map(pad).join("  "),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map((row) => row.map(pad).join("  ")),
  ].map((l) => l.trimEnd());
  if (config.title) lines.unshift(config.title);
  return { html, text: lines.join("\n") };
}
