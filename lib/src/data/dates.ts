/**
 * Synthetic date pairs for sequence-to-sequence models: a date written the way people write it (one of
 * {@link DATE_FORMAT_COUNT} lower-case formats, see {@link DATE_FORMATS}), and the same date in ISO 8601.
 * Seeded: the same seed gives the same pairs.
 *
 * ```ts
 * dates(3, { seed: 1 });
 * // [{ input: "25th of july 92", target: "1992-07-25", format: 15 }, { input: "7.2.2019", …, format: 10 }, …]
 * dates(1000, { formats: [6, 7, 9, 10, 11] }); // only the short, numeric formats
 * formatDate("2000-02-29", 17);                 // "the 29th of february, 2000"
 * ```
 * @see notebooks/01-language-models.ipynb
 * @see notebooks/07-seq2seq.ipynb
 */
import { DEFAULT_SEED, Rng } from "./rng";

/** One pair. */
export interface DatePair {
  /** Human-readable, lower-case, e.g. "9 mar 1971", "march 9th, 1971", "09/03/71" (day first). */
  readonly input: string;
  /** ISO 8601, `YYYY-MM-DD`. */
  readonly target: string;
  /** Which format `input` is written in: an index into {@link DATE_FORMATS}. */
  readonly format: number;
}

/** Options of {@link dates}. */
export interface DateOptions {
  /** Seed of the generator. Default 42. */
  readonly seed?: number;
  /**
   * First and last year (inclusive). Default `[1950, 2049]`. A two-digit year stands for the only year of
   * this range with those last two digits (default: 50–99 → 19yy, 00–49 → 20yy), so formats with one are
   * drawn only when the range spans at most 100 years.
   */
  readonly years?: readonly [number, number];
  /**
   * The formats to draw from, uniformly: indices into {@link DATE_FORMATS}. Default: all of them, less the
   * two-digit-year ones when `years` spans more than 100 years. Asking for a two-digit-year format over such
   * a range is an error.
   */
  readonly formats?: readonly number[];
}

/** One input format of {@link dates}: how it is written, and what it makes of {@link DATE_FORMAT_EXAMPLE_DATE}. */
export interface DateFormat {
  /** The pattern: `d`/`dd` day (`dth` with its ordinal suffix), `m`/`mm` month, `month`/`mon` its name, `weekday`/`wkd` the day's name, `yyyy`/`yy` year. */
  readonly name: string;
  /** The example date in this format. */
  readonly example: string;
  /** True when the year has two digits, which needs a range of at most 100 years to be read back. */
  readonly twoDigitYear: boolean;
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
const mon = (m: number): string => MONTHS[m - 1].slice(0, 3);
const yy = (y: number): string => pad(y % 100);

/** `d` with its English ordinal suffix: 1st 2nd 3rd 4th … 11th 12th 13th … 21st 22nd 23rd … 31st. */
function ordinal(d: number): string {
  const teen = d % 100 >= 11 && d % 100 <= 13;
  const suffix = teen ? "th" : (["th", "st", "nd", "rd"][d % 10] ?? "th");
  return `${d}${suffix}`;
}

interface FormatSpec {
  readonly name: string;
  /** (year, month 1–12, day, weekday 0–6 from Sunday) → the text. */
  readonly render: (y: number, m: number, d: number, w: number) => string;
}

// The first nine are the original formats, unchanged (their index is part of the pairs' meaning).
const SPECS: readonly FormatSpec[] = [
  { name: "d month yyyy", render: (y, m, d) => `${d} ${MONTHS[m - 1]} ${y}` },
  { name: "d mon yyyy", render: (y, m, d) => `${d} ${mon(m)} ${y}` },
  { name: "month d, yyyy", render: (y, m, d) => `${MONTHS[m - 1]} ${d}, ${y}` },
  { name: "mon d yyyy", render: (y, m, d) => `${mon(m)} ${d} ${y}` },
  { name: "weekday, d month yyyy", render: (y, m, d, w) => `${WEEKDAYS[w]}, ${d} ${MONTHS[m - 1]} ${y}` },
  { name: "wkd mon d yyyy", render: (y, m, d, w) => `${WEEKDAYS[w].slice(0, 3)} ${mon(m)} ${d} ${y}` },
  { name: "dd/mm/yyyy", render: (y, m, d) => `${pad(d)}/${pad(m)}/${y}` },
  { name: "dd.mm.yy", render: (y, m, d) => `${pad(d)}.${pad(m)}.${yy(y)}` },
  { name: "d month 'yy", render: (y, m, d) => `${d} ${MONTHS[m - 1]} '${yy(y)}` },
  { name: "dd/mm/yy", render: (y, m, d) => `${pad(d)}/${pad(m)}/${yy(y)}` },
  { name: "d.m.yyyy", render: (y, m, d) => `${d}.${m}.${y}` },
  { name: "yyyy/mm/dd", render: (y, m, d) => `${y}/${pad(m)}/${pad(d)}` },
  { name: "d month yy", render: (y, m, d) => `${d} ${MONTHS[m - 1]} ${yy(y)}` },
  { name: "dth month yyyy", render: (y, m, d) => `${ordinal(d)} ${MONTHS[m - 1]} ${y}` },
  { name: "month dth, yyyy", render: (y, m, d) => `${MONTHS[m - 1]} ${ordinal(d)}, ${y}` },
  { name: "dth of month yy", render: (y, m, d) => `${ordinal(d)} of ${MONTHS[m - 1]} ${yy(y)}` },
  { name: "dth of month yyyy", render: (y, m, d) => `${ordinal(d)} of ${MONTHS[m - 1]} ${y}` },
  { name: "the dth of month, yyyy", render: (y, m, d) => `the ${ordinal(d)} of ${MONTHS[m - 1]}, ${y}` },
  { name: "weekday, month d, yyyy", render: (y, m, d, w) => `${WEEKDAYS[w]}, ${MONTHS[m - 1]} ${d}, ${y}` },
  { name: "wkd d mon yy", render: (y, m, d, w) => `${WEEKDAYS[w].slice(0, 3)} ${d} ${mon(m)} ${yy(y)}` },
];

/** Number of input formats {@link dates} can draw from: the length of {@link DATE_FORMATS}. */
export const DATE_FORMAT_COUNT = SPECS.length;

/** The date every {@link DATE_FORMATS} example shows: Monday, 3 September 1979 (a long month, an ordinal "3rd", a one-digit day). */
export const DATE_FORMAT_EXAMPLE_DATE = "1979-09-03";

/** Year, month (1–12), day and weekday (0 = Sunday) of an ISO date. @throws Error when it is not a real `YYYY-MM-DD` date. */
function parseIso(where: string, iso: string): [number, number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const t = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!match || !t || t.toISOString().slice(0, 10) !== iso) {
    throw new Error(`${where}: ${JSON.stringify(iso)} is not a calendar date written YYYY-MM-DD (e.g. "1979-09-03").`);
  }
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCDay()];
}

