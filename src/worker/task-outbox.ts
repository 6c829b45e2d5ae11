// What the worker holds of one task attempt until the dispatcher acknowledges it: output chunks by seq, then the result.
import type { OutputMessage, ResultMessage, TaskKey } from './link-protocol.ts';
import type { TaskOutputChunk } from './types.ts';

/** Larger chunks are split so that a frame stays far below the link's 4 MiB limit once in base64. */
export const MAX_CHUNK_BYTES = 256 * 1024;

/** One output chunk waiting for its `output-ack`. `bytes` counts the raw bytes (what the window measures). */
export interface PendingChunk {
  readonly message: OutputMessage;
  readonly bytes: number;
}

/**
 * The output and result of one task attempt. Chunks get seq 0, 1, 2… and stay until an `output-ack`
 * covers them; `sent` marks how far the current link got, so a new link resends from what the
 * dispatcher says it stored. The result goes out only once every chunk has been sent.
 */
export class TaskOutbox {
  /** Unacknowledged chunks; `chunks[head]` has seq `acked + 1`. */
  private chunks: (PendingChunk | undefined)[] = [];
  private head = 0;
  private produced = 0;
  private acked = -1;
  private sent = -1;
  private result: ResultMessage | undefined;
  private resultSent = false;

  constructor(private readonly key: TaskKey) {}

  /** How many chunks the task produced so far (the result's `chunks`). */
  get count(): number {
    return this.produced;
  }

  /** True once the task ended and its result is known. */
  get finished(): boolean {
    return this.result !== undefined;
  }

  /** Keep a chunk (split when large); returns how many chunks were added. */
  add(chunk: TaskOutputChunk): number {
    let added = 0;
    for (let at = 0; at === 0 || at < chunk.data.length; at += MAX_CHUNK_BYTES) {
      const data = chunk.data.subarray(at, at + MAX_CHUNK_BYTES);
      const message: OutputMessage = {
        type: 'output',
        ...this.keyFields(),
        seq: this.produced++,
        t: chunk.t,
        stream: chunk.stream,
        source: chunk.source.slice(0, 300),
        data: data.toString('base64'),
      };
      this.chunks.push({ message, bytes: data.length });
      added++;
    }
    return added;
  }

  /** Record the result; `chunks` is filled in here. */
  finish(result: Omit<ResultMessage, 'chunks'>): void {
    this.result = { ...result, chunks: this.produced };
  }

  /** The next chunk not yet sent on this link. */
  nextUnsent(): PendingChunk | undefined {
    return this.chunks[this.head + (this.sent - this.acked)];
  }

  /** Mark the chunk returned by {@link nextUnsent} as sent. */
  markSent(): void {
    if (this.sent < this.produced - 1) this.sent++;
  }

  /** The result when it may go out now (every chunk sent, not yet sent on this link); marks it sent. */
  takeResult(): ResultMessage | undefined {
    if (!this.result || this.resultSent || this.sent < this.produced - 1) return undefined;
    this.resultSent = true;
    return this.result;
  }

  /** True when something could still be sent on this link (chunks, or the result). */
  get hasUnsent(): boolean {
    return this.sent < this.produced - 1 || (this.result !== undefined && !this.resultSent);
  }

  /** Drop chunks through `seq`; returns the bytes of those that were in flight on this link. */
  ack(seq: number): number {
    const through = Math.min(seq, this.produced - 1);
    let released = 0;
    while (this.acked < through) {
      const chunk = this.chunks[this.head];
      this.chunks[this.head] = undefined;
      this.head++;
      this.acked++;
      if (chunk && this.acked <= this.sent) released += chunk.bytes;
    }
    if (this.sent < this.acked) this.sent = this.acked;
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    return released;
  }

  /** Bytes sent on this link and not yet acknowledged. */
  inFlightBytes(): number {
    let bytes = 0;
    for (let i = 0; i < this.sent - this.acked; i++) bytes += this.chunks[this.head + i]?.bytes ?? 0;
    return bytes;
  }

  /** A new link: the dispatcher has stored output through `storedSeq` (-1: none); resend the rest and the result. */
  resetForLink(storedSeq: number): void {
    this.ack(storedSeq);
    this.sent = this.acked;
    this.resultSent = false;
  }

  private keyFields(): TaskKey {
    return { job: this.key.job, host: this.key.host, attempt: this.key.attempt };
  }
}
