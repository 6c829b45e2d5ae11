// `@file` items expanded on the client: the rewritten expression names the same hosts as the original would.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandPattern, resolveTargets } from '../../config/index.ts';
import { asPattern, expandTargetFiles, foldRuns } from './target-files.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-targets-'));
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'web.txt'), '# web servers\nweb[01-04].x, db1\nweb07.x\n');
  await writeFile(join(dir, 'some.txt'), 'web[01-10].x,!web02.x  # not 2\n');
  await writeFile(join(dir, 'sub', 'inner.txt'), 'cache1\n');
  await writeFile(join(dir, 'sub', 'outer.txt'), '@inner.txt\nb9\n');
  await writeFile(join(dir, 'tags.txt'), '$frontend\nweb99\n');
  await writeFile(join(dir, 'tags-excl.txt'), '$frontend,!web01.x\n');
  await writeFile(join(dir, 'empty.txt'), '# nothing yet\n\n');
  await writeFile(join(dir, 'loop.txt'), '@loop.txt\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('expandTargetFiles', () => {
  it('names the same hosts, in the same order, as resolving the original expression', async () => {
    const expressions = [
      '@web.txt',
      'h1,@web.txt,h2',
      'web[01-10].x,!@web.txt',
      'web[01-10].x&@some.txt',
      '@some.txt,!web03.x',
      '@sub/outer.txt',
      'web01.x,@empty.txt',
      'web[01-03].x,!@empty.txt',
    ];
    for (const expr of expressions) {
      const rewritten = await expandTargetFiles(expr, dir);
      expect(rewritten, expr).not.toContain('@');
      expect(await resolveTargets(rewritten), expr).toEqual(await resolveTargets(expr, { baseDir: dir }));
    }
  });

  it('writes a file as one compact pattern', async () => {
    expect(await expandTargetFiles('@web.txt', dir)).toBe('{web[01-04].x,db1,web07.x}');
    expect(await expandTargetFiles('x&@sub/inner.txt', dir)).toBe('x&cache1');
    expect(await expandTargetFiles('$frontend,a', dir)).toBe('$frontend,a');
  });

  it('splices a file with $tags where it is a whole item, for the server to resolve', async () => {
    expect(await expandTargetFiles('@tags.txt,!web02.x', dir)).toBe('$frontend,web99,!web02.x');
  });

  it('refuses a file with $tags where splicing would change its meaning', async () => {
    for (const expr of ['!@tags.txt', 'web01.x&@tags.txt', '@tags-excl.txt']) {
      await expect(expandTargetFiles(expr, dir), expr).rejects.toMatchObject({
        code: 'TARGETS_BAD_EXPRESSION',
      });
    }
  });

  it('reports unreadable, self-including and empty files', async () => {
    await expect(expandTargetFiles('@missing.txt', dir)).rejects.toMatchObject({
      code: 'TARGETS_BAD_EXPRESSION',
      message: expect.stringMatching(/^cannot read targets file .*missing\.txt/) as unknown,
    });
    await expect(expandTargetFiles('@loop.txt', dir)).rejects.toMatchObject({
      message: expect.stringContaining('includes itself') as unknown,
    });
    await expect(expandTargetFiles('@empty.txt', dir)).rejects.toMatchObject({ code: 'TARGETS_EMPTY' });
  });

  it('names the file of a bad pattern inside it', async () => {
    await writeFile(join(dir, 'bad.txt'), 'web[01-\n');
    await expect(expandTargetFiles('@bad.txt', dir)).rejects.toMatchObject({
      code: 'CONFIG_BAD_PATTERN',
      message: expect.stringMatching(/^@.*bad\.txt: target "web\[01-": bad host pattern/) as unknown,
    });
  });
});

describe('foldRuns', () => {
  it('folds only neighbouring consecutive numbers of the same width, keeping order', () => {
    const hosts = ['web08', 'web09', 'web10', 'db1', 'web11', 'web7', 'web8', 'a', 'x001.y', 'x002.y'];
    expect(foldRuns(hosts)).toEqual(['web[08-10]', 'db1', 'web11', 'web[7-8]', 'a', 'x[001-002].y']);
    expect(expandPattern(asPattern(hosts))).toEqual(hosts);
    expect(asPattern(['only'])).toBe('only');
  });
});
