// Host output in chunks per attempt: append idempotently with computed offsets, read byte ranges back.
import type { OutputChunkRecord } from '../../model/index.ts';
import type { OutputAppend, OutputPage, OutputRange } from '../types.ts';
import type { SqliteConnection } from './connection.ts';
import { assertJobExists, hostNotFound } from './rows.ts';

/** Bytes `readOutput` returns at most when no limit is given. */
const READ_DEFAULT_BYTES = 1024 * 1024;

const ATTEMPT_END =
  'SELECT coalesce(max(byte_offset + length(data)), 0) FROM output WHERE job_id = ? AND host = ? AND attempt = ?';

interface ChunkRow {
  readonly seq: number;
  readonly byte_offset: number;
  readonly t: number;
  readonly stream: OutputChunkRecord['stream'];
  readonly source: string;
  readonly data: Buffer;
}

/**
 * Append chunks; a chunk whose (job, host, attempt, seq) is stored already is skipped (a resend). Each new
 * chunk's offset is the bytes of its host attempt so far, and its size counts into the host's `output_bytes`.
 * Call inside a write transaction.
 */
export function appendOutput(c: SqliteConnection, chunks: readonly OutputAppend[]): void {
  if (chunks.length === 0) return;
  const endOf = c.prepareValue(ATTEMPT_END);
  const insert =
    c.prepare(`INSERT INTO output (job_id, host, attempt, seq, byte_offset, t, stream, source, data)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, host, attempt, seq) DO NOTHING`);
  const ends = new Map<string, number>();
  const added = new Map<string, { jobId: string; host: string; bytes: number }>();
  for (const o of chunks) {
    const key = `${o.jobId}\u0000${o.host}\u0000${o.attempt}`;
    const end = ends.get(key) ?? (endOf.get(o.jobId, o.host, o.attempt) as number);
    const info = insert.run(o.jobId, o.host, o.attempt, o.seq, end, o.t, o.stream, o.source, o.data);
    if (info.changes === 0) {
      ends.set(key, end);
      continue;
    }
    ends.set(key, end + o.data.length);
    const hostKey = `${o.jobId}\u0000${o.host}`;
    const a = added.get(hostKey);
    if (a) a.bytes += o.data.length;
    else added.set(hostKey, { jobId: o.jobId, host: o.host, bytes: o.data.length });
  }
  const addBytes = c.prepare(
    'UPDATE hosts SET output_bytes = output_bytes + ? WHERE job_id = ? AND host = ?',
  );
  for (const a of added.values())
    if (addBytes.run(a.bytes, a.jobId, a.host).changes === 0) throw hostNotFound(a.jobId, a.host);
}

/**
 * Output of one host attempt (default: its current one) from `offset`, up to `limit` bytes: whole chunks,
 * except that a chunk spanning `offset` is cut at it, and at least one chunk when any is left.
 */
export function readOutput(
  c: SqliteConnection,
  jobId: string,
  host: string,
  range: OutputRange = {},
): OutputPage {
  const h = c
    .prepare('SELECT attempt, truncated FROM hosts WHERE job_id = ? AND host = ?')
    .get(jobId, host) as { attempt: number; truncated: number } | undefined;
  if (h === undefined) {
    assertJobExists(c, jobId);
    throw hostNotFound(jobId, host);
  }
  const attempt = range.attempt ?? h.attempt;
  const truncated = attempt === h.attempt && h.truncated !== 0;
  const total = c.prepareValue(ATTEMPT_END).get(jobId, host, attempt) as number;
  const from = Math.max(0, range.offset ?? 0);
  const limit = range.limit ?? READ_DEFAULT_BYTES;
  const chunks: OutputChunkRecord[] = [];
  let bytes = 0;
  let nextOffset = total;
  if (attempt > 0 && from < total) {
    const rows = c
      .prepare(
        `SELECT seq, byte_offset, t, stream, source, data FROM output
         WHERE job_id = ? AND host = ? AND attempt = ? AND byte_offset + length(data) > ? ORDER BY seq`,
      )
      .iterate(jobId, host, attempt, from) as IterableIterator<ChunkRow>;
    for (const r of rows) {
      const cut = Math.max(0, from - r.byte_offset);
      const data = cut > 0 ? r.data.subarray(cut) : r.data;
      if (chunks.length > 0 && bytes + data.length > limit) break;
      const offset = r.byte_offset + cut;
      chunks.push({
        jobId,
        host,
        attempt,
        seq: r.seq,
        offset,
        t: r.t,
        stream: r.stream,
        source: r.source,
        data,
      });
      bytes += data.length;
      nextOffset = offset + data.length;
      if (bytes >= limit) break;
    }
  }
  return { attempt, chunks, nextOffset, total, truncated };
}

/** The last output seq stored for a host attempt (-1 when none). STORE_NOT_FOUND for an unknown job or host. */
export function lastOutputSeq(c: SqliteConnection, jobId: string, host: string, attempt: number): number {
  const seq = c
    .prepareValue('SELECT max(seq) FROM output WHERE job_id = ? AND host = ? AND attempt = ?')
    .get(jobId, host, attempt) as number | null;
  if (seq !== null) return seq;
  if (c.prepare('SELECT 1 FROM hosts WHERE job_id = ? AND host = ?').get(jobId, host) === undefined) {
    assertJobExists(c, jobId);
    throw hostNotFound(jobId, host);
  }
  return -1;
}
