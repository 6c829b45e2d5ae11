// LISTEN on the schema's channel over one dedicated connection, re-established when it drops.
import { Client } from 'pg';
import { ChangeFeed } from '../change-feed.ts';
import type { StoreChange } from '../types.ts';
import { CHANNEL_SQL, changeOf } from './cluster-queries.ts';
import type { CompiledPostgresOptions } from './postgres-options.ts';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/**
 * Connects on the first `watch` and stays connected while anyone watches. After a reconnect (the database
 * restarted, the connection was killed) listeners get `resync`: what was notified meanwhile is lost, so
 * they check the store themselves.
 */
export class ChangeListener {
  private readonly feed = new ChangeFeed();
  private client: Client | undefined;
  private connecting = false;
  private closed = false;
  private retryMs = RETRY_MIN_MS;
  private timer: NodeJS.Timeout | undefined;
  private everConnected = false;

  constructor(private readonly options: CompiledPostgresOptions) {}

  watch(listener: (change: StoreChange) => void): () => void {
    const off = this.feed.watch(listener);
    if (!this.client && !this.connecting && !this.closed) void this.connect();
    return () => {
      off();
      if (!this.feed.watched) this.disconnect();
    };
  }

  close(): Promise<void> {
    this.closed = true;
    this.disconnect();
    return Promise.resolve();
  }

  private async connect(): Promise<void> {
    this.connecting = true;
    const client = new Client({
      connectionString: this.options.connectionString,
      // Named with its schema in pg_stat_activity (several Pogos, or tests, share a database).
      application_name:
        `pogo-listen${this.options.schema !== undefined ? `:${this.options.schema}` : ''}`.slice(0, 63),
      options: this.options.startupOptions,
    });
    client.on('error', () => this.dropped(client));
    client.on('end', () => this.dropped(client));
    client.on('notification', (n) => {
      const change = changeOf(n.payload);
      if (change) this.feed.emit(change);
    });
    try {
      await client.connect();
      const row = await client.query<{ channel: string }>(`SELECT ${CHANNEL_SQL} AS channel`);
      const channel = row.rows[0]?.channel ?? 'pogo_public';
      await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    } catch {
      this.connecting = false;
      void client.end().catch(() => undefined);
      return this.retry();
    }
    this.connecting = false;
    if (this.closed || !this.feed.watched) {
      void client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = RETRY_MIN_MS;
    // The first connection misses nothing a watcher cares about; a later one may have.
    if (this.everConnected) this.feed.emit({ topic: 'resync' });
    this.everConnected = true;
  }

  private dropped(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.closed || !this.feed.watched || this.timer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.client && !this.connecting) void this.connect();
    }, delay);
    this.timer.unref();
  }

  private disconnect(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const c = this.client;
    this.client = undefined;
    if (c) void c.end().catch(() => undefined);
  }
}
