// sudo for --run-as: the command line it builds and answering its prompt once.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { PgidMarkerFilter } from '../transport/index.ts';
import { SudoPromptAnswerer, sudoCommand } from './sudo.ts';
import type { SudoVerdict } from './sudo.ts';

function answerer(password: string | undefined) {
  const replies: string[] = [];
  const stops: SudoVerdict[] = [];
  const a = new SudoPromptAnswerer(password, (v) => stops.push(v));
  const feed = (text: string): void => a.handle(text, (s) => replies.push(s));
  return { a, replies, stops, feed };
}

describe('sudoCommand', () => {
  it('runs the command through sudo: marker first, then the env exported, then the command', () => {
    const line = sudoCommand('app user', 'echo "$POGO_HOST"', { POGO_HOST: "h'1" });
    expect(line.startsWith(`sudo -p '[sudo] password for %p: ' -u 'app user' -- sh -c `)).toBe(true);
    // What sudo would run: the words after `--`, as the shell reads them.
    const script = execFileSync('/bin/sh', ['-c', `printf %s ${line.split(' -- sh -c ')[1] ?? ''}`], {
      encoding: 'utf8',
    });
    expect(script.split('\n').slice(1)).toEqual([`export POGO_HOST='h'\\''1'`, 'echo "$POGO_HOST"']);
    const out = execFileSync('/bin/sh', ['-c', `${script}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe("h'1\n");
    const stderr = execFileSync('/bin/sh', ['-c', `(${script}) 2>&1 >/dev/null`], { encoding: 'latin1' });
    const filtered: number[] = [];
    expect(new PgidMarkerFilter((p) => filtered.push(p)).push(Buffer.from(stderr, 'latin1'))).toHaveLength(0);
    expect(filtered).toHaveLength(1);
  });
});

describe('SudoPromptAnswerer', () => {
  it('answers the first prompt, even split across chunks', () => {
    const s = answerer('pw');
    s.feed('[sudo] pass');
    s.feed('word for alice: ');
    expect(s.replies).toEqual(['pw\n']);
    s.feed('\r\nuid=0(root)\r\n');
    expect(s.stops).toEqual([]);
  });

  it('answers a PAM "Password:" prompt', () => {
    const s = answerer('pw');
    s.feed('Password: ');
    expect(s.replies).toEqual(['pw\n']);
  });

  it('stops at a second prompt or "Sorry, try again" without answering again', () => {
    const s = answerer('bad');
    s.feed('[sudo] password for alice: ');
    s.feed('\r\nSorry, try again.\r\n');
    expect(s.stops).toEqual(['TASK_SUDO_PASSWORD_REJECTED']);
    s.feed('[sudo] password for alice: ');
    expect(s.replies).toEqual(['bad\n']);
    expect(s.a.verdict).toBe('TASK_SUDO_PASSWORD_REJECTED');
  });

  it('stops when sudo asks and there is no password', () => {
    const s = answerer(undefined);
    s.feed('[sudo] password for alice: ');
    expect(s.stops).toEqual(['TASK_SUDO_PASSWORD_REQUIRED']);
    expect(s.replies).toEqual([]);
  });

  it('does not take the command’s own "Password:" for a rejection, nor answer late output', () => {
    const s = answerer('pw');
    s.feed('[sudo] password for alice: ');
    s.feed('\r\nEnter the new value. Password: ');
    expect(s.stops).toEqual([]);
    const late = answerer('pw');
    late.feed('x'.repeat(9000));
    late.feed('\nPassword: ');
    expect(late.replies).toEqual([]);
  });
});
