/**
 * **Beam search** (d2l 10.8): instead of the single most likely next token (greedy), keep the `k` most
 * likely prefixes — the beam — at every step, extend each by every token, and keep the `k` best of the
 * extensions. At the end, rank the candidate sequences by their length-normalised log-probability
 *
 * ```text
 * score(y) = 1 / L^α · Σ_{t=1..L} log P(y_t | y_1 … y_{t−1}, c)
 * ```
 *
 * where `c` is what the stepper started from (a prefix, or a source sentence), `L` counts the generated
 * tokens **including the final `<eos>`** (as d2l does; a sequence cut at `maxLength` has `L = maxLength`),
 * and `α` (usually 0.75) offsets the bias towards short sequences: every extra token adds a negative term
 * to the sum, and `L^α` divides it back. `α = 0` ranks by probability alone.
 *
 * The rules this implementation follows:
 * - **Finished hypotheses are kept aside.** At each step, per input row, the extensions `(beam, token)` of
 *   the live beams are taken best first (by `Σ log P`) until `k` of them do not end in `<eos>`; those `k`
 *   are the new live beams, and every `<eos>` extension met on the way becomes a finished hypothesis. So an
 *   `<eos>` never takes a live slot and the beam stays `k` wide (unless fewer than `k` extensions exist).
 *   The best `numReturn` finished hypotheses (by score) are kept.
 * - **Stopping.** A row stops once it has `numReturn` finished hypotheses and the best live beam cannot beat
 *   the worst of them: a live beam's `Σ log P` ≤ 0 can only decrease, and `L ≤ maxLength`, so no
 *   continuation of it can score above `logProb / maxLength^α`. This bound makes stopping exact: the result
 *   is what running every row to `maxLength` would give. A row also stops at `maxLength`; its beams alive
 *   then become unfinished hypotheses, ranked with the finished ones by score.
 * - **Batching.** All rows and all their beams go through the stepper together, one `step` per time step,
 *   row-major (the beams of input 0, then of input 1, …); `reorder` duplicates, reorders and drops rows.
 *
 * With `beamSize: 1` and `lengthPenalty: 0` this is exactly greedy decoding. With `α > 0` a beam of 1 may
 * go on past greedy's `<eos>` (which was kept aside) and return a longer sequence with a better score.
 *
 * ```ts
 * const [best] = beamSearch(languageModelStepper(model), [[bos]], { beamSize: 4, maxLength: 20, eosId })[0];
 * vocab.decode(best.ids).join(""); // the highest-scoring name
 * ```
 * @see notebooks/07-seq2seq.ipynb
 */
import type { AllowedTokens } from "./sampling";
import type { Stepper } from "./stepper";

/** The length penalty `α` when none is given (d2l's usual value). */
const DEFAULT_LENGTH_PENALTY = 0.75;

/**
 * One sequence found by {@link beamSearch}.
 *
 * ```ts
 * const { ids, logProb, score, finished } = beamSearch(stepper, input, { beamSize: 3, maxLength: 10, eosId })[0][0];
 * ```
 */
export interface BeamHypothesis {
  /** The generated token ids, without the prefix and without the final `<eos>`. */
  readonly ids: number[];
  /** `Σ_t log P(y_t | y_<t, c)` over the generated tokens, the `<eos>` included when `finished`. */
  readonly logProb: number;
  /** `logProb / L^α`, `L` = generated tokens including `<eos>` (`ids.length + 1` when finished, else `ids.length`). */
  readonly score: number;
  /** True when the sequence ended with `<eos>`; false when it was cut at `maxLength`. */
  readonly finished: boolean;
}

/**
 * Options of {@link beamSearch}.
 *
 * ```ts
 * const opts: BeamSearchOptions = { beamSize: 4, maxLength: 30, eosId: vocab.eosId!, lengthPenalty: 0.75, numReturn: 2 };
 * ```
 */
export interface BeamSearchOptions {
  /** `k`: live prefixes kept per input row at every step. 1 is greedy (with `lengthPenalty: 0`). */
  readonly beamSize: number;
  /** At most this many generated tokens per sequence, the `<eos>` included. */
  readonly maxLength: number;
  /** The token that ends a sequence (not included in `ids`). */
  readonly eosId: number;
  /** `α` of the score `logProb / L^α`; 0 ranks by probability alone. Default 0.75. */
  readonly lengthPenalty?: number;
  /** Hypotheses returned per input row, at most `beamSize`. Default `beamSize`. */
  readonly numReturn?: number;
  /**
   * A constraint on every step, as in `sample()`: called with each beam's generated ids (`t` is their
   * length) and its input row. A beam is extended by allowed tokens only, and they keep the model's own
   * `log P` (not renormalised over the allowed set), so the search looks for the likeliest sequences that
   * obey the constraint. Default none.
   */
  readonly allowedTokens?: AllowedTokens;
}

