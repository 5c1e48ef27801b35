import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildBidirectional } from "../rnn/bidirectional";
import type { GRUScratch } from "../rnn/gru";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { exercises } from "./notebooks";

useBackendWithFullBudgets();

/** The lines exercise `n` of notebook 06 prints for each answer. */
function lines(n: 1 | 2 | 3, answers: readonly unknown[], context?: unknown): string[] {
  const out: string[] = [];
  const ex = exercises("06-bidirectional", { print: (line) => out.push(line) });
  const check = ex.check.bind(ex) as unknown as (n: number, answer: unknown, context?: unknown) => void;
  for (const answer of answers) check(n, answer, context);
  return out;
}

test("exercise 1: the reference is the parameter count of buildBidirectional's GRU; common slips get their own message", () => {
  const bi = buildBidirectional("gru", "scratch", { numInputs: 5, numHiddens: 4 });
  const size = bi.trainableVariables().reduce((n, v) => n + v.size, 0);
  assert.equal(exercises("06-bidirectional").exercise(1).reference(), size);
  bi.dispose();
  const concise = buildBidirectional("gru", "concise", { numInputs: 5, numHiddens: 4 });
  assert.equal((concise as { countParams(): number }).countParams(), size, "tf.layers.bidirectional counts the same");
  concise.dispose();
  const [right, one, wide, narrow, stacked, rnn, lstm, noBias, far] = lines(1, [240, 120, 336, 96, 228, 80, 320, 216, 1000]);
  assert.match(right, /^✓ /);
  assert.match(one, /^✗ .*one direction's count/);
  assert.match(wide, /one GRU with 8 units/);
  assert.match(narrow, /2 units, but numHiddens = 4 is per direction/);
  assert.match(stacked, /reads the forward GRU's outputs/);
  assert.match(rnn, /vanilla RNNs/);
  assert.match(lstm, /LSTMs/);
  assert.match(noBias, /leaves out b·/);
  assert.match(far, /^✗ .*: 1000 is too high by a factor of about 4/);
  for (const line of [one, wide, narrow, stacked, rnn, lstm, noBias, far]) assert.doesNotMatch(line, /240/);
});

type Block = { forward: (x: tf.Tensor3D) => [tf.Tensor3D, tf.Tensor2D[]] };
type Answer = (X: tf.Tensor3D, f: GRUScratch, b: GRUScratch) => tf.Tensor;
const run = (block: Block, X: tf.Tensor3D): tf.Tensor3D => block.forward(X)[0];

test("exercise 2: the backward block's own reversal (reverse: true) is right too; each typical slip gets a ✗ that says what is off; nothing leaks", () => {
  const before = tf.memory().numTensors;
  const answers: Answer[] = [
    (X, f, b) => tf.concat([run(f, X), b.forward(X, undefined, { reverse: true })[0]], -1), // the runner's own reversal: right
    (X, f, b) => tf.concat([run(f, X), run(b, tf.reverse(X, 0))], -1), // not reversed back
    (X, f, b) => tf.concat([run(f, X), run(b, X)], -1), // no reversal at all
    (X, f, b) => tf.concat([run(f, X), tf.reverse(run(b, tf.reverse(X, 1)), 0)], -1), // the batch axis, then time
    (X, f, b) => tf.concat([run(f, X), tf.reverse(run(b, tf.reverse(X, 1)), 1)], -1), // the batch axis twice: rows run alone, so no reversal
    (X, f, b) => tf.concat([run(f, X), tf.reverse(run(b, tf.reverse(X)))], -1), // every axis
    (X, f, b) => tf.concat([run(f, X), tf.reverse(run(b, tf.reverse(X, 2)), 0)], -1), // the features, then time
    (X, f, b) => tf.add(run(f, X), tf.reverse(run(b, tf.reverse(X, 0)), 0)), // sum
    (X, f, b) => tf.concat([run(f, X), tf.reverse(run(b, tf.reverse(X, 0)), 0)], 0), // joined on time
    (X, f, b) => tf.concat([tf.reverse(run(b, tf.reverse(X, 0)), 0), run(f, X)], -1), // swapped
    (X, f) => tf.concat([run(f, X), tf.reverse(run(f, tf.reverse(X, 0)), 0)], -1), // one block both ways
    (X, f, b) => tf.concat([run(f, X), tf.mul(2, tf.reverse(run(b, tf.reverse(X, 0)), 0))], -1), // backward half off
    (X, f, b) => tf.concat([run(f, tf.reverse(X, 0)), tf.reverse(run(b, tf.reverse(X, 0)), 0)], -1), // forward half off
    (X, f, b) => tf.concat(b.forward(X)[1].concat(f.forward(X)[1]), -1), // final states
  ];
  const [runner, notBack, none, batch, batchTwice, all, features, sum, time, swapped, shared, backOff, frontOff, states] = lines(
    2,
    answers,
  );
  assert.match(runner, /^✓ /);
  assert.match(notBack, /^✗ .*still in the order it read them, so at each step the two halves come from different steps/);
  assert.match(none, /^✗ .*reads X from the first step to the last/);
  assert.match(batch, /^✗ .*flips the batch \(axis 1\), not only time/);
  assert.match(batchTwice, /^✗ .*reads X from the first step to the last.*\(time is axis 0 of X\)/);
  assert.match(all, /^✗ .*flips every axis at once/);
  assert.match(features, /^✗ .*flips the features \(axis 2\)/);
  assert.match(sum, /^✗ .*returns \[5, 3, 4\], one direction's width/);
  assert.match(time, /^✗ .*joined along the time axis/);
  assert.match(swapped, /^✗ .*two halves are swapped/);
  assert.match(shared, /^✗ .*forward block's weights/);
  assert.match(backOff, /^✗ .*forward half is right, but your backward half differs/);
  assert.match(frontOff, /^✗ .*backward half is right, but your forward half differs/);
  assert.match(states, /^✗ .*the states of one step/);
  for (const line of [notBack, none, batch, batchTwice, all, features, sum, time, swapped, shared]) {
    assert.doesNotMatch(line, /tf\.|reverse\(|concat\(/, "no code in the messages");
  }
  assert.equal(tf.memory().numTensors, before);
});

test("exercise 3: any position with the lowest accuracy is right, in any case; 'end' and bad answers get a ✗ that names no other position", () => {
  const accuracies = { start: 0.2, middle: 0.2, end: 0.6 };
  const [start, middle, upper, end, other, num] = lines(3, ["start", "middle", " Start", "end", "beginning", 0], { accuracies });
  assert.match(start, /^✓ .*at the start .* 20% .*read nothing/);
  assert.match(middle, /^✓ .*in the middle/);
  assert.match(upper, /^✓ /);
  assert.match(end, /^✗ .*60% of the blanks at the end, and it does worse at another position/);
  assert.doesNotMatch(end, /start|middle/);
  assert.match(other, /^✗ "beginning" is not a position|^✗ .*"beginning" is not a position/);
  assert.match(num, /^✗ .*not one|^✗ .*give one of/);
  assert.match(lines(3, ["middle"], { accuracies: { start: 0.5, middle: 0.7, end: 0.1 } })[0], /^✗ .*in the middle, and it does worse/);
  assert.match(lines(3, ["end"], { accuracies: { start: 0.5, middle: 0.7 } })[0], /must be three numbers between 0 and 1/);
  assert.match(lines(3, ["end"], { accuracies: [0.1, 0.2, 0.3] })[0], /must be three numbers between 0 and 1/);
});

test("exercise 3 is typed: a position string and the three accuracies", () => {
  // Never called: the compiler checks these lines.
  const typeChecks = (): void => {
    const ex = exercises("06-bidirectional");
    const accuracies = { start: 0.2, middle: 0.5, end: 0.6 };
    ex.check(3, "start", { accuracies });
    ex.check(3, undefined, { accuracies });
    // @ts-expect-error not a position
    ex.check(3, "beginning", { accuracies });
    // @ts-expect-error the accuracies are needed
    ex.check(3, "start");
    ex.check(2, (X, f, b) => tf.concat([f.forward(X)[0], b.forward(X)[0]], -1));
  };
  assert.equal(typeof typeChecks, "function");
});
