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

/** What {@link seq2seqSvg} draws. */
export interface Seq2SeqDiagramConfig {
  /** Source tokens, one box each (e.g. the characters of "3 may 79"). */
  readonly source: readonly string[];
  /** Target tokens, without `<bos>` and `<eos>` (added by the diagram). */
  readonly target: readonly string[];
  /** Hidden units of encoder and decoder, for the shape labels. */
  readonly numHiddens: number;
  /** Embedding width, for the shape labels. */
  readonly embedSize: number;
}

/**
 * The encoder–decoder of one example, as an SVG string: the encoder's steps over the source (bottom left),
 * the context `C` (its last state), and the decoder's steps, each reading the previous target token and `C`
 * and writing the next one; every arrow is labelled with its shape for a batch of one.
 */
export function seq2seqSvg(config: Seq2SeqDiagramConfig): string {
  const { source, target, numHiddens: h, embedSize: e } = config;
  if (source.length === 0 || target.length === 0) throw new Error("seq2seqSvg: give at least one source and one target token.");
  if (source.length > 24 || target.length > 24) throw new Error("seq2seqSvg: at most 24 tokens each side fit; shorten the example.");
  const box = 24, gap = 10, pad = 12, cGap = 56;
  const escXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const esc = (s: string): string => escXml(s).replace(/ /g, "␣"); // a token: a space drawn visibly
  const encWidth = source.length * (box + gap);
  const decIn = ["<bos>", ...target];
  const decOut = [...target, "<eos>"];
  const x0Dec = pad + encWidth + cGap;
  const width = x0Dec + decIn.length * (box + gap) + pad + 40;
  const yOut = 22, yH = 92, yIn = 160, height = 236;
  const parts: string[] = [];
  const rect = (x: number, y: number, fill: string): string => `<rect x="${x}" y="${y}" width="${box}" height="${box}" rx="4" fill="${fill}" stroke="#333"/>`;
  const text = (x: number, y: number, s: string, size = 11): string =>
    `<text x="${x}" y="${y}" font-size="${size}" text-anchor="middle" font-family="monospace">${esc(s)}</text>`;
  const note = (x: number, y: number, s: string, anchor = "start"): string =>
    `<text x="${x}" y="${y}" font-size="10" text-anchor="${anchor}" font-family="sans-serif" fill="#555">${escXml(s)}</text>`;
  const line = (x1: number, y1: number, x2: number, y2: number, dash = false): string =>
    `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#333" stroke-width="1.4"${dash ? ' stroke-dasharray="4 3"' : ""} marker-end="url(#s2s-arrow)"/>`;
  source.forEach((tok, i) => {
    const x = pad + i * (box + gap);
    parts.push(rect(x, yIn, "#8fb8e8"), text(x + box / 2, yIn + 16, tok), rect(x, yH, "#8fd18f"), line(x + box / 2, yIn, x + box / 2, yH + box + 2));
    if (i > 0) parts.push(line(x - gap, yH + box / 2, x - 2, yH + box / 2));
  });
  const xC = pad + encWidth + cGap / 2 - 14;
  parts.push(`<circle cx="${xC + 14}" cy="${yH + box / 2}" r="14" fill="#c9a0dc" stroke="#333"/>`, text(xC + 14, yH + box / 2 + 4, "C", 12));
  parts.push(line(pad + encWidth - gap, yH + box / 2, xC - 2, yH + box / 2));
  decIn.forEach((tok, i) => {
    const x = x0Dec + i * (box + gap);
    parts.push(rect(x, yIn, "#8fb8e8"), text(x + box / 2, yIn + 16, tok.length > 2 ? tok.slice(1, 2) : tok, tok.length > 2 ? 9 : 11));
    parts.push(rect(x, yH, "#f6c667"), line(x + box / 2, yIn, x + box / 2, yH + box + 2));
    parts.push(rect(x, yOut, "#ef9a9a"), text(x + box / 2, yOut + 16, decOut[i].length > 2 ? decOut[i].slice(1, 2) : decOut[i]), line(x + box / 2, yH, x + box / 2, yOut + box + 2));
    if (i > 0) parts.push(line(x - gap, yH + box / 2, x - 2, yH + box / 2));
    else parts.push(line(xC + 28, yH + box / 2, x - 2, yH + box / 2));
  });
  const lastDec = x0Dec + (decIn.length - 1) * (box + gap) + box;
  const yBus = yH + box + 14; // C travels along this line to every decoder step
  parts.push(`<path d="M${xC + 14},${yH + box / 2 + 14} L${xC + 14},${yBus} L${lastDec - box / 2 + 6},${yBus}" fill="none" stroke="#8a5fb0" stroke-dasharray="4 3"/>`);
  decIn.forEach((_, i) => {
    const cx = x0Dec + i * (box + gap) + box / 2 + 6;
    parts.push(`<line x1="${cx}" y1="${yBus}" x2="${cx}" y2="${yH + box + 2}" stroke="#8a5fb0" stroke-dasharray="2 2"/>`);
  });
  parts.push(note(pad, yIn + box + 14, `source ids [${source.length}, 1] → embedded [${source.length}, 1, ${e}]`));
  parts.push(note(pad, yH - 8, `encoder states [${source.length}, 1, ${h}]`));
  parts.push(note(xC + 14, yH - 22, `C: [1, ${h}]`, "middle"));
  parts.push(note(x0Dec, yIn + box + 14, `decoder input: <bos> + target, [${decIn.length}, 1]; each step reads [${e} + ${h}] (token + C)`));
  parts.push(note(x0Dec, yH - 8, `decoder states [${decIn.length}, 1, ${h}], starting from the encoder's last`));
  parts.push(note(x0Dec, yOut - 8, `logits [${decOut.length}, 1, vocab]: target + <eos> (b = <bos>, e = <eos>)`));
  const defs =
    '<defs><marker id="s2s-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto">' +
    '<path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${defs}${parts.join("")}</svg>`;
}
