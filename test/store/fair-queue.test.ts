import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStore } from '../../src/store/postgres.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import { FAILURE_PREVIEW, type MetadataStore } from '../../src/store/types.ts';
import { createTestDatabase, NO_POSTGRES } from '../helpers/postgres.ts';
import { batchRecord, ownerWithUser } from './helpers/records.ts';

/*
 * The fair queue and the paged batch failures, on both engines. Expected claim orders are worked
 * out by hand from the rule in store/job-queue.ts (an owner's job gets the turn after its last
 * pending one, never one before the highest turn taken so far; lowest turn first, then oldest).
 */

const ENGINES: { name: string; skip: string | false; open: () => Promise<{ store: MetadataStore; close(): Promise<void> }> }[] = [
  {
    name: 'SQLite',
    skip: false,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'furrow-fair-'));
      const store = createSqliteStore(join(dir, 'furrow.db'));
      await store.migrate();
      return {
        store,
        async close() {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: NO_POSTGRES,
    async open() {
      const database = await createTestDatabase();
      const store = createPostgresStore(database.url);
      await store.migrate();
      return {
        store,
        async close() {
          await store.close();
          await database.drop();
        },
      };
    },
  },
];

/** Claims and completes every due conversion; the `n` of each payload in claim order. */
async function drain(store: MetadataStore, limit = Infinity): Promise<string[]> {
  const order: string[] = [];
  for (let job = await store.claimJob(['convertBatch', 'merge'], 60_000); job; job = order.length < limit ? await store.claimJob(['convertBatch', 'merge'], 60_000) : undefined) {
    order.push(String(job.payload.n));
    await store.completeJob(job.id, job.attempts);
  }
  return order;
}

