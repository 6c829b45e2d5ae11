// Completion from the commander tree: every command and flag is offered, values by what the argument or option names.
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../main.ts';
import { completeWords } from './complete-words.ts';
import type { CompletionSources } from './complete-words.ts';

const program = buildProgram({ io: { out: () => undefined, err: () => undefined }, exitCode: 0 });
const asked: string[] = [];
const sources: CompletionSources = {
  namespaces: () => (asked.push('namespaces'), Promise.resolve(['web', 'db'])),
  tags: (ns) => (asked.push(`tags ${ns}`), Promise.resolve(ns === 'web' ? ['frontend', 'colo.east'] : [])),
  jobs: () => Promise.reject(new Error('server down')),
};
const complete = (...words: string[]) =>
  completeWords(program, words.slice(0, -1), words.at(-1) ?? '', sources);

function walk(command: Command, path: string[]): [string[], Command][] {
  return [[path, command], ...command.commands.flatMap((c) => walk(c, [...path, c.name()]))];
}

describe('completion from the commander definitions', () => {
  it('offers every visible command and every flag of each command', async () => {
    for (const [path, command] of walk(program, [])) {
      if (path.includes('__complete') || path.includes('help')) continue;
      const flags = await complete(...path, '-');
      for (const option of command.options.filter((o) => !o.hidden)) {
        expect(flags, `${path.join(' ')} ${option.flags}`).toMatchObject({
          words: expect.arrayContaining([option.long ?? option.short]) as unknown,
        });
      }
      const subs = await complete(...path, '');
      for (const sub of command.commands.filter((c) => c.name() !== '__complete')) {
        expect(subs, `${path.join(' ')} ${sub.name()}`).toMatchObject({
          words: expect.arrayContaining([sub.name()]) as unknown,
        });
      }
    }
    expect(await complete('')).toMatchObject({
      words: expect.not.arrayContaining(['__complete']) as unknown,
    });
  });

  it('offers values by what the option or argument is', async () => {
    expect(await complete('run', '-n', '')).toEqual({ kind: 'words', words: ['web', 'db'] });
    expect(await complete('run', '--namespace', 'web', '--targets', '$f')).toEqual({
      kind: 'words',
      words: ['$frontend'],
    });
    expect(await complete('run', '-t', '')).toEqual({ kind: 'words', words: [] }); // namespace default has no tags
    expect(asked).toContain('tags default');
    expect(await complete('one', '--ssh-config', '')).toEqual({ kind: 'files' });
    expect(await complete('status', '')).toEqual({ kind: 'words', words: ['last'] }); // jobs failed: silent
    expect(await complete('one', '--', 'ls', '-')).toEqual({ kind: 'words', words: [] });
    expect(await complete('--debug', 'st')).toEqual({ kind: 'words', words: ['status'] });
  });
});
