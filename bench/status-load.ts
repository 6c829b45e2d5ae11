// Load generator for the job-status API: keep-alive clients on loopback in a separate process; prints latency percentiles.
// As a script: tsx bench/status-load.ts URL TOKEN CLIENTS ID… (runs until SIGINT, then prints one JSON line).
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Run the generator in a child process until `done` settles; resolves with its statistics. */
export function loadStatus(
  url: string,
  token: string,
  ids: readonly string[],
  clients: number,
  done: Promise<unknown>,
): Promise<Record<string, number>> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), url, token, String(clients), ...ids],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  void done.finally(() => child.kill('SIGINT'));
  return new Promise((resolve, reject) =>
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim()) as Record<string, number>);
      } catch (e: unknown) {
        reject(new Error(`load generator printed no result: ${out}`, { cause: e }));
      }
    }),
  );
}

function get(agent: Agent, url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function generate(url: string, token: string, clients: number, ids: string[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const samples: number[] = [];
  let errors = 0;
  let stop = false;
  process.on('SIGINT', () => (stop = true));
  const t0 = performance.now();
  const client = async (c: number): Promise<void> => {
    for (let i = c; !stop; i++) {
      const id = ids[i % ids.length] as string;
      const s = performance.now();
      const status = await get(agent, `${url}/v1/jobs/${id}`, token).catch(() => 0);
      samples.push(performance.now() - s);
      if (status !== 200) errors++;
      if (samples.length >= 2_000_000) stop = true; // bounded
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  const secs = (performance.now() - t0) / 1000;
  samples.sort((a, b) => a - b);
  const q = (p: number): number => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0;
  agent.destroy();
  process.stdout.write(
    JSON.stringify({
      requests: samples.length,
      rps: samples.length / secs,
      p50: q(0.5),
      p90: q(0.9),
      p99: q(0.99),
      max: samples.at(-1) ?? 0,
      errors,
    }) + '\n',
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, token, clients, ...ids] = process.argv.slice(2);
  await generate(url as string, token as string, Number(clients), ids);
}
