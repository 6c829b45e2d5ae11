// FIFO of host indices waiting for room in one ledger entry; amortised O(1) push and shift.

export class ParkQueue {
  private items: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(h: number): void {
    this.items.push(h);
  }

  /** The oldest host, or undefined when empty. */
  shift(): number | undefined {
    if (this.head >= this.items.length) return undefined;
    const h = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return h;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** The queued hosts, oldest first (for stuck reports and tests). */
  toArray(): number[] {
    return this.items.slice(this.head);
  }
}