/** Checks a format index. */
function checkFormat(where: string, f: number): void {
  if (!Number.isInteger(f) || f < 0 || f >= DATE_FORMAT_COUNT) {
    throw new Error(`${where}: format ${f} does not exist; formats are 0 … ${DATE_FORMAT_COUNT - 1} (see DATE_FORMATS).`);
  }
}

/**
 * The ISO date `date` (`YYYY-MM-DD`) written in format `format` (an index into {@link DATE_FORMATS}).
 * A two-digit year is the year's last two digits, whatever the century.
 * ```ts
 * formatDate("1979-09-03", 16); // "3rd of september 1979"
 * ```
 */
export function formatDate(date: string, format: number): string {
  checkFormat("formatDate", format);
  const [y, m, d, w] = parseIso("formatDate", date);
  return SPECS[format].render(y, m, d, w);
}

/**
 * The input formats of {@link dates}, in index order, each with its example for {@link DATE_FORMAT_EXAMPLE_DATE}
 * (Monday, 3 September 1979). Days come before months in every numeric format; everything is lower case.
 *
 * | # | name                     | example                       | chars |
 * |--:|--------------------------|-------------------------------|------:|
 * | 0 | `d month yyyy`           | `3 september 1979`            | 10–17 |
 * | 1 | `d mon yyyy`             | `3 sep 1979`                  | 10–11 |
 * | 2 | `month d, yyyy`          | `september 3, 1979`           | 11–18 |
 * | 3 | `mon d yyyy`             | `sep 3 1979`                  | 10–11 |
 * | 4 | `weekday, d month yyyy`  | `monday, 3 september 1979`    | 18–28 |
 * | 5 | `wkd mon d yyyy`         | `mon sep 3 1979`              | 14–15 |
 * | 6 | `dd/mm/yyyy`             | `03/09/1979`                  | 10    |
 * | 7 | `dd.mm.yy`               | `03.09.79`                    | 8     |
 * | 8 | `d month 'yy`            | `3 september '79`             | 9–16  |
 * | 9 | `dd/mm/yy`               | `03/09/79`                    | 8     |
 * |10 | `d.m.yyyy`               | `3.9.1979`                    | 8–10  |
 * |11 | `yyyy/mm/dd`             | `1979/09/03`                  | 10    |
 * |12 | `d month yy`             | `3 september 79`              | 8–15  |
 * |13 | `dth month yyyy`         | `3rd september 1979`          | 12–19 |
 * |14 | `month dth, yyyy`        | `september 3rd, 1979`         | 13–20 |
 * |15 | `dth of month yy`        | `3rd of september 79`         | 13–20 |
 * |16 | `dth of month yyyy`      | `3rd of september 1979`       | 15–22 |
 * |17 | `the dth of month, yyyy` | `the 3rd of september, 1979`  | 20–27 |
 * |18 | `weekday, month d, yyyy` | `monday, september 3, 1979`   | 19–29 |
 * |19 | `wkd d mon yy`           | `mon 3 sep 79`                | 12–13 |
 *
 * `chars`: shortest–longest input over 1950–2049. Formats 0–8 are the original nine. Two-digit years (`yy`, 7, 8, 9, 12, 15, 19) have `twoDigitYear: true`.
 */
