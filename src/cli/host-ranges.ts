// Folds host names into ranges (`lab-[0001-0003,0007]`), as dshbak -c and clush -b do, for grouped output.

/**
 * Fold `hosts` into compact patterns: names that differ only in their last number (same width) share
 * one `prefix[a-b,c]suffix`. Order: first appearance of each pattern. The result expands back to the input.
 */
export function foldHosts(hosts: readonly string[]): string[] {
  const groups = new Map<string, { prefix: string; suffix: string; width: number; nums: number[] }>();
  const order: (string | { key: string })[] = [];
  for (const h of hosts) {
    const m = /^(.*?)(\d+)(\D*)$/.exec(h);
    if (!m) {
      order.push(h);
      continue;
    }
    const [, prefix = '', digits = '', suffix = ''] = m;
    const width = digits.length;
    const key = `${prefix}\u0000${width}\u0000${suffix}`;
    let g = groups.get(key);
    if (!g) {
      g = { prefix, suffix, width, nums: [] };
      groups.set(key, g);
      order.push({ key });
    }
    g.nums.push(Number(digits));
  }
  return order.map((o) => {
    if (typeof o === 'string') return o;
    const g = groups.get(o.key);
    if (!g) return '';
    const pad = (n: number): string => String(n).padStart(g.width, '0');
    if (g.nums.length === 1) return `${g.prefix}${pad(g.nums[0] ?? 0)}${g.suffix}`;
    const nums = [...new Set(g.nums)].sort((a, b) => a - b);
    const parts: string[] = [];
    for (let i = 0; i < nums.length;) {
      let j = i;
      while (j + 1 < nums.length && (nums[j + 1] ?? 0) === (nums[j] ?? 0) + 1) j++;
      parts.push(i === j ? pad(nums[i] ?? 0) : `${pad(nums[i] ?? 0)}-${pad(nums[j] ?? 0)}`);
      i = j + 1;
    }
    return `${g.prefix}[${parts.join(',')}]${g.suffix}`;
  });
}
