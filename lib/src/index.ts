/**
 * rnnlab: the library behind the course's notebooks. Import from the package name:
 *
 * ```ts
 * import { backendInfo } from "rnnlab";
 * ```
 *
 * This barrel exports what a student or user needs, grouped by the lesson that teaches it (`lib/README.md`
 * is the map). Every type of the lib is exported. Internals (the fused kernels, the wasm kernel patch,
 * tslab's zeromq queue, input checks, plot plumbing) stay in their modules: `rnnlab/dist/fast`, ….
 *
 * Importing rnnlab starts choosing the TensorFlow.js backend (see `backend.ts`): `await backendInfo()`
 * waits for the choice, and no tensor is ever made on a backend tfjs picked by default.
 */
import { startBackend } from "./backend";

export type * from "./backend";
export type * from "./quick";
export type * from "./keep";
export type * from "./cells";
export type * from "./notebook/display";
export type * from "./notebook/source";
export type * from "./data";
export type * from "./rnn";
export type * from "./train";
export type * from "./decode";
export type * from "./plot";
export type * from "./checkpoint";
export type * from "./names";
export type * from "./poems";
export type * from "./lab";
export type * from "./exercises";

// 00 · getting started: backends, rerun-safe cells, display, the lib's own source
export { backendInfo, setupBackend, BackendError, BACKENDS, BACKEND_ENV } from "./backend";
export { keep, release, keptKeys } from "./keep";
export { scaled, quickFactor, QUICK_ENV } from "./quick";
export { html, markdown } from "./notebook/display";
export { showSource, sourceOf } from "./notebook/source";

// 00b · plots
export { show, ensurePlotlyLoaded, lineChart, heatmap, barChart, coloredText, table, TrainingBoard, fitSineDemo } from "./plot";

// 01 · language models: corpora, tokens, vocabularies, n-grams, perplexity, batches
export { Rng, Vocab, RESERVED_TOKENS, charTokens, wordTokens, lettersOnly, textFile, textLines, dataPath } from "./data";
export { stateOfTheUnion, dinosaurNames, firstNames, cmudict, dates, tangPoems, clearTangMemo, corpusSizes } from "./data";
export { ngramCounts, topNgrams, ngramGrowth, ngramPerplexity, sequenceShapesSvg } from "./data";
export { perplexity, perplexityOfProbs, crossEntropyOfProbs, sequenceCrossEntropy } from "./data";
export { textBatchSource, lmBatchCount, lmWindows, windowGrid, lineBatchSource, lineSpecialIds, paddedBatch } from "./data";
export { batchTensors, disposeBatchTensors, idsTensor, tokensIn, firstBatch, countBatches } from "./data";
export { perplexityMetric, tokenAccuracy, exactMatch, binaryF1 } from "./data";

// 02 · the vanilla RNN: cells, the one runner, token encoders, language models, training, decoding, BPTT by hand
export { CELL_KINDS, cellLabel, parseCellKind } from "./cells";
export { runCell, CellBlock, initVariable, RNNScratch, RNN, RNN_GATES, buildBlock, copyWeights } from "./rnn";
export { OneHot, EmbeddingScratch, Embedding, RNNLMScratch, RNNLM } from "./rnn";
export { rnnCellForward, rnnForward, rnnCellBackward, rnnBackward, rnnGradientCheck, initRnnStepParams } from "./rnn";
export { hiddenGradientNorms, scaledOrthogonal } from "./rnn";
export { Trainer, ConsoleProgress, clipByGlobalNorm, clipByValue, globalNorm } from "./train";
export { languageModelStepper, sample, sampleWithSuffix, decode, generateText, nextTokenLogits, nextTokenProbs } from "./decode";
export { softmaxTemperature, topKFilter, topPFilter, sampleIndex, restrictLogits, entropyBits, entropyVsTemperature } from "./decode";

// 03 · GRU and 04 · LSTM: gates, traces, gradient flow, the bake-off; fused blocks
export { GRUScratch, GRU, GRU_GATES, LSTMScratch, LSTM, LSTM_GATES, LSTM_DEFAULT_FORGET_BIAS, FusedRecurrentBlock } from "./rnn";
export { traceGates, traceGatesOnText, gateExtremes, gateMatrix, mostActiveUnit, gateMeansAt, stateGradientNorms } from "./rnn";
export { gateHeatmap, gateColoredText } from "./plot";
export { runBakeoff, buildCellLM } from "./lab";

// 04b · the long-range lab: one bit across a controlled distance, the gates that hold it, agreement in a character LM
export { agreementVocab, agreementExamples, agreementText, otherNumber, agreementSource, agreementTestSets } from "./lab";
export { AGREEMENT_LABELS, SINGULAR, PLURAL, VERB_SLOT, DISTRACTOR_LETTERS, DEFAULT_NUM_DISTRACTORS } from "./lab";
export {
  runLongRange,
  runDistanceSweep,
  classifierWidth,
  buildAgreementClassifier,
  accuracyOf,
  LONG_RANGE_DEFAULTS,
  LEARNED_ACCURACY,
} from "./lab";
export { accuracyByDistanceFigure, accuracyByDistanceTable } from "./lab";
export { agreementTraces, heldBit, bitUnits, holdHeatmap, heldBitFigure, gateHoldTable, GATE_MEANING } from "./lab";
export { trainCharLMs, buildFusedLM, verbPreference, preferenceByGap, verbPreferenceFigure, verbPreferenceTable } from "./lab";
export { agreementContext, VERB_FILLER, VERB_SUBJECTS, VERB_GAPS, VERB_FORMS } from "./lab";

