// Output as text for people: valid UTF-8 shown, invalid bytes and control characters escaped (\x00), colours kept.
import type { TaskOutputChunk } from './types.ts';

/**
 * The chunks as one text. Printable characters, `\n`, `\t` and ANSI colour sequences (`ESC[…m`) are
 * kept; `\r\n` becomes `\n`; every other control byte and each byte of invalid UTF-8 is written `\xHH`
 * (C1 controls and bidirectional overrides as `\u{…}`). Runs of one source and stream are decoded
 * together so a character split across chunks stays whole; Pogo's notes start on a line of their own.
 */
export function renderOutputText(chunks: readonly TaskOutputChunk[]): string {
  let text = '';
  for (let i = 0; i < chunks.length;) {
    const first = chunks[i] as TaskOutputChunk;
    const run: Buffer[] = [];
    for (; i < chunks.length; i++) {
      const c = chunks[i] as TaskOutputChunk;
      if (c.source !== first.source || c.stream !== first.stream) break;
      run.push(c.data);
    }
    if (first.stream === 'pogo' && text !== '' && !text.endsWith('\n')) text += '\n';
    text += escapeBytes(Buffer.concat(run));
  }
  return text;
}

/** `bytes` as text with everything unprintable escaped (see {@link renderOutputText}). */
export function escapeBytes(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] as number;
    if (b === 0x0d && bytes[i + 1] === 0x0a) {
      out += '\n';
      i += 2;
    } else if (b === 0x0a || b === 0x09) {
      out += String.fromCharCode(b);
      i++;
    } else if (b === 0x1b && colourLength(bytes, i) > 0) {
      const n = colourLength(bytes, i);
      out += bytes.toString('latin1', i, i + n);
      i += n;
    } else if (b < 0x20 || b === 0x7f) {
      out += hex(b);
      i++;
    } else if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
    } else {
      const decoded = decodeUtf8(bytes, i);
      if (decoded === undefined) {
        out += hex(b);
        i++;
      } else {
        out += unsafe(decoded.cp) ? `\\u{${decoded.cp.toString(16)}}` : String.fromCodePoint(decoded.cp);
        i += decoded.length;
      }
    }
  }
  return out;
}

function hex(b: number): string {
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

/** Length of an SGR (colour) sequence `ESC [ digits;… m` at `i`, or 0. */
function colourLength(bytes: Buffer, i: number): number {
  if (bytes[i + 1] !== 0x5b) return 0;
  for (let j = i + 2; j < bytes.length && j < i + 32; j++) {
    const c = bytes[j] as number;
    if (c === 0x6d) return j - i + 1;
    if (!((c >= 0x30 && c <= 0x39) || c === 0x3b)) return 0;
  }
  return 0;
}

/** C1 controls and bidirectional formatting characters (which can disguise text). */
function unsafe(cp: number): boolean {
  return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/** One well-formed UTF-8 sequence at `i` (no overlongs, surrogates or values above U+10FFFF). */
function decodeUtf8(bytes: Buffer, i: number): { cp: number; length: number } | undefined {
  const b0 = bytes[i] as number;
  let length: number;
  let cp: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) [length, cp] = [2, b0 & 0x1f];
  else if (b0 >= 0xe0 && b0 <= 0xef) [length, cp] = [3, b0 & 0x0f];
  else if (b0 >= 0xf0 && b0 <= 0xf4) [length, cp] = [4, b0 & 0x07];
  else return undefined;
  if (b0 === 0xe0) lo = 0xa0;
  if (b0 === 0xed) hi = 0x9f;
  if (b0 === 0xf0) lo = 0x90;
  if (b0 === 0xf4) hi = 0x8f;
  for (let k = 1; k < length; k++) {
    const b = bytes[i + k];
    if (b === undefined || b < (k === 1 ? lo : 0x80) || b > (k === 1 ? hi : 0xbf)) return undefined;
    cp = (cp << 6) | (b & 0x3f);
  }
  return { cp, length };
}
