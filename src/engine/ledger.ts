// Constraint ledger: namespace-wide usage of every constraint group, shared by all running jobs.

/** A watcher is told when a group's usage drops or changes kind (running → held), so it can re-evaluate. */
export type LedgerWatcher = (entry: LedgerEntry) => void;

/** Usage of one group: hosts running now, and hosts that failed and keep holding their slot. */
export interface LedgerEntry {
  readonly key: string;
  limit: number;
  running: number;
  held: number;
  /** Rollouts with hosts queued on this entry; created on first use (most host locks never get one). */
  watchers: Set<LedgerWatcher> | undefined;
}

/** Room for one more host in `e`? */
export function hasRoom(e: LedgerEntry): boolean {
  return e.running + e.held < e.limit;
}

/**
 * Namespace-wide usage. Keys are config group ids (`colo.east`), per-job groups (`@job/<id>`) and
 * per-host locks (`@host/<name>`, limit 1: a host runs in at most one job at a time).
 */
export class ConstraintLedger {
  private readonly entries = new Map<string, LedgerEntry>();

  /** The entry for `key`, created with `limit` if new; an existing entry takes the newer limit. */
  entry(key: string, limit: number): LedgerEntry {
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { key, limit, running: 0, held: 0, watchers: undefined };
      this.entries.set(key, e);
    } else {
      e.limit = limit;
    }
    return e;
  }

  /** The entry for `key`, if any job ever used it. */
  find(key: string): LedgerEntry | undefined {
    return this.entries.get(key);
  }

  /** Every entry with some usage (for metrics and the UI's constraint view). */
  usage(): { key: string; limit: number; running: number; held: number }[] {
    const out = [];
    for (const e of this.entries.values()) {
      if (e.running + e.held > 0) out.push({ key: e.key, limit: e.limit, running: e.running, held: e.held });
    }
    return out;
  }
}

/** A host starts: it takes a running slot in every entry. */
export function acquireAll(entries: readonly LedgerEntry[]): void {
  for (const e of entries) e.running++;
}

/** A running host succeeded: its slots free up. */
export function releaseRunning(entries: readonly LedgerEntry[]): void {
  for (const e of entries) {
    e.running--;
    notify(e);
  }
}

/** A running host failed: its slots stay taken, now as `held`. */
export function holdFailed(entries: readonly LedgerEntry[]): void {
  for (const e of entries) {
    e.running--;
    e.held++;
    notify(e);
  }
}

/** A failed host is retried, skipped, or its job ended: the held slots free up. */
export function releaseHeld(entries: readonly LedgerEntry[]): void {
  for (const e of entries) {
    e.held--;
    notify(e);
  }
}

/** A resumed job takes back the slots of its failed hosts (even past the limit: nothing starts until it drops). */
export function takeHeld(entries: readonly LedgerEntry[]): void {
  for (const e of entries) e.held++;
}

/** Ask to be told when `e` frees up or changes. */
export function watch(e: LedgerEntry, w: LedgerWatcher): void {
  (e.watchers ??= new Set()).add(w);
}

/** Stop being told about `e`. */
export function unwatch(e: LedgerEntry, w: LedgerWatcher): void {
  e.watchers?.delete(w);
}

function notify(e: LedgerEntry): void {
  if (e.watchers) for (const w of e.watchers) w(e);
}
