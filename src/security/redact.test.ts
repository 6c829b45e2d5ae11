// Redaction removes secret fields at any depth and tokens from any string, also through a real pino logger.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { newToken } from './tokens.ts';
import { REDACTED, pinoRedaction, redactFields, redactText } from './redact.ts';

describe('redaction', () => {
  it('replaces secret fields and tokens, keeps the rest', () => {
    const token = newToken();
    const out = redactFields({
      job: 'j1',
      password: 'hunter2',
      nested: {
        Authorization: `Bearer ${token}`,
        list: [{ sshKey: 'KEY' }, `url?access_token=${token}&x=1`],
      },
      envelope: { v: 1 },
      err: Object.assign(new Error(`bad token ${token}`), { code: 'API_UNAUTHORIZED' }),
    });
    expect(out).toEqual({
      job: 'j1',
      password: REDACTED,
      nested: { Authorization: REDACTED, list: [{ sshKey: REDACTED }, `url?access_token=${REDACTED}&x=1`] },
      envelope: REDACTED,
      err: { type: 'Error', message: 'bad token pogo_[redacted]', code: 'API_UNAUTHORIZED' },
    });
    expect(JSON.stringify(out)).not.toContain(token.slice(5));
    expect(redactText(`GET /v1/jobs?access_token=${token}`)).toBe(`GET /v1/jobs?access_token=${REDACTED}`);
  });

  it('works as pino formatters: nothing secret reaches the line', () => {
    const lines: string[] = [];
    const token = newToken();
    const log = pino({ ...pinoRedaction() }, { write: (l: string) => void lines.push(l) });
    log.info({ req: { url: `/v1/jobs/x/events?access_token=${token}` }, password: 'hunter2' }, 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain(token.slice(5));
    expect(lines[0]).toContain(REDACTED);
  });
});
