// A host's output as labelled chunks, kept byte for byte up to a cap; beyond it a visible truncation note.
import type { OutputChunk } from '../transport/index.ts';
import { SecretMasker } from './secrets.ts';
import type { OutputSource, TaskOutputChunk } from './types.ts';

/**
 * Collects the output of one host task. Remote bytes count against `capBytes`; once it is reached the
 * rest is dropped (the command keeps running) and one `pogo` chunk says so. Pogo's own notes (retries,
 * truncation) are always kept and do not count.
 */
export class OutputCollector {
  readonly chunks: TaskOutputChunk[] = [];
  private kept = 0;
  private dropped = false;
  private readonly masker: SecretMasker;

  /** `secrets`: values replaced by `****` in everything kept (password, resolved `{{secret:…}}`). */
  constructor(
    private readonly capBytes: number,
    private readonly now: () => number,
    private readonly onOutput?: ((chunk: TaskOutputChunk) => void) | undefined,
    secrets: readonly string[] = [],
  ) {
    this.masker = new SecretMasker(secrets);
  }

  /** True once bytes were dropped. */
  get truncated(): boolean {
    return this.dropped;
  }

  /** Remote output from `source`. */
  add(source: OutputSource, chunk: OutputChunk): void {
    if (this.dropped) return;
    if (!this.masker.active) return this.keep(source, chunk);
    const data = this.masker.push(`${chunk.stream}\0${source}`, chunk.data);
    if (data.length > 0) this.keep(source, { ...chunk, data });
  }

  /** Release what the secret masker held back (a possible start of a secret): call once the task ends. */
  flush(): void {
    for (const [key, data] of this.masker.flush()) {
      const [stream, source] = key.split('\0') as [OutputChunk['stream'], OutputSource];
      this.keep(source, { t: this.now(), stream, data });
    }
  }

  private keep(source: OutputSource, chunk: OutputChunk): void {
    if (this.dropped) return;
    const room = this.capBytes - this.kept;
    if (chunk.data.length <= room) {
      this.push({ t: chunk.t, stream: chunk.stream, source, data: chunk.data });
      this.kept += chunk.data.length;
      return;
    }
    if (room > 0) this.push({ t: chunk.t, stream: chunk.stream, source, data: chunk.data.subarray(0, room) });
    this.kept = this.capBytes;
    this.dropped = true;
    this.note(`[pogo: output truncated after ${this.capBytes} bytes]`);
  }

  /** A line from Pogo itself (source and stream `pogo`). */
  note(text: string): void {
    this.push({ t: this.now(), stream: 'pogo', source: 'pogo', data: Buffer.from(`${text}\n`) });
  }

  private push(chunk: TaskOutputChunk): void {
    this.chunks.push(chunk);
    this.onOutput?.(chunk);
  }
}
