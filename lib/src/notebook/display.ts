/**
 * The one door from the lib to the notebook's output area. tslab's public `display` sends one MIME
 * type per call; course plots need several in one bundle (plotly JSON, HTML, plain text), so this
 * module talks to tslab's display writer directly and falls back to the console outside a kernel.
 */

/**
 * tslab sends kernel messages with zeromq 6 without awaiting them. zeromq 6 completes up to a few
 * hundred sends synchronously, then defers one to the next event-loop turn; a send issued before
 * that one finishes throws EBUSY ("Socket is busy writing"), and tslab drops the message or, when
 * it was a status message, the kernel dies. A training loop that prints or redraws often hits this.
 * Queuing each socket's sends (in order) removes the race. Runs once, only inside a kernel.
 */
function serializeKernelSends(): void {
  let zmq: Record<string, { prototype: Record<string | symbol, unknown> } | undefined>;
  try {
    const id = require.resolve("zeromq");
    if (!require.cache[id]) return; // not inside a tslab kernel
    zmq = require(id) as typeof zmq;
  } catch {
    return;
  }
  const tails = new WeakMap<object, Promise<void>>(); // per socket: the last queued send (sockets are sealed)
  const PATCHED = Symbol.for("rnnlab.sendQueuePatched"); // per prototype
  for (const kind of ["Publisher", "Router"]) {
    const proto = zmq[kind]?.prototype;
    if (!proto || Object.prototype.hasOwnProperty.call(proto, PATCHED)) continue;
    const send = proto["send"] as ((this: object, msg: unknown) => Promise<void>) | undefined;
    if (typeof send !== "function") continue;
    // The native `send` is inherited and read-only, so the wrapper is defined on the subclass.
    const queued = function (this: object, msg: unknown): Promise<void> {
      const start = (): Promise<void> => {
        try {
          return Promise.resolve(send.call(this, msg));
        } catch (err) {
          return Promise.reject(err);
        }
      };
      const prev = tails.get(this);
      const done = prev ? prev.then(start) : start();
      const settled = done.catch(() => undefined);
      tails.set(this, settled);
      void settled.then(() => {
        if (tails.get(this) === settled) tails.delete(this);
      });
      return done;
    };
    try {
      Object.defineProperty(proto, "send", { value: queued, writable: true, configurable: true });
      Object.defineProperty(proto, PATCHED, { value: true });
    } catch {
      // Leave tslab as it is rather than fail to load the lib.
    }
  }
}
serializeKernelSends();

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
