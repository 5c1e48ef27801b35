import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { charTokens, lettersOnly, wordTokens } from "./tokenize";

test("charTokens splits by code point, never inside a surrogate pair", () => {
  assert.deepEqual(charTokens("a𠀀b"), ["a", "𠀀", "b"]);
  assert.deepEqual(charTokens(""), []);
});

test("wordTokens: lower-case and punctuation options", () => {
  const s = "The Time-Machine, isn't it? 1895!";
  assert.deepEqual(wordTokens(s), ["the", "time-machine", "isn't", "it", "1895"]);
  assert.deepEqual(wordTokens(s, { lowercase: false }), ["The", "Time-Machine", "isn't", "it", "1895"]);
  assert.deepEqual(wordTokens(s, { punctuation: "split" }), ["the", "time-machine", ",", "isn't", "it", "?", "1895", "!"]);
  assert.deepEqual(wordTokens(s, { punctuation: "keep" }), ["the", "time-machine,", "isn't", "it?", "1895!"]);
  assert.deepEqual(wordTokens("Ünïcödé wörds — ok"), ["ünïcödé", "wörds", "ok"]);
  assert.throws(() => wordTokens("a", { punctuation: "eat" as "drop" }), /punctuation must be/);
});

test("lettersOnly: d2l's preprocessing", () => {
  assert.equal(lettersOnly("It's 1895, Sir!"), "it s sir ");
  assert.equal(lettersOnly("  Hello,\nWorld!  \n", { perLine: true }), "helloworld");
});

const TIME_MACHINE = path.resolve(__dirname, "..", "..", "..", "..", "shared", "reference", "timemachine.txt");
test("d2l's published numbers for The Time Machine: 170,580 characters, 28 tokens", { skip: !fs.existsSync(TIME_MACHINE) && "reference text absent" }, () => {
  const chars = charTokens(lettersOnly(fs.readFileSync(TIME_MACHINE, "utf8"), { perLine: true }));
  assert.equal(chars.length, 170580);
  assert.equal(new Set(chars).size, 27, "26 letters and the space (d2l's vocab adds <unk> to make 28)");
});