/** A prefix being extended: its tokens, `Σ log P`, and the stepper row holding its state. */
interface Beam {
  readonly ids: number[];
  readonly logProb: number;
  row: number;
}

/** An extension `(beam, token)` of a live beam. */
interface Candidate {
  readonly beam: number;
  readonly token: number;
  readonly logProb: number;
}

/** The search of one input row. */
interface RowSearch {
  /** Live beams, best `logProb` first. */
  live: Beam[];
  /** The best finished hypotheses so far, best score first, at most `numReturn`. */
  readonly finished: BeamHypothesis[];
  done: boolean;
}

/** `log softmax(logits)` in float64, stable (the max is subtracted first); masked `−∞` logits stay `−∞`. */
function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(logits[i])) throw new Error(`beamSearch: logit ${i} is NaN; the model's weights are broken (retrain it).`);
    if (logits[i] > max) max = logits[i];
  }
  const out = new Float64Array(n).fill(-Infinity);
  if (max === -Infinity) return out; // every token masked: no extension
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[i] - max);
  const logZ = max + Math.log(sum); // log Σ exp(o)
  for (let i = 0; i < n; i++) out[i] = logits[i] - logZ;
  return out;
}

/**
 * `logp` with every token outside `allowed` set to `−∞` (a copy); `logp` itself when nothing is restricted.
 * @throws Error when nothing is allowed or an allowed id is not in the vocabulary.
 */
function keepAllowed(logp: Float64Array, allowed: readonly number[] | null | undefined): Float64Array {
  if (!allowed) return logp;
  if (allowed.length === 0) {
    throw new Error(
      "beamSearch: allowedTokens allows no token at this step, so the beam cannot go on. Relax the constraint (allow at least one token per step).",
    );
  }
  const out = new Float64Array(logp.length).fill(-Infinity);
  for (const id of allowed) {
    if (!(Number.isInteger(id) && id >= 0 && id < logp.length))
      throw new Error(`beamSearch: allowedTokens returned id ${id}, which is not in the model's vocabulary of ${logp.length}.`);
    out[id] = logp[id];
  }
  return out;
}

/** Best first: higher `Σ log P`, then the earlier beam, then the smaller token id (greedy's tie-break). */
function compareCandidates(a: Candidate, b: Candidate): number {
  return b.logProb - a.logProb || a.beam - b.beam || a.token - b.token;
}

/**
 * The best `n` extensions of one beam, best first (a partial insertion sort: `O(V · n)`). A beam needs no
 * more than `k + 1`: `k` live slots plus its one `<eos>`.
 */
function topExtensions(logp: Float64Array, beam: number, base: number, n: number): Candidate[] {
  const top: Candidate[] = [];
  for (let token = 0; token < logp.length; token++) {
    if (logp[token] === -Infinity) continue;
    const c = { beam, token, logProb: base + logp[token] };
    if (top.length === n && compareCandidates(c, top[n - 1]) >= 0) continue;
    let i = Math.min(top.length, n - 1);
    while (i > 0 && compareCandidates(c, top[i - 1]) < 0) i--;
    top.splice(i, 0, c);
    if (top.length > n) top.pop();
  }
  return top;
}

/** Inserts `h` into `kept` (best score first; equal scores keep their arrival order) and trims it to `n`. */
function keepBest(kept: BeamHypothesis[], h: BeamHypothesis, n: number): void {
  let i = kept.length;
  while (i > 0 && kept[i - 1].score < h.score) i--;
  if (i >= n) return;
  kept.splice(i, 0, h);
  if (kept.length > n) kept.pop();
}

/** Checks the options against the stepper's vocabulary; returns `α` and `numReturn` with their defaults. */
function checkOptions(opts: BeamSearchOptions, vocabSize: number): { alpha: number; numReturn: number } {
  const { beamSize, maxLength, eosId, lengthPenalty = DEFAULT_LENGTH_PENALTY, numReturn = beamSize } = opts;
  if (!(Number.isInteger(beamSize) && beamSize >= 1))
    throw new Error(`beamSearch: beamSize must be a positive integer, got ${beamSize}; 1 is greedy decoding.`);
  if (!(Number.isInteger(maxLength) && maxLength >= 1))
    throw new Error(`beamSearch: maxLength must be a positive integer (generated tokens, <eos> included), got ${maxLength}.`);
  if (!(Number.isInteger(numReturn) && numReturn >= 1 && numReturn <= beamSize))
    throw new Error(
      `beamSearch: numReturn must be an integer from 1 to beamSize (${beamSize}), got ${numReturn}; raise beamSize to return more.`,
    );
  if (!(Number.isFinite(lengthPenalty) && lengthPenalty >= 0))
    throw new Error(
      `beamSearch: lengthPenalty (α) must be a finite number ≥ 0, got ${lengthPenalty}; d2l uses 0.75, and 0 ranks by probability.`,
    );
  if (!(Number.isInteger(eosId) && eosId >= 0 && eosId < vocabSize))
    throw new Error(`beamSearch: eosId ${eosId} is not in the model's vocabulary of ${vocabSize}; use the vocab's <eos> id.`);
  return { alpha: lengthPenalty, numReturn };
}

