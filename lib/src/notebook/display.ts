/**
 * The one door from the lib to the notebook's output area. tslab's public `display` sends one MIME
 * type per call; course plots need several in one bundle (plotly JSON, HTML, plain text), so this
 * module talks to tslab's display writer directly and falls back to the console outside a kernel.
 */

import { queueKernelSends } from "./zmq-queue";

// Kernels started by another kernelspec than scripts/kernel.js get the send queue here (else a no-op).
queueKernelSends();

/** A Jupyter MIME bundle: MIME type → content. */
export type MimeBundle = Readonly<Record<string, string | object>>;

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type Writer = (msg: DisplayMessage, update: boolean) => void;

function writer(): Writer | null {
  try {
    // Present only inside a running tslab kernel, where it is set while a cell executes.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: tslab is only there in a kernel
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData?: Writer | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** True when running inside a tslab kernel that can show rich output. */
export function inNotebook(): boolean {
  return writer() !== null;
}

let nextId = 0;

/** A display area that can be drawn into again, replacing what it showed. */
export class DisplayHandle {
  private shown = false;
  /** The Jupyter `display_id` of this area. */
  readonly id = `rnnlab-${process.pid}-${Date.now().toString(36)}-${nextId++}`;

  /** Draws `bundle` in this area: the first call creates the output, later calls replace it. */
  show(bundle: MimeBundle): void {
    const write = writer();
    if (write === null) {
      printPlain(bundle);
      return;
    }
    write({ data: bundle, metadata: {}, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
  }
}

/** Sends one MIME bundle to the cell's output, or prints its `text/plain` outside a notebook. */
export function displayBundle(bundle: MimeBundle): void {
  const write = writer();
  if (write === null) printPlain(bundle);
  else write({ data: bundle, metadata: {}, transient: {} }, false);
}

function printPlain(bundle: MimeBundle): void {
  const text = bundle["text/plain"] ?? bundle["text/markdown"];
  if (text !== undefined) console.log(typeof text === "string" ? text : JSON.stringify(text));
}

/** Shows Markdown in a notebook (plain text elsewhere). */
export function markdown(text: string): void {
  displayBundle({ "text/markdown": text, "text/plain": text });
}

/** Shows HTML in a notebook; `plain` is what a terminal prints instead. */
export function html(htmlText: string, plain: string): void {
  displayBundle({ "text/html": htmlText, "text/plain": plain });
}
