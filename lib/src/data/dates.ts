/**
 * Synthetic date pairs for sequence-to-sequence models: a date written the way people write it,
 * and the same date in ISO 8601. Seeded: the same seed gives the same pairs.
 *
 * ```ts
 * dates(3, { seed: 1 });
 * // [{ input: "tuesday, 9 march 1971", target: "1971-03-09" }, …]
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import { DEFAULT_SEED, Rng } from "./rng";

/** One pair. */
export interface DatePair {
  /** Human-readable, lower-case, e.g. "9 mar 1971", "march 9, 1971", "09/03/1971" (day first). */
  readonly input: string;
  /** ISO 8601, `YYYY-MM-DD`. */
  readonly target: string;
}

/** Options of {@link dates}. */
export interface DateOptions {
  /** Seed of the generator. Default 42. */
  readonly seed?: number;
  /** First and last year (inclusive). Default `[1950, 2049]`. */
  readonly years?: readonly [number, number];
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** The formats, each a function of (year, month 1–12, day, weekday 0–6). */
const FORMATS: ((y: number, m: number, d: number, w: number) => string)[] = [
  (y, m, d) => `${d} ${MONTHS[m - 1]} ${y}`,
  (y, m, d) => `${d} ${MONTHS[m - 1].slice(0, 3)} ${y}`,
  (y, m, d) => `${MONTHS[m - 1]} ${d}, ${y}`,
  (y, m, d) => `${MONTHS[m - 1].slice(0, 3)} ${d} ${y}`,
  (y, m, d, w) => `${WEEKDAYS[w]}, ${d} ${MONTHS[m - 1]} ${y}`,
  (y, m, d, w) => `${WEEKDAYS[w].slice(0, 3)} ${MONTHS[m - 1]} ${d} ${y}`,
  (y, m, d) => `${pad(d)}/${pad(m)}/${y}`,
  (y, m, d) => `${pad(d)}.${pad(m)}.${String(y).slice(2)}`,
  (y, m, d) => `${d} ${MONTHS[m - 1]} '${String(y).slice(2)}`,
];

/** Number of input formats {@link dates} draws from. */
export const DATE_FORMAT_COUNT = FORMATS.length;

/**
 * `n` seeded pairs of a human-readable date and its ISO form (see {@link DatePair}). Returns exactly
 * `n` pairs; dates are uniform over the years asked for, formats uniform over {@link DATE_FORMAT_COUNT}.
 */
export function dates(n: number, opts: DateOptions = {}): DatePair[] {
  const { seed = DEFAULT_SEED, years = [1950, 2049] } = opts;
  if (!Number.isInteger(n) || n < 0) throw new Error(`dates(n): n must be a whole number >= 0, got ${n}.`);
  const [y0, y1] = years;
  if (!Number.isInteger(y0) || !Number.isInteger(y1) || y0 > y1 || y0 < 1000 || y1 > 9999) {
    throw new Error(`dates: years must be [from, to] with 1000 <= from <= to <= 9999, got ${JSON.stringify(years)}.`);
  }
  const rng = new Rng(seed);
  const start = Date.UTC(y0, 0, 1);
  const days = Math.round((Date.UTC(y1 + 1, 0, 1) - start) / 86_400_000);
  const out: DatePair[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(start + rng.int(days) * 86_400_000);
    const y = t.getUTCFullYear(), m = t.getUTCMonth() + 1, d = t.getUTCDate();
    const input = FORMATS[rng.int(FORMATS.length)](y, m, d, t.getUTCDay());
    out.push({ input, target: `${pad(y, 4)}-${pad(m)}-${pad(d)}` });
  }
  return out;
}
