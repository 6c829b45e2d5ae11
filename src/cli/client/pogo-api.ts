// Pogo's HTTP API as typed calls: one method per route of /v1 that the CLI client uses.
import type {
  Actor,
  EventRecord,
  HostRecord,
  JobRecord,
  JobView,
  NamespaceVersion,
  Page,
  SubmitJobRequest,
  SealedEnvelope,
  TagList,
  TargetsPreview,
  WorkerCertificate,
  WorkerInfo,
} from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import type { ApiClient } from './api-client.ts';
import type { ReconnectInfo } from './sse.ts';
import { followSse } from './sse.ts';

/** Filters of GET /v1/jobs (newest first). */
export interface JobListQuery {
  readonly user?: string | undefined;
  readonly state?: readonly string[] | undefined;
  readonly namespace?: string | undefined;
  readonly host?: string | undefined;
  readonly q?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit?: number | undefined;
}

/** Filters of GET /v1/jobs/:ref/hosts (plan order). */
export interface HostListQuery {
  readonly state?: readonly string[] | undefined;
  readonly q?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit?: number | undefined;
}

/** One read of a host's output. */
export interface OutputRead {
  readonly data: Buffer;
  readonly attempt: number;
  /** Where the next read starts; equals `total` when everything stored was read. */
  readonly nextOffset: number;
  readonly total: number;
  readonly truncated: boolean;
}

/** POST /v1/namespaces/:ns/validate. */
export type NamespaceCheck =
  | {
      readonly ok: true;
      readonly hosts: number;
      readonly tags: number;
      readonly groups: number;
      readonly chains: number;
      /** What the load went on despite (an \`http\` source served from its cache). */
      readonly warnings?: readonly string[];
    }
  | {
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      readonly line?: number;
      readonly column?: number;
      readonly hint?: string;
    };

/** Options of {@link PogoApi.followEvents}. */
export interface FollowEventsOptions {
  /** Deliver events with a seq above this (0: all). */
  readonly after: number;
  readonly signal?: AbortSignal | undefined;
  readonly onReconnect?: (info: ReconnectInfo) => void;
}

const YAML = 'application/yaml';

/** The API of one server. Job refs are ids, unique id prefixes or `last`; the server resolves them. */
export class PogoApi {
  constructor(readonly client: ApiClient) {}

  /** The server's base URL. */
  get server(): string {
    return this.client.server;
  }

  /** GET /v1/me: who the token belongs to. */
  me(): Promise<Actor> {
    return this.client.json('GET', '/v1/me');
  }

  /** POST /v1/jobs: the job as created (201). */
  submitJob(request: SubmitJobRequest): Promise<JobRecord> {
    return this.client.json('POST', '/v1/jobs', { json: request });
  }

  /** GET /v1/jobs/:ref: the job with what its dispatcher knows (draining, blocking groups). */
  getJob(ref: string): Promise<JobView> {
    return this.client.json('GET', jobPath(ref));
  }

  /** GET /v1/jobs: one page, newest first. */
  listJobs(query: JobListQuery): Promise<Page<JobRecord>> {
    return this.client.json('GET', '/v1/jobs', { query: { ...query } });
  }

  /** GET /v1/jobs/:ref/hosts: one page of hosts, plan order. */
  listHosts(ref: string, query: HostListQuery): Promise<Page<HostRecord>> {
    return this.client.json('GET', `${jobPath(ref)}/hosts`, { query: { ...query } });
  }

  /** GET /v1/jobs/:ref/hosts/:host. */
  getHost(ref: string, host: string): Promise<HostRecord> {
    return this.client.json('GET', `${jobPath(ref)}/hosts/${encodeURIComponent(host)}`);
  }

  /** Raw output bytes of one host attempt from `offset`. */
  async readOutput(
    ref: string,
    host: string,
    range: { readonly attempt?: number | undefined; readonly offset: number; readonly limit?: number },
  ): Promise<OutputRead> {
    const { data, headers } = await this.client.bytes(
      `${jobPath(ref)}/hosts/${encodeURIComponent(host)}/output`,
      { query: { ...range, format: 'raw' } },
    );
    const int = (name: string, fallback: number): number => {
      const n = Number(headers.get(name) ?? NaN);
      return Number.isSafeInteger(n) && n >= 0 ? n : fallback;
    };
    const nextOffset = int('x-pogo-next-offset', range.offset + data.length);
    return {
      data,
      attempt: int('x-pogo-attempt', range.attempt ?? 0),
      nextOffset,
      total: int('x-pogo-total', nextOffset),
      truncated: headers.get('x-pogo-truncated') === 'true',
    };
  }

  /** Stored events with seq above `after`, oldest first. */
  async listEvents(ref: string, after: number, limit = 1000): Promise<readonly EventRecord[]> {
    const page = await this.client.json<Page<EventRecord>>('GET', `${jobPath(ref)}/events`, {
      query: { after, limit },
    });
    return page.items;
  }

