/**
 * The three recurrent cells of the course, named once: `"rnn"` (the vanilla tanh RNN), `"gru"` and
 * `"lstm"`. Blocks, fused kernels, the bake-off and the name models all use this one union.
 *
 * ```ts
 * CELL_KINDS.map(cellLabel); // ["RNN", "GRU", "LSTM"]
 * parseCellKind("LSTM");     // "lstm"
 * ```
 */

/** Every cell kind, in the order the course teaches them. */
export const CELL_KINDS = ["rnn", "gru", "lstm"] as const;

/** A cell kind: `"rnn"`, `"gru"` or `"lstm"`. */
export type CellKind = (typeof CELL_KINDS)[number];

/** Gate blocks side by side in tf.layers' weight layout (`kernel` is `[numInputs, G·numHiddens]`). */
export const CELL_GATES: Readonly<Record<CellKind, number>> = { rnn: 1, gru: 3, lstm: 4 };

/** Tensors in the state: `[H]` for RNN and GRU, `[H, C]` for the LSTM. */
export const CELL_STATES: Readonly<Record<CellKind, number>> = { rnn: 1, gru: 1, lstm: 2 };

/** How the notebooks write a kind: `"RNN"`, `"GRU"`, `"LSTM"` (any other cell's kind in capitals too). */
export function cellLabel(kind: CellKind | string): string {
  return kind.toUpperCase();
}

/** Reads a kind in any case (`"LSTM"`, `"lstm"`); throws with the valid names otherwise. */
export function parseCellKind(name: string): CellKind {
  const kind = String(name).toLowerCase();
  if ((CELL_KINDS as readonly string[]).includes(kind)) return kind as CellKind;
  throw new Error(`Unknown cell "${name}"; choose one of ${CELL_KINDS.map((k) => `"${k}"`).join(", ")}.`);
}