export const DATE_FORMATS: readonly DateFormat[] = Object.freeze(
  SPECS.map((s, i) =>
    Object.freeze({ name: s.name, example: formatDate(DATE_FORMAT_EXAMPLE_DATE, i), twoDigitYear: s.name.includes("yy") && !s.name.includes("yyyy") }),
  ),
);

/**
 * `n` seeded pairs of a human-readable date and its ISO form (see {@link DatePair}). Returns exactly
 * `n` pairs; dates are uniform over the years asked for, formats uniform over `opts.formats` (default
 * every format of {@link DATE_FORMATS} that the year range can read back, see {@link DateOptions.years}).
 * @throws Error when `n`, `years` or `formats` is invalid, or a two-digit-year format is asked for over more than 100 years.
 */
export function dates(n: number, opts: DateOptions = {}): DatePair[] {
  const { seed = DEFAULT_SEED, years = [1950, 2049] } = opts;
  if (!Number.isInteger(n) || n < 0) throw new Error(`dates(n): n must be a whole number >= 0, got ${n}.`);
  const [y0, y1] = years;
  if (!Number.isInteger(y0) || !Number.isInteger(y1) || y0 > y1 || y0 < 1000 || y1 > 9999) {
    throw new Error(`dates: years must be [from, to] with 1000 <= from <= to <= 9999, got ${JSON.stringify(years)}.`);
  }
  const wide = y1 - y0 + 1 > 100;
  const formats = opts.formats ?? DATE_FORMATS.flatMap((f, i) => (wide && f.twoDigitYear ? [] : [i]));
  if (formats.length === 0) throw new Error("dates: formats is empty; give at least one index into DATE_FORMATS, or leave it out for all.");
  formats.forEach((f) => checkFormat("dates", f));
  if (new Set(formats).size !== formats.length) throw new Error(`dates: formats repeat (${formats.join(", ")}); give each index once.`);
  const twoDigit = formats.filter((f) => DATE_FORMATS[f].twoDigitYear);
  if (wide && twoDigit.length > 0) {
    throw new Error(
      `dates: years ${y0}–${y1} span ${y1 - y0 + 1} years, so a two-digit year could stand for more than one of them; ` +
        `formats ${twoDigit.join(", ")} write two-digit years. Narrow years to at most 100 (e.g. [1950, 2049]) or leave those formats out.`,
    );
  }
  const rng = new Rng(seed);
  const start = Date.UTC(y0, 0, 1);
  const days = Math.round((Date.UTC(y1 + 1, 0, 1) - start) / 86_400_000);
  const out: DatePair[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(start + rng.int(days) * 86_400_000);
    const y = t.getUTCFullYear(),
      m = t.getUTCMonth() + 1,
      d = t.getUTCDate();
    const format = formats[rng.int(formats.length)];
    const input = SPECS[format].render(y, m, d, t.getUTCDay());
    out.push({ input, target: `${pad(y, 4)}-${pad(m)}-${pad(d)}`, format });
  }
  return out;
}

/** One pair of {@link dateLists}: several dates in one input, their ISO forms in one target. */
export interface DateListPair {
  /** The human-readable dates joined by {@link DATE_LIST_SEPARATOR}, e.g. "3 may 1979; 04.07.81". */
  readonly input: string;
  /** Their ISO forms joined by single spaces, e.g. "1979-05-03 1981-07-04". */
  readonly target: string;
  /** How many dates. */
  readonly count: number;
}

/** What separates the dates of a {@link dateLists} input (no format writes it). */
export const DATE_LIST_SEPARATOR = "; ";

/**
 * `n` seeded inputs of 1 to `maxDates` dates each (the count uniform), every date drawn as {@link dates}
 * draws it (`years`, `formats`), for an encoder–decoder that must carry several dates through its one context
 * vector: the longer the list, the more the context has to hold.
 *
 * ```ts
 * dateLists(2, { maxDates: 3, seed: 1 });
 * // [{ input: "12.06.71; the 3rd of may, 1979", target: "1971-06-12 1979-05-03", count: 2 }, …]
 * ```
 */
export function dateLists(n: number, opts: DateOptions & { readonly maxDates: number }): DateListPair[] {
  const { maxDates, seed = DEFAULT_SEED } = opts;
  if (!Number.isInteger(n) || n < 0) throw new Error(`dateLists(n): n must be a whole number >= 0, got ${n}.`);
  if (!Number.isInteger(maxDates) || maxDates < 1) throw new Error(`dateLists: maxDates must be a whole number >= 1, got ${maxDates}.`);
  const rng = new Rng(seed);
  const counts = Array.from({ length: n }, () => 1 + rng.int(maxDates));
  const all = dates(
    counts.reduce((a, b) => a + b, 0),
    { ...opts, seed: rng.nextUint32() },
  );
  let next = 0;
  return counts.map((count) => {
    const group = all.slice(next, next + count);
    next += count;
    return { input: group.map((p) => p.input).join(DATE_LIST_SEPARATOR), target: group.map((p) => p.target).join(" "), count };
  });
}
