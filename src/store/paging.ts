// Page sizes and cursors every store backend shares, so a cursor means the same thing whatever the dialect.
import { PogoError } from '../model/index.ts';

/** A page size's default and ceiling. */
export interface PageBounds {
  readonly default: number;
  readonly max: number;
}

/** `findJobs`: 50 a page by default, 500 at most. */
export const JOB_PAGE = { default: 50, max: 500 } as const satisfies PageBounds;
/** `listHosts`: 100 a page by default, 5,000 at most. */
export const HOST_PAGE = { default: 100, max: 5_000 } as const satisfies PageBounds;

/** The page size to use: the default when none is given, never below 1 nor above the ceiling. */
export function clampLimit(limit: number | undefined, bounds: PageBounds): number {
  if (limit === undefined || !Number.isFinite(limit)) return bounds.default;
  return Math.min(bounds.max, Math.max(1, Math.floor(limit)));
}

/** Where a page of jobs (newest first) stopped: the last row's creation time and id. */
export interface JobCursor {
  readonly createdAt: number;
  readonly id: string;
}

/** The opaque cursor after `c` (base64url of its creation time and id). */
export function encodeJobCursor(c: JobCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id]), 'utf8').toString('base64url');
}

/** The position an `encodeJobCursor` string names; STORE_NOT_FOUND for anything else. */
export function decodeJobCursor(cursor: string): JobCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (e: unknown) {
    throw badCursor(cursor, e);
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw badCursor(cursor);
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'number' || typeof id !== 'string') throw badCursor(cursor);
  return { createdAt, id };
}

/** The opaque cursor after the host at plan position `index`. */
export function encodeHostCursor(index: number): string {
  return String(index);
}

/** The plan position an `encodeHostCursor` string names; STORE_NOT_FOUND for anything else. */
export function decodeHostCursor(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor)) throw badCursor(cursor);
  return Number(cursor);
}

function badCursor(cursor: string, cause?: unknown): PogoError {
  return new PogoError('STORE_NOT_FOUND', `page cursor "${cursor}" is not one this store handed out`, {
    cause,
    hint: 'start again from the first page',
  });
}
