/**
 * Sizes of a corpus at a glance: items, characters (code points) and character vocabulary.
 *
 * ```ts
 * corpusSizes("dinosaur names", dinosaurNames()); // { corpus: "dinosaur names", items: 1290, characters: …, vocabulary: 26 }
 * ```
 * @see notebooks/01-language-models.ipynb
 */

/** One row of a corpus-size table (a type alias, so that it fits `table()` rows). */
export type CorpusSizes = {
  readonly corpus: string;
  /** Items: names, poems, speeches, word–pronunciation pairs, … */
  readonly items: number;
  /** Characters (Unicode code points) over all items. */
  readonly characters: number;
  /** Distinct characters. */
  readonly vocabulary: number;
};

/** Counts items, code points and distinct code points of `items`. */
export function corpusSizes(corpus: string, items: readonly string[]): CorpusSizes {
  const seen = new Set<string>();
  let characters = 0;
  for (const item of items) {
    for (const ch of item) {
      characters++;
      seen.add(ch);
    }
  }
  return { corpus, items: items.length, characters, vocabulary: seen.size };
}
