// The `ansible PATH` tag source: an INI or YAML inventory file, or an executable dynamic-inventory script run with --list.
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { PogoError } from '../model/errors.ts';
import type { SourcePosition } from '../model/errors.ts';
import { parseAnsibleIni } from './ansible-ini.ts';
import { parseAnsibleYaml } from './ansible-yaml.ts';
import { MAX_TAG_SOURCE_OUTPUT_BYTES, runSourceCommand } from './command-source.ts';
import type { CommandRunOptions } from './command-source.ts';
import type { Inventory, Vars } from './inventory.ts';
import { parseInventoryJson } from './inventory-json.ts';

/** `--host HOST` calls of a script without `_meta` that run at once. */
const HOST_CALLS_AT_ONCE = 8;
const YAML_EXTENSIONS: ReadonlySet<string> = new Set(['.yml', '.yaml', '.json']);

/**
 * Read the inventory at `path` (relative to `options.cwd`, the config file's directory) as Ansible would:
 * an executable file is a dynamic-inventory script, run with `--list` (and with `--host H` for each host
 * when its output has no `_meta`); a `.yml`, `.yaml` or `.json` file is a YAML inventory; anything else is
 * INI. A file that cannot be read or a script that fails → CONFIG_TAG_SOURCE_FAILED at the tag's node; a
 * malformed file → CONFIG_INVENTORY_INVALID at the tag, its message naming the file's line.
 */
export async function loadAnsibleSource(
  path: string,
  options: CommandRunOptions & { readonly position: SourcePosition },
): Promise<Inventory> {
  const file = resolve(options.cwd, path);
  const fail = (
    reason: string,
    hint = `check the path (relative paths start at ${options.cwd})`,
  ): PogoError =>
    new PogoError('CONFIG_TAG_SOURCE_FAILED', `tag source "ansible ${path}" failed: ${reason}`, {
      position: options.position,
      hint,
    });
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw fail(`${file} is not a file`);
    size = s.size;
  } catch (e: unknown) {
    if (e instanceof PogoError) throw e;
    throw fail(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (await isExecutable(file)) return runInventoryScript(file, path, options, fail);
  if (size > MAX_TAG_SOURCE_OUTPUT_BYTES)
    throw fail(`${file} is larger than ${MAX_TAG_SOURCE_OUTPUT_BYTES} bytes`);
  const text = await readFile(file, 'utf8');
  try {
    return YAML_EXTENSIONS.has(extname(file).toLowerCase())
      ? parseAnsibleYaml(text, file)
      : parseAnsibleIni(text, file);
  } catch (e: unknown) {
    if (!(e instanceof PogoError)) throw e;
    // At the tag in the config (what a config check reports), naming the inventory's own file and line.
    throw new PogoError(e.code, `tag source "ansible ${path}": ${e.message}`, {
      position: options.position,
      hint: e.hint,
      cause: e,
    });
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Ansible's `script` inventory: `--list`, then `--host H` per host unless the output has `_meta`. */
async function runInventoryScript(
  file: string,
  path: string,
  options: CommandRunOptions,
  fail: (reason: string, hint?: string) => PogoError,
): Promise<Inventory> {
  const hint = `run it by hand: ${file} --list must exit 0 and print Ansible inventory JSON`;
  const listed = await runSourceCommand([file, '--list'], options);
  if (typeof listed === 'string') throw fail(listed, hint);
  const inventory = parseInventoryJson(listed.stdout);
  if (typeof inventory === 'string') throw fail(inventory, hint);
  if (/"_meta"\s*:/.test(listed.stdout)) return inventory;
  const hosts = [...new Set(inventory.groups.flatMap((g) => g.hosts))];
  const hostVars = new Map<string, Vars>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hosts.length) {
      const host = hosts[next++] as string;
      const out = await runSourceCommand([file, '--host', host], options);
      if (typeof out === 'string') throw fail(`${path} --host ${host}: ${out}`, hint);
      let vars: unknown;
      try {
        vars = JSON.parse(out.stdout);
      } catch {
        throw fail(`${path} --host ${host} printed invalid JSON`, hint);
      }
      if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
        throw fail(`${path} --host ${host} printed ${JSON.stringify(vars)}, not a map of variables`, hint);
      }
      hostVars.set(host, vars as Vars);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HOST_CALLS_AT_ONCE, hosts.length) }, worker));
  return { ...inventory, hostVars };
}
