import { test } from "node:test";
import * as assert from "node:assert/strict";
import { queueZeromqSends } from "./zmq-queue";

interface ZSocket {
  bind(a: string): Promise<void>;
  send(m: unknown): Promise<void>;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- only the two classes used, typed here
const zmq = require("zeromq") as { Publisher: new () => ZSocket };

test("a send issued while the socket is still binding waits for the bind instead of throwing", async () => {
  const native = Object.getPrototypeOf(zmq.Publisher.prototype) as { bind: ZSocket["bind"]; send: ZSocket["send"] };
  // Control: without the queue, zeromq refuses the send.
  const raw = new zmq.Publisher();
  const rawBind = native.bind.call(raw, "tcp://127.0.0.1:45921");
  assert.throws(() => native.send.call(raw, ["early"]), /blocked by a bind/);
  await rawBind;
  raw.close();

  assert.deepEqual(queueZeromqSends(zmq as never).includes("Publisher"), true);
  assert.deepEqual(queueZeromqSends(zmq as never), [], "patching twice is a no-op");
  const pub = new zmq.Publisher();
  const bound = pub.bind("tcp://127.0.0.1:45922");
  const sent = pub.send(["early"]);
  await assert.doesNotReject(Promise.all([bound, sent]));
  pub.close();
});
