// `pogo certs init|issue|show`: the Pogo CA, server and worker certificates for the worker port, and what a file holds.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { PogoError } from '../model/index.ts';
import {
  CERT_ROLES,
  DEFAULT_CA_NAME,
  DEFAULT_PKI_DIR,
  MAX_DAYS,
  createCa,
  describePem,
  issueCertificate,
  parseSanList,
  readCa,
  writePair,
} from '../security/index.ts';
import { certificateText } from './certs-view.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { usageError } from './flags.ts';
import type { UsageOverride } from './lab/index.ts';

/** Flags of `pogo certs init` and `issue`. */
export interface CertsFlags {
  readonly dir: string;
  readonly out?: string;
  readonly name?: string;
  readonly days: string;
  readonly force?: boolean;
  readonly san?: string[];
}

/** Add `certs` (with `init`, `issue`, `show`) to the program. */
export function registerCerts(program: Command, ctx: CommandContext, usageOverride: UsageOverride): Command {
  const certs = program
    .command('certs')
    .summary('make the CA and the certificates of the worker port; show what a file holds')
    .description(
      'Certificates for the worker port’s mutual TLS (ECDSA P-256): init makes a CA,\n' +
        'issue signs a server or worker certificate with it, show describes a file.\n' +
        'Private keys are written mode 0600; existing files are kept unless --force.',
    )
    .exitOverride(usageOverride('pogo certs'));
  const dirOption = ['--dir <dir>', 'directory of ca.crt and ca.key', DEFAULT_PKI_DIR] as const;
  certs
    .command('init')
    .summary('make a CA: DIR/ca.crt and DIR/ca.key')
    .option(...dirOption)
    .option('--name <name>', 'common name of the CA', DEFAULT_CA_NAME)
    .option('--days <n>', `lifetime in days, 1 to ${MAX_DAYS}`, '3650')
    .option('--force', 'replace an existing CA (certificates it signed stop working)')
    .exitOverride(usageOverride('pogo certs init'))
    .action(async (flags: CertsFlags) => {
      ctx.exitCode = await runCertsInit(flags, ctx);
    });
  certs
    .command('issue')
    .summary('issue a server or worker certificate signed by the CA: NAME.crt, NAME.key')
    .argument('<role>', 'server (the worker port) or worker')
    .argument('<name>', 'common name; also a DNS name, or an IP address, in subjectAltName')
    .option(...dirOption)
    .option('--out <dir>', 'where to write NAME.crt and NAME.key (default: --dir)')
    .option('--san <names>', 'more names: DNS:x, IP:x or bare, comma-separated (repeatable)', collect)
    .option('--days <n>', `lifetime in days, 1 to ${MAX_DAYS}`, '397')
    .option('--force', 'replace existing NAME.crt and NAME.key')
    .exitOverride(usageOverride('pogo certs issue'))
    .action(async (role: string, name: string, flags: CertsFlags) => {
      ctx.exitCode = await runCertsIssue(role, name, flags, ctx);
    });
  certs
    .command('show')
    .summary('describe a certificate (subject, role, names, validity) or say what key a file holds')
    .argument('<file>', 'PEM certificate or private key')
    .option('--json', 'print the description as JSON')
    .exitOverride(usageOverride('pogo certs show'))
    .action(async (file: string, flags: { json?: boolean }) => {
      ctx.exitCode = await runCertsShow(file, flags.json === true, ctx);
    });
  return certs;
}

/** `pogo certs init`: write DIR/ca.crt and DIR/ca.key (0600). */
export async function runCertsInit(flags: CertsFlags, ctx: CommandContext): Promise<number> {
  const days = parseDays(flags.days);
  const name = flags.name ?? DEFAULT_CA_NAME;
  if (name.trim() === '' || name.length > 64) throw usageError('--name: must be 1 to 64 characters');
  const written = await writePair(flags.dir, 'ca', createCa({ name, days }), flags.force === true);
  ctx.io.out(
    `CA "${name}" valid for ${days} days: ${written.certFile}, ${written.keyFile} (keep it private)\n`,
  );
  return EXIT_CODES.ok;
}

/** `pogo certs issue server|worker NAME`: write OUT/NAME.crt and OUT/NAME.key (0600), signed by DIR/ca.*. */
export async function runCertsIssue(
  role: string,
  name: string,
  flags: CertsFlags,
  ctx: CommandContext,
): Promise<number> {
  const certRole = CERT_ROLES.find((r) => r === role);
  if (!certRole)
    throw usageError(`role must be server or worker, not "${role}"`, 'pogo certs issue worker NAME');
  if (!/^[A-Za-z0-9._:[\]-]{1,253}$/.test(name)) {
    throw usageError(
      `NAME "${name}" is not a host name or address`,
      'e.g. pogo certs issue server pogo1.example.com',
    );
  }
  const days = parseDays(flags.days);
  const sans = parseSanList(flags.san ?? []);
  const ca = await readCa(flags.dir);
  const pair = issueCertificate(ca, { role: certRole, name, sans, days });
  const out = flags.out ?? flags.dir;
  const written = await writePair(out, fileBase(name), pair, flags.force === true);
  ctx.io.out(
    `${certRole} certificate for ${name} valid for ${days} days: ${written.certFile}, ${written.keyFile}\n`,
  );
  return EXIT_CODES.ok;
}

/** `pogo certs show FILE`: describe it; keys by their type only. */
export async function runCertsShow(file: string, json: boolean, ctx: CommandContext): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e: unknown) {
    throw new PogoError(
      'CERT_INVALID',
      `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
      },
    );
  }
  const description = describePem(text, file);
  ctx.io.out(json ? `${JSON.stringify({ file, ...description })}\n` : certificateText(file, description));
  return EXIT_CODES.ok;
}

/** File names keep IPv6 colons out (`::1` → `__1`). */
function fileBase(name: string): string {
  return name.replace(/[:[\]]/g, '_');
}

function parseDays(raw: string): number {
  const days = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(days) || days < 1 || days > MAX_DAYS) {
    throw usageError(`--days: "${raw}" is not a whole number from 1 to ${MAX_DAYS}`);
  }
  return days;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
