// Flags of `pogo one` as commander hands them over.
import type { TaskFlags } from './task-flags.ts';

/** `pogo one`'s flags: the shared task flags (with their defaults filled in) plus SSH and output options. */
export interface OneFlags extends TaskFlags {
  readonly config?: string;
  readonly targets?: string;
  readonly runCommand?: string;
  readonly transport: string;
  readonly sshConfig?: string;
  readonly user?: string;
  readonly identity: string[];
  readonly acceptNew?: boolean;
  readonly connectRate: string;
  readonly password?: boolean;
  readonly passwordStdin?: boolean;
  readonly retries: string;
  readonly retryDelay: string;
  readonly timeout: string;
  readonly preDir: string;
  readonly postDir: string;
  readonly outputCap: string;
  readonly output?: boolean;
  readonly namespace?: string;
  readonly json?: boolean;
}