// 05 · deep RNNs: stacks, the four ways to add depth, depth studies
export { Stacked, buildStack, MLPScratch, DeepInput, DeepTransitionScratch, LayersModelLM, layerGradientNorms } from "./rnn";
export { compareModels, countParameters, layerStates, probeLayers, probeChart, trainProbe, nextIsSpace, positionInWord } from "./lab";
export { parseExpression, expressionText, evaluateExpression, randomExpressions, expressionSplit, operatorTables } from "./data";
export { treeBatchSource, expressionTextSource, treeBatch, textBatch, EXPRESSION_TREE_TOKENS, EXPRESSION_TEXT_TOKENS } from "./data";
export { RecursiveScratch, treeLevels, SequenceClassifier, SequenceTagger } from "./rnn";
export { runTreeVsChain, treeVsChainData } from "./lab";

// 06 · bidirectional RNNs: two directions, the heads of two new shapes, three tasks that read both ways
export { Bidirectional, BidirectionalLayer, buildBidirectional, MERGE_MODES } from "./rnn";
export { removeSpaces, withSpaces, spaceRestorationSource, windowText, spaceDiff } from "./data";
export { BLANK, BLANK_POSITIONS, blankSource, blankVocab, distinctWords } from "./data";
export { genderedNames, labeledNameSource, NAME_GENDER_LABELS, GENDERED_NAME_COUNT } from "./data";
export { precision, recall, labeledTextBatch, taggedBatch } from "./data";
export { restorationView } from "./plot";
export { inputSaliency, saliencyByOffset } from "./lab";

// 07 · sequence to sequence: encoder–decoder, beam search
export { beamSearch } from "./decode";
export { DATE_FORMATS, DATE_FORMAT_COUNT, DATE_FORMAT_EXAMPLE_DATE, formatDate, textPairSource, pairBatch, dateLists } from "./data";
export { EncoderDecoder, Seq2SeqEncoder, Seq2SeqDecoder, buildSeq2Seq } from "./rnn";
export { seq2seqStepper, translate, greedyExactMatch, batchSources, batchTargets } from "./decode";
export { seq2seqSvg } from "./data";
export { pca, accuracyByPosition, compareDecoders } from "./lab";
export { bleu, corpusBleu } from "./data";
export { BLEU_EXERCISE_PRED, BLEU_EXERCISE_LABEL } from "./exercises";
export { ADDITIVE_ATTENTION_EXERCISE } from "./exercises";

// 07b · attention: masked softmax, additive and dot-product scores, an attention decoder, alignments
export {
  maskedSoftmax,
  AdditiveAttentionScratch,
  AdditiveAttention,
  DotProductAttentionScratch,
  DotProductAttention,
  buildAttention,
} from "./rnn";
export { AttentionDecoder, buildAttentionSeq2Seq, attentionMap } from "./rnn";
export { g2pPairs, g2pSource, editDistance, g2pErrorRates, G2P_COUNTS } from "./data";
export {
  G2P_NOTEBOOK,
  G2P_LONG_RUN,
  g2pData,
  g2pModel,
  g2pRun,
  trainG2P,
  transcribe,
  evaluateG2P,
  saveG2PReport,
  readG2PReport,
} from "./lab";

// 09 · Tang quatrains: the form checked and guaranteed, rhyme and tone, scoring text under a model
export { checkQuatrain, splitQuatrain, isHan, lineEndCounts, QUATRAIN_LINE_ENDS, COUPLET_ENDS, TANG_COUNTS, toTraditional } from "./data";
export {
  toneOf,
  tonalClass,
  rhymeGroup,
  linesRhyme,
  matchesTonePattern,
  RHYME_GROUPS,
  TONE_PATTERNS,
  FREE_POSITIONS,
  CORPUS_RATES,
} from "./data";
export { quatrainConstraint, quatrainTokenIds, endRhyme, quatrainPosition, quatrainMaxLength } from "./decode";
export { quatrainCorpus, QUATRAIN_LM, buildQuatrainLM, trainQuatrainLM, writeQuatrains } from "./poems";
export { poemDemoOf, loadPoemDemo, demoQuatrain, POEM_DEMO_FORMAT } from "./poems";
export { dateDemoOf, loadDateDemo, demoDate, isoDateConstraint, DATE_DEMO_FORMAT } from "./lab";
export { g2pDemoOf, loadG2PDemo, demoG2P, G2P_DEMO_FORMAT } from "./lab";
export { constraintLadder, CONSTRAINT_LADDER, ladderTableRow, measureQuatrains, freeQuatrains, poemPerplexity, poemTokens } from "./poems";
export { poemMetrics } from "./data";
export { poemView, poemGallery } from "./plot";
export { tokenLogProbs, perplexityOf, topTokens } from "./decode";

// 08 · dinosaur names: classic and modern paths, sampling, novelty, hidden units; the training cache
export { splitNames, nameStats, labelName, noveltyCounts, noveltyShares, NAME_LABELS, NAME_MARKS } from "./names";
export {
  classicVocab,
  classicLossAndGrads,
  classicGradientCheck,
  classicSample,
  classicPerplexity,
  trainClassic,
  trainClassicOrLoad,
} from "./names";
export { nameVocab, nameData, buildNameLM, trainNameLM, sampleNames, sampleNamesWithSuffix } from "./names";
export { nameDemoOf, loadNameDemo, demoNames, NAME_DEMO_FORMAT } from "./names";
export {
  valPerplexityAtTemperatures,
  temperatureSweep,
  hiddenActivations,
  unitForFeature,
  unitColoredText,
  generationTable,
} from "./names";
export { trainOrLoad, saveCheckpoint, loadCheckpoint, CheckpointError, dataFingerprint } from "./checkpoint";
export { exportWeights, importWeights, PORTABLE_WEIGHTS_FORMAT } from "./checkpoint";

// Exercises of every notebook
export { exercises } from "./exercises";

startBackend();
