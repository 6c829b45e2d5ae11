// The lab's host names (`lab-0001` …, wider past 9999) and the patterns that name runs of them.

/** Digits in the lab's host numbers: 4, or more when `count` needs them. */
export function hostNumberWidth(count: number): number {
  return Math.max(4, String(count).length);
}

/** The name of host number `n` (1-based) in a lab of `count` hosts. */
export function labHostName(n: number, count: number): string {
  return `lab-${String(n).padStart(hostNumberWidth(count), '0')}`;
}

/** `lab-0001` … the names of a lab of `count` hosts. */
export function labHostNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => labHostName(i + 1, count));
}

/** A Pogo host pattern for hosts `from` … `to` (1-based, inclusive): `lab-[0001-0010]`, or one name. */
export function labHostRange(from: number, to: number, count: number): string {
  if (from === to) return labHostName(from, count);
  const width = hostNumberWidth(count);
  const pad = (n: number): string => String(n).padStart(width, '0');
  return `lab-[${pad(from)}-${pad(to)}]`;
}
