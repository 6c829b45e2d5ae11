// Store contract: tasks relayed between servers (offers, claims, adoption, results, cancels) and heartbeats.
import { expect, it } from 'vitest';
import type { RelayKey, RelayResult, StoreChange } from '../../../src/store/index.ts';
import type { StoreRef } from './fixtures.ts';
import { batch, chunk, expectPogoError, hostNames, newJob } from './fixtures.ts';

const RESULT: RelayResult = {
  outcome: 'succeeded',
  exitCode: 0,
  signal: null,
  message: '',
  startedAt: 10,
  endedAt: 20,
  truncated: false,
};

const key = (jobId: string, host: string, attempt = 1): RelayKey => ({ jobId, host, attempt });
const names = (keys: readonly RelayKey[]): string[] => keys.map((k) => `${k.host}#${k.attempt}`).sort();

/** A job `id` driven at epoch 1 whose `hosts` are running (attempt 1) and offered to the relay at `t` + index. */
async function offered(store: StoreRef, id: string, hosts: readonly string[], t = 100): Promise<void> {
  await store().createJob(newJob(id, { hosts: [...hosts] }));
  await store().acquireLease(id, 'owner', 60_000, 1);
  await store().recordProgress(
    batch({
      epochs: new Map([[id, 1]]),
      hosts: hosts.map((host) => ({ jobId: id, host, state: 'running', attempt: 1 })),
      relayOffers: hosts.map((host, i) => ({ ...key(id, host), offeredAt: t + i })),
    }),
  );
}

