// Host output in chunks per attempt: append idempotently with computed offsets, read byte ranges back.
import type { OutputChunkRecord } from '../../model/index.ts';
import type { OutputAppend, OutputPage, OutputRange } from '../types.ts';
import type { Sql } from './pg-connection.ts';
import { assertJobExists, hostNotFound } from './rows.ts';

/** Bytes `readOutput` returns at most when no limit is given. */
const READ_DEFAULT_BYTES = 1024 * 1024;

/** Per host attempt of the batch: its bytes so far, and which of the batch's seqs it has already. */
const ATTEMPT_STATE = `SELECT k.job_id, k.host, k.attempt,
    (SELECT coalesce(max(o.byte_offset + length(o.data)), 0) FROM output o
      WHERE o.job_id = k.job_id AND o.host = k.host AND o.attempt = k.attempt) AS end_offset,
    (SELECT coalesce(array_agg(o.seq), '{}') FROM output o
      WHERE o.job_id = k.job_id AND o.host = k.host AND o.attempt = k.attempt AND o.seq = ANY(k.seqs)) AS stored
  FROM (SELECT u.job_id, u.host, u.attempt, array_agg(u.seq) AS seqs
        FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[]) AS u(job_id, host, attempt, seq)
        GROUP BY u.job_id, u.host, u.attempt) k`;

const INSERT_CHUNKS = `INSERT INTO output (job_id, host, attempt, seq, byte_offset, t, stream, source, data)
  SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[], $5::bigint[], $6::bigint[],
    $7::text[], $8::text[], $9::bytea[])`;

const ADD_BYTES = `UPDATE hosts AS h SET output_bytes = h.output_bytes + u.bytes
  FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(job_id, host, bytes)
  WHERE h.job_id = u.job_id AND h.host = u.host RETURNING h.job_id, h.host`;

const ATTEMPT_END =
  'SELECT coalesce(max(byte_offset + length(data)), 0) AS n FROM output WHERE job_id = $1 AND host = $2 AND attempt = $3';

interface AttemptState {
  readonly job_id: string;
  readonly host: string;
  readonly attempt: number;
  readonly end_offset: number;
  readonly stored: number[];
}

/**
 * Append chunks; a chunk whose (job, host, attempt, seq) is stored already, or came earlier in the batch,
 * is skipped (a resend). Each new chunk's offset is the bytes of its host attempt so far, and its size
 * counts into the host's `output_bytes`. Three statements whatever the batch size; call inside a write transaction.
 */
export async function appendOutput(s: Sql, chunks: readonly OutputAppend[]): Promise<void> {
  if (chunks.length === 0) return;
  const key = (jobId: string, host: string, attempt: number): string =>
    `${jobId}\u0000${host}\u0000${attempt}`;
  const state = await s.rows<AttemptState>(ATTEMPT_STATE, [
    chunks.map((o) => o.jobId),
    chunks.map((o) => o.host),
    chunks.map((o) => o.attempt),
    chunks.map((o) => o.seq),
  ]);
  const ends = new Map<string, number>();
  const seen = new Set<string>();
  for (const a of state) {
    const k = key(a.job_id, a.host, a.attempt);
    ends.set(k, a.end_offset);
    for (const seq of a.stored) seen.add(`${k}\u0000${Number(seq)}`);
  }
  const fresh: (OutputAppend & { offset: number })[] = [];
  const added = new Map<string, { jobId: string; host: string; bytes: number }>();
  for (const o of chunks) {
    const k = key(o.jobId, o.host, o.attempt);
    if (seen.has(`${k}\u0000${o.seq}`)) continue;
    seen.add(`${k}\u0000${o.seq}`);
    const end = ends.get(k) ?? 0;
    fresh.push({ ...o, offset: end });
    ends.set(k, end + o.data.length);
    const hostKey = `${o.jobId}\u0000${o.host}`;
    const a = added.get(hostKey);
    if (a) a.bytes += o.data.length;
    else added.set(hostKey, { jobId: o.jobId, host: o.host, bytes: o.data.length });
  }
  if (fresh.length === 0) return;
  const columns: readonly (keyof (OutputAppend & { offset: number }))[] = [
    'jobId', 'host', 'attempt', 'seq', 'offset', 't', 'stream', 'source', 'data',
  ]; // prettier-ignore
  await s.run(
    INSERT_CHUNKS,
    columns.map((c) => fresh.map((o) => o[c])),
  );
  const hosts = [...added.values()];
  const updated = await s.rows<{ job_id: string; host: string }>(ADD_BYTES, [
    hosts.map((a) => a.jobId),
    hosts.map((a) => a.host),
    hosts.map((a) => a.bytes),
  ]);
  if (updated.length < hosts.length) {
    const done = new Set(updated.map((r) => `${r.job_id}\u0000${r.host}`));
    const missing = hosts.find((a) => !done.has(`${a.jobId}\u0000${a.host}`));
    if (missing !== undefined) throw hostNotFound(missing.jobId, missing.host);
  }
}

