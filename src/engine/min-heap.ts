// Binary min-heap ordered by (time, insertion sequence): the simulator's deterministic event queue.

interface Item<T> {
  readonly t: number;
  readonly seq: number;
  readonly value: T;
}

export class MinHeap<T> {
  private readonly items: Item<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the earliest item, or undefined when empty. */
  peekTime(): number | undefined {
    return this.items[0]?.t;
  }

  push(t: number, value: T): void {
    const a = this.items;
    a.push({ t, seq: this.seq++, value });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i] as Item<T>, a[p] as Item<T>)) break;
      [a[i], a[p]] = [a[p] as Item<T>, a[i] as Item<T>];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined) return undefined;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l] as Item<T>, a[m] as Item<T>)) m = l;
        if (r < a.length && less(a[r] as Item<T>, a[m] as Item<T>)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as Item<T>, a[i] as Item<T>];
        i = m;
      }
    }
    return top.value;
  }
}

function less<T>(a: Item<T>, b: Item<T>): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}
