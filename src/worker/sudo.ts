// `--run-as`: the command line through sudo, and answering sudo's password prompt once (a second prompt stops).
import { PGID_MARKER_PRINTF_PS, shellQuote } from '../transport/index.ts';

/** The prompt Pogo asks sudo to print (`%p` is the user whose password sudo wants), the same in every locale. */
export const SUDO_PROMPT = '[sudo] password for %p: ';

/** Why a sudo step was stopped. */
export type SudoVerdict = 'TASK_SUDO_PASSWORD_REQUIRED' | 'TASK_SUDO_PASSWORD_REJECTED';

/**
 * `sudo -u USER -- sh -c SCRIPT`. SCRIPT first prints the process-group marker (so a timeout can stop
 * what runs as USER, see `ExecOptions.killAs`), then exports `env` (sudo's env_reset would drop
 * variables set outside it; sudoers rules naming `sh` still match), then runs `command`.
 */
export function sudoCommand(runAs: string, command: string, env: Readonly<Record<string, string>>): string {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const lines = [
    PGID_MARKER_PRINTF_PS,
    ...(assignments.length > 0 ? [`export ${assignments.join(' ')}`] : []),
    command,
  ];
  return `${sudoPrefix(runAs)} sh -c ${shellQuote(lines.join('\n'))}`;
}

/** `sudo -p PROMPT -u USER --`, the start of every command Pogo runs as another user. */
export function sudoPrefix(runAs: string): string {
  return `sudo -p ${shellQuote(SUDO_PROMPT)} -u ${shellQuote(runAs)} --`;
}

/** sudo's prompt (ours, or a PAM `Password:`) at the end of the output so far. */
const PROMPT = /(?:\[sudo\] password for [^\r\n]*:|(?:^|[\r\n])Password:) ?$/;
const OWN_PROMPT = /\[sudo\] password for [^\r\n]*: ?$/;
const REJECTED = /Sorry, try again|incorrect password attempt/;
/** Prompts are answered only near the start of the output: sudo asks before the command runs. */
const PROMPT_WINDOW_BYTES = 8192;

/**
 * Watches pty output for sudo's prompt. The first prompt gets the password; a second prompt or
 * "Sorry, try again" means it was rejected, and a prompt without a password to give means one is
 * required: either way `stop` is called once, so a wrong password is never tried again and again.
 */
export class SudoPromptAnswerer {
  verdict: SudoVerdict | undefined;
  private tail = '';
  private seen = 0;
  private answered = false;

  constructor(
    private readonly password: string | undefined,
    private readonly stop: (verdict: SudoVerdict) => void,
  ) {}

  /** For ExecOptions.onPrompt. */
  readonly handle = (text: string, reply: (s: string) => void): void => {
    if (this.verdict !== undefined || this.seen > PROMPT_WINDOW_BYTES) return;
    this.seen += text.length;
    this.tail = (this.tail + text).slice(-512);
    if (this.answered) {
      // After the answer only sudo's own words count, not a `Password:` the command may print.
      if (REJECTED.test(this.tail) || OWN_PROMPT.test(this.tail)) this.end('TASK_SUDO_PASSWORD_REJECTED');
      return;
    }
    if (!PROMPT.test(this.tail)) return;
    if (this.password === undefined) return this.end('TASK_SUDO_PASSWORD_REQUIRED');
    this.answered = true;
    this.tail = '';
    reply(`${this.password}\n`);
  };

  private end(verdict: SudoVerdict): void {
    this.verdict = verdict;
    this.stop(verdict);
  }
}
