// The process-group marker: a wrapped command prints `\x1epogo-pgid N\x1e` first; Pogo takes it out of the output.

/** Shell code printing the marker for the current shell's process id (on stderr; under a pty that is stdout). */
export const PGID_MARKER_PRINTF = `printf '\\036pogo-pgid %s\\036\\n' "$$" >&2`;

/**
 * The same for the process group the shell is in (asked of `ps`), where the shell need not lead a group
 * of its own: inside sudo, which starts the command in a new group only when it uses a pty.
 */
export const PGID_MARKER_PRINTF_PS = `printf '\\036pogo-pgid %s\\036\\n' "$(ps -o pgid= -p $$ | tr -d ' ')" >&2`;

const PREFIX = '\u001epogo-pgid ';
const END = '\u001e';
/** Markers are looked for only this far into a stream: they come first (and again right after sudo's prompt). */
const SCAN_LIMIT = 8192;
/** The wrapper's marker and one from inside sudo. */
const MAX_MARKERS = 2;

/**
 * Takes process-group markers out of a stream and reports their ids, outer first. Output passes through
 * at once; only a possible start of a marker at the very end of a chunk (a few bytes) waits for the next.
 * Only the first 8 KiB are searched and at most two markers taken, so later output is never touched.
 */
export class PgidMarkerFilter {
  private held: Buffer = Buffer.alloc(0);
  private scanned = 0;
  private found = 0;

  constructor(private readonly onPgid: (pgid: number) => void) {}

  /** Feed a chunk; returns the bytes to pass on (possibly empty). */
  push(chunk: Buffer): Buffer {
    if (this.scanned >= SCAN_LIMIT || this.found >= MAX_MARKERS) return this.release(chunk);
    const buf = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    const out: Buffer[] = [];
    let from = 0;
    while (from < buf.length) {
      const at = buf.indexOf(0x1e, from);
      if (at < 0 || this.found >= MAX_MARKERS) break;
      const marker = readMarker(buf.toString('latin1', at, at + 40));
      if (marker === 'partial' && at + 40 > buf.length) {
        out.push(buf.subarray(from, at));
        this.held = buf.subarray(at);
        from = buf.length;
        break;
      }
      if (marker !== undefined && marker !== 'partial') {
        out.push(buf.subarray(from, at));
        this.found++;
        this.onPgid(marker.pgid);
        from = at + marker.length;
      } else {
        out.push(buf.subarray(from, at + 1));
        from = at + 1;
      }
    }
    if (from < buf.length) out.push(buf.subarray(from));
    this.scanned += chunk.length;
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  /** The stream ended: whatever is held passes through. */
  end(): Buffer {
    return this.release(Buffer.alloc(0));
  }

  private release(chunk: Buffer): Buffer {
    if (this.held.length === 0) return chunk;
    const all = Buffer.concat([this.held, chunk]);
    this.held = Buffer.alloc(0);
    return all;
  }
}

/** A marker at the start of `text`: its id and length; 'partial' if `text` may be its beginning; else undefined. */
function readMarker(text: string): { pgid: number; length: number } | 'partial' | undefined {
  if (text.length < PREFIX.length) return PREFIX.startsWith(text) ? 'partial' : undefined;
  if (!text.startsWith(PREFIX)) return undefined;
  let i = PREFIX.length;
  while (i < text.length && /[0-9]/.test(text[i] ?? '')) i++;
  const digits = text.slice(PREFIX.length, i);
  if (digits.length > 10) return undefined;
  if (i === text.length) return 'partial';
  if (digits === '' || text[i] !== END) return undefined;
  const rest = text.slice(i + 1);
  if (rest === '' || rest === '\r') return 'partial';
  const eol = rest.startsWith('\r\n') ? 2 : rest.startsWith('\n') ? 1 : 0;
  return eol === 0 ? undefined : { pgid: Number(digits), length: i + 1 + eol };
}
