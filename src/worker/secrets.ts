// `{{secret:NAME}}` in commands: resolved on the worker from its own secrets, and masked in every byte of output.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PogoError } from '../model/index.ts';
import type { HostTask } from './types.ts';

/** A secret reference as written in a command or inline hook. */
const REF = /\{\{secret:([A-Za-z0-9_.-]{1,128})\}\}/g;

/** What output shows instead of a secret's value. */
export const MASK = '****';

/** Names a text references (each once, in order). */
export function secretNames(text: string): string[] {
  return [...new Set([...text.matchAll(REF)].map((m) => m[1] as string))];
}

/**
 * The task with every `{{secret:NAME}}` of its command and inline hooks replaced by the value, and the
 * values used (to mask). SECRET_UNKNOWN names the first missing secret, never a value.
 */
export function resolveSecretRefs(
  task: HostTask,
  secrets: ReadonlyMap<string, string>,
): { readonly task: HostTask; readonly used: readonly string[] } {
  const used = new Set<string>();
  const fill = (text: string): string =>
    text.replace(REF, (_m, name: string) => {
      const value = secrets.get(name);
      if (value === undefined) {
        throw new PogoError(
          'SECRET_UNKNOWN',
          `the command references secret "${name}", which this worker does not have`,
          {
            hint: `put it in a file named ${name} in the worker's --secrets directory`,
          },
        );
      }
      used.add(value);
      return value;
    });
  const resolved: HostTask = {
    ...task,
    command: fill(task.command),
    hooks: {
      ...task.hooks,
      inlinePre: task.hooks.inlinePre.map(fill),
      inlinePost: task.hooks.inlinePost.map(fill),
    },
  };
  return { task: resolved, used: [...used] };
}

/**
 * Secrets of a worker: each regular file of `dir` is one secret, named by the file, its content the value
 * (one trailing newline dropped). The directory must not be readable by others (mode 0700 or stricter).
 */
export async function loadSecretsDir(dir: string): Promise<Map<string, string>> {
  const info = await stat(dir).catch((e: unknown) => {
    throw new PogoError('USAGE', `--secrets ${dir}: ${(e as Error).message}`, { cause: e });
  });
  if (!info.isDirectory()) throw new PogoError('USAGE', `--secrets ${dir}: not a directory`);
  if ((info.mode & 0o077) !== 0) {
    throw new PogoError(
      'USAGE',
      `--secrets ${dir}: readable by others (mode ${(info.mode & 0o777).toString(8)})`,
      {
        hint: `chmod 700 ${dir}`,
      },
    );
  }
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !/^[A-Za-z0-9_.-]{1,128}$/.test(entry.name)) continue;
    const value = (await readFile(join(dir, entry.name), 'utf8')).replace(/\r?\n$/, '');
    if (value !== '') out.set(entry.name, value);
  }
  return out;
}

/**
 * Replaces secret values in a stream of chunks with {@link MASK}, also when a value is split across
 * chunks: the shortest tail that could still begin a value is held back until the next chunk or `flush`.
 */
export class SecretMasker {
  private readonly values: readonly Buffer[];
  private readonly mask = Buffer.from(MASK);
  private readonly held = new Map<string, Buffer>();

  constructor(values: readonly string[]) {
    // Longest first, so a value containing another is masked whole.
    this.values = [...new Set(values)]
      .filter((v) => v !== '')
      .map((v) => Buffer.from(v, 'utf8'))
      .sort((a, b) => b.length - a.length);
  }

  get active(): boolean {
    return this.values.length > 0;
  }

  /** The bytes of `key`'s stream that can be shown now, masked. */
  push(key: string, data: Buffer): Buffer {
    const before = this.held.get(key);
    let buf = before ? Buffer.concat([before, data]) : data;
    buf = this.replaceAll(buf);
    const keep = this.heldTail(buf);
    if (keep > 0) this.held.set(key, Buffer.from(buf.subarray(buf.length - keep)));
    else this.held.delete(key);
    return buf.subarray(0, buf.length - keep);
  }

  /** What is held back, per stream key (the streams ended). */
  flush(): [string, Buffer][] {
    const out = [...this.held.entries()].filter(([, b]) => b.length > 0);
    this.held.clear();
    return out;
  }

  private replaceAll(buf: Buffer): Buffer {
    let out = buf;
    for (const v of this.values) {
      let i = out.indexOf(v);
      if (i < 0) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (i >= 0) {
        parts.push(out.subarray(from, i), this.mask);
        from = i + v.length;
        i = out.indexOf(v, from);
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
    return out;
  }

  /** Length of the longest tail of `buf` that is a proper prefix of some value. */
  private heldTail(buf: Buffer): number {
    const longest = this.values[0]?.length ?? 0;
    for (let k = Math.min(longest - 1, buf.length); k > 0; k--) {
      const tail = buf.subarray(buf.length - k);
      if (this.values.some((v) => v.length > k && v.subarray(0, k).equals(tail))) return k;
    }
    return 0;
  }
}
