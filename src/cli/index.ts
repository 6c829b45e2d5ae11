// The CLI's public surface: the process entry point and an in-process runner (used by bin/pogo.js).
export { buildProgram, main, runCli } from './main.ts';
export { EXIT_CODES, exitCodeForError, exitCodeForJob } from './exit-codes.ts';
export type { CliIo } from './cli-io.ts';
