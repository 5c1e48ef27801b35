/**
 * A vocabulary: the mapping between tokens and the integer ids a model sees. Reserved tokens come
 * first (in the order asked for), then every other token by decreasing frequency, ties broken by
 * first appearance, as in d2l.
 *
 * ```ts
 * const vocab = Vocab.build(charTokens("hello world"), { reserved: ["<unk>"] });
 * vocab.size;                        // 9: <unk> + 8 distinct characters
 * vocab.encode(charTokens("low"));   // [1, 2, 6]  ("l" and "o" are the most frequent)
 * vocab.decode([1, 2, 6]).join("");  // "low"
 * vocab.encode(["z"]);               // [0]: unknown tokens map to <unk> when the vocab has it
 * ```
 * @see notebooks/01-language-models.ipynb
 */

/** Special tokens a vocabulary can reserve. */
export type ReservedToken = "<pad>" | "<unk>" | "<bos>" | "<eos>";

/** All special tokens, in the conventional order. */
export const RESERVED_TOKENS: readonly ReservedToken[] = ["<pad>", "<unk>", "<bos>", "<eos>"];

/** Options of {@link Vocab.build}. */
export interface VocabOptions {
  /** Tokens seen fewer times than this are left out (they become `<unk>` if reserved). Default 1. */
  readonly minFreq?: number;
  /** Special tokens to include, first, in this order. Default none. */
  readonly reserved?: readonly ReservedToken[];
  /** Keep at most this many tokens in total (reserved included), the most frequent ones. Default no limit. */
  readonly maxSize?: number;
}

/** The JSON form of a {@link Vocab}, as stored in checkpoints. */
export interface VocabJSON {
  readonly format: "rnnlab-vocab";
  readonly version: 1;
  /** Tokens in id order. */
  readonly tokens: readonly string[];
  /** Count of each token in the text the vocab was built from, in id order. */
  readonly counts: readonly number[];
  /** Which of `tokens` are reserved. */
  readonly reserved: readonly ReservedToken[];
  /** Occurrences of tokens that were left out by `minFreq`/`maxSize`. */
  readonly droppedCount: number;
}

function isReserved(t: unknown): t is ReservedToken {
  return typeof t === "string" && (RESERVED_TOKENS as readonly string[]).includes(t);
}

/** Token ↔ id mapping with frequencies, `<unk>` handling and JSON round trips. */
export class Vocab {
  /** Tokens in id order. */
  readonly tokens: readonly string[];
  /** How often each token (by id) occurred in the text the vocab was built from. */
  readonly counts: readonly number[];
  /** The reserved tokens this vocab has, in id order (they hold ids `0 … reserved.length-1`). */
  readonly reserved: readonly ReservedToken[];
  /** Occurrences of tokens left out by `minFreq` or `maxSize` (they encode to `<unk>`). */
  readonly droppedCount: number;
  private readonly index: Map<string, number>;

  private constructor(tokens: readonly string[], counts: readonly number[], reserved: readonly ReservedToken[], droppedCount: number) {
    this.tokens = Object.freeze([...tokens]);
    this.counts = Object.freeze([...counts]);
    this.reserved = Object.freeze([...reserved]);
    this.droppedCount = droppedCount;
    this.index = new Map(tokens.map((t, i) => [t, i]));
    if (this.index.size !== tokens.length) throw new Error("Vocab: the token list contains duplicates.");
  }

  /**
   * Builds a vocabulary from a stream of tokens (e.g. `charTokens(text)` or `wordTokens(text)`).
   * @throws Error when there are no tokens or the options are invalid.
   */
  static build(tokens: Iterable<string>, opts: VocabOptions = {}): Vocab {
    const { minFreq = 1, reserved = [], maxSize = Infinity } = opts;
    if (!Number.isFinite(minFreq) || minFreq < 1) throw new Error(`Vocab.build: minFreq must be a number >= 1, got ${minFreq}.`);
    for (const r of reserved) {
      if (!isReserved(r)) throw new Error(`Vocab.build: "${String(r)}" is not a reserved token; use ${RESERVED_TOKENS.join(", ")}.`);
    }
    if (new Set(reserved).size !== reserved.length) throw new Error(`Vocab.build: reserved tokens repeat: ${reserved.join(", ")}.`);
    if (!(maxSize >= reserved.length + 1)) {
      throw new Error(`Vocab.build: maxSize ${maxSize} leaves no room for tokens besides the ${reserved.length} reserved ones.`);
    }
    const counter = new Map<string, number>(); // insertion order = first appearance
    let total = 0;
    for (const t of tokens) {
      if (typeof t !== "string") throw new Error(`Vocab.build: tokens must be strings, got ${typeof t} at position ${total}.`);
      counter.set(t, (counter.get(t) ?? 0) + 1);
      total++;
    }
    if (total === 0) {
      throw new Error("Vocab.build: no tokens. Check that the corpus is not empty and that the tokenizer matches it.");
    }
    const ordered = [...counter.entries()].filter(([t]) => !isReserved(t) || !reserved.includes(t));
    ordered.sort((a, b) => b[1] - a[1]); // stable: ties keep first-appearance order
    const kept = ordered.filter(([, c]) => c >= minFreq).slice(0, Math.max(0, maxSize - reserved.length));
    const keptSet = new Set(kept.map(([t]) => t));
    let dropped = 0;
    for (const [t, c] of ordered) if (!keptSet.has(t)) dropped += c;
    return new Vocab(
      [...reserved, ...kept.map(([t]) => t)],
      [...reserved.map((r) => counter.get(r) ?? 0), ...kept.map(([, c]) => c)],
      reserved,
      dropped,
    );
  }

