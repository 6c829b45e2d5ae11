// Remote command lines: quoting through a real sh, the env prefix, the pgid marker filter, the kill script.
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PgidMarkerFilter } from './pgid-marker.ts';
import { killGroupScript, shellQuote, wrapCommand } from './remote-command.ts';

const sh = (line: string): string => execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' });

function alive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('shellQuote', () => {
  it('round-trips any string through sh', () => {
    for (const s of ['plain', '', "it's", 'a b\tc\nd', '$HOME `x` "q" \\ *', "'''", 'ünï']) {
      expect(sh(`printf %s ${shellQuote(s)}`)).toBe(s);
    }
  });
});

describe('wrapCommand', () => {
  it('sets the environment, runs the command under sh -c, and prints the process-group marker first', () => {
    const out = execFileSync('/bin/sh', [
      '-c',
      `${wrapCommand('echo "$A|$B"; echo err >&2', { A: "x 'y'", B: '$z' })} 2>&1`,
    ]);
    const pgids: number[] = [];
    const filter = new PgidMarkerFilter((p) => pgids.push(p));
    const text = Buffer.concat([filter.push(out), filter.end()]).toString();
    expect(pgids).toHaveLength(1);
    expect(text).toBe("x 'y'|$z\nerr\n");
  });

  it('refuses an environment name that is not a shell name', () => {
    expect(() => wrapCommand('true', { 'A-B': '1' })).toThrow(/not a shell name/);
  });
});

describe('PgidMarkerFilter', () => {
  const marker = (pgid: number, eol = '\r\n') => Buffer.from(`\u001epogo-pgid ${pgid}\u001e${eol}`);

  it('takes markers out wherever chunks split them, passing other bytes on at once', () => {
    const seen: number[] = [];
    const filter = new PgidMarkerFilter((p) => seen.push(p));
    const all = Buffer.concat([
      Buffer.from('motd\n'),
      marker(4242),
      Buffer.from('[sudo] password for x: '),
      marker(77, '\n'),
      Buffer.from('out\u001e'),
    ]);
    const out: Buffer[] = [];
    for (let i = 0; i < all.length; i += 3) out.push(filter.push(all.subarray(i, i + 3)));
    out.push(filter.end());
    expect(Buffer.concat(out).toString()).toBe('motd\n[sudo] password for x: out\u001e');
    expect(seen).toEqual([4242, 77]);
  });

  it('passes the prompt through before the marker that follows it arrives', () => {
    const filter = new PgidMarkerFilter(() => undefined);
    expect(filter.push(marker(1)).toString()).toBe('');
    expect(filter.push(Buffer.from('[sudo] password for x: ')).toString()).toBe('[sudo] password for x: ');
  });

  it('leaves lookalikes, a third marker and anything after 8 KiB alone', () => {
    const seen: number[] = [];
    const filter = new PgidMarkerFilter((p) => seen.push(p));
    const fake = Buffer.from('\u001epogo-pgid x\u001e\n');
    expect(filter.push(fake)).toEqual(fake);
    filter.push(Buffer.concat([marker(1), marker(2)]));
    expect(filter.push(marker(3))).toEqual(marker(3));
    expect(seen).toEqual([1, 2]);
    const late = new PgidMarkerFilter((p) => seen.push(p));
    late.push(Buffer.alloc(9000, 0x61));
    expect(late.push(marker(9))).toEqual(marker(9));
    expect(seen).toEqual([1, 2]);
  });
});

describe('killGroupScript', () => {
  it('stops a whole process group, KILLing what ignores TERM after the grace period', async () => {
    const child = spawn('/bin/sh', ['-c', 'trap "" TERM; sleep 300 & sleep 301 & wait'], {
      detached: true,
      stdio: 'ignore',
    });
    const pgid = child.pid as number;
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pgid)).toBe(true);
    const t0 = performance.now();
    execFileSync('/bin/sh', ['-c', killGroupScript(pgid, 300)]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    await new Promise((r) => child.once('exit', r));
    expect(sh(`ps -eo pgid=,stat= | awk '$1 == ${pgid} && $2 !~ /^Z/' | wc -l`).trim()).toBe('0');
  });
});
