// Partial row updates in bulk: updates merged per row, then one UPDATE … FROM unnest(…) per set of given fields.
import type { Sql } from './pg-connection.ts';

/** A field of an update: its key, column, PostgreSQL array element type, and how its value is stored. */
export type Field<U> = readonly [
  key: keyof U & string,
  column: string,
  type: string,
  encode?: (v: never) => unknown,
];

/** A table updated by key: the key fields (columns of its unique key) and the fields an update may give. */
export interface UpdateTable<U> {
  readonly name: string;
  readonly keys: readonly Field<U>[];
  readonly fields: readonly Field<U>[];
}

/**
 * Apply `updates` as SQLite applies them one by one (later fields win, absent fields untouched), in one
 * statement per combination of given fields. Returns the first update (in batch order) whose row does not
 * exist, or undefined; an update that gives no field is skipped, as on SQLite. Call inside a write transaction.
 */
export async function applyUpdates<U extends object>(
  s: Sql,
  table: UpdateTable<U>,
  updates: readonly U[],
): Promise<U | undefined> {
  const merged = new Map<string, Record<string, unknown>>();
  for (const u of updates) {
    const k = keyOf(table, u as Record<string, unknown>);
    const row = merged.get(k) ?? {};
    for (const [name, v] of Object.entries(u)) if (v !== undefined) row[name] = v;
    merged.set(k, row);
  }
  const groups = new Map<number, Record<string, unknown>[]>();
  for (const row of merged.values()) {
    const mask = table.fields.reduce((m, [name], i) => (row[name] === undefined ? m : m | (1 << i)), 0);
    if (mask === 0) continue;
    const list = groups.get(mask) ?? [];
    list.push(row);
    groups.set(mask, list);
  }
  const found = new Set<string>();
  for (const [mask, rows] of groups) {
    const given = table.fields.filter((_, i) => (mask & (1 << i)) !== 0);
    const all = [...table.keys, ...given];
    const params = all.map(([name, , , encode]) =>
      rows.map((r) => (encode === undefined ? r[name] : encode(r[name] as never))),
    );
    const cols = all.map((_, i) => `c${i}`);
    const sets = given.map(([, column], i) => `${column} = u.c${table.keys.length + i}`);
    const match = table.keys.map(([, column], i) => `t.${column} = u.c${i}`);
    const returned = await s.rows<Record<string, unknown>>(
      `UPDATE ${table.name} AS t SET ${sets.join(', ')}
       FROM unnest(${all.map(([, , type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS u(${cols.join(', ')})
       WHERE ${match.join(' AND ')} RETURNING ${table.keys.map(([, column]) => `t.${column} AS ${column}`).join(', ')}`,
      params,
    );
    for (const r of returned) found.add(table.keys.map(([, column]) => String(r[column])).join('\u0000'));
  }
  for (const u of updates) {
    const k = keyOf(table, u as Record<string, unknown>);
    const row = merged.get(k);
    const given = row !== undefined && table.fields.some(([name]) => row[name] !== undefined);
    if (given && !found.has(k)) return u;
  }
  return undefined;
}

function keyOf<U>(table: UpdateTable<U>, u: Record<string, unknown>): string {
  return table.keys.map(([name]) => String(u[name])).join('\u0000');
}
