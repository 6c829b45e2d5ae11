// Read-only views for the web UI, built from store verbs: a job's plan, its output digests, a namespace's use.
import { createHash } from 'node:crypto';
import type {
  GroupUsage,
  HostRecord,
  HostState,
  JobPlanView,
  NamespaceOverview,
  OutputGroup,
  OutputGroups,
} from '../model/index.ts';
import { formatLimit, isFailedState } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import type { ConfigCache } from './config-cache.ts';
import { rebuildPlan } from './job-plan.ts';

/** Plans kept (a plan never changes once the job exists). */
const PLAN_CACHE = 32;
/** Host digests kept: a job re-read after a few events hashes only the hosts whose output grew. */
const DIGEST_CACHE = 200_000;
/** Bytes read per output page while hashing. */
const PAGE_BYTES = 4 * 1024 * 1024;
const NOT_RUN: ReadonlySet<HostState> = new Set(['waiting', 'ready']);

interface Digest {
  readonly attempt: number;
  readonly bytes: number;
  readonly digest: string;
}

/** The UI's read models over a store and the dispatcher's config cache; caches are bounded. */
export class JobInsight {
  private readonly plans = new Map<string, Promise<JobPlanView>>();
  private readonly digests = new Map<string, Digest>();

  constructor(
    private readonly store: Store,
    private readonly configs: ConfigCache,
  ) {}

  /** The plan of job `jobId` (a full id), rebuilt the way the dispatcher built it. */
  jobPlan(jobId: string): Promise<JobPlanView> {
    const hit = this.plans.get(jobId);
    if (hit) return hit;
    const plan = this.buildJobPlan(jobId);
    plan.catch(() => this.plans.delete(jobId));
    this.plans.set(jobId, plan);
    if (this.plans.size > PLAN_CACHE) this.plans.delete(this.plans.keys().next().value as string);
    return plan;
  }

  /** Hosts of `jobId` grouped by identical output, largest group first (ties: plan order). */
  async outputGroups(jobId: string): Promise<OutputGroups> {
    const hosts = await this.store.allHosts(jobId);
    const byDigest = new Map<string, { bytes: number; hosts: string[]; first: number }>();
    let notRun = 0;
    for (const h of hosts) {
      if (h.attempt === 0 || NOT_RUN.has(h.state)) {
        notRun++;
        continue;
      }
      const d = await this.digestOf(h);
      const group = byDigest.get(d.digest);
      if (group) group.hosts.push(h.host);
      else byDigest.set(d.digest, { bytes: d.bytes, hosts: [h.host], first: h.index });
    }
    const groups: OutputGroup[] = [...byDigest.entries()]
      .sort(([, a], [, b]) => b.hosts.length - a.hosts.length || a.first - b.first)
      .map(([digest, g]) => ({ digest, bytes: g.bytes, hosts: g.hosts }));
    return { jobId, groups, notRun };
  }

  /** The newest config of `namespace` resolved, with what its active jobs hold of each group. */
  async namespaceOverview(namespace: string): Promise<NamespaceOverview> {
    const v = await this.store.getNamespace(namespace);
    const config = await this.configs.get(namespace, v.version);
    const groupsOf = new Map<string, number[]>();
    config.groups.forEach((g, i) => {
      for (const h of g.hosts) {
        const list = groupsOf.get(h);
        if (list) list.push(i);
        else groupsOf.set(h, [i]);
      }
    });
    const running = new Array<number>(config.groups.length).fill(0);
    const failed = new Array<number>(config.groups.length).fill(0);
    const jobs: NamespaceOverview['jobs'][number][] = [];
    for (const job of await this.activeJobs(namespace)) {
      let r = 0;
      let f = 0;
      for (const h of await this.store.allHosts(job.id)) {
        const counts = h.state === 'running' ? running : isFailedState(h.state) ? failed : undefined;
        if (!counts) continue;
        if (counts === running) r++;
        else f++;
        for (const i of groupsOf.get(h.host) ?? []) counts[i] = (counts[i] ?? 0) + 1;
      }
      jobs.push({ id: job.id, user: job.user, state: job.state, running: r, failed: f });
    }
    const groups: GroupUsage[] = config.groups.map((g, i) => ({
      id: g.id,
      label: g.label,
      spec: formatLimit(g.spec),
      limit: g.limit,
      hosts: g.hosts.length,
      running: running[i] ?? 0,
      failed: failed[i] ?? 0,
    }));
    const tags = [...config.tags.entries()].map(([path, hosts]) => ({ path, hosts }));
    return { ...v, hosts: config.hosts, tags, groups, jobs };
  }

  private async buildJobPlan(jobId: string): Promise<JobPlanView> {
    const record = await this.store.getJob(jobId);
    const names = (await this.store.allHosts(jobId)).map((h) => h.host);
    const plan = await rebuildPlan(record, names, this.configs);
    const members = plan.groups.map((): number[] => []);
    plan.hostGroups.forEach((gs, host) => {
      for (const g of gs) members[g]?.push(host);
    });
    return {
      jobId,
      namespace: record.namespace,
      configVersion: record.configVersion,
      hosts: plan.hosts,
      threads: plan.threads.map((t) => ({ id: t.id, slots: t.slots })),
      unordered: plan.unconstrained,
      groups: plan.groups.map((g, i) => ({
        id: g.id,
        label: g.label,
        limit: g.limit,
        spec: formatLimit(g.spec),
        hosts: members[i] ?? [],
      })),
    };
  }

  /** Active jobs of the namespace (bounded: at most 100 pages of 500). */
  private async activeJobs(namespace: string) {
    const jobs = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const p = await this.store.findJobs({
        namespace,
        state: ['pending', 'running', 'needs-password'],
        limit: 500,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      jobs.push(...p.items);
      cursor = p.next;
      if (cursor === undefined) break;
    }
    return jobs;
  }

  /** The digest of a host's current attempt; reused while its attempt and size are unchanged. */
  private async digestOf(h: HostRecord): Promise<Digest> {
    const key = `${h.jobId}\u0000${h.host}`;
    const hit = this.digests.get(key);
    if (hit && hit.attempt === h.attempt && hit.bytes === h.outputBytes) return hit;
    const hash = createHash('sha256');
    let offset = 0;
    let bytes = 0;
    // Bounded: each page advances by at least one chunk; 1,000 pages of 4 MiB is far past any output cap.
    for (let page = 0; page < 1000; page++) {
      const p = await this.store.readOutput(h.jobId, h.host, {
        attempt: h.attempt,
        offset,
        limit: PAGE_BYTES,
      });
      for (const c of p.chunks) {
        hash.update(c.data);
        bytes += c.data.length;
      }
      if (p.nextOffset >= p.total || p.nextOffset === offset) break;
      offset = p.nextOffset;
    }
    const d: Digest = { attempt: h.attempt, bytes, digest: hash.digest('hex').slice(0, 16) };
    // Only a finished host's output no longer grows; a running one is hashed again next time.
    if (h.endedAt !== null && bytes === h.outputBytes) {
      this.digests.set(key, d);
      if (this.digests.size > DIGEST_CACHE) this.digests.delete(this.digests.keys().next().value as string);
    }
    return d;
  }
}
