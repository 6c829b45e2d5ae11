// Sequence cycle detection in linear time over host → previous-stage → host edges.
import type { Chain } from '../model/config.ts';

/** A waits-for cycle: `hosts[i]` waits for `hosts[i + 1]`, the last for the first; `chains` involved, in input order. */
export interface SequenceCycle {
  readonly hosts: string[];
  readonly chains: string[];
}

/**
 * Find a cycle in the waits-for relation of `chains`, if any. A host waits for every host of the
 * previous non-empty stage of each chain it is in (a host counts in the first stage that names it).
 * Instead of host → host edges (quadratic for big stages) the graph has one node per stage:
 * host → previous stage → each host of that stage, so the work is linear in the stage sizes.
 */
export function findSequenceCycle(chains: readonly Chain[]): SequenceCycle | undefined {
  const hostIds = new Map<string, number>();
  const names: string[] = [];
  const lastChain: number[] = []; // host → 1 + index of the last chain that placed it (first stage wins)
  const waits: number[][] = []; // host → stages it waits for
  const stageHosts: number[][] = []; // stage → its hosts
  const stageChain: number[] = []; // stage → chain index
  for (const [c, chain] of chains.entries()) {
    let previous: number | undefined;
    for (const stage of chain.stages) {
      const ids: number[] = [];
      for (const host of stage.hosts) {
        let id = hostIds.get(host);
        if (id === undefined) {
          id = names.length;
          hostIds.set(host, id);
          names.push(host);
          lastChain.push(0);
          waits.push([]);
        }
        if (lastChain[id] === c + 1) continue;
        lastChain[id] = c + 1;
        ids.push(id);
        if (previous !== undefined) waits[id]?.push(previous);
      }
      if (ids.length === 0) continue;
      previous = stageHosts.length;
      stageHosts.push(ids);
      stageChain.push(c);
    }
  }
  // Nodes: hosts 0…H−1, then stages H…; host → stage and stage → host edges.
  const hostCount = names.length;
  const successors = (node: number): readonly number[] =>
    node < hostCount ? (waits[node] ?? []) : (stageHosts[node - hostCount] ?? []);
  const target = (node: number, value: number): number => (node < hostCount ? value + hostCount : value);
  return findCycle(hostCount + stageHosts.length, successors, target, (path) => {
    const start = path.findIndex((n) => n < hostCount);
    const ordered = [...path.slice(start), ...path.slice(0, start)];
    return {
      hosts: ordered.filter((n) => n < hostCount).map((n) => names[n] ?? ''),
      chains: [...new Set(ordered.filter((n) => n >= hostCount).map((n) => stageChain[n - hostCount] ?? 0))]
        .sort((a, b) => a - b)
        .map((c) => chains[c]?.id ?? ''),
    };
  });
}

/** Iterative three-colour DFS over `count` nodes; `describe` receives a cycle's nodes in edge order. */
function findCycle(
  count: number,
  successors: (node: number) => readonly number[],
  target: (node: number, value: number) => number,
  describe: (path: number[]) => SequenceCycle,
): SequenceCycle | undefined {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Uint8Array(count);
  const parent = new Int32Array(count).fill(-1);
  const next = new Uint32Array(count); // index of the next edge to follow
  for (let root = 0; root < count; root += 1) {
    if (colour[root] !== WHITE) continue;
    const stack = [root];
    colour[root] = GREY;
    while (stack.length > 0) {
      const node = stack[stack.length - 1] ?? 0;
      const edges = successors(node);
      const i = next[node] ?? 0;
      if (i >= edges.length) {
        colour[node] = BLACK;
        stack.pop();
        continue;
      }
      next[node] = i + 1;
      const to = target(node, edges[i] ?? 0);
      if (colour[to] === WHITE) {
        colour[to] = GREY;
        parent[to] = node;
        stack.push(to);
      } else if (colour[to] === GREY) {
        const path = [node];
        for (let n = node; n !== to;) {
          n = parent[n] ?? to;
          path.push(n);
        }
        return describe(path.reverse()); // to … node, and node → to closes the cycle
      }
    }
  }
  return undefined;
}
