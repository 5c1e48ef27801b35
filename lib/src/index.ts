/**
 * rnnlab: the library behind the course's notebooks. Import from the package name:
 *
 * ```ts
 * import { backendInfo } from "rnnlab";
 * ```
 */
export * from "./backend";
export * from "./quick";
export * from "./keep";
export * from "./notebook/display";
export * from "./notebook/source";
export * from "./notebook/zmq-queue";
export * from "./train";
export * from "./plot";
export * from "./data";
export * from "./rnn";
export * from "./decode";
export * from "./fast";
export * from "./checkpoint";
export * from "./names";