  /** Every event after `options.after`, live, across reconnects, until the server ends the stream. */
  async *followEvents(ref: string, options: FollowEventsOptions): AsyncGenerator<EventRecord> {
    const messages = followSse(this.client, `${jobPath(ref)}/events`, {
      lastEventId: String(options.after),
      signal: options.signal,
      ...(options.onReconnect ? { onReconnect: options.onReconnect } : {}),
    });
    for await (const message of messages) {
      if (message.event === 'end') return;
      yield parseEvent(message.data);
    }
  }

  /** POST /v1/jobs/:ref/halt: nothing new starts; `kill` also kills running commands. */
  halt(ref: string, kill: boolean): Promise<JobView> {
    return this.client.json('POST', `${jobPath(ref)}/halt`, { json: kill ? { kill } : {} });
  }

  /** POST /v1/jobs/:ref/resume (with the password again for a job in `needs-password`). */
  resume(ref: string, envelope?: SealedEnvelope): Promise<JobView> {
    return this.client.json('POST', `${jobPath(ref)}/resume`, { json: envelope ? { envelope } : {} });
  }

  /** POST /v1/jobs/:ref/retry: run these failed hosts again. */
  retry(ref: string, hosts: readonly string[]): Promise<JobView> {
    return this.client.json('POST', `${jobPath(ref)}/retry`, { json: { hosts } });
  }

  /** POST /v1/jobs/:ref/skip: count these hosts as done without running them. */
  skip(ref: string, hosts: readonly string[]): Promise<JobView> {
    return this.client.json('POST', `${jobPath(ref)}/skip`, { json: { hosts } });
  }

  /** POST /v1/jobs/:ref/rollback: a new job running `command` on the hosts that succeeded, last first. */
  rollback(ref: string, command: string, envelope?: SealedEnvelope): Promise<JobRecord> {
    return this.client.json('POST', `${jobPath(ref)}/rollback`, {
      json: envelope ? { command, envelope } : { command },
    });
  }

  /** GET /v1/namespaces: each namespace's newest version. */
  async listNamespaces(): Promise<readonly NamespaceVersion[]> {
    return (await this.client.json<Page<NamespaceVersion>>('GET', '/v1/namespaces')).items;
  }

  /** GET /v1/namespaces/:ns: the newest version, or `version`. */
  getNamespace(namespace: string, version?: number): Promise<NamespaceVersion> {
    return this.client.json('GET', namespacePath(namespace), { query: { version } });
  }

  /** PUT /v1/namespaces/:ns: store `text` (YAML) as the next version. */
  putNamespace(namespace: string, text: string): Promise<NamespaceVersion> {
    return this.client.json('PUT', namespacePath(namespace), { text: { body: text, contentType: YAML } });
  }

  /** POST /v1/namespaces/:ns/validate: check `text` without storing it. */
  validateNamespace(namespace: string, text: string): Promise<NamespaceCheck> {
    return this.client.json('POST', `${namespacePath(namespace)}/validate`, {
      text: { body: text, contentType: YAML },
    });
  }

  /** GET /v1/namespaces/:ns/tags: the tags of the newest config with their host counts. */
  listTags(namespace: string): Promise<TagList> {
    return this.client.json('GET', `${namespacePath(namespace)}/tags`);
  }

  /** POST /v1/namespaces/:ns/targets: the hosts `targets` names under the namespace's config. */
  resolveTargets(namespace: string, targets: string): Promise<TargetsPreview> {
    return this.client.json('POST', `${namespacePath(namespace)}/targets`, { json: { targets } });
  }

  /** GET /v1/workers: the workers connected to this server. */
  async workers(): Promise<readonly WorkerInfo[]> {
    return (await this.client.json<Page<WorkerInfo>>('GET', '/v1/workers')).items;
  }

  /** GET /v1/workers/certificates: what to seal password envelopes to (verify them first). */
  async workerCertificates(): Promise<readonly WorkerCertificate[]> {
    return (await this.client.json<Page<WorkerCertificate>>('GET', '/v1/workers/certificates')).items;
  }
}

function jobPath(ref: string): string {
  return `/v1/jobs/${encodeURIComponent(ref)}`;
}

function namespacePath(namespace: string): string {
  return `/v1/namespaces/${encodeURIComponent(namespace)}`;
}

/** An SSE `data` line as an event record (checked only for what the CLI relies on). */
function parseEvent(data: string): EventRecord {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (e: unknown) {
    throw new PogoError('INTERNAL', `the server sent an event that is not JSON: ${data.slice(0, 120)}`, {
      cause: e,
    });
  }
  const record = value as { type?: unknown; seq?: unknown; t?: unknown } | null;
  if (typeof record?.type !== 'string' || typeof record.seq !== 'number' || typeof record.t !== 'number') {
    throw new PogoError('INTERNAL', `the server sent an event without type, seq or t: ${data.slice(0, 120)}`);
  }
  return value as EventRecord;
}
