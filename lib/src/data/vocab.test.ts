import { test } from "node:test";
import * as assert from "node:assert/strict";
import { charTokens, wordTokens } from "./tokenize";
import { Vocab } from "./vocab";

test("the docstring example: order by frequency after reserved tokens, ties by first appearance", () => {
  const vocab = Vocab.build(charTokens("hello world"), { reserved: ["<unk>"] });
  assert.equal(vocab.size, 9);
  assert.deepEqual(vocab.tokens, ["<unk>", "l", "o", "h", "e", " ", "w", "r", "d"]);
  assert.deepEqual(vocab.encode(charTokens("low")), [1, 2, 6]);
  assert.equal(vocab.decode([1, 2, 6]).join(""), "low");
  assert.deepEqual(vocab.encode(["z"]), [0]);
});

test("frequencies and order on a small known text", () => {
  const text = "the cat sat on the mat the end";
  const vocab = Vocab.build(wordTokens(text), { reserved: ["<pad>", "<unk>", "<bos>", "<eos>"] });
  assert.deepEqual(vocab.tokens.slice(0, 4), ["<pad>", "<unk>", "<bos>", "<eos>"]);
  assert.deepEqual(vocab.mostCommon(3), [["the", 3], ["cat", 1], ["sat", 1]]);
  assert.equal(vocab.freq("the"), 3);
  assert.equal(vocab.freq("dog"), 0);
  assert.equal(vocab.idOf("the"), 4);
  assert.equal(vocab.tokenOf(4), "the");
  assert.equal(vocab.totalCount, 8);
  assert.deepEqual([vocab.padId, vocab.unkId, vocab.bosId, vocab.eosId], [0, 1, 2, 3]);
  assert.equal(vocab.size, 4 + 6);
});

test("reserved tokens are included only when asked for", () => {
  const vocab = Vocab.build(charTokens("abca"));
  assert.deepEqual(vocab.tokens, ["a", "b", "c"]);
  assert.equal(vocab.has("<unk>"), false);
  assert.equal(vocab.unkId, undefined);
  assert.equal(vocab.eosId, undefined);
});

test("encode/decode round-trip, astral-plane characters included", () => {
  const text = "𠀀山𪚥 水\u{1F600}𠀀";
  assert.equal(text.length, 11, "UTF-16 length counts surrogate pairs twice");
  const tokens = charTokens(text);
  assert.equal(tokens.length, 7);
  const vocab = Vocab.build(tokens);
  assert.equal(vocab.size, 6);
  assert.equal(vocab.tokenOf(0), "𠀀");
  assert.equal(vocab.decode(vocab.encode(tokens)).join(""), text);
});

test("<unk>: minFreq sends rare tokens to <unk>; without <unk> an unknown token is an error naming it and its position", () => {
  const v = Vocab.build(charTokens("aaabbc"), { minFreq: 2, reserved: ["<unk>"] });
  assert.deepEqual(v.tokens, ["<unk>", "a", "b"]);
  assert.equal(v.droppedCount, 1);
  assert.deepEqual(v.encode(["a", "c", "q"]), [1, 0, 0]);
  assert.equal(v.idOf("q"), 0);
  const strict = Vocab.build(charTokens("abc"));
  assert.throws(() => strict.encode(["a", "b", "ж"]), /"ж" \(U\+0436\) at position 2 is not in the vocabulary.*reserved: \["<unk>"\]/);
  assert.throws(() => strict.idOf("z"), /"z".*no <unk>/);
});

test("maxSize keeps the most frequent tokens", () => {
  const v = Vocab.build(charTokens("aaaabbbccd"), { reserved: ["<unk>"], maxSize: 3 });
  assert.deepEqual(v.tokens, ["<unk>", "a", "b"]);
  assert.equal(v.droppedCount, 3);
});

test("JSON round trip keeps ids, counts and reserved tokens", () => {
  const v = Vocab.build(wordTokens("to be or not to be"), { reserved: ["<unk>", "<eos>"] });
  const back = Vocab.fromJSON(JSON.stringify(v));
  assert.deepEqual(back.tokens, v.tokens);
  assert.deepEqual(back.counts, v.counts);
  assert.deepEqual(back.reserved, v.reserved);
  assert.equal(back.eosId, 1);
  assert.deepEqual(back.encode(["be", "xyz"]), v.encode(["be", "xyz"]));
});

test("bad input: empty corpus, bad options, corrupt JSON, ids out of range", () => {
  assert.throws(() => Vocab.build([]), /no tokens.*corpus is not empty/);
  assert.throws(() => Vocab.build(["a"], { minFreq: 0 }), /minFreq/);
  assert.throws(() => Vocab.build(["a"], { reserved: ["<mask>" as "<pad>"] }), /not a reserved token/);
  assert.throws(() => Vocab.fromJSON("{\"format\":\"rnnlab-vocab\""), /not valid JSON/);
  assert.throws(() => Vocab.fromJSON("[1,2]"), /not a saved vocabulary/);
  const good = Vocab.build(["a", "b"]).toJSON();
  assert.throws(() => Vocab.fromJSON({ ...good, counts: [1] }), /counts must be one/);
  assert.throws(() => Vocab.fromJSON({ ...good, tokens: ["a", "a"] }), /repeat/);
  assert.throws(() => Vocab.build(["a"]).decode([0, 5]), /id 5 at position 1 is out of range/);
  assert.throws(() => Vocab.build(["a"]).tokenOf(-1), /out of range/);
});
