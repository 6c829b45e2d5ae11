// Exit codes: job end states, and error codes grouped as usage, not found, unavailable, bad state, no permission.
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../model/index.ts';
import { PogoError } from '../model/index.ts';
import { EXIT_CODES, exitCodeForError, exitCodeForJob } from './exit-codes.ts';
import { exitCodeForStatus } from './client/job-view-text.ts';

describe('exit codes', () => {
  it('map job end states to 0, 1, 2 (and status of an unfinished job to 3)', () => {
    expect(['succeeded', 'failed', 'halted'].map((s) => exitCodeForJob(s as 'failed'))).toEqual([0, 1, 2]);
    expect(exitCodeForJob('running')).toBe(70);
    expect(
      ['pending', 'running', 'succeeded', 'failed', 'halted'].map((s) => exitCodeForStatus(s as 'failed')),
    ).toEqual([3, 3, 0, 1, 2]);
  });

  it('map error codes: usage 64, not found 66, unreachable 69, bad state 75, permission 77, bugs 70', () => {
    const cases: [ErrorCode, number][] = [
      ['USAGE', 64],
      ['CONFIG_UNKNOWN_TAG', 64],
      ['TARGETS_EMPTY', 64],
      ['API_BAD_REQUEST', 64],
      ['JOB_BAD_REQUEST', 64],
      ['STORE_CONFLICT', 64],
      ['STORE_NOT_FOUND', 66],
      ['API_NOT_FOUND', 66],
      ['ENGINE_UNKNOWN_HOST', 66],
      ['API_UNREACHABLE', 69],
      ['STORE_UNAVAILABLE', 69],
      ['JOB_BAD_STATE', 75],
      ['ENGINE_BAD_TRANSITION', 75],
      ['API_UNAUTHORIZED', 77],
      ['API_FORBIDDEN', 77],
      ['INTERNAL', 70],
      ['LEASE_LOST', 69],
      ['JOB_OWNER_UNAVAILABLE', 69],
      ['SECRET_UNKNOWN', 70],
    ];
    for (const [code, exit] of cases) expect(exitCodeForError(new PogoError(code, 'x')), code).toBe(exit);
    expect(exitCodeForError(new Error('plain'))).toBe(EXIT_CODES.internal);
    expect(EXIT_CODES.interrupted).toBe(130);
  });
});
