// Docs examples are tested: every ```console block in README.md and docs/*.md is run and its output compared,
// and every ```yaml or ```ini block that starts with `# examples/NAME` must equal that file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Block {
  readonly file: string;
  readonly line: number;
  readonly lang: string;
  readonly body: string;
}

function blocks(file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i] ?? '');
    out.push({ file, line: start + 1, lang: open[1] ?? '', body: body.join('\n') });
  }
  return out;
}

/** A `pogo` on PATH that runs this checkout's CLI. */
const shimDir = mkdtempSync(join(tmpdir(), 'pogo-docs-'));
writeFileSync(
  join(shimDir, 'pogo'),
  `#!/bin/sh\nexec node ${JSON.stringify(join(root, 'bin/pogo.js'))} "$@"\n`,
);
chmodSync(join(shimDir, 'pogo'), 0o755);
afterAll(() => rmSync(shimDir, { recursive: true, force: true }));

/** Split a console block into `$ command` and its expected output. */
function commands(body: string): { cmd: string; expected: string }[] {
  const out: { cmd: string; expected: string[] }[] = [];
  for (const line of body.split('\n')) {
    if (line.startsWith('$ ')) out.push({ cmd: line.slice(2), expected: [] });
    else out.at(-1)?.expected.push(line);
  }
  return out.map((c) => ({ cmd: c.cmd, expected: c.expected.join('\n').trimEnd() }));
}

function run(cmd: string): string {
  try {
    return execFileSync('bash', ['-c', `${cmd} 2>&1`], {
      cwd: root,
      env: { ...process.env, PATH: `${shimDir}:${process.env.PATH ?? ''}`, NO_COLOR: '1', FORCE_COLOR: '0' },
      encoding: 'utf8',
    });
  } catch (e: unknown) {
    return (e as { stdout?: string }).stdout ?? '';
  }
}

const all = files.flatMap(blocks);

describe('docs examples', () => {
  it('has console examples to check', () => {
    expect(all.filter((b) => b.lang === 'console').length).toBeGreaterThan(0);
  });
  for (const b of all.filter((x) => x.lang === 'console')) {
    for (const { cmd, expected } of commands(b.body)) {
      it(`${b.file}:${b.line} $ ${cmd}`, () => {
        expect(run(cmd).trimEnd()).toBe(expected);
      });
    }
  }
  for (const b of all.filter((x) => ['yaml', 'ini'].includes(x.lang) && /^# (examples\/\S+)/.test(x.body))) {
    const path = /^# (examples\/\S+)/.exec(b.body)?.[1] ?? '';
    it(`${b.file}:${b.line} shows ${path} as it is`, () => {
      const shown = b.body.split('\n').slice(1).join('\n').trim();
      expect(readFileSync(join(root, path), 'utf8').trim()).toBe(shown);
    });
  }
});
