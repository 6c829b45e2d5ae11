// Webhooks of jobs: when a job driven here starts, ends or waits for a password, its namespace's and the
// server's webhooks are told (JSON, or Slack's { text }), in the background.
import type { EventRecord, NotifyEvent, NotifyTarget } from '../model/index.ts';
import type { ConfigCache } from './config-cache.ts';
import type { JobDriver } from './job-driver.ts';
import type { Logger } from './logger.ts';
import { WebhookSender } from './webhook-sender.ts';
import type { WebhookSenderOptions } from './webhook-sender.ts';

export interface NotifierOptions {
  /** Webhooks of every namespace (`pogo server --notify`). */
  readonly targets: readonly NotifyTarget[];
  /** Values of `{{secret:NAME}}` in webhook URLs (the server's `--secrets` directory). */
  readonly secrets: ReadonlyMap<string, string>;
  readonly configs: ConfigCache;
  /** This server's name, in the payload. */
  readonly server: string;
  /** Where the web UI is (`https://pogo.example.com`): the payload links to the job's page. */
  readonly publicUrl?: string | undefined;
  readonly log: Logger;
  /** Delivery settings (tests shorten them). */
  readonly delivery?: Omit<WebhookSenderOptions, 'log' | 'onOutcome'>;
  readonly onOutcome?: WebhookSenderOptions['onOutcome'];
}

/** The job events a webhook hears of, and what it calls them. */
const EVENTS: Readonly<Record<string, NotifyEvent>> = {
  'job:started': 'started',
  'job:succeeded': 'succeeded',
  'job:failed': 'failed',
  'job:halted': 'halted',
  'job:needs-password': 'needs-password',
};

const SLACK_ICONS: Readonly<Record<NotifyEvent, string>> = {
  started: ':arrow_forward:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  halted: ':octagonal_sign:',
  'needs-password': ':key:',
};

const SECRET = /\{\{secret:([A-Za-z0-9_.-]{1,128})\}\}/g;

/**
 * Runs on the server that drives the job, after the events are committed, so each is sent once (a server
 * that dies with posts still queued loses them: delivery is at most once across a failover).
 */
export class Notifier {
  private readonly sender: WebhookSender;

  constructor(private readonly o: NotifierOptions) {
    this.sender = new WebhookSender({
      ...o.delivery,
      log: o.log,
      ...(o.onOutcome ? { onOutcome: o.onOutcome } : {}),
    });
  }

  /** Committed events of a job driven here. */
  jobEvents(d: JobDriver, events: readonly EventRecord[]): void {
    const wanted = events.filter((e) => EVENTS[e.type] !== undefined);
    if (wanted.length === 0) return;
    void this.targetsOf(d).then((targets) => {
      for (const e of wanted) {
        const event = EVENTS[e.type] as NotifyEvent;
        for (const t of targets) if (t.on.includes(event)) this.post(t, event, d, e);
      }
    });
  }

  stop(): void {
    this.sender.stop();
  }

  /** The server's webhooks and those of the config version the job runs under. */
  private async targetsOf(d: JobDriver): Promise<readonly NotifyTarget[]> {
    const version = d.record.configVersion;
    if (version === null) return this.o.targets;
    try {
      const config = await this.o.configs.get(d.namespace, version);
      return [...this.o.targets, ...(config.notify ?? [])];
    } catch (e: unknown) {
      this.o.log.warn(
        { err: e, job: d.id },
        'cannot read the namespace’s webhooks; only the server’s are told',
      );
      return this.o.targets;
    }
  }

  private post(t: NotifyTarget, event: NotifyEvent, d: JobDriver, e: EventRecord): void {
    const url = this.fill(t.url);
    if (url === undefined) return;
    const payload = this.payload(event, d, e);
    this.sender.send({
      url,
      shownUrl: shown(url),
      event: `job.${event}`,
      body: JSON.stringify(t.format === 'slack' ? { text: slackText(payload) } : payload),
    });
  }

  private payload(event: NotifyEvent, d: JobDriver, e: EventRecord): JobPayload {
    const r = d.record;
    const reason = 'reason' in e && typeof e.reason === 'string' ? e.reason : '';
    const url = this.o.publicUrl ? `${this.o.publicUrl.replace(/\/$/, '')}/jobs/${r.id}` : undefined;
    return {
      event: `job.${event}`,
      at: e.t,
      server: this.o.server,
      job: {
        id: r.id,
        namespace: r.namespace,
        user: r.user,
        command: r.command,
        targets: r.targets,
        state: d.rollout.jobStateNow,
        reason,
        hosts: d.rollout.plan.hosts.length,
        counts: d.rollout.hostCounts(),
        ...(url ? { url } : {}),
      },
    };
  }

  /** The URL with its secrets filled in; undefined (and a warning) when one is unknown. */
  private fill(template: string): string | undefined {
    let missing: string | undefined;
    const url = template.replace(SECRET, (_m, name: string) => {
      const v = this.o.secrets.get(name);
      if (v === undefined) missing ??= name;
      return v ?? '';
    });
    if (missing === undefined) return url;
    this.o.log.warn(
      { secret: missing },
      `webhook skipped: secret "${missing}" is not in the server’s --secrets`,
    );
    return undefined;
  }
}

/** What a JSON webhook receives. */
export interface JobPayload {
  readonly event: string;
  readonly at: number;
  readonly server: string;
  readonly job: {
    readonly id: string;
    readonly namespace: string;
    readonly user: string;
    readonly command: string;
    readonly targets: string;
    readonly state: string;
    readonly reason: string;
    readonly hosts: number;
    readonly counts: Readonly<Record<string, number>>;
    readonly url?: string;
  };
}

/** One line for Slack (and compatible chats): what happened, to how many hosts, whose command. */
export function slackText(p: JobPayload): string {
  const event = p.event.slice('job.'.length) as NotifyEvent;
  const j = p.job;
  const id = j.url ? `<${j.url}|${j.id}>` : j.id;
  const done = `${j.counts.succeeded ?? 0} of ${j.hosts} hosts succeeded`;
  const why = j.reason && event !== 'started' ? ` (${j.reason})` : '';
  const what = event === 'started' ? `started on ${j.hosts} hosts` : `${event}: ${done}${why}`;
  const command = j.command.length > 200 ? `${j.command.slice(0, 200)}…` : j.command;
  return `${SLACK_ICONS[event]} Pogo job ${id} in ${j.namespace} ${what} — ${j.user}: \`${command}\``;
}

/** A URL as logs may show it: scheme, host and port only (paths and queries often hold tokens). */
function shown(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(bad url)';
  }
}
