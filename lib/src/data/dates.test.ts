import { test } from "node:test";
import * as assert from "node:assert/strict";
import { DATE_FORMATS, DATE_FORMAT_COUNT, DATE_FORMAT_EXAMPLE_DATE, DATE_LIST_SEPARATOR, dateLists, dates, formatDate } from "./dates";

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
// Written out by hand, not computed: the suffix rule is what is under test.
const ORDINALS = [
  ...["1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th"],
  ...["11th", "12th", "13th", "14th", "15th", "16th", "17th", "18th", "19th", "20th"],
  ...["21st", "22nd", "23rd", "24th", "25th", "26th", "27th", "28th", "29th", "30th", "31st"],
];

// One reader per format, written independently of dates.ts: d/m unpadded ([1-9]\d?), dd/mm padded, mon/wkd three letters.
const D = "(?<d>[1-9]\\d?)";
const DD = "(?<d>\\d{2})";
const MM = "(?<m>\\d{2})";
const MONTH = "(?<month>[a-z]+)";
const MON = "(?<month>[a-z]{3})";
const Y = "(?<y>\\d{4})";
const YY = "(?<yy>\\d{2})";
const TH = "(?<th>st|nd|rd|th)";
const READERS: readonly RegExp[] = [
  `${D} ${MONTH} ${Y}`,
  `${D} ${MON} ${Y}`,
  `${MONTH} ${D}, ${Y}`,
  `${MON} ${D} ${Y}`,
  `(?<wd>[a-z]+), ${D} ${MONTH} ${Y}`,
  `(?<wd>[a-z]{3}) ${MON} ${D} ${Y}`,
  `${DD}/${MM}/${Y}`,
  `${DD}\\.${MM}\\.${YY}`,
  `${D} ${MONTH} '${YY}`,
  `${DD}/${MM}/${YY}`,
  `${D}\\.(?<m>[1-9]\\d?)\\.${Y}`,
  `${Y}/${MM}/${DD}`,
  `${D} ${MONTH} ${YY}`,
  `${D}${TH} ${MONTH} ${Y}`,
  `${MONTH} ${D}${TH}, ${Y}`,
  `${D}${TH} of ${MONTH} ${YY}`,
  `${D}${TH} of ${MONTH} ${Y}`,
  `the ${D}${TH} of ${MONTH}, ${Y}`,
  `(?<wd>[a-z]+), ${MONTH} ${D}, ${Y}`,
  `(?<wd>[a-z]{3}) ${D} ${MON} ${YY}`,
].map((p) => new RegExp(`^${p}$`));

/** The only year of `years` ending in `yy` (fails when there is none or more than one). */
function fullYear(yy: number, [y0, y1]: readonly [number, number]): number {
  const candidates: number[] = [];
  for (let y = y0; y <= y1; y++) if (y % 100 === yy) candidates.push(y);
  assert.equal(candidates.length, 1, `two-digit year ${yy} in ${y0}–${y1}: ${candidates.join(", ")}`);
  return candidates[0];
}

/** Reads `input`, written in `format`, back to an ISO date, checking the weekday and the ordinal suffix on the way. */
function readBack(input: string, format: number, years: readonly [number, number] = [1950, 2049]): string {
  const g = READERS[format].exec(input)?.groups;
  assert.ok(g, `format ${format} (${DATE_FORMATS[format].name}) does not read ${JSON.stringify(input)}`);
  const month = g.m !== undefined ? Number(g.m) : MONTHS.findIndex((n) => (g.month.length === 3 ? n.slice(0, 3) : n) === g.month) + 1;
  assert.ok(month >= 1 && month <= 12, `month of ${input}`);
  const day = Number(g.d);
  const year = g.y !== undefined ? Number(g.y) : fullYear(Number(g.yy), years);
  const iso = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  const t = new Date(`${iso}T12:00:00Z`);
  assert.equal(t.toISOString().slice(0, 10), iso, `${input} is a real date`);
  if (g.th !== undefined) assert.equal(`${day}${g.th}`, ORDINALS[day - 1], `ordinal in ${input}`);
  if (g.wd !== undefined) {
    const wd = WEEKDAYS[t.getUTCDay()];
    assert.equal(g.wd, g.wd.length === 3 ? wd.slice(0, 3) : wd, `weekday of ${input}`);
  }
  return iso;
}

