/**
 * What every plot helper returns: a plain, typed plotly.js figure spec (`data`, `layout`, `config`),
 * or a small piece of HTML. Both can be checked in a unit test without a display and sent to the
 * notebook with `show(...)`.
 *
 * The figure types come from the ones plotly.js-dist ships (`plotly.js-dist/lib/index.d.ts`); they
 * compile under TypeScript 5.0 and under tslab (which checks cells with `skipLibCheck`).
 * @see notebooks/00b-plots.ipynb
 */
import type { Config, Data, Layout } from "plotly.js-dist";

/** A plotly.js figure: traces, layout and config, exactly what `Plotly.newPlot` takes. */
export interface PlotFigure {
  /** One entry per trace (a line, a heatmap, a set of bars). */
  readonly data: Data[];
  /** Titles, axes, legend, size. */
  readonly layout: Partial<Layout>;
  /** Toolbar and interaction options. */
  readonly config?: Partial<Config>;
}

/** A piece of HTML for the notebook, with the plain text a terminal prints instead. */
export interface HtmlView {
  /** Markup shown in a notebook. */
  readonly html: string;
  /** What a terminal (or `text/plain`) shows. */
  readonly text: string;
}

/** Anything `show` can display. */
export type Showable = PlotFigure | HtmlView;

/** True when `item` is an {@link HtmlView} rather than a figure. */
export function isHtmlView(item: Showable): item is HtmlView {
  return typeof (item as HtmlView).html === "string" && !("data" in item);
}

/** Default height of course plots, in pixels. */
export const DEFAULT_PLOT_HEIGHT = 360;

/** The config every course figure uses: responsive, no plotly logo. */
export const DEFAULT_PLOT_CONFIG: Readonly<Partial<Config>> = { responsive: true, displaylogo: false };

/** The title of a figure, or `undefined`. */
export function figureTitle(fig: PlotFigure): string | undefined {
  const t = fig.layout.title;
  if (typeof t === "string") return t;
  return t?.text ?? undefined;
}

/** A one-line description of a figure, used as its `text/plain`. */
export function describeFigure(fig: PlotFigure): string {
  const parts = fig.data.map((trace) => {
    const t = trace as { type?: string; name?: string; y?: ArrayLike<unknown>; z?: ArrayLike<ArrayLike<unknown>> };
    const type = t.type ?? "scatter";
    if (t.z !== undefined) {
      const rows = t.z.length;
      const cols = rows > 0 ? t.z[0].length : 0;
      return `${type} ${rows}×${cols}`;
    }
    const n = t.y?.length ?? 0;
    return `${t.name ? `${t.name}: ` : ""}${type} of ${n} point${n === 1 ? "" : "s"}`;
  });
  const title = figureTitle(fig);
  return `[plot${title ? ` "${title}"` : ""}] ${parts.join("; ") || "no traces"}`;
}
