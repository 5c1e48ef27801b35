import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { textFile, textLines } from "./text-file";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-text-"));
const write = (name: string, data: string | Buffer): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
};

test("textFile reads UTF-8, drops a BOM and normalises line ends; textLines drops blank lines", () => {
  const p = write("poem.txt", "\uFEFF床前明月光，\r\n\r\n疑是地上霜。𠀀\r\n");
  assert.equal(textFile(p), "床前明月光，\n\n疑是地上霜。𠀀\n");
  assert.deepEqual(textLines(p), ["床前明月光，", "疑是地上霜。𠀀"]);
});

test("missing, empty, blank, binary and non-UTF-8 files get clear errors", () => {
  assert.throws(() => textFile(path.join(dir, "nope.txt")), /no file at .*nope\.txt\. Check the name/);
  assert.throws(() => textFile(dir), /is a folder/);
  assert.throws(() => textFile(write("empty.txt", "")), /is empty/);
  assert.throws(() => textFile(write("blank.txt", " \n\t\n")), /only whitespace/);
  assert.throws(() => textFile(write("image.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))), /looks binary/);
  assert.throws(() => textFile(write("latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9]))), /not valid UTF-8/);
});
