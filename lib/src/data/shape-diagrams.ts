/**
 * Small SVG diagrams of the input/output shapes of sequence models, for notebooks:
 * many-to-many (a language model), many-to-one (classifying a sequence), one-to-many (generating from
 * one input) and encoder–decoder (translating a sequence into another). Inputs are drawn at the bottom,
 * recurrent steps in the middle (arrows carry the hidden state), outputs on top.
 *
 * ```ts
 * html(sequenceShapesSvg(), "four diagrams of sequence-model shapes");
 * ```
 * @see notebooks/01-language-models.ipynb
 */

/** The four shapes {@link sequenceShapeSvg} can draw. */
export type SequenceShape = "many-to-many" | "many-to-one" | "one-to-many" | "encoder-decoder";

interface Step {
  readonly input: boolean;
  readonly output: boolean;
  /** Part of the decoder (drawn in another colour). */
  readonly decoder?: boolean;
}

const STEPS: Record<SequenceShape, { steps: Step[]; caption: string }> = {
  "many-to-many": { steps: [0, 1, 2, 3].map(() => ({ input: true, output: true })), caption: "many-to-many: language model" },
  "many-to-one": { steps: [0, 1, 2, 3].map((i) => ({ input: true, output: i === 3 })), caption: "many-to-one: classify a sequence" },
  "one-to-many": { steps: [0, 1, 2, 3].map((i) => ({ input: i === 0, output: true })), caption: "one-to-many: generate from a seed" },
  "encoder-decoder": {
    steps: [0, 1, 2, 3, 4, 5].map((i) => ({ input: i < 3, output: i >= 3, decoder: i >= 3 })),
    caption: "encoder–decoder: sequence in, sequence out",
  },
};

/** One diagram as an SVG string. */
export function sequenceShapeSvg(shape: SequenceShape): string {
  const spec = STEPS[shape];
  if (!spec) throw new Error(`sequenceShapeSvg: unknown shape "${String(shape)}"; use ${Object.keys(STEPS).join(", ")}.`);
  const box = 26, gap = 18, pad = 10;
  const width = pad * 2 + spec.steps.length * box + (spec.steps.length - 1) * gap;
  const height = 150;
  const yOut = 14, yH = 62, yIn = 110;
  const parts: string[] = [];
  const rect = (x: number, y: number, fill: string): string => `<rect x="${x}" y="${y}" width="${box}" height="${box}" rx="4" fill="${fill}" stroke="#333"/>`;
  const line = (x1: number, y1: number, x2: number, y2: number): string =>
    `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#333" stroke-width="1.5" marker-end="url(#arrow)"/>`;
  spec.steps.forEach((s, i) => {
    const x = pad + i * (box + gap);
    const cx = x + box / 2;
    parts.push(rect(x, yH, s.decoder ? "#f6c667" : "#8fd18f"));
    if (s.input) parts.push(rect(x, yIn, "#8fb8e8"), line(cx, yIn, cx, yH + box + 2));
    if (s.output) parts.push(rect(x, yOut, "#ef9a9a"), line(cx, yH, cx, yOut + box + 2));
    if (i > 0) parts.push(line(x - gap, yH + box / 2, x - 2, yH + box / 2));
  });
  const defs =
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto">' +
    '<path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>';
  const caption = `<text x="${width / 2}" y="${height - 4}" font-size="11" text-anchor="middle" font-family="sans-serif">${spec.caption}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${defs}${parts.join("")}${caption}</svg>`;
}

/** All four diagrams side by side, with a legend, as one HTML string. */
export function sequenceShapesSvg(): string {
  const shapes: SequenceShape[] = ["many-to-many", "many-to-one", "one-to-many", "encoder-decoder"];
  const legend =
    '<div style="font:12px sans-serif;margin-top:4px">' +
    '<span style="background:#8fb8e8;padding:0 6px">input</span> ' +
    '<span style="background:#8fd18f;padding:0 6px">recurrent step (→ carries the hidden state)</span> ' +
    '<span style="background:#f6c667;padding:0 6px">decoder step</span> ' +
    '<span style="background:#ef9a9a;padding:0 6px">output</span></div>';
  return `<div style="display:flex;gap:24px;flex-wrap:wrap;align-items:flex-end">${shapes.map(sequenceShapeSvg).join("")}</div>${legend}`;
}
