// Min-heap of host indices: the rollout's candidates and park queues hand out the host earliest in plan
// order, so its decisions depend on the hosts' states only, never on the order they became ready (a
// rollout restored from the store then decides exactly as the live one would have).

export class IndexHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The smallest index, or undefined when empty. */
  peek(): number | undefined {
    return this.items[0];
  }

  push(h: number): void {
    const a = this.items;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((a[p] as number) <= h) break;
      a[i] = a[p] as number;
      i = p;
    }
    a[i] = h;
  }

  /** Remove and return the smallest index, or undefined when empty. */
  pop(): number | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && (a[r] as number) < (a[l] as number) ? r : l;
      if ((a[c] as number) >= last) break;
      a[i] = a[c] as number;
      i = c;
    }
    a[i] = last;
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
