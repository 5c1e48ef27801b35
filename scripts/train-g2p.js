#!/usr/bin/env node
// `npm run g2p`: the long run of notebook 07b. Trains the attention G2P model of G2P_LONG_RUN on CMUdict
// (80/10/10 split by word) with progress lines, saves it in the training cache (checkpoints/, or
// RNNLAB_CHECKPOINTS), then prints the test WER and PER with greedy decoding and beam search and saves
// them beside the checkpoint, where notebook 07b finds them. Rerunning loads the model instead of
// training it again; `npm run g2p -- --force` retrains.
"use strict";
const tf = require("@tensorflow/tfjs");
const r = require("rnnlab");

const pct = (x) => `${(100 * x).toFixed(2)} %`;

async function main() {
  await tf.ready();
  const force = process.argv.includes("--force");
  const recipe = r.G2P_LONG_RUN;
  const data = r.g2pData(recipe.batchSize);
  console.log(
    `G2P long run: CMUdict without stress, ${data.trainWords.length} training words (${data.trainPairs.length} pronunciations), ` +
      `${data.valWords.length} validation and ${data.testWords.length} test words; backend ${tf.getBackend()}.`,
  );
  console.log(`Recipe: ${JSON.stringify(recipe)}`);
  const before = r.g2pRun(data, recipe);
  const old = before.exists ? r.readG2PReport(before.dir) : undefined;
  const run = await r.trainG2P(data, recipe, { force, listener: new r.ConsoleProgress(undefined, { everyReport: true }) });
  const trainSeconds = run.fromCache ? (old?.trainSeconds ?? run.history.seconds) : run.history.seconds;
  console.log(`Training: ${(trainSeconds / 60).toFixed(1)} min, ${run.history.steps} steps; final ${JSON.stringify(run.history.final)}`);
  const results = [];
  for (const beamSize of [1, 4]) {
    const name = beamSize === 1 ? "greedy" : `beam ${beamSize}`;
    console.log(`Decoding ${data.testWords.length} test words (${name}) ...`);
    const e = r.evaluateG2P(run.model, data, data.testWords, { beamSize });
    results.push({ decoder: name, wer: e.wer, per: e.per, seconds: e.seconds });
    console.log(
      `  ${name.padEnd(8)} WER ${pct(e.wer)}  PER ${pct(e.per)}  (${e.wordErrors} of ${e.words} words wrong; ${e.seconds.toFixed(0)} s)`,
    );
  }
  r.saveG2PReport(run.dir, { recipe, trainSeconds, testWords: data.testWords.length, results });
  console.log(`\ndecoder   WER       PER`);
  for (const x of results) console.log(`${x.decoder.padEnd(9)} ${pct(x.wer).padEnd(9)} ${pct(x.per)}`);
  console.log(
    `Published anchors (CMUSphinx g2p-seq2seq on the latest CMUdict; their data and split differ from ours): LSTM 2×64 ≈ 39 %, 2×512 ≈ 31 %, Transformer 3×256 30.2 %, Phonetisaurus 33.9 %.`,
  );
  console.log(`Saved the scores to ${run.dir}; notebook 07b loads this model and shows them.`);
  run.model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
