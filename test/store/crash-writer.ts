// Child process of the SQLite crash test: writes numbered progress batches until it is killed.
// Usage: node --import tsx test/store/crash-writer.ts DB_PATH. Prints each batch number once it is committed.
import { openSqliteStore } from '../../src/store/index.ts';
import type { EventRecord } from '../../src/model/index.ts';
import { isPogoError } from '../../src/model/index.ts';
import { CRASH_HOSTS, CRASH_JOB, crashBatchNumber, crashChunk, crashJob } from './crash-batch.ts';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: crash-writer.ts DB_PATH');
const store = openSqliteStore(path);
await store.migrate();
let k = 0;
try {
  k = crashBatchNumber(await store.getJob(CRASH_JOB));
} catch (e: unknown) {
  if (!isPogoError(e, 'STORE_NOT_FOUND')) throw e;
  await store.createJob(crashJob());
}
const epochs = new Map([[CRASH_JOB, 0]]);
for (;;) {
  k++;
  const events: EventRecord[] = [];
  for (let i = 1; i <= 100; i++)
    events.push({ jobId: CRASH_JOB, seq: (k - 1) * 100 + i, type: 'host:started', t: k, host: `h${i % 10}` });
  await store.recordProgress({
    epochs,
    jobs: [{ id: CRASH_JOB, reason: `batch ${k}` }],
    hosts: CRASH_HOSTS.map((host) => ({ jobId: CRASH_JOB, host, attempt: k, message: `batch ${k}` })),
    events,
    output: [crashChunk(k)],
  });
  process.stdout.write(`${k}\n`);
}
