/**
 * Measuring an encoder–decoder's decoding, for notebook 07:
 *
 * - {@link accuracyByPosition}: token accuracy at each output position, **teacher-forced** (the decoder reads
 *   the true previous token) against **free-running** (it reads its own previous choice, as at prediction
 *   time). The gap that grows along the output is exposure bias: a model trained only on true prefixes never
 *   learned to recover from its own mistakes.
 * - {@link compareDecoders}: greedy and beam search of several sizes and length penalties on the same
 *   sources: exact match, corpus BLEU, the mean log-probability of the chosen outputs, and the time.
 *
 * ```ts
 * const rows = compareDecoders(model, { sources, targets, decodeTarget: data.decodeTarget, eosId, maxLength: 12,
 *   decoders: [{ name: "greedy", beamSize: 1, lengthPenalty: 0 }, { name: "beam 4", beamSize: 4 }] });
 * show(table(rows.map(({ outputs, ...row }) => row)));
 * ```
 * @see notebooks/07-seq2seq.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { corpusBleu } from "../data/bleu";
import type { TokenScorer } from "../data/metrics";
import { beamSearch } from "../decode/beam-search";
import { batchSources, batchTargets, seq2seqStepper, translate } from "../decode/seq2seq-stepper";
import type { Seq2SeqModel, Sources } from "../decode/seq2seq-stepper";
import type { Seq2SeqBatch } from "../rnn/seq2seq";

/** What {@link accuracyByPosition} returns, one entry per output position (0 = the first target token). */
export interface PositionAccuracy {
  /** Share of real targets at each position predicted right when the decoder reads the true previous tokens. */
  readonly forced: number[];
  /** The same share when it reads its own previous choices (greedy decoding); a missing token counts as wrong. */
  readonly free: number[];
  /** Real targets at each position (the `<eos>` included). */
  readonly counts: number[];
}

/**
 * Token accuracy by output position, teacher-forced and free-running, over `batches` (see the module
 * summary). Positions run up to the longest target's `<eos>`.
 */
export function accuracyByPosition(
  model: Seq2SeqModel & TokenScorer<Seq2SeqBatch>,
  batches: Iterable<Seq2SeqBatch>,
  opts: { readonly eosId: number; readonly srcPadId?: number },
): PositionAccuracy {
  const forcedHits: number[] = [];
  const freeHits: number[] = [];
  const counts: number[] = [];
  const add = (arr: number[], t: number, v: number): void => {
    while (arr.length <= t) arr.push(0);
    arr[t] += v;
  };
  for (const batch of batches) {
    const { batchSize: B, numSteps: T } = batch;
    const best = tf.tidy(() => {
      const s = model.scores(batch);
      try {
        return tf.argMax(s.logits, -1).dataSync(); // [T · B], time-major: the forced choice at every step
      } finally {
        tf.dispose([s.logits, s.targets, s.mask ?? []].flat());
      }
    });
    const truth = batchTargets(batch, opts.eosId);
    const decoded = translate(model, batchSources(batch), { maxLength: T, eosId: opts.eosId, srcPadId: opts.srcPadId });
    for (let b = 0; b < B; b++) {
      const target = [...truth[b], opts.eosId]; // what each position should hold
      const own = [...decoded[b], opts.eosId];
      target.forEach((id, t) => {
        add(counts, t, 1);
        add(forcedHits, t, best[t * B + b] === id ? 1 : 0);
        add(freeHits, t, own[t] === id ? 1 : 0);
      });
    }
  }
  if (counts.length === 0) throw new Error("accuracyByPosition: no batches; pass e.g. data.valBatches().");
  return {
    forced: counts.map((n, t) => (forcedHits[t] ?? 0) / n),
    free: counts.map((n, t) => (freeHits[t] ?? 0) / n),
    counts,
  };
}

/** One way to decode, for {@link compareDecoders}. */
export interface DecoderSetting {
  /** The table's label, e.g. `"beam 4"`. */
  readonly name: string;
  /** 1 with `lengthPenalty: 0` is greedy decoding. */
  readonly beamSize: number;
  /** `α` of the score `Σ log P / L^α`. Default 0.75. */
  readonly lengthPenalty?: number;
}

/** One row of {@link compareDecoders}. */
export interface DecoderResult {
  readonly decoder: string;
  readonly beamSize: number;
  readonly lengthPenalty: number;
  /** Share of sources whose decoded text equals the target. */
  readonly exact: number;
  /** Corpus BLEU (up to 4-grams) of the decoded texts against the targets, tokens as `tokenize` cuts them. */
  readonly bleu: number;
  /** Mean over sources of `Σ log P` of the chosen output (its `<eos>` included when it has one). */
  readonly meanLogProb: number;
  /** Mean output length in tokens (without `<eos>`). */
  readonly meanLength: number;
  /** Wall time of the decoding. */
  readonly seconds: number;
  /** The decoded texts, one per source. */
  readonly outputs: string[];
}

/** Options of {@link compareDecoders}. */
export interface CompareDecodersOptions {
  /** Source id lists, e.g. `pairs.map((p) => data.encodeSource(p.input))`. */
  readonly sources: Sources;
  /** The target texts, one per source. */
  readonly targets: readonly string[];
  /** Target ids → text, e.g. `data.decodeTarget`. */
  readonly decodeTarget: (ids: readonly number[]) => string;
  readonly eosId: number;
  /** At most this many target tokens. */
  readonly maxLength: number;
  readonly decoders: readonly DecoderSetting[];
  /** How texts are cut into BLEU tokens. Default: characters. */
  readonly tokenize?: (text: string) => string[];
  /** Source padding id. Default 0. */
  readonly srcPadId?: number;
}

/** Decodes the same sources with every decoder of `opts.decoders` (see the module summary). */
export function compareDecoders(model: Seq2SeqModel, opts: CompareDecodersOptions): DecoderResult[] {
  const { sources, targets, decodeTarget, eosId, maxLength, decoders, tokenize = (t: string) => [...t], srcPadId } = opts;
  if (sources.length === 0) throw new Error("compareDecoders: no sources.");
  if (targets.length !== sources.length)
    throw new Error(`compareDecoders: ${targets.length} targets for ${sources.length} sources; give one target per source.`);
  if (decoders.length === 0)
    throw new Error('compareDecoders: no decoders; give e.g. [{ name: "greedy", beamSize: 1, lengthPenalty: 0 }].');
  return decoders.map(({ name, beamSize, lengthPenalty = 0.75 }) => {
    const start = Date.now();
    const best = beamSearch(seq2seqStepper(model, { srcPadId }), sources, { beamSize, maxLength, eosId, lengthPenalty, numReturn: 1 }).map(
      (h) => h[0],
    );
    const seconds = (Date.now() - start) / 1000;
    const outputs = best.map((h) => decodeTarget(h.ids));
    const exact = outputs.filter((o, i) => o === targets[i]).length / outputs.length;
    const bleu = corpusBleu(
      outputs.map(tokenize),
      targets.map((t) => [tokenize(t)]),
    ).bleu;
    const meanLogProb = best.reduce((a, h) => a + h.logProb, 0) / best.length;
    const meanLength = best.reduce((a, h) => a + h.ids.length, 0) / best.length;
    return { decoder: name, beamSize, lengthPenalty, exact, bleu, meanLogProb, meanLength, seconds, outputs };
  });
}