  /** Rebuilds a vocabulary saved with {@link toJSON} (an object, or its JSON text). */
  static fromJSON(json: VocabJSON | string): Vocab {
    let obj: unknown;
    try {
      obj = typeof json === "string" ? JSON.parse(json) : json;
    } catch (err) {
      throw new Error(`Vocab.fromJSON: the text is not valid JSON (${(err as Error).message}); was the file truncated?`, { cause: err });
    }
    const o = obj as Partial<VocabJSON> | null;
    const bad = (why: string): never => {
      throw new Error(`Vocab.fromJSON: not a saved vocabulary: ${why}. Save one with JSON.stringify(vocab) or vocab.toJSON().`);
    };
    if (o === null || typeof o !== "object") return bad("expected an object");
    if (o.format !== "rnnlab-vocab" || o.version !== 1) return bad(`format/version is ${String(o.format)}/${String(o.version)}, expected rnnlab-vocab/1`);
    const { tokens, counts, reserved } = o;
    if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === "string")) return bad("tokens must be an array of strings");
    if (!Array.isArray(counts) || counts.length !== tokens.length || !counts.every((c) => Number.isInteger(c) && c >= 0)) {
      return bad("counts must be one non-negative integer per token");
    }
    if (!Array.isArray(reserved) || !reserved.every(isReserved) || reserved.some((r, i) => tokens[i] !== r)) {
      return bad("reserved tokens must come first in tokens");
    }
    const droppedCount = o.droppedCount ?? 0;
    if (!Number.isInteger(droppedCount) || droppedCount < 0) return bad("droppedCount must be a non-negative integer");
    if (new Set(tokens).size !== tokens.length) return bad("tokens repeat");
    return new Vocab(tokens, counts, reserved, droppedCount);
  }

  /** The JSON form; `JSON.stringify(vocab)` uses it. */
  toJSON(): VocabJSON {
    return {
      format: "rnnlab-vocab",
      version: 1,
      tokens: [...this.tokens],
      counts: [...this.counts],
      reserved: [...this.reserved],
      droppedCount: this.droppedCount,
    };
  }

  /** Number of tokens, reserved ones included: the `vocabSize` of a model. */
  get size(): number {
    return this.tokens.length;
  }

  /** Total number of tokens counted when building (all occurrences, dropped ones included). */
  get totalCount(): number {
    return this.counts.reduce((a, b) => a + b, 0) + this.droppedCount;
  }

  /** Id of `<pad>`, or `undefined` when not reserved. */
  get padId(): number | undefined {
    return this.index.get("<pad>");
  }
  /** Id of `<unk>`, or `undefined` when not reserved. */
  get unkId(): number | undefined {
    return this.index.get("<unk>");
  }
  /** Id of `<bos>`, or `undefined` when not reserved. */
  get bosId(): number | undefined {
    return this.index.get("<bos>");
  }
  /** Id of `<eos>`, or `undefined` when not reserved. */
  get eosId(): number | undefined {
    return this.index.get("<eos>");
  }

  /** True when `token` has an id of its own. */
  has(token: string): boolean {
    return this.index.has(token);
  }

  /**
   * The id of `token`; an unknown token gets `<unk>`'s id when the vocab has one.
   * @throws Error naming the token when it is unknown and there is no `<unk>`.
   */
  idOf(token: string): number {
    const id = this.index.get(token) ?? this.unkId;
    if (id === undefined) throw this.unknownError(token);
    return id;
  }

  /** The token with id `id`. @throws Error when `id` is not an integer in `[0, size)`. */
  tokenOf(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length) {
      throw new Error(`Vocab: id ${id} is out of range; ids are integers from 0 to ${this.tokens.length - 1}.`);
    }
    return this.tokens[id];
  }

  /** How often `token` occurred when the vocab was built (0 if never, or if it was dropped). */
  freq(token: string): number {
    const id = this.index.get(token);
    return id === undefined ? 0 : this.counts[id];
  }

  /**
   * Tokens → ids. Unknown tokens become `<unk>` when the vocab has it.
   * @throws Error naming the first unknown token and its position when there is no `<unk>`.
   */
  encode(tokens: readonly string[]): number[] {
    const unk = this.unkId;
    const out = new Array<number>(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const id = this.index.get(tokens[i]) ?? unk;
      if (id === undefined) throw this.unknownError(tokens[i], i);
      out[i] = id;
    }
    return out;
  }

  /** Ids → tokens. @throws Error naming the position of an id that is out of range. */
  decode(ids: ArrayLike<number>): string[] {
    const out = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length) {
        throw new Error(`Vocab.decode: id ${id} at position ${i} is out of range; ids are integers from 0 to ${this.tokens.length - 1}.`);
      }
      out[i] = this.tokens[id];
    }
    return out;
  }

  /** The `k` most frequent non-reserved tokens with their counts, most frequent first. */
  mostCommon(k = Infinity): [string, number][] {
    const out: [string, number][] = [];
    for (let i = this.reserved.length; i < this.tokens.length && out.length < k; i++) out.push([this.tokens[i], this.counts[i]]);
    return out;
  }

  private unknownError(token: string, position?: number): Error {
    const where = position === undefined ? "" : ` at position ${position}`;
    const shown = JSON.stringify(token);
    const code = [...token].length === 1 ? ` (U+${token.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})` : "";
    return new Error(
      `Vocab: token ${shown}${code}${where} is not in the vocabulary (${this.size} tokens) and the vocabulary has no <unk>. ` +
        `Build the vocab from text that contains it, or with { reserved: ["<unk>"] }.`,
    );
  }
}
