import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStore } from '../../src/store/postgres.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import { EventRegisteredTwiceError, type MetadataStore } from '../../src/store/types.ts';
import { createTestDatabase, NO_POSTGRES } from '../helpers/postgres.ts';
import { batchRecord, fileRecord, ownerWithUser } from './helpers/records.ts';

/*
 * One contract, two engines: the same calls on the embedded SQLite store and on PostgreSQL must
 * give the same answers (one code path, dialect chosen by DATABASE_URL). Values are written here
 * and read back, so every expected figure is the one the test put in.
 */

type Open = () => Promise<{ store: MetadataStore; second: () => MetadataStore; close(): Promise<void> }>;

const ENGINES: { name: string; skip: string | false; open: Open }[] = [
  {
    name: 'SQLite',
    skip: false,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'furrow-contract-'));
      const path = join(dir, 'furrow.db');
      const store = createSqliteStore(path);
      await store.migrate();
      const others: MetadataStore[] = [];
      return {
        store,
        second: () => {
          const other = createSqliteStore(path);
          others.push(other);
          return other;
        },
        async close() {
          for (const other of others) await other.close();
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
      const others: MetadataStore[] = [];
      return {
        store,
        second: () => {
          const other = createPostgresStore(database.url);
          others.push(other);
          return other;
        },
        async close() {
          for (const other of others) await other.close();
          await store.close();
          await database.drop();
        },
      };
    },
  },
];

