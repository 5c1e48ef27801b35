// Barrel of lib/src/exercises: only what a notebook needs to check its exercises.
export { exercises } from "./notebooks";
export type { NotebookExercises, NotebookWithExercises } from "./notebooks";
export type { ExerciseOptions, ExerciseSet, Feedback, Verdict } from "./exercise";
export type { ClipFunction, Grads, RNNStepFunction } from "./rnn";
export type { GRUNewStateFunction, GRUParams, GRUStepFunction } from "./gru";
export type { LSTMBiases, LSTMHiddenFunction, LSTMParams, LSTMStepFunction } from "./lstm";
export type { ProbeAccuracies, StackedForwardFunction } from "./deep-rnn";
export type { BidirectionalForwardFunction, BlankAccuracies } from "./bidirectional";
export type { BeamStepFunction, LiveBeam } from "./seq2seq";
export { BLEU_EXERCISE_PRED, BLEU_EXERCISE_LABEL } from "./seq2seq";
export type { AdditiveAttentionInputs, MaskedSoftmaxFunction } from "./attention";
export { ADDITIVE_ATTENTION_EXERCISE } from "./attention";
export type { EasierNames, SampleNameFunction, TemperatureSweepFunction } from "./dinosaur-names";
export type { FormRuleFunction, RhymesFunction, SlotKind } from "./tang-poems";