test("DATE_FORMATS: 20 formats, the first nine as before, examples for Monday 3 September 1979", () => {
  assert.equal(DATE_FORMAT_COUNT, 20);
  assert.equal(DATE_FORMAT_EXAMPLE_DATE, "1979-09-03");
  assert.deepEqual(
    DATE_FORMATS.map((f) => [f.name, f.example]),
    [
      ["d month yyyy", "3 september 1979"],
      ["d mon yyyy", "3 sep 1979"],
      ["month d, yyyy", "september 3, 1979"],
      ["mon d yyyy", "sep 3 1979"],
      ["weekday, d month yyyy", "monday, 3 september 1979"],
      ["wkd mon d yyyy", "mon sep 3 1979"],
      ["dd/mm/yyyy", "03/09/1979"],
      ["dd.mm.yy", "03.09.79"],
      ["d month 'yy", "3 september '79"],
      ["dd/mm/yy", "03/09/79"],
      ["d.m.yyyy", "3.9.1979"],
      ["yyyy/mm/dd", "1979/09/03"],
      ["d month yy", "3 september 79"],
      ["dth month yyyy", "3rd september 1979"],
      ["month dth, yyyy", "september 3rd, 1979"],
      ["dth of month yy", "3rd of september 79"],
      ["dth of month yyyy", "3rd of september 1979"],
      ["the dth of month, yyyy", "the 3rd of september, 1979"],
      ["weekday, month d, yyyy", "monday, september 3, 1979"],
      ["wkd d mon yy", "mon 3 sep 79"],
    ],
  );
  assert.deepEqual(
    DATE_FORMATS.flatMap((f, i) => (f.twoDigitYear ? [i] : [])),
    [7, 8, 9, 12, 15, 19],
  );
  // The original nine, as dates.ts wrote them before the list grew (Tuesday 9 March 1971).
  assert.deepEqual(
    Array.from({ length: 9 }, (_, f) => formatDate("1971-03-09", f)),
    ["9 march 1971", "9 mar 1971", "march 9, 1971", "mar 9 1971", "tuesday, 9 march 1971", "tue mar 9 1971", "09/03/1971", "09.03.71", "9 march '71"],
  );
  assert.ok(DATE_FORMATS.every((f) => f.example === f.example.toLowerCase()));
});

test("formatDate: every format reads back to its date (ordinals 1st–31st, 29 February 2000, weekdays as JS Date has them)", () => {
  const days = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31];
  const picked = [
    ...days.map((d, i) => `20${String(i + 10)}-${["01", "03", "05", "07", "08", "10", "12"][i % 7]}-${String(d).padStart(2, "0")}`),
    "2000-02-29",
    "1950-01-01",
    "2049-12-31",
    "1979-09-03",
    "1999-12-31",
    "2000-01-01",
  ];
  for (const iso of picked) {
    for (let f = 0; f < DATE_FORMAT_COUNT; f++) assert.equal(readBack(formatDate(iso, f), f), iso, `format ${f} of ${iso}`);
  }
  assert.equal(formatDate("2000-02-29", 17), "the 29th of february, 2000");
  assert.equal(formatDate("2000-02-29", 18), "tuesday, february 29, 2000");
  assert.equal(formatDate("2000-02-29", 19), "tue 29 feb 00");
  // Every ordinal suffix, 1 to 31.
  assert.deepEqual(
    Array.from({ length: 31 }, (_, i) => formatDate(`2021-01-${String(i + 1).padStart(2, "0")}`, 13).split(" ")[0]),
    ORDINALS,
  );
  assert.throws(() => formatDate("1999-02-29", 0), /not a calendar date written YYYY-MM-DD/);
  assert.throws(() => formatDate("3 may 1979", 0), /not a calendar date/);
  assert.throws(() => formatDate("1979-05-03", 20), /format 20 does not exist; formats are 0 … 19/);
});

