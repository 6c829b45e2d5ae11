// Where CLI commands write: stdout for results, stderr for errors and warnings (swappable in tests).

/** The two output streams of a command. Text is written as given (callers add newlines). */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The process's own stdout and stderr. */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  };
}

/**
 * Collects lines and hands them to `write` in chunks, so a 300,000-line trace is neither one giant
 * string nor 300,000 separate writes.
 */
export class LineBuffer {
  private lines: string[] = [];
  private size = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly chunkChars = 1 << 16,
  ) {}

  /** Queue one line (without its newline). */
  line(text = ''): void {
    this.lines.push(text);
    this.size += text.length + 1;
    if (this.size >= this.chunkChars) this.flush();
  }

  /** Write what is queued. */
  flush(): void {
    if (this.lines.length === 0) return;
    this.write(this.lines.join('\n') + '\n');
    this.lines = [];
    this.size = 0;
  }
}
