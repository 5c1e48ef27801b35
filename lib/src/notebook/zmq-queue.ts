/**
 * Makes tslab's kernel messaging safe. tslab sends every Jupyter message with zeromq 6 without
 * awaiting the send, and zeromq 6 refuses a send (throws EBUSY) in two situations tslab runs into:
 *
 * - while the same socket is still binding. tslab binds its five sockets concurrently, so a
 *   `kernel_info_request` that arrives before the iopub socket is bound makes the reply's status
 *   message throw; the client then waits for a reply that never comes ("Kernel didn't respond");
 * - while an earlier send on the socket is still pending. zeromq completes 512 sends synchronously,
 *   then defers one to the next event-loop turn; a send issued meanwhile throws ("Socket is busy
 *   writing"), which loses output or, for a status message, kills the kernel. A cell that prints or
 *   redraws a lot (a live training board) hits this.
 *
 * Queuing each socket's sends behind its bind and behind each other, in order, removes both races.
 * `scripts/kernel.js` applies this before tslab starts; `notebook/display.ts` applies it again
 * (a no-op) for kernels started another way.
 */

type SocketProto = Record<string | symbol, unknown>;
type ZeromqModule = Record<string, { prototype: SocketProto } | undefined>;

const PATCHED = Symbol.for("rnnlab.zmqQueued");
/** Per socket: a promise that settles when every send queued so far (and its bind) has settled. */
const tails = new WeakMap<object, Promise<unknown>>(); // zeromq sockets are sealed: no own properties

/** The socket classes tslab uses: iopub (Publisher), shell/control/stdin (Router), heartbeat (Reply). */
const QUEUED_SOCKET_KINDS = ["Publisher", "Router", "Reply"] as const;

function chain(socket: object, start: () => Promise<unknown>): Promise<unknown> {
  const run = (): Promise<unknown> => {
    try {
      return Promise.resolve(start());
    } catch (err) {
      return Promise.reject(err);
    }
  };
  const prev = tails.get(socket);
  const done = prev ? prev.then(run) : run();
  const settled = done.then(
    () => undefined,
    () => undefined,
  );
  tails.set(socket, settled);
  void settled.then(() => {
    if (tails.get(socket) === settled) tails.delete(socket);
  });
  return done;
}

/**
 * Wraps `bind` and `send` of zeromq's socket classes so that each socket's sends wait for its bind
 * and for the sends before them. Idempotent. Returns the kinds it patched.
 */
export function queueZeromqSends(zmq: ZeromqModule): string[] {
  const patched: string[] = [];
  for (const kind of QUEUED_SOCKET_KINDS) {
    const proto = zmq[kind]?.prototype;
    if (!proto || Object.prototype.hasOwnProperty.call(proto, PATCHED)) continue;
    const send = proto["send"] as ((this: object, msg: unknown) => Promise<void>) | undefined;
    const bind = proto["bind"] as ((this: object, address: string) => Promise<void>) | undefined;
    if (typeof send !== "function" || typeof bind !== "function") continue;
    try {
      // The native methods are inherited and read-only, so the wrappers are defined on the subclass.
      Object.defineProperty(proto, "send", {
        value: function (this: object, msg: unknown) {
          return chain(this, () => send.call(this, msg));
        },
        writable: true,
        configurable: true,
      });
      Object.defineProperty(proto, "bind", {
        value: function (this: object, address: string) {
          // Sends queued after this wait for the bind; the bind itself starts at once.
          const p = Promise.resolve().then(() => bind.call(this, address));
          const prev = tails.get(this);
          const settled = Promise.all([prev, p]).then(
            () => undefined,
            () => undefined,
          );
          tails.set(this, settled);
          return p;
        },
        writable: true,
        configurable: true,
      });
      Object.defineProperty(proto, PATCHED, { value: true });
      patched.push(kind);
    } catch {
      // Leave zeromq as it is rather than fail: the kernel still works, only less robustly.
    }
  }
  return patched;
}

/** Applies {@link queueZeromqSends} to the zeromq module a running tslab kernel has loaded, if any. */
export function queueKernelSends(): string[] {
  try {
    const id = require.resolve("zeromq");
    if (!require.cache[id]) return []; // not inside a tslab kernel
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the copy the kernel has already loaded
    return queueZeromqSends(require(id) as ZeromqModule);
  } catch {
    return [];
  }
}
