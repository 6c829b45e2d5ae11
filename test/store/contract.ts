// The backend-agnostic Store contract: every method and its documented errors, through the interface only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { accountContract } from './contract/accounts.ts';
import { clusterContract } from './contract/cluster.ts';
import { hostContract } from './contract/hosts.ts';
import { jobContract } from './contract/jobs.ts';
import { leaseContract } from './contract/leases.ts';
import { outputContract } from './contract/output.ts';
import { progressContract } from './contract/progress.ts';
import { relayContract } from './contract/relay.ts';
import { retentionContract } from './contract/retention.ts';

/** A fresh, empty store for one test and how to dispose of it. */
export interface OpenedStore {
  readonly store: Store;
  readonly cleanup: () => Promise<void>;
}

/**
 * Define the contract tests for a backend. `open` gives a fresh, empty, not yet migrated store per test;
 * the suite migrates it, and calls `cleanup` after the test (which must close the store).
 */
export function describeStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${name}`, () => {
    let current: OpenedStore | undefined;
    let firstMigration = 0;
    const store = (): Store => {
      if (current === undefined) throw new Error('no store open');
      return current.store;
    };
    beforeEach(async () => {
      current = await open();
      firstMigration = await current.store.migrate();
    });
    afterEach(async () => {
      const c = current;
      current = undefined;
      await c?.cleanup();
    });

    it('migrate applies every migration once and is idempotent', async () => {
      expect(firstMigration).toBeGreaterThan(0);
      expect(await store().migrate()).toBe(0);
      expect(await store().migrate()).toBe(0);
    });

    it('names its dialect', () => {
      expect(['sqlite', 'postgres']).toContain(store().capabilities.dialect);
    });

    describe('jobs', () => jobContract(store));
    describe('hosts', () => hostContract(store));
    describe('progress and events', () => progressContract(store));
    describe('retention', () => retentionContract(store));
    describe('output', () => outputContract(store));
    describe('leases', () => leaseContract(store));
    describe('namespaces, users, tokens, audit', () => accountContract(store));
    describe('several servers: namespace leases, requests, changes', () => clusterContract(store));
    describe('several servers: relayed tasks and heartbeats', () => relayContract(store));
  });
}