/** The relay tests of the contract. */
export function relayContract(store: StoreRef): void {
  it('offers are claimed oldest first, each once, within the slots’ room, the workers taken in turn', async () => {
    await offered(store, 'j-o', ['h1', 'h2', 'h3'], 200);
    await offered(store, 'j-p', ['h1', 'h2'], 100);
    expect(await store().claimRelayTasks('s2', [], 1)).toEqual([]);
    const first = await store().claimRelayTasks(
      's2',
      [
        { worker: 'w1', free: 2 },
        { worker: 'w2', free: 1 },
      ],
      300,
    );
    expect(first.map((t) => `${t.jobId}/${t.host}`)).toEqual(['j-p/h1', 'j-p/h2', 'j-o/h1']);
    expect(first.map((t) => t.worker)).toEqual(['w1', 'w2', 'w1']);
    expect(first[0]).toMatchObject({
      claimedBy: 's2',
      claimedAt: 300,
      offeredAt: 100,
      cancel: null,
      result: null,
    });
    const second = await store().claimRelayTasks('s3', [{ worker: 'w9', free: 10 }], 301);
    expect(second.map((t) => `${t.jobId}/${t.host}`)).toEqual(['j-o/h2', 'j-o/h3']);
    expect(await store().claimRelayTasks('s3', [{ worker: 'w9', free: 10 }], 302)).toEqual([]);
    const rows = await store().relayTasksOf(['j-o', 'j-p', 'nope']);
    expect(rows.map((r) => `${r.jobId}/${r.host}:${r.claimedBy}`).sort()).toEqual([
      'j-o/h1:s2', 'j-o/h2:s3', 'j-o/h3:s3', 'j-p/h1:s2', 'j-p/h2:s2',
    ]); // prettier-ignore
    expect(names(await store().carriedRelayTasks('s3'))).toEqual(['h2#1', 'h3#1']);
    expect(await store().relayTasksOf([])).toEqual([]);
  });

  it('concurrent claims split the offers: no task is claimed twice', async () => {
    const hosts = hostNames(60, 'c');
    await offered(store, 'j-c', hosts);
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((s) => store().claimRelayTasks(s, [{ worker: `${s}-w`, free: 25 }], 500)),
    );
    const all = claims.flat().map((t) => t.host);
    expect(all.length).toBe(60);
    expect(new Set(all).size).toBe(60);
    for (const c of claims) expect(c.length).toBeLessThanOrEqual(25);
  });

  it('a carrier stores the result under no epoch (the job is another server’s), once; the owner deletes the row', async () => {
    await offered(store, 'j-r', ['h1', 'h2']);
    await store().claimRelayTasks('s2', [{ worker: 'w1', free: 5 }], 300);
    await store().recordProgress(
      batch({
        epochs: new Map([['j-r', null]]),
        output: [chunk('j-r', 'h1', 1, 0, 'carried output')],
        relayResults: [{ ...key('j-r', 'h1'), result: RESULT }],
      }),
    );
    // A resend keeps the first result.
    await store().recordProgress(
      batch({
        epochs: new Map([['j-r', null]]),
        relayResults: [{ ...key('j-r', 'h1'), result: { ...RESULT, outcome: 'failed', exitCode: 3 } }],
      }),
    );
    const [h1] = (await store().relayTasksOf(['j-r'])).filter((r) => r.host === 'h1');
    expect(h1?.result).toEqual(RESULT);
    expect((await store().readOutput('j-r', 'h1', { attempt: 1 })).chunks[0]?.data.toString()).toBe(
      'carried output',
    );
    // The owner's batch is still fenced by its epoch.
    await store().acquireLease('j-r', 'owner', 60_000, 2);
    await expectPogoError(
      store().recordProgress(batch({ epochs: new Map([['j-r', 7]]), relayDone: [key('j-r', 'h1')] })),
      'LEASE_LOST',
    );
    await store().recordProgress(
      batch({
        epochs: new Map([['j-r', 1]]),
        hosts: [{ jobId: 'j-r', host: 'h1', state: 'succeeded' }],
        relayDone: [key('j-r', 'h1')],
      }),
    );
    expect(names(await store().relayTasksOf(['j-r']))).toEqual(['h2#1']);
    // A result for a row that is gone changes nothing.
    await store().recordProgress(
      batch({ epochs: new Map([['j-r', null]]), relayResults: [{ ...key('j-r', 'h1'), result: RESULT }] }),
    );
    expect(names(await store().relayTasksOf(['j-r']))).toEqual(['h2#1']);
  });

  it('a worker’s held tasks are adopted: claimed rows move, missing rows are added only for a host running at that attempt', async () => {
    await offered(store, 'j-a', ['h1', 'h2', 'h3']);
    await store().claimRelayTasks('s2', [{ worker: 'w1', free: 1 }], 300);
    await store().recordProgress(
      batch({
        epochs: new Map([['j-a', 1]]),
        relayDone: [key('j-a', 'h2'), key('j-a', 'h3')],
        hosts: [{ jobId: 'j-a', host: 'h3', state: 'failed' }],
      }),
    );
    const adopted = await store().adoptRelayTasks(
      's3',
      'w7',
      [key('j-a', 'h1'), key('j-a', 'h2'), key('j-a', 'h2', 2), key('j-a', 'h3'), key('j-a', 'h2')],
      400,
    );
    // h1: the claimed row moves to s3; h2 at attempt 1: running, added; attempt 2 never ran; h3 ended.
    expect(names(adopted)).toEqual(['h1#1', 'h2#1']);
    const rows = await store().relayTasksOf(['j-a']);
    expect(rows.map((r) => `${r.host}:${r.claimedBy}:${r.worker}:${r.claimedAt}`).sort()).toEqual([
      'h1:s3:w7:400',
      'h2:s3:w7:400',
    ]);
    expect(await store().carriedRelayTasks('s2')).toEqual([]);
    expect(await store().adoptRelayTasks('s3', 'w7', [], 1)).toEqual([]);
  });

  it('a carrier gives back only its own claims without a result; cancels are recorded once', async () => {
    await offered(store, 'j-b', ['h1', 'h2', 'h3']);
    await store().claimRelayTasks('s2', [{ worker: 'w1', free: 2 }], 300);
    await store().claimRelayTasks('s3', [{ worker: 'w2', free: 1 }], 301);
    await store().recordProgress(
      batch({ epochs: new Map([['j-b', null]]), relayResults: [{ ...key('j-b', 'h2'), result: RESULT }] }),
    );
    await store().releaseRelayTasks('s2', [key('j-b', 'h1'), key('j-b', 'h2'), key('j-b', 'h3')]);
    const rows = new Map((await store().relayTasksOf(['j-b'])).map((r) => [r.host, r]));
    expect(rows.get('h1')).toMatchObject({ claimedBy: null, worker: null, claimedAt: null });
    expect(rows.get('h2')?.claimedBy).toBe('s2');
    expect(rows.get('h3')?.claimedBy).toBe('s3');
    await store().cancelRelayTasks([key('j-b', 'h3')], 'killed');
    await store().cancelRelayTasks([key('j-b', 'h3'), key('j-b', 'h1')], 'timeout');
    const after = new Map((await store().relayTasksOf(['j-b'])).map((r) => [r.host, r.cancel]));
    expect(Object.fromEntries(after)).toEqual({ h1: 'timeout', h2: null, h3: 'killed' });
    await store().releaseRelayTasks('s2', []);
    await store().cancelRelayTasks([], 'killed');
  });

  it('heartbeats: each server’s last beat, kept a day after it expires', async () => {
    expect(await store().listServers()).toEqual([]);
    await store().heartbeat({ name: 's1', free: 3, offered: 0 }, 10_000, 1_000);
    const beats = await store().heartbeat({ name: 's2', free: 0, offered: 5 }, 10_000, 2_000);
    expect(beats).toEqual([
      { name: 's1', free: 3, offered: 0, seenAt: 1_000, expiresAt: 11_000 },
      { name: 's2', free: 0, offered: 5, seenAt: 2_000, expiresAt: 12_000 },
    ]);
    await store().heartbeat({ name: 's1', free: 1, offered: 2 }, 10_000, 3_000);
    expect((await store().listServers())[0]).toMatchObject({
      name: 's1',
      free: 1,
      offered: 2,
      expiresAt: 13_000,
    });
    // A day after s2 expired its row goes.
    const later = 12_000 + 24 * 3600_000 + 1;
    expect(
      (await store().heartbeat({ name: 's1', free: 1, offered: 0 }, 10_000, later)).map((b) => b.name),
    ).toEqual(['s1']);
  });

  it('tells carriers of offers and cancels, owners of claims and results, everyone of spare capacity', async () => {
    const seen: StoreChange[] = [];
    const off = store().watch((c) => seen.push(c));
    for (let i = 0; i < 100 && seen.length === 0; i++) {
      await store().heartbeat({ name: 'w', free: 1, offered: 0 }, 1_000, 1);
      await new Promise((r) => setTimeout(r, 50));
    }
    const wait = async (pred: (c: StoreChange) => boolean): Promise<void> => {
      for (let i = 0; i < 250; i++) {
        if (seen.some(pred)) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no such change among ${JSON.stringify(seen)}`);
    };
    await wait((c) => c.topic === 'servers');
    seen.length = 0;
    await offered(store, 'j-n', ['h1', 'h2']);
    await wait((c) => c.topic === 'relay' && c.jobId === undefined);
    seen.length = 0;
    await store().claimRelayTasks('s2', [{ worker: 'w1', free: 1 }], 300);
    await wait((c) => c.topic === 'relay' && c.jobId === 'j-n');
    seen.length = 0;
    await store().recordProgress(
      batch({ epochs: new Map([['j-n', null]]), relayResults: [{ ...key('j-n', 'h1'), result: RESULT }] }),
    );
    await wait((c) => c.topic === 'relay' && c.jobId === 'j-n');
    seen.length = 0;
    await store().cancelRelayTasks([key('j-n', 'h2')], 'killed');
    await wait((c) => c.topic === 'relay' && c.jobId === undefined);
    off();
  });
}
