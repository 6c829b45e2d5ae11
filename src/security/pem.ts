// PEM armour for DER bytes, and files of key material written owner-only.
import { chmod, writeFile } from 'node:fs/promises';

/** `der` as PEM with `label` (`CERTIFICATE`, `PRIVATE KEY`), 64 characters a line, ending in a newline. */
export function pemEncode(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The label of the first PEM block in `text` (`CERTIFICATE`, `PRIVATE KEY`, …), or undefined. */
export function pemLabel(text: string): string | undefined {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
}

/**
 * Write `text` to `file` readable by its owner only (0600), also when the file existed with wider
 * permissions (the mode of `writeFile` applies only to new files, hence the chmod).
 * `exclusive`: fail (EEXIST) instead of replacing an existing file.
 */
export async function writeSecretFile(file: string, text: string, exclusive = false): Promise<void> {
  await writeFile(file, text, { mode: 0o600, flag: exclusive ? 'wx' : 'w' });
  await chmod(file, 0o600);
}