for (const engine of ENGINES) {
  const run = (name: string, fn: (store: MetadataStore, second: () => MetadataStore) => Promise<void>) =>
    test(`${engine.name}: ${name}`, { skip: engine.skip }, async () => {
      const env = await engine.open();
      try {
        await fn(env.store, env.second);
      } finally {
        await env.close();
      }
    });

  run('migrations run twice without harm, and records round-trip with their types (sizes above 2^31, JSON, nulls)', async (store) => {
    await store.migrate();
    const { owner, user } = await ownerWithUser(store, 'grower');
    const batch = await store.createBatchWithJob(batchRecord(owner.id, user.id, { size: 3 * 1024 ** 3, failures: [{ path: 'a', reason: 'b' }] }));
    assert.equal(batch.size, 3 * 1024 ** 3);
    assert.deepEqual((await store.getBatch(owner.id, batch.id))?.failures, [{ path: 'a', reason: 'b' }]);
    const file = await store.upsertFile(fileRecord(owner.id, user.id, { batchId: batch.id, sizeInBytes: 5_000_000_000, areaM2: 1234.5, warnings: ['w'] }));
    const read = await store.getFile(owner.id, file.id);
    assert.equal(read?.sizeInBytes, 5_000_000_000);
    assert.equal(read?.areaM2, 1234.5);
    assert.deepEqual(read?.warnings, ['w']);
    assert.equal(read?.startTime, null);
    assert.equal(await store.countOwners(), 1);
  });

  run('a batch keeps the progress its conversion last wrote, and a retry clears it', async (store) => {
    const { owner, user } = await ownerWithUser(store, 'grower');
    const batch = await store.createBatch(batchRecord(owner.id, user.id));
    assert.equal(batch.progress, undefined);
    const progress = { bytesDone: 3_000_000_000, bytesTotal: 5_000_000_000, fraction: 0.6, operationsDone: 1, operationsTotal: 3, stage: 'writing' as const };
    await store.updateBatch(batch.id, { progress });
    assert.deepEqual((await store.getBatch(owner.id, batch.id))?.progress, progress);
    assert.equal((await store.findBatch(batch.id))?.status, 'RECEIVED', 'the other columns are left alone');
    await store.updateBatch(batch.id, { status: 'PROCESSING', progress: null });
    assert.equal((await store.listBatches(owner.id, 0, 10)).items[0]?.progress, undefined);
  });

  run('an entry re-recorded for the same batch and operation replaces the first, keeping its id and creation time', async (store) => {
    const { owner, user } = await ownerWithUser(store, 'grower');
    const batch = await store.createBatch(batchRecord(owner.id, user.id));
    const first = await store.upsertFile(fileRecord(owner.id, user.id, { batchId: batch.id, sourceKey: 'TASKDATA/TSK1-harvested', status: 'failed', createdTime: '2024-01-01T00:00:00.000Z' }));
    const again = await store.upsertFile(fileRecord(owner.id, user.id, { id: 'another-id', batchId: batch.id, sourceKey: 'TASKDATA/TSK1-harvested', status: 'processed' }));
    assert.equal(again.id, first.id);
    assert.equal(again.createdTime, '2024-01-01T00:00:00.000Z');
    assert.equal(again.status, 'processed');
    assert.equal((await store.filesOfBatch(batch.id)).length, 1);
  });

  run('listing filters, sorts and pages the same way on both engines', async (store) => {
    const { owner, user } = await ownerWithUser(store, 'grower');
    const other = await ownerWithUser(store, 'neighbour');
    for (let i = 0; i < 7; i++) {
      await store.upsertFile(
        fileRecord(owner.id, user.id, {
          fileName: `f${i}.zip`,
          status: i % 2 === 0 ? 'processed' : 'failed',
          provider: i < 3 ? 'JohnDeere' : 'Other',
          sizeInBytes: 100 - i,
          createdTime: `2024-01-0${i + 1}T00:00:00.000Z`,
          areaM2: i * 1000,
        }),
      );
    }
    await store.upsertFile(fileRecord(other.owner.id, other.user.id));
    const base = { ownerId: owner.id, sort: [{ field: 'createdTime' as const, direction: 'asc' as const }], page: 0, size: 100 };
    assert.equal((await store.listFiles(base)).total, 7);
    // i = 0, 2, 4, 6 processed.
    assert.deepEqual((await store.listFiles({ ...base, status: 'processed' })).items.map((f) => f.fileName), ['f0.zip', 'f2.zip', 'f4.zip', 'f6.zip']);
    assert.deepEqual((await store.listFiles({ ...base, provider: 'JohnDeere' })).items.map((f) => f.fileName), ['f0.zip', 'f1.zip', 'f2.zip']);
    assert.deepEqual((await store.listFiles({ ...base, createdTime: '2024-01-06T00:00:00.000Z' })).items.map((f) => f.fileName), ['f5.zip', 'f6.zip']);
    const bySize = await store.listFiles({ ...base, sort: [{ field: 'sizeInBytes', direction: 'asc' }], page: 1, size: 3 });
    // Sizes 100..94 ascending: 94 (f6), 95, 96 | 97 (f3), 98 (f2), 99 (f1) | 100 (f0).
    assert.deepEqual(bySize.items.map((f) => f.fileName), ['f3.zip', 'f2.zip', 'f1.zip']);
    assert.equal(bySize.total, 7);
  });

  run('an event is held by one webhook of an owner', async (store) => {
    const { owner } = await ownerWithUser(store, 'grower');
    const hook = (id: string, events: string[]) => ({ id, ownerId: owner.id, name: id, url: 'http://127.0.0.1:9/hook', secret: 's', events, createdTime: new Date().toISOString() });
    await store.createWebhook(hook('a', ['batchUploadProcessingFinished']) as Parameters<MetadataStore['createWebhook']>[0]);
    await assert.rejects(store.createWebhook(hook('b', ['uploadedFileProcessingFailed', 'batchUploadProcessingFinished']) as Parameters<MetadataStore['createWebhook']>[0]), (error: unknown) => {
      assert.ok(error instanceof EventRegisteredTwiceError);
      assert.deepEqual(error.events, ['batchUploadProcessingFinished']);
      return true;
    });
    assert.deepEqual((await store.listWebhooks(owner.id)).map((w) => w.id), ['a']);
  });

  run('concurrent claims from two store connections never hand one job out twice', async (store, second) => {
    const other = second();
    for (let i = 0; i < 40; i++) await store.enqueue('convertBatch', { n: i });
    const claimed: string[] = [];
    const claimAll = async (s: MetadataStore) => {
      for (;;) {
        const job = await s.claimJob(['convertBatch'], 60_000);
        if (!job) return;
        claimed.push(job.id);
        await s.completeJob(job.id, job.attempts);
      }
    };
    await Promise.all([claimAll(store), claimAll(other), claimAll(store), claimAll(other)]);
    assert.equal(claimed.length, 40);
    assert.equal(new Set(claimed).size, 40);
  });

  run('a retry of a finished batch and its job are written together; a second retry finds nothing to do', async (store) => {
    const { owner, user } = await ownerWithUser(store, 'grower');
    const batch = await store.createBatch(batchRecord(owner.id, user.id, { status: 'FAILED' }));
    const [a, b] = await Promise.all([store.retryBatch(owner.id, batch.id), store.retryBatch(owner.id, batch.id)]);
    assert.equal([a, b].filter(Boolean).length, 1);
    const job = await store.claimJob(['convertBatch'], 60_000);
    assert.deepEqual(job?.payload, { batchId: batch.id, retry: true });
    assert.equal(await store.claimJob(['convertBatch'], 60_000), undefined);
  });

  run('deleting a user queues purgeBlobs jobs for its batches\' uploads and its files\' outputs, in 500-prefix chunks', async (store) => {
    const { owner, user } = await ownerWithUser(store, 'leaving');
    const other = await ownerWithUser(store, 'staying');
    const batch = await store.createBatch(batchRecord(owner.id, user.id));
    // 600 entries: 601 prefixes with the batch, so two jobs of 500 and 101.
    for (let i = 0; i < 600; i++) await store.upsertFile(fileRecord(owner.id, user.id, { id: `file-${i}`, blobPrefix: `files/file-${i}`, sourceKey: `op-${i}` }));
    await store.upsertFile(fileRecord(other.owner.id, other.user.id, { id: 'kept', blobPrefix: 'files/kept' }));
    assert.equal(await store.deleteUser(other.owner.id, user.id), false, 'another owner cannot delete the user');
    assert.equal(await store.claimJob(['purgeBlobs'], 60_000), undefined, 'a refused deletion queues nothing');

    assert.equal(await store.deleteUser(owner.id, user.id), true);
    const prefixes: string[] = [];
    for (let job = await store.claimJob(['purgeBlobs'], 60_000); job; job = await store.claimJob(['purgeBlobs'], 60_000)) prefixes.push(...(job.payload.prefixes as string[]));
    assert.equal(prefixes.length, 601);
    assert.deepEqual(new Set(prefixes), new Set([`batches/${batch.id}/`, ...Array.from({ length: 600 }, (_, i) => `files/file-${i}/`)]));
    assert.equal(await store.getFile(owner.id, 'file-0'), undefined);
    assert.ok(await store.getFile(other.owner.id, 'kept'));
  });
}
