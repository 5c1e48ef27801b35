import { test } from "node:test";
import * as assert from "node:assert/strict";
import { sourceOf } from "./source";

test("sourceOf returns a function with its TSDoc, dedented", () => {
  const src = sourceOf("backend.ts", "parseBackendName");
  assert.match(src, /^\/\*\*/);
  assert.match(src, /export function parseBackendName\(value: string \| undefined\)/);
  assert.match(src, /\n}$/);
});

test("sourceOf finds classes, class members and consts", () => {
  assert.match(sourceOf("backend.ts", "BackendError"), /^\/\*\* Raised when/);
  assert.match(sourceOf("notebook/display.ts", "DisplayHandle.show"), /^\/\*\* Draws `bundle`[\s\S]*show\(bundle: MimeBundle\): void \{/);
  assert.match(sourceOf("backend.ts", "BACKENDS"), /export const BACKENDS = \["tensorflow", "wasm", "cpu"\] as const;/);
});

test("sourceOf explains a missing file or name", () => {
  assert.throws(() => sourceOf("nope.ts", "x"), /no file lib\/src\/nope\.ts/);
  assert.throws(() => sourceOf("backend.ts", "nothing"), /has no declaration "nothing"\. It declares: .*parseBackendName/);
});
