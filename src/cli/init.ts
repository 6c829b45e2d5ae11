// `pogo init [FILE]`: write a commented example namespace config that points editors at the JSON Schema.
import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { usageError } from './flags.ts';

/** The JSON Schema file of this installation (`schema/` of the package). */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/pogo-config.schema.json', import.meta.url));

/** Flags of `pogo init`. */
export interface InitFlags {
  readonly force?: boolean;
  readonly schema?: string;
}

/** Add `init` to the program. */
export function registerInit(program: Command, ctx: CommandContext): Command {
  return program
    .command('init')
    .summary('write a commented example config (FILE, default pogo.yaml)')
    .description(
      'Write a commented example namespace config: tags, an external source (commented out), a sequence\n' +
        'and constraints. Its first line points YAML editors at the JSON Schema, for completion and checks.\n' +
        'An existing file is left alone unless --force.',
    )
    .argument('[file]', 'where to write it', 'pogo.yaml')
    .option('--force', 'overwrite FILE if it exists')
    .option(
      '--schema <ref>',
      'the schema reference to write (default: this installation’s file, relative to FILE)',
    )
    .action(async (file: string, flags: InitFlags) => {
      ctx.exitCode = await runInit(file, flags, ctx);
    });
}

/** Write the example; returns the exit code. */
export async function runInit(file: string, flags: InitFlags, ctx: CommandContext): Promise<number> {
  const schema = flags.schema ?? schemaReference(file);
  try {
    await writeFile(file, exampleConfig(schema), { flag: flags.force ? 'w' : 'wx' });
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw usageError(`${file} exists: not overwritten`, 'pass --force to overwrite it');
    throw usageError(
      `cannot write ${file} (${code ?? String(e)})`,
      'check the directory exists and is writable',
    );
  }
  ctx.io.out(`wrote ${file}: an example config; see its plan with: pogo schedule ${file}\n`);
  return EXIT_CODES.ok;
}

/** The schema file as the YAML language server resolves it: relative to the config's directory. */
export function schemaReference(file: string): string {
  const path = relative(dirname(resolve(file)), SCHEMA_FILE);
  return path.startsWith('.') ? path : `./${path}`;
}

/** The example: valid as written (a test loads it), every section commented. */
export function exampleConfig(schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# A Pogo namespace config (docs/config.md). See what it plans: pogo schedule FILE
# Push it to a server:    pogo config push NAMESPACE FILE

# tag: names hosts. A tag is a list of host patterns (web[01-08].example.com, {a,b}.x), a map of
# sub-tags ($colo.east is inside $colo), or an external source that fills in sub-tags:
#   inventory: ansible ./hosts.ini                  # Ansible INI or YAML inventory, or inventory script
#   cmdb: command ./inventory.sh --list             # a program printing {"tag": [hosts]} or Ansible JSON
#   dynamic: http https://cmdb.example.com/inventory.json timeout=10s ttl=1m
# Paths are relative to this file. Ansible's ansible_host, ansible_port and ansible_user are used to connect.
tag:
  colo:
    east: ['web[01-04].example.com', cache1.example.com]
    west: ['web[05-08].example.com', cache2.example.com]
  frontend: ['web[01-08].example.com']
  cache: ['cache[1-2].example.com']

# sequence: the order. Each list is a chain of stages: every host of a stage finishes before the next
# stage starts. Hosts in no chain are unordered.
sequence:
  - [$cache, $frontend] # caches before front ends

# constraint: how many hosts of a group may be out of service at once, across every running job of the
# namespace: N, or N% of the group's whole inventory. A tag with sub-tags limits each sub-tag on its own.
constraint:
  $frontend: { max_parallel: 25% } # 2 of the 8 front ends
  $cache: 1
  $colo: 2 # 2 per colo: east and west
`;
}
