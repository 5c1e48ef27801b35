/**
 * A small seeded pseudo-random number generator, so that batches, splits and samples are the same on
 * every rerun. Algorithm: sfc32 (Chris Doty-Humphrey's "small fast counter"), 128 bits of state,
 * seeded from one integer through splitmix32. Not for cryptography.
 *
 * ```ts
 * const rng = new Rng(42);
 * rng.next();            // a float in [0, 1)
 * rng.int(10);           // an integer in [0, 10)
 * rng.shuffle([1, 2, 3]); // shuffled in place, and returned
 * ```
 * @see notebooks/01-language-models.ipynb
 */

/** Seed used when none is given. */
export const DEFAULT_SEED = 42;

/** A seeded random number generator: same seed, same sequence. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The seed this generator started from. */
  readonly seed: number;

  /** @param seed any finite number; it is reduced to a 32-bit integer. */
  constructor(seed: number = DEFAULT_SEED) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: the seed must be a finite number, got ${seed}.`);
    this.seed = seed;
    // splitmix32 spreads one 32-bit seed over four state words.
    let s = Math.trunc(seed) >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.nextUint32(); // warm up
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float uniformly distributed in `[0, 1)`. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A float uniformly distributed in `[lo, hi)`. */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer uniformly distributed in `[0, n)`; `n` must be a positive integer. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int(n): n must be a positive integer, got ${n}.`);
    return Math.floor(this.next() * n);
  }

  /** An integer uniformly distributed in `[lo, hi]` (both ends included). */
  intBetween(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new Error(`Rng.intBetween(lo, hi): need integers with lo <= hi, got ${lo}, ${hi}.`);
    }
    return lo + this.int(hi - lo + 1);
  }

  /** A standard normal sample (Box–Muller). */
  normal(mean = 0, std = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** One element of `items`, chosen uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.choice: the list is empty; there is nothing to choose from.");
    return items[this.int(items.length)];
  }

  /**
   * An index drawn with probability proportional to `weights[i]` (need not sum to 1).
   * This is how a sampler picks the next token from a model's probabilities.
   */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new Error(`Rng.categorical: weight ${i} is ${w}; weights must be finite and non-negative (check for NaN probabilities).`);
      }
      total += w;
    }
    if (!(total > 0)) throw new Error("Rng.categorical: all weights are zero; there is nothing to draw.");
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    // Rounding can leave r at ~0: return the last index with positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }

  /** A new generator whose seed is drawn from this one: independent streams for sub-tasks. */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}
