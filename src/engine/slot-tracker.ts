// Slot tracker: which thread slots are open and done, and which hosts' ordering predecessors have all finished.
import type { Plan } from './plan.ts';

/**
 * Stage k+1 of a thread opens when stage k is open and every job host of it has finished (failures count as
 * finished). A host may start when every thread it belongs to has opened its slot. Completion is monotonic:
 * a retried host does not close a slot again.
 */
export class SlotTracker {
  private readonly remaining: Int32Array[];
  private readonly opened: Uint8Array[];
  private readonly pendingPreds: Int32Array;
  private readonly counted: Uint8Array;

  constructor(private readonly plan: Plan) {
    this.remaining = plan.threads.map((t) => Int32Array.from(t.slots, (s) => s.hosts.length));
    this.opened = plan.threads.map((t) => new Uint8Array(t.slots.length));
    this.pendingPreds = new Int32Array(plan.hosts.length);
    this.counted = new Uint8Array(plan.hosts.length);
    plan.hostSlots.forEach((pairs, h) => {
      for (const [, s] of pairs) if (s > 0) this.pendingPreds[h] = (this.pendingPreds[h] ?? 0) + 1;
    });
  }

  /** Open the first slot of every thread. */
  start(): void {
    this.plan.threads.forEach((_, t) => this.open(t, 0, () => undefined));
  }

  /** True when every ordering predecessor of `h` has finished. */
  isFree(h: number): boolean {
    return this.pendingPreds[h] === 0;
  }

  /** `h` finished (or was skipped) for the first time: may open later slots; `onFree` gets newly free hosts. */
  markDone(h: number, onFree: (h: number) => void): void {
    if (this.counted[h]) return;
    this.counted[h] = 1;
    for (const [t, s] of this.plan.hostSlots[h] ?? []) {
      const rem = this.remaining[t];
      if (!rem) continue;
      rem[s] = (rem[s] ?? 0) - 1;
      if (rem[s] === 0 && this.opened[t]?.[s]) this.open(t, s + 1, onFree);
    }
  }

  /** Labels of the slots `h` waits for (for status messages). */
  waitingFor(h: number): string[] {
    const out: string[] = [];
    for (const [t, s] of this.plan.hostSlots[h] ?? []) {
      if (s > 0 && !this.opened[t]?.[s]) out.push(this.plan.threads[t]?.slots[s - 1]?.label ?? '?');
    }
    return out;
  }

  private open(t: number, s: number, onFree: (h: number) => void): void {
    const thread = this.plan.threads[t];
    const opened = this.opened[t];
    const rem = this.remaining[t];
    // Cascade: an opened slot whose hosts are all done already opens the next one.
    for (; thread && opened && rem && s < thread.slots.length; s++) {
      opened[s] = 1;
      if (s > 0) {
        for (const h of thread.slots[s]?.hosts ?? []) {
          const left = (this.pendingPreds[h] ?? 0) - 1;
          this.pendingPreds[h] = left;
          if (left === 0) onFree(h);
        }
      }
      if (rem[s] !== 0) break;
    }
  }
}
