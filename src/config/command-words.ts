// Splits a tag source's `command …` into argv words the way a shell would quote them, without running a shell.
import { PogoError } from '../model/errors.ts';
import type { SourcePosition } from '../model/errors.ts';

/** Unquoted characters that would mean something to a shell (pipes, redirections, expansions). */
const SHELL_ONLY = /[|&;<>()$`*?~{}[\]!#]/;

/**
 * The words of `command`: spaces separate, `'…'` is literal, `"…"` allows `\"` and `\\`, `\x` outside quotes
 * is `x`. Unquoted shell syntax (`|`, `>`, `$VAR`, `*`, …) is refused with CONFIG_TAG_SOURCE_FAILED: sources
 * run without a shell, so it would not do what it says.
 */
export function commandWords(command: string, position: SourcePosition): string[] {
  const fail = (why: string): PogoError =>
    new PogoError('CONFIG_TAG_SOURCE_FAILED', `tag source "command ${command}": ${why}`, {
      position,
      hint: 'tag sources run without a shell: put pipelines, variables and redirections in a script and name the script',
    });
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const ch = command.charAt(i);
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw fail('an unclosed single quote');
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let text = '';
      for (i++; i < command.length && command.charAt(i) !== '"'; i++) {
        const c = command.charAt(i);
        if (c === '\\' && (command.charAt(i + 1) === '"' || command.charAt(i + 1) === '\\'))
          text += command.charAt(++i);
        else if (c === '$' || c === '`')
          throw fail(`"${c}" inside double quotes would be expanded by a shell`);
        else text += c;
      }
      if (i >= command.length) throw fail('an unclosed double quote');
      word = (word ?? '') + text;
    } else if (ch === '\\') {
      if (i + 1 >= command.length) throw fail('a trailing backslash');
      word = (word ?? '') + command.charAt(++i);
    } else if (SHELL_ONLY.test(ch)) {
      throw fail(`"${ch}" is shell syntax`);
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== undefined) words.push(word);
  if (words.length === 0) throw fail('no command');
  return words;
}
