// One "server" of the cluster benchmark, as its own process: a dispatcher on the shared PostgreSQL schema and
// its workers (instant transport, in-process links), steered by the parent over IPC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dispatcher, ServerService, connectInProcess } from '../src/dispatcher/index.ts';
import type { Actor } from '../src/model/index.ts';
import { openPostgresStore } from '../src/store/index.ts';
import { WorkerAgent } from '../src/worker/index.ts';
import { instantTransport } from './instant-transport.ts';

/** What the parent sends. */
export type NodeCommand =
  | {
      readonly kind: 'submit';
      readonly namespace: string;
      readonly targets: string;
      readonly maxParallel?: string | undefined;
    }
  | { readonly kind: 'stop' };

const ADMIN: Actor = { user: 'bench', role: 'admin', remote: 'bench' };

async function main(): Promise<void> {
  const name = process.env.NODE_NAME ?? 'n';
  const workers = Number(process.env.NODE_WORKERS ?? 1);
  const capacity = Number(process.env.NODE_CAPACITY ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), `pogo-bench-${name}-`));
  const store = openPostgresStore({ url: process.env.PG_URL ?? '', schema: process.env.PG_SCHEMA ?? '' });
  await store.migrate();
  const dispatcher = new Dispatcher({ store, name, baseDir: dir, leaseTtlMs: 10_000 });
  await dispatcher.start();
  const service = new ServerService(store, dispatcher);
  const transport = instantTransport();
  const agents = Array.from({ length: workers }, (_, i) => {
    const agent = new WorkerAgent({
      name: `${name}-w${i + 1}`,
      capacity,
      transport,
      targetOf: (host) => ({ host }),
    });
    return { agent, link: connectInProcess(agent, dispatcher, { dispatcherName: name }) };
  });
  const cpu0 = process.cpuUsage();
  process.on('message', (m: NodeCommand) => {
    if (m.kind === 'submit') {
      service
        .submitJob(
          {
            namespace: m.namespace,
            targets: m.targets,
            command: 'true',
            hooks: { pre: false, post: false },
            ...(m.maxParallel !== undefined ? { maxParallel: m.maxParallel } : {}),
          },
          ADMIN,
        )
        .then(
          (job) => process.send?.({ kind: 'submitted', id: job.id }),
          (e: unknown) => process.send?.({ kind: 'error', message: String(e) }),
        );
      return;
    }
    void (async () => {
      const used = process.cpuUsage(cpu0);
      for (const a of agents) {
        await a.agent.stop({ force: true });
        a.link.close();
      }
      await dispatcher.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      process.send?.(
        {
          kind: 'stopped',
          cpuMs: (used.user + used.system) / 1000,
          rssMb: process.resourceUsage().maxRSS / 1024,
          starts: dispatcher.metrics.hostStarts,
          carried: dispatcher.metrics.relayCarried,
        },
        () => process.exit(0),
      );
    })();
  });
  process.send?.({ kind: 'ready' });
}

await main();