test("dates: seeded, exactly n pairs, every format drawn, each input its target written in its format", () => {
  const a = dates(2000, { seed: 7 });
  assert.equal(a.length, 2000);
  assert.deepEqual(dates(2000, { seed: 7 }), a);
  assert.notDeepEqual(dates(2000, { seed: 8 }), a);
  assert.deepEqual(dates(0), []);
  assert.deepEqual(dates(5), dates(5, { seed: 42 }), "default seed 42");
  for (const { input, target, format } of a) {
    assert.match(target, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(readBack(input, format), target);
    assert.equal(formatDate(target, format), input);
    const y = Number(target.slice(0, 4));
    assert.ok(y >= 1950 && y <= 2049);
  }
  assert.equal(new Set(a.map((p) => p.format)).size, DATE_FORMAT_COUNT);
  assert.throws(() => dates(-1), /n must be a whole number/);
  assert.throws(() => dates(3, { years: [2000, 1990] }), /years must be/);
});

test("dates: a two-digit year names the only year of the range with those digits; wider ranges drop or refuse such formats", () => {
  const twoDigit = DATE_FORMATS.flatMap((f, i) => (f.twoDigitYear ? [i] : []));
  // Default range 1950–2049: 50–99 → 19yy, 00–49 → 20yy.
  for (const p of dates(600, { seed: 3, formats: twoDigit })) {
    const yy = Number(/(\d\d)$/.exec(p.input)![1]);
    assert.equal(Number(p.target.slice(0, 4)), yy >= 50 ? 1900 + yy : 2000 + yy, p.input);
  }
  // A shifted range of 100 years: 1901–2000 reads "00" as 2000 and "01" as 1901.
  const shifted = dates(600, { seed: 4, years: [1901, 2000], formats: twoDigit });
  for (const p of shifted) assert.equal(readBack(p.input, p.format, [1901, 2000]), p.target);
  assert.ok(shifted.some((p) => p.target.startsWith("2000")) && shifted.some((p) => p.target.startsWith("1901")));
  // More than 100 years: by default the two-digit formats are left out; asking for one is an error.
  const wide = dates(1000, { seed: 5, years: [1900, 2049] });
  assert.ok(wide.every((p) => !DATE_FORMATS[p.format].twoDigitYear));
  assert.equal(new Set(wide.map((p) => p.format)).size, DATE_FORMAT_COUNT - twoDigit.length);
  assert.throws(() => dates(10, { years: [1900, 2049], formats: [0, 7] }), /span 150 years.*formats 7 write two-digit years.*Narrow years/);
  assert.doesNotThrow(() => dates(10, { years: [1900, 1999], formats: [7] }));
});

test("dates: the formats option draws only the formats asked for, uniformly", () => {
  const short = dates(1000, { seed: 2, formats: [6, 10] });
  const counts = [0, 0];
  for (const p of short) {
    assert.ok(p.format === 6 || p.format === 10);
    counts[p.format === 6 ? 0 : 1]++;
    assert.equal(formatDate(p.target, p.format), p.input);
  }
  assert.ok(counts[0] > 400 && counts[1] > 400, `counts ${counts.join(", ")}`);
  assert.ok(dates(50, { formats: [17] }).every((p) => p.input.startsWith("the ")));
  assert.deepEqual(
    dates(30, { seed: 9, formats: [0] }).map((p) => p.target),
    dates(30, { seed: 9, formats: [18] }).map((p) => p.target),
    "the same dates whatever the single format",
  );
  assert.throws(() => dates(3, { formats: [] }), /formats is empty/);
  assert.throws(() => dates(3, { formats: [20] }), /format 20 does not exist/);
  assert.throws(() => dates(3, { formats: [1.5] }), /format 1.5 does not exist/);
  assert.throws(() => dates(3, { formats: [3, 3] }), /formats repeat/);
});

test("dateLists: 1 to maxDates dates per input, joined; each part is a date of its target; seeded", () => {
  const lists = dateLists(300, { maxDates: 3, seed: 4 });
  assert.equal(lists.length, 300);
  assert.deepEqual(dateLists(300, { maxDates: 3, seed: 4 }), lists);
  const counts = [1, 2, 3].map((k) => lists.filter((l) => l.count === k).length);
  assert.ok(counts.every((c) => c > 70), `every count appears about a third of the time: ${counts}`);
  for (const l of lists) {
    const inputs = l.input.split(DATE_LIST_SEPARATOR);
    const targets = l.target.split(" ");
    assert.equal(inputs.length, l.count);
    assert.equal(targets.length, l.count);
    inputs.forEach((input, i) => assert.ok(DATE_FORMATS.some((_, f) => formatDate(targets[i], f) === input), `"${input}" is ${targets[i]} in some format`));
  }
  assert.ok(dateLists(50, { maxDates: 1 }).every((l) => l.count === 1 && !l.input.includes(DATE_LIST_SEPARATOR)));
  assert.throws(() => dateLists(3, { maxDates: 0 }), /maxDates must be a whole number >= 1/);
});