/**
 * Beam search for every row the stepper starts with `input`, all rows and beams batched through one
 * `step` per time step. Returns, per input row, up to `numReturn` hypotheses, best score first. The
 * stepper is always disposed at the end, also when something throws. Generic in what starts the stepper:
 * prefixes for a language model, source sequences for a seq2seq decoder.
 *
 * ```ts
 * const rows = beamSearch(languageModelStepper(model), [[bos], [bos, t]], { beamSize: 5, maxLength: 20, eosId, numReturn: 3 });
 * rows[1].map((h) => `${vocab.decode(h.ids).join("")}  ${h.score.toFixed(2)}`); // the 3 best after "t"
 * ```
 * @throws Error when an option is out of range (see {@link BeamSearchOptions}) or the stepper returns NaN logits.
 */
export function beamSearch<S>(stepper: Stepper<S>, input: S, opts: BeamSearchOptions): BeamHypothesis[][] {
  try {
    const V = stepper.vocabSize;
    const { alpha, numReturn } = checkOptions(opts, V);
    const { beamSize: k, maxLength, eosId } = opts;
    const score = (logProb: number, L: number): number => logProb / Math.pow(L, alpha); // 1 / L^α · Σ log P
    const bestFactor = Math.pow(maxLength, alpha); // the largest L^α any hypothesis can have

    let logits = stepper.start(input); // [B, V]
    const B = stepper.numRows;
    // Each row starts with one empty beam, in its own stepper row; the first reorder duplicates it k times.
    const rows: RowSearch[] = Array.from({ length: B }, (_, b) => ({ live: [{ ids: [], logProb: 0, row: b }], finished: [], done: false }));

    for (let t = 0; t < maxLength; t++) {
      const numRows = stepper.numRows;
      if (logits.length !== numRows * V)
        throw new Error(
          `beamSearch: the stepper returned ${logits.length} logits for ${numRows} rows of ${V}; it must return [numRows, vocabSize].`,
        );
      const parents: number[] = []; // the stepper row each new beam extends
      const tokens: number[] = []; // the token it reads next
      for (const [b, r] of rows.entries()) {
        if (r.done) continue;
        // The k + 1 best allowed extensions of each live beam, then of them all, best first.
        const candidates = r.live
          .flatMap((beam, j) => {
            const logp = logSoftmax(logits.subarray(beam.row * V, (beam.row + 1) * V)); // [V]
            return topExtensions(keepAllowed(logp, opts.allowedTokens?.(t, beam.ids, b)), j, beam.logProb, k + 1);
          })
          .sort(compareCandidates);
        const live: Beam[] = [];
        for (const c of candidates) {
          if (live.length === k) break;
          const ids = [...r.live[c.beam].ids];
          if (c.token === eosId) {
            keepBest(r.finished, { ids, logProb: c.logProb, score: score(c.logProb, ids.length + 1), finished: true }, numReturn); // L counts <eos>
          } else {
            ids.push(c.token);
            live.push({ ids, logProb: c.logProb, row: parents.length });
            parents.push(r.live[c.beam].row);
            tokens.push(c.token);
          }
        }
        r.live = live;
        // Stop when numReturn finished hypotheses exist and none can be beaten: a live logProb only decreases, L ≤ maxLength.
        const full = r.finished.length === numReturn;
        if (live.length === 0 || (full && live[0].logProb / bestFactor <= r.finished[numReturn - 1].score)) {
          r.done = true;
          parents.splice(parents.length - live.length);
          tokens.splice(tokens.length - live.length);
          r.live = [];
        }
      }
      if (parents.length === 0 || t === maxLength - 1) break;
      if (parents.length !== numRows || parents.some((p, i) => p !== i)) stepper.reorder(parents); // [B·k] rows, row-major
      logits = stepper.step(tokens); // [B·k, V]
    }

    // Beams alive at maxLength are unfinished hypotheses with L = maxLength, ranked with the finished ones.
    return rows.map((r) => {
      const kept = [...r.finished];
      for (const beam of r.live)
        keepBest(kept, { ids: beam.ids, logProb: beam.logProb, score: score(beam.logProb, beam.ids.length), finished: false }, numReturn);
      return kept;
    });
  } finally {
    stepper.dispose();
  }
}
