// Sends held output within a window of unacknowledged bytes per link, one chunk per task per round, results last.
import type { WorkerMessage } from './link-protocol.ts';
import type { TaskOutbox } from './task-outbox.ts';

/**
 * The backpressure of one worker: at most `windowBytes` of output sent and not yet acknowledged on
 * the current link (a single larger chunk may go alone). Chunks beyond it wait in their task's
 * outbox. Tasks take turns, so one chatty task cannot starve the others; a task's result follows
 * once all its chunks are out.
 */
export class OutputPump {
  /** Outboxes with output or a result still to send on the current link. */
  private readonly unsent = new Set<TaskOutbox>();
  private inFlight = 0;

  constructor(private readonly windowBytes: number) {}

  /** Output bytes sent on this link and not yet acknowledged. */
  get inFlightBytes(): number {
    return this.inFlight;
  }

  /** `outbox` has something new to send. */
  mark(outbox: TaskOutbox): void {
    this.unsent.add(outbox);
  }

  /** Acknowledged bytes leave the window. */
  release(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
  }

  /** The task is forgotten (its result was acknowledged). */
  drop(outbox: TaskOutbox): void {
    this.release(outbox.inFlightBytes());
    this.unsent.delete(outbox);
  }

  /** A link closed or opened: the window is empty; callers mark what the new link must resend. */
  reset(): void {
    this.unsent.clear();
    this.inFlight = 0;
  }

  /** Send what the window allows through `send`; stops early when `live()` turns false (the link closed). */
  pump(send: (message: WorkerMessage) => void, live: () => boolean): void {
    let progressed = true;
    while (progressed && this.unsent.size > 0 && live()) {
      progressed = false;
      for (const outbox of this.unsent) {
        const chunk = outbox.nextUnsent();
        if (chunk && (this.inFlight === 0 || this.inFlight + chunk.bytes <= this.windowBytes)) {
          outbox.markSent();
          this.inFlight += chunk.bytes;
          send(chunk.message);
          progressed = true;
        }
        const result = outbox.takeResult();
        if (result) send(result);
        if (!outbox.hasUnsent) this.unsent.delete(outbox);
      }
    }
  }
}