interface ChunkMeta {
  readonly seq: number;
  readonly byte_offset: number;
  readonly n: number;
}

interface ChunkRow {
  readonly seq: number;
  readonly t: number;
  readonly stream: OutputChunkRecord['stream'];
  readonly source: string;
  readonly data: Buffer;
}

/**
 * Output of one host attempt (default: its current one) from `offset`, up to `limit` bytes: whole chunks,
 * except that a chunk spanning `offset` is cut at it, and at least one chunk when any is left. The chunks
 * are chosen from their sizes first, so only the bytes returned are read. Call inside a read transaction.
 */
export async function readOutput(
  s: Sql,
  jobId: string,
  host: string,
  range: OutputRange = {},
): Promise<OutputPage> {
  const h = await s.first<{ attempt: number; truncated: boolean }>(
    'SELECT attempt, truncated FROM hosts WHERE job_id = $1 AND host = $2',
    [jobId, host],
  );
  if (h === undefined) {
    await assertJobExists(s, jobId);
    throw hostNotFound(jobId, host);
  }
  const attempt = range.attempt ?? h.attempt;
  const truncated = attempt === h.attempt && h.truncated;
  const total = (await s.first<{ n: number }>(ATTEMPT_END, [jobId, host, attempt]))?.n ?? 0;
  const from = Math.max(0, range.offset ?? 0);
  const limit = range.limit ?? READ_DEFAULT_BYTES;
  if (attempt <= 0 || from >= total) return { attempt, chunks: [], nextOffset: total, total, truncated };
  const metas = await s.rows<ChunkMeta>(
    `SELECT seq, byte_offset, length(data) AS n FROM output
     WHERE job_id = $1 AND host = $2 AND attempt = $3 AND byte_offset + length(data) > $4 ORDER BY seq`,
    [jobId, host, attempt, from],
  );
  const picked: { meta: ChunkMeta; cut: number }[] = [];
  let bytes = 0;
  for (const meta of metas) {
    const cut = Math.max(0, from - meta.byte_offset);
    const size = meta.n - cut;
    if (picked.length > 0 && bytes + size > limit) break;
    picked.push({ meta, cut });
    bytes += size;
    if (bytes >= limit) break;
  }
  const firstSeq = picked[0]?.meta.seq ?? 0;
  const lastSeq = picked.at(-1)?.meta.seq ?? -1;
  const rows = await s.rows<ChunkRow>(
    `SELECT seq, t, stream, source, data FROM output
     WHERE job_id = $1 AND host = $2 AND attempt = $3 AND seq >= $4 AND seq <= $5 ORDER BY seq`,
    [jobId, host, attempt, firstSeq, lastSeq],
  );
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const chunks: OutputChunkRecord[] = [];
  let nextOffset = total;
  for (const { meta, cut } of picked) {
    const r = bySeq.get(meta.seq);
    if (r === undefined) continue;
    const offset = meta.byte_offset + cut;
    const data = cut > 0 ? r.data.subarray(cut) : r.data;
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
    nextOffset = offset + data.length;
  }
  return { attempt, chunks, nextOffset, total, truncated };
}

/** The last output seq stored for a host attempt (-1 when none). STORE_NOT_FOUND for an unknown job or host. */
export async function lastOutputSeq(s: Sql, jobId: string, host: string, attempt: number): Promise<number> {
  const row = await s.first<{ seq: number | null }>(
    'SELECT max(seq) AS seq FROM output WHERE job_id = $1 AND host = $2 AND attempt = $3',
    [jobId, host, attempt],
  );
  if (row?.seq != null) return row.seq;
  if ((await s.first('SELECT 1 FROM hosts WHERE job_id = $1 AND host = $2', [jobId, host])) === undefined) {
    await assertJobExists(s, jobId);
    throw hostNotFound(jobId, host);
  }
  return -1;
}
