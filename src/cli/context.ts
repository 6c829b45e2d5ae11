// What every command's action gets from main: its output streams and a place for its exit code.
import type { CliIo } from './cli-io.ts';

/** Shared by main and the command actions of one CLI run. */
export interface CommandContext {
  readonly io: CliIo;
  /** Set by the action that ran; main exits with it. */
  exitCode: number;
}
