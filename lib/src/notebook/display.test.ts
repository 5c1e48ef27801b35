import { test } from "node:test";
import * as assert from "node:assert/strict";
// zeromq must be loaded before the display module, as it is inside a tslab kernel.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here, in this order, not hoisted
const zmq = require("zeromq") as {
  Publisher: new (opts?: { sendHighWaterMark?: number }) => ZSocket;
  Subscriber: new (opts?: {
    receiveHighWaterMark?: number;
  }) => ZSocket & { subscribe(): void; connect(a: string): void } & AsyncIterable<unknown>;
};
import { DisplayHandle, inNotebook } from "./display";

interface ZSocket {
  bind(a: string): Promise<void>;
  send(m: unknown): Promise<void>;
  close(): void;
}

async function burst(port: number, send: (pub: ZSocket, msg: string[]) => Promise<void>): Promise<{ thrown: number; received: number }> {
  // No high-water marks (0 = unlimited): on a loaded machine the subscriber falls behind, and a publisher drops
  // messages beyond the mark by design. What is tested is that sends do not throw and none is lost before zeromq.
  const pub = new zmq.Publisher({ sendHighWaterMark: 0 });
  await pub.bind(`tcp://127.0.0.1:${port}`);
  const sub = new zmq.Subscriber({ receiveHighWaterMark: 0 });
  sub.connect(`tcp://127.0.0.1:${port}`);
  sub.subscribe();
  await new Promise((r) => setTimeout(r, 200));
  let received = 0;
  void (async () => {
    for await (const _ of sub) received++;
  })().catch(() => undefined);
  let thrown = 0;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < 1500; i++) {
    try {
      sends.push(send(pub, [`m${i}`]).catch(() => void thrown++));
    } catch {
      thrown++;
    }
  }
  await Promise.all(sends);
  for (let waited = 0; received < 1500 && waited < 10000; waited += 50) await new Promise((r) => setTimeout(r, 50)); // a slow subscriber catches up
  await new Promise((r) => setTimeout(r, 100));
  pub.close();
  sub.close();
  return { thrown, received };
}

test("kernel sends are queued: a burst of 1,500 messages all arrive, none throws EBUSY", async () => {
  const nativeSend = Object.getPrototypeOf(zmq.Publisher.prototype).send as (this: ZSocket, m: unknown) => Promise<void>;
  const raw = await burst(45911, (pub, m) => nativeSend.call(pub, m));
  assert.ok(raw.thrown > 0, "control: unqueued zeromq sends throw 'Socket is busy writing' in a burst");
  const queued = await burst(45912, (pub, m) => pub.send(m));
  assert.deepEqual(queued, { thrown: 0, received: 1500 });
});

test("outside a kernel, displays fall back to printing text/plain", () => {
  assert.equal(inNotebook(), false);
  const lines: string[] = [];
  const orig = console.log;
  console.log = (s: string) => void lines.push(s);
  try {
    new DisplayHandle().show({ "text/plain": "hello", "text/html": "<b>hello</b>" });
  } finally {
    console.log = orig;
  }
  assert.deepEqual(lines, ["hello"]);
});