for (const engine of ENGINES) {
  const run = (name: string, fn: (store: MetadataStore) => Promise<void>) =>
    test(`${engine.name}: ${name}`, { skip: engine.skip }, async () => {
      const env = await engine.open();
      try {
        await fn(env.store);
      } finally {
        await env.close();
      }
    });

  run('owners queued at once are taken in turns, not first come first served', async (store) => {
    for (let i = 0; i < 6; i++) await store.enqueue('convertBatch', { n: `A${i}` }, undefined, { ownerId: 'A' });
    for (let i = 0; i < 3; i++) await store.enqueue('convertBatch', { n: `B${i}` }, undefined, { ownerId: 'B' });
    await store.enqueue('merge', { n: 'C0' }, undefined, { ownerId: 'C' });
    // Turns: A 0–5; B 0–2 (the head is at 0); C 0. Within a turn, the older first.
    assert.deepEqual(await drain(store), ['A0', 'B0', 'C0', 'A1', 'B1', 'A2', 'B2', 'A3', 'A4', 'A5']);
  });

  run('a newcomer waits behind one job of the owner with a long queue, not behind the queue', async (store) => {
    for (let i = 0; i < 200; i++) await store.enqueue('convertBatch', { n: `A${i}` }, undefined, { ownerId: 'A' });
    assert.deepEqual(await drain(store, 50), Array.from({ length: 50 }, (_, i) => `A${i}`));
    // The queue is in round 49 (the last job taken): B's first job gets turn 49, before A's next; B's second, 50, after A's older one.
    await store.enqueue('convertBatch', { n: 'B0' }, undefined, { ownerId: 'B' });
    await store.enqueue('convertBatch', { n: 'B1' }, undefined, { ownerId: 'B' });
    assert.deepEqual(await drain(store, 4), ['B0', 'A50', 'B1', 'A51']);
  });

  run('with nothing waiting, a job is next whatever its owner did before; a running job counts as its owner\'s last', async (store) => {
    await store.enqueue('convertBatch', { n: 'A0' }, undefined, { ownerId: 'A' });
    const running = await store.claimJob(['convertBatch'], 60_000);
    assert.equal(running?.payload.n, 'A0');
    // A's next slice while A0 runs: the turn after A0's. B, arriving then, gets the current round's: before A1.
    await store.enqueue('convertBatch', { n: 'A1' }, undefined, { ownerId: 'A' });
    await store.enqueue('convertBatch', { n: 'B0' }, undefined, { ownerId: 'B' });
    await store.completeJob(running!.id, running!.attempts);
    assert.deepEqual(await drain(store), ['B0', 'A1']);
  });

  run('jobs of no owner and of other kinds keep their first-come order', async (store) => {
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    await store.enqueue('deliverWebhook', { n: 'late' }, ago(1000));
    await store.enqueue('deliverWebhook', { n: 'early' }, ago(2000));
    await store.enqueue('purgeBlobs', { n: 'purge' }, ago(1500));
    const order: unknown[] = [];
    for (let job = await store.claimJob(['deliverWebhook', 'purgeBlobs'], 60_000); job; job = await store.claimJob(['deliverWebhook', 'purgeBlobs'], 60_000)) order.push(job.payload.n);
    assert.deepEqual(order, ['early', 'purge', 'late']);
  });

  run('a job queued twice under one id is queued once', async (store) => {
    const id = '0190a0a0-0000-7000-8000-000000000001';
    const first = await store.enqueue('convertBatch', { n: 'slice-2' }, undefined, { ownerId: 'A', id });
    const again = await store.enqueue('convertBatch', { n: 'other' }, undefined, { ownerId: 'A', id });
    assert.equal(first.id, id);
    assert.deepEqual(again.payload, { n: 'slice-2' });
    assert.equal((await store.findJob(id))?.ownerId, 'A');
    assert.deepEqual(await drain(store), ['slice-2']);
    assert.equal(await store.findJob('0190a0a0-0000-7000-8000-000000000002'), undefined);
  });

  run('batch failures: the record keeps the first ones and the count, every one is paged in order', async (store) => {
    const { owner, user } = await ownerWithUser(store, 'failing');
    const batch = await store.createBatch(batchRecord(owner.id, user.id, { failures: [{ path: 'first', reason: 'r' }] }));
    assert.equal(batch.failureCount, 1);
    const many = Array.from({ length: 1200 }, (_, i) => ({ path: `TASKDATA${i}`, reason: `reason ${i}` }));
    await store.addBatchFailures(batch.id, many.slice(0, 700));
    await store.addBatchFailures(batch.id, many.slice(700));
    const read = (await store.getBatch(owner.id, batch.id))!;
    assert.equal(read.failureCount, 1201);
    assert.deepEqual(read.failures, [{ path: 'first', reason: 'r' }, ...many.slice(0, FAILURE_PREVIEW - 1)]);
    const page = await store.listBatchFailures(batch.id, 2, 500);
    assert.equal(page.total, 1201);
    assert.deepEqual(page.items, many.slice(999, 1200));
    assert.deepEqual((await store.listBatchFailures(batch.id, 0, 2)).items, [{ path: 'first', reason: 'r' }, many[0]]);

    // Replacing (a retry's run) starts the list again.
    await store.updateBatch(batch.id, { failures: [{ path: '', reason: 'only' }] });
    assert.deepEqual(await store.listBatchFailures(batch.id, 0, 100), { items: [{ path: '', reason: 'only' }], total: 1 });
    assert.equal((await store.findBatch(batch.id))?.failureCount, 1);

    // Deleting the user takes the batch and its failures.
    await store.deleteUser(owner.id, user.id);
    assert.deepEqual(await store.listBatchFailures(batch.id, 0, 100), { items: [], total: 0 });
  });

  run('unfinished uploads are counted per owner', async (store) => {
    const a = await ownerWithUser(store, 'a');
    const b = await ownerWithUser(store, 'b');
    for (const status of ['RECEIVED', 'PROCESSING', 'PROCESSED', 'FAILED', 'RECEIVED'] as const) await store.createBatch(batchRecord(a.owner.id, a.user.id, { status }));
    await store.createBatch(batchRecord(b.owner.id, b.user.id, { status: 'RECEIVED' }));
    assert.equal(await store.countUnfinishedBatches(a.owner.id), 3);
    assert.equal(await store.countUnfinishedBatches(b.owner.id), 1);
  });
}
