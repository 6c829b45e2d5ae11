// The package version, announced in `hello` (read once from package.json; src/ and dist/ sit at the same depth).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** `0.1.0`, or `0.0.0` when package.json cannot be read. */
export function pogoVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const version: unknown = (JSON.parse(text) as { version?: unknown }).version;
    cached = typeof version === 'string' ? version.slice(0, 50) : '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
