// The typed map of engine and job events (`noun:verb`), shared by the engine, store, API and UI.
import type { HostOutcome } from './states.ts';

/** A host ran and ended with an outcome: `host:succeeded`, `host:failed`, … */
export type HostOutcomeEvent = `host:${HostOutcome}`;

/** Payload of every event type, by name. `t` is milliseconds since the epoch (or since start in simulations). */
export type EventMap = {
  /** The dispatcher adds what the worker reported (exit code, one-line message, error code); the engine does not. */
  [K in HostOutcomeEvent]: {
    t: number;
    host: string;
    exitCode?: number | null;
    message?: string;
    errorCode?: string;
  };
} & {
  'job:started': { t: number };
  'job:halting': { t: number; reason: string };
  'job:halted': { t: number; reason: string };
  'job:succeeded': { t: number; reason: string };
  'job:failed': { t: number; reason: string };
  'job:resumed': { t: number; by?: string };
  'host:started': { t: number; host: string };
  'host:halted': { t: number; host: string; reason: string };
  'host:retried': { t: number; host: string; by?: string };
  'host:skipped': { t: number; host: string; by?: string };
};

export type EventType = keyof EventMap;

/** One event: its type and payload. */
export type PogoEvent = { [K in EventType]: { type: K } & EventMap[K] }[EventType];
