/**
 * A restored text next to the truth: the prediction's words as the model spaced them, with every
 * **missing** space (the truth has one, the model left it out) and every **wrong** space (the model put one
 * where the truth has none) highlighted in its own colour, and the counts in a legend.
 *
 * ```ts
 * show(restorationView("the stateof the un ion", "the state of the union"));
 * // the state_of the un|ion   (plain text: _ missing, | wrong)
 * ```
 * @see notebooks/06-bidirectional.ipynb
 */
import { spaceDiff } from "../data/spaces";
import type { HtmlView } from "./figure";
import { escapeHtml } from "./util";

/** Background of a missing space: orange (the colour-blind-safe partner of blue). */
export const MISSING_SPACE_COLOR = "rgba(255,127,14,0.75)";
/** Background of a wrong space: blue. */
export const WRONG_SPACE_COLOR = "rgba(31,119,180,0.75)";
/** How the plain text shows a missing space. */
export const MISSING_SPACE_MARK = "_";
/** How the plain text shows a wrong space. */
export const WRONG_SPACE_MARK = "|";

/** Options of {@link restorationView}. */
export interface RestorationViewConfig {
  /** A caption above the text. */
  readonly title?: string;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/**
 * Shows `predicted` (a text with restored spaces) against `truth` (the same letters, spaced right):
 * missing spaces as an orange gap, wrong spaces as a blue gap (hover for which), correct spaces plain.
 * The `text` field spells the same with marks: `_` where a space is missing, `|` for a wrong space.
 * @throws Error when the two texts have different letters, or no letters.
 */
export function restorationView(predicted: string, truth: string, config: RestorationViewConfig = {}): HtmlView {
  const diff = spaceDiff(predicted, truth);
  const letters = [...diff.letters];
  let html = "";
  let text = "";
  let run = ""; // letters since the last mark, escaped in one go
  letters.forEach((c, i) => {
    run += c;
    const mark = diff.marks[i]; // undefined after the last letter
    if (mark === undefined || mark === "none") return;
    html += escapeHtml(run);
    text += run;
    run = "";
    if (mark === "correct") {
      html += " ";
      text += " ";
    } else if (mark === "missing") {
      html += `<span style="background:${MISSING_SPACE_COLOR}" title="missing space">&nbsp;</span>`;
      text += MISSING_SPACE_MARK;
    } else {
      html += `<span style="background:${WRONG_SPACE_COLOR}" title="wrong space">&nbsp;</span>`;
      text += WRONG_SPACE_MARK;
    }
  });
  html += escapeHtml(run);
  text += run;
  const counts =
    `${diff.correct} right, ${diff.missing} missing, ${diff.wrong} wrong ` +
    `(precision ${pct(diff.precision)}, recall ${pct(diff.recall)}, F1 ${pct(diff.f1)})`;
  const swatch = (color: string): string => `<span style="background:${color};display:inline-block;width:1.2em">&nbsp;</span>`;
  const legend =
    `${swatch(MISSING_SPACE_COLOR)} missing space (${diff.missing}) &nbsp; ${swatch(WRONG_SPACE_COLOR)} wrong space (${diff.wrong}) &nbsp; ` +
    `${diff.correct} spaces right · precision ${pct(diff.precision)}, recall ${pct(diff.recall)}, F1 ${pct(diff.f1)}`;
  const caption = config.title ? `<b>${escapeHtml(config.title)}</b> ` : "";
  const view =
    `<div class="rnnlab-restoration">` +
    `<div style="font-size:85%;margin-bottom:4px">${caption}${legend}</div>` +
    `<div style="font-family:monospace;white-space:pre-wrap;line-height:1.6">${html}</div></div>`;
  const lines = [
    ...(config.title ? [config.title] : []),
    text,
    `${MISSING_SPACE_MARK} missing space, ${WRONG_SPACE_MARK} wrong space: ${counts}`,
  ];
  return { html: view, text: lines.join("\n") };
}
