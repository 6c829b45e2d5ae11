// One test per error code the config layer raises: code, position (line and column) and a hint.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PogoError } from '../model/errors.ts';
import { loadConfigFile, parseConfig } from './parse-config.ts';
import { resolveTargets } from './targets.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-config-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(run: Promise<unknown>): Promise<PogoError> {
  try {
    await run;
  } catch (e: unknown) {
    if (e instanceof PogoError) return e;
    throw e;
  }
  throw new Error('expected a PogoError');
}

/** The error of parsing `text` as `bad.yaml`. */
async function parseError(text: string): Promise<PogoError> {
  return failure(parseConfig(text, { source: 'bad.yaml', baseDir: dir, maxHosts: 1000 }));
}

function expectAt(e: PogoError, code: string, line: number, column: number): void {
  expect(e.code).toBe(code);
  expect(e.position).toEqual({ file: 'bad.yaml', line, column });
  expect(e.hint).toBeTruthy();
  expect(e.describe()).toBe(`bad.yaml:${line}:${column}: ${e.message}`);
}

const TAGS = 'tag:\n  colo:\n    east: [h1, h2]\n    west: [h3]\n  cache: [c1]\n';

describe('config errors', () => {
  it('CONFIG_YAML_SYNTAX, with a quoting hint for patterns in flow lists', async () => {
    const e = await parseError('tag:\n  web: [web[01-04].x, db1]\n');
    expectAt(e, 'CONFIG_YAML_SYNTAX', 2, 12);
    expect(e.hint).toContain("'web[01-04].example.com'");
    expectAt(await parseError('tag:\n  a: [h1\n  b: c\n'), 'CONFIG_YAML_SYNTAX', 3, 3);
  });

  it('CONFIG_DUPLICATE_KEY', async () => {
    expectAt(await parseError('tag:\n  a: [h1]\n  a: [h2]\n'), 'CONFIG_DUPLICATE_KEY', 3, 3);
  });

  it('CONFIG_UNKNOWN_KEY, at the top level and inside a constraint, with "did you mean"', async () => {
    const top = await parseError(`${TAGS}constraints_: {}\nsequnce: []\n`);
    expectAt(top, 'CONFIG_UNKNOWN_KEY', 6, 1);
    const typo = await parseError(`${TAGS}sequnce: []\n`);
    expectAt(typo, 'CONFIG_UNKNOWN_KEY', 6, 1);
    expect(typo.hint).toBe('did you mean sequence?');
    const inner = await parseError(`${TAGS}constraint:\n  $cache: { max_paralel: 1 }\n`);
    expectAt(inner, 'CONFIG_UNKNOWN_KEY', 7, 13);
    expect(inner.hint).toBe('did you mean max_parallel?');
  });

  it('CONFIG_INVALID_VALUE', async () => {
    expectAt(
      await parseError(`${TAGS}constraint:\n  $cache: { max_parallel: 0 }\n`),
      'CONFIG_INVALID_VALUE',
      7,
      27,
    );
    expectAt(await parseError('tag:\n  $web: [h1]\n'), 'CONFIG_INVALID_VALUE', 2, 3);
    expectAt(await parseError('- just\n- a list\n'), 'CONFIG_INVALID_VALUE', 1, 1);
    expectAt(await parseError('tag:\n  a: [h1, {b: c}]\n'), 'CONFIG_INVALID_VALUE', 2, 11);
    expectAt(await parseError(`${TAGS}constraint:\n  cache: 1\n`), 'CONFIG_INVALID_VALUE', 7, 3);
    expectAt(await parseError('namespace: [x]\n'), 'CONFIG_INVALID_VALUE', 1, 12);
    const other = await failure(
      parseConfig('namespace: staging\n', { source: 'bad.yaml', namespace: 'prod' }),
    );
    expectAt(other, 'CONFIG_INVALID_VALUE', 1, 12);
  });

  it('CONFIG_UNKNOWN_TAG, in sequences (scoped too) and constraints, with the nearest name', async () => {
    const seq = await parseError(`${TAGS}sequence:\n  - [$cache, $colo.eats]\n`);
    expectAt(seq, 'CONFIG_UNKNOWN_TAG', 7, 14);
    expect(seq.hint).toBe('did you mean $colo.east?');
    expect(seq.message).toContain('$colo.eats');
    const scope = await parseError(`${TAGS}sequence:\n  $cahce: [$colo.east]\n`);
    expectAt(scope, 'CONFIG_UNKNOWN_TAG', 7, 3);
    expect(scope.hint).toBe('did you mean $cache?');
    const bare = await parseError(`${TAGS}constraint:\n  $west: 1\n`);
    expectAt(bare, 'CONFIG_UNKNOWN_TAG', 7, 3);
    expect(bare.hint).toBe('did you mean $colo.west?');
    const far = await parseError(`${TAGS}constraint:\n  $zzzzzz: 1\n`);
    expect(far.hint).toBe('known: $colo, $colo.east, $colo.west, $cache');
  });

  it('CONFIG_SEQUENCE_CYCLE, naming the chains and hosts', async () => {
    const e = await parseError(`${TAGS}sequence:\n  - [$colo.east, $cache]\n  - [$cache, $colo.east]\n`);
    expectAt(e, 'CONFIG_SEQUENCE_CYCLE', 7, 5);
    expect(e.message).toContain('across chains thread-1, thread-2');
    expect(e.message).toMatch(/c1 waits for h\d, which waits for c1|h\d waits for c1, which waits for h\d/);
  });

  it('CONFIG_BAD_PATTERN', async () => {
    const e = await parseError('tag:\n  web:\n    - web1\n    - web[9-1]\n');
    expectAt(e, 'CONFIG_BAD_PATTERN', 4, 7);
    expect(e.message).toContain('descending');
  });

  it('CONFIG_PATTERN_TOO_LARGE, per pattern and for the whole config', async () => {
    expectAt(await parseError('tag:\n  web: "web[1-5000]"\n'), 'CONFIG_PATTERN_TOO_LARGE', 2, 8);
    const total = await parseError('tag:\n  a: "a[1-600]"\n  b: "b[1-600]"\n');
    expectAt(total, 'CONFIG_PATTERN_TOO_LARGE', 3, 6);
    expect(total.message).toContain('more than 1000 hosts');
  });

  it('CONFIG_BAD_PERCENT', async () => {
    expectAt(
      await parseError(`${TAGS}constraint:\n  $colo: { max_parallel: 150% }\n`),
      'CONFIG_BAD_PERCENT',
      7,
      26,
    );
    expectAt(await parseError(`${TAGS}constraint:\n  $colo: 5x%\n`), 'CONFIG_BAD_PERCENT', 7, 10);
  });

  it('CONFIG_TAG_SOURCE_FAILED, naming the command and the reason', async () => {
    const e = await parseError('tag:\n  web: [h1]\n  inv: command sh -c "exit 7"\n');
    expectAt(e, 'CONFIG_TAG_SOURCE_FAILED', 3, 8);
    expect(e.message).toBe('tag source "command sh -c "exit 7"" failed: it exited with status 7');
  });

  it('CONFIG_NOT_FOUND (the file itself: no line to point at)', async () => {
    const e = await failure(loadConfigFile(join(dir, 'nope.yaml')));
    expect(e.code).toBe('CONFIG_NOT_FOUND');
    expect(e.position).toBeUndefined();
    expect(e.message).toContain('nope.yaml');
    expect(e.hint).toBeTruthy();
  });

  it('TARGETS_EMPTY and TARGETS_BAD_EXPRESSION (command-line expressions have no position; @files do)', async () => {
    const empty = await failure(resolveTargets('h1,!h1'));
    expect([empty.code, empty.position, Boolean(empty.hint)]).toEqual(['TARGETS_EMPTY', undefined, true]);
    const bad = await failure(resolveTargets('$colo'));
    expect([bad.code, bad.position, Boolean(bad.hint)]).toEqual(['TARGETS_BAD_EXPRESSION', undefined, true]);
    await writeFile(join(dir, 'list.txt'), 'h1\n  h2&\n');
    const inFile = await failure(resolveTargets('@list.txt', { baseDir: dir }));
    expect(inFile.code).toBe('TARGETS_BAD_EXPRESSION');
    expect(inFile.position).toEqual({ file: join(dir, 'list.txt'), line: 2, column: 3 });
    expect(inFile.hint).toBeTruthy();
  });
});
