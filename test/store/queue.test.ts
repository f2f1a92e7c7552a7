import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { MetadataStore } from '../../src/store/types.ts';
import { jobRow } from './helpers/jobs-table.ts';
import { withSqliteStore } from '../helpers/store.ts';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

test('claims the oldest due job of the requested kinds, never a future one', () =>
  withSqliteStore(async (store) => {
    const future = await store.enqueue('convertBatch', { n: 'future' }, new Date(Date.now() + 60_000).toISOString());
    const second = await store.enqueue('convertBatch', { n: 2 }, ago(1000));
    const first = await store.enqueue('convertBatch', { n: 1 }, ago(2000));
    const hook = await store.enqueue('deliverWebhook', { n: 'hook' });
    assert.equal(first.state, 'queued');
    assert.equal(first.attempts, 0);

    const a = await store.claimJob(['convertBatch', 'merge'], 10_000);
    assert.equal(a?.id, first.id);
    assert.equal(a?.state, 'running');
    assert.equal(a?.attempts, 1);
    assert.deepEqual(a?.payload, { n: 1 });
    assert.ok(a?.leaseUntil && Date.parse(a.leaseUntil) > Date.now());
    assert.equal((await store.claimJob(['convertBatch'], 10_000))?.id, second.id);
    assert.equal(await store.claimJob(['convertBatch'], 10_000), undefined, `${future.id} is not due`);
    assert.equal((await store.claimJob(['deliverWebhook'], 10_000))?.id, hook.id);
    assert.equal(await store.claimJob([], 10_000), undefined);
  }));

test('a job whose lease expired is claimed again; the stale claim can no longer renew, complete or fail it', () =>
  withSqliteStore(async (store, dbPath) => {
    const job = await store.enqueue('merge', { fileId: 'f' });
    const stale = await store.claimJob(['merge'], 60);
    assert.equal(stale?.attempts, 1);
    assert.equal(await store.claimJob(['merge'], 60), undefined, 'held while the lease runs');
    assert.equal(await store.renewLease(job.id, 60, 1), true);
    await sleep(100);
    const fresh = await store.claimJob(['merge'], 10_000);
    assert.equal(fresh?.id, job.id);
    assert.equal(fresh?.attempts, 2);

    assert.equal(await store.renewLease(job.id, 10_000, 1), false);
    await store.completeJob(job.id, 1);
    await store.failJob(job.id, 'stale', undefined, 1);
    assert.equal(jobRow(dbPath, job.id)?.state, 'running', 'the stale claim changed nothing');
    await store.completeJob(job.id, 2);
    assert.equal(jobRow(dbPath, job.id)?.state, 'done');
    assert.equal(await store.claimJob(['merge'], 10_000), undefined);
  }));

test('failJob retries at retryAt, or fails for good', () =>
  withSqliteStore(async (store, dbPath) => {
    const job = await store.enqueue('convertBatch', { batchId: 'b' });
    await store.claimJob(['convertBatch'], 10_000);
    await store.failJob(job.id, 'disk full', new Date(Date.now() + 80).toISOString(), 1);
    assert.equal(jobRow(dbPath, job.id)?.state, 'queued');
    assert.equal(jobRow(dbPath, job.id)?.last_error, 'disk full');
    assert.equal(await store.claimJob(['convertBatch'], 10_000), undefined, 'not before retryAt');
    await sleep(100);
    const retried = await store.claimJob(['convertBatch'], 10_000);
    assert.equal(retried?.attempts, 2);
    assert.equal(retried?.lastError, 'disk full');
    await store.failJob(job.id, 'still full');
    assert.equal(jobRow(dbPath, job.id)?.state, 'failed');
    await sleep(20);
    assert.equal(await store.claimJob(['convertBatch'], 10_000), undefined, 'a failed job is never claimed');
  }));

test('two connections to one file never claim the same job', () =>
  withSqliteStore(async (store, dbPath) => {
    const other = createSqliteStore(dbPath);
    try {
      const ids = new Set<string>();
      for (let i = 0; i < 40; i++) ids.add((await store.enqueue('convertBatch', { i })).id);
      const claimed: string[] = [];
      const drain = async (s: MetadataStore) => {
        for (let job = await s.claimJob(['convertBatch'], 60_000); job; job = await s.claimJob(['convertBatch'], 60_000)) claimed.push(job.id);
      };
      await Promise.all([drain(store), drain(other), drain(store), drain(other)]);
      assert.equal(claimed.length, 40);
      assert.deepEqual(new Set(claimed), ids);
    } finally {
      await other.close();
    }
  }));
