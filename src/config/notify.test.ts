// The notify: section: webhooks parsed with their defaults; every mistake named at its line and column.
import { describe, expect, it } from 'vitest';
import { PogoError } from '../model/errors.ts';
import { parseConfig } from './parse-config.ts';

const parse = (text: string) => parseConfig(text, { source: 'ns.yaml', baseDir: '/tmp' });

async function failure(text: string): Promise<PogoError> {
  try {
    await parse(text);
  } catch (e: unknown) {
    if (e instanceof PogoError) return e;
    throw e;
  }
  throw new Error('expected a PogoError');
}

describe('notify:', () => {
  it('reads webhooks: json by default, every event unless `on` says, secrets left as placeholders', async () => {
    const config = await parse(
      [
        'tag:',
        '  web: [w1, w2]',
        'notify:',
        '  - url: https://hooks.example.com/pogo',
        '  - url: "https://hooks.slack.com/services/{{secret:slack}}"',
        '    format: slack',
        '    on: [failed, halted, failed]',
        '  - { url: "http://127.0.0.1:9/x", on: started }',
        '',
      ].join('\n'),
    );
    expect(config.notify).toEqual([
      {
        url: 'https://hooks.example.com/pogo',
        format: 'json',
        on: ['started', 'succeeded', 'failed', 'halted', 'needs-password'],
      },
      { url: 'https://hooks.slack.com/services/{{secret:slack}}', format: 'slack', on: ['failed', 'halted'] },
      { url: 'http://127.0.0.1:9/x', format: 'json', on: ['started'] },
    ]);
    expect((await parse('tag:\n  web: [w1]\n')).notify).toBeUndefined();
    expect((await parse('notify:\n')).notify).toBeUndefined();
    // The 4.0 form may have webhooks too.
    expect(
      (await parse('apps:\n  web: [w1]\nnotify: [{ url: "https://x.example/h" }]\n')).notify,
    ).toHaveLength(1);
  });

  it.each([
    ['notify: https://x.example/h\n', 1, 9, /notify must be a list, not the text/],
    ['notify: [https://x.example/h]\n', 1, 10, /a notify entry is a map/],
    ['notify:\n  - format: slack\n', 2, 5, /a notify entry needs a url/],
    ['notify:\n  - url: ftp://x.example/h\n', 2, 10, /notify url must be an http\(s\) URL/],
    [
      'notify:\n  - url: https://x.example/h\n    on: [strted]\n',
      3,
      10,
      /notify on must be one of started, /,
    ],
    [
      'notify:\n  - url: https://x.example/h\n    format: teams\n',
      3,
      13,
      /notify format must be one of json, slack/,
    ],
    ['notify:\n  - url: https://x.example/h\n    events: [failed]\n', 3, 5, /unknown notify key "events"/],
  ])('refuses %j at %i:%i', async (text, line, column, message) => {
    const e = await failure(text);
    expect(e.message).toMatch(message);
    expect(e.position).toEqual({ file: 'ns.yaml', line, column });
    expect(e.hint).toBeTruthy();
  });

  it('suggests the near name of a misspelt event', async () => {
    const e = await failure('notify:\n  - url: https://x.example/h\n    on: [faild]\n');
    expect(e.hint).toMatch(/failed/);
  });
});
