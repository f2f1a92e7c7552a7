import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { FileQuery, MetadataStore } from '../../src/store/types.ts';
import { withTempDir } from '../helpers/temp.ts';
import { batchRecord, fileRecord, ownerWithUser } from './helpers/records.ts';

async function withStore(fn: (store: MetadataStore, dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const store = createSqliteStore(join(dir, 'db', 'furrow.db'));
    await store.migrate();
    try {
      await fn(store, dir);
    } finally {
      await store.close();
    }
  });
}

test('migrate is idempotent and the data survives reopening the file', () =>
  withStore(async (store, dir) => {
    await store.migrate();
    await store.createOwner('alice', 'hash');
    await store.close();
    const again = createSqliteStore(join(dir, 'db', 'furrow.db'));
    await again.migrate();
    assert.equal(await again.countOwners(), 1);
    assert.equal((await again.findOwnerByUsername('alice'))?.passwordHash, 'hash');
    await again.close();
    // withStore closes its own handle again: closing twice must be harmless.
  }));

test('owners: create, find, count, unique username', () =>
  withStore(async (store) => {
    assert.equal(await store.countOwners(), 0);
    const alice = await store.createOwner('alice', 'h1');
    assert.deepEqual(await store.findOwnerByUsername('alice'), alice);
    assert.equal(await store.findOwnerByUsername('nobody'), undefined);
    await assert.rejects(store.createOwner('alice', 'h2'));
    assert.equal(await store.countOwners(), 1);
  }));

test('users: CRUD, filters, paging, and isolation between owners', () =>
  withStore(async (store) => {
    const { owner: alice, user } = await ownerWithUser(store, 'alice');
    const { owner: bob } = await ownerWithUser(store, 'bob');
    assert.deepEqual(await store.getUser(alice.id, user.id), user);
    assert.equal(await store.getUser(bob.id, user.id), undefined, "another owner's user reads as missing");

    for (let i = 0; i < 4; i++) await store.createUser({ ownerId: alice.id, name: `u${i}`, email: `U${i}@Example.com`, phone: '1', address: null, externalId: `x${i}`, credentials: { johnDeereCredentials: { id: `c${i}` } } });
    const page = await store.listUsers(alice.id, { page: 1, size: 2 });
    assert.equal(page.total, 5);
    assert.equal(page.items.length, 2);
    assert.deepEqual((await store.listUsers(alice.id, { email: 'u2@example.com', page: 0, size: 10 })).items.map((u) => u.name), ['u2']);
    assert.deepEqual((await store.listUsers(alice.id, { externalId: 'x3', page: 0, size: 10 })).items[0]?.credentials, { johnDeereCredentials: { id: 'c3' } });
    assert.equal((await store.listUsers(bob.id, { name: 'u1', page: 0, size: 10 })).total, 0);

    const replaced = await store.replaceUser({ ...user, name: 'Renamed', credentials: {} });
    assert.equal(replaced?.name, 'Renamed');
    assert.equal(replaced?.createdTime, user.createdTime);
    assert.equal(await store.replaceUser({ ...user, ownerId: bob.id, name: 'Hijack' }), undefined);
    assert.equal(await store.deleteUser(bob.id, user.id), false);
    assert.equal(await store.deleteUser(alice.id, user.id), true);
    assert.equal(await store.getUser(alice.id, user.id), undefined);
  }));

test('batches: create, get, list newest first, update, find; deleting the user removes them', () =>
  withStore(async (store) => {
    const { owner, user } = await ownerWithUser(store, 'alice');
    const { owner: bob } = await ownerWithUser(store, 'bob');
    const first = await store.createBatch(batchRecord(owner.id, user.id, { uploadTimestamp: '2024-01-01T00:00:00Z', size: 5 * 1024 ** 3 }));
    const second = await store.createBatch(batchRecord(owner.id, user.id, { uploadTimestamp: '2024-01-02T00:00:00.000Z' }));
    assert.equal(first.uploadTimestamp, '2024-01-01T00:00:00.000Z', 'times are stored in one ISO form');
    assert.equal(first.size, 5 * 1024 ** 3, 'sizes above 2^32 survive');
    assert.deepEqual(await store.getBatch(owner.id, first.id), first);
    assert.equal(await store.getBatch(bob.id, first.id), undefined);
    assert.deepEqual(await store.findBatch(first.id), first);
    const list = await store.listBatches(owner.id, 0, 10);
    assert.deepEqual(list.items.map((b) => b.id), [second.id, first.id]);
    assert.equal(list.total, 2);
    assert.equal((await store.listBatches(bob.id, 0, 10)).total, 0);

    await store.updateBatch(first.id, { status: 'FAILED', statusDetails: 'No valid files found', failures: [{ path: 'a', reason: 'b' }] });
    const updated = await store.getBatch(owner.id, first.id);
    assert.equal(updated?.status, 'FAILED');
    assert.deepEqual(updated?.failures, [{ path: 'a', reason: 'b' }]);

    await store.upsertFile(fileRecord(owner.id, user.id, { batchId: first.id }));
    assert.equal(await store.deleteUser(owner.id, user.id), true);
    assert.equal(await store.findBatch(first.id), undefined);
    assert.equal((await store.listFiles({ ownerId: owner.id, sort: [], page: 0, size: 10 })).total, 0);
  }));

test('upsertFile is idempotent per (batchId, sourceKey) and keeps the first id and creation time', () =>
  withStore(async (store) => {
    const { owner, user } = await ownerWithUser(store, 'alice');
    const batch = await store.createBatch(batchRecord(owner.id, user.id));
    const original = await store.upsertFile(fileRecord(owner.id, user.id, { batchId: batch.id, sourceKey: 'k1', status: 'failed', statusDetails: 'bad', createdTime: '2024-01-01T00:00:00.000Z' }));
    const again = await store.upsertFile(
      fileRecord(owner.id, user.id, { id: randomUUID(), batchId: batch.id, sourceKey: 'k1', status: 'processed', summary: { type: 'Feature', properties: { a: 1 } }, units: { seedRate: 'seeds/ac' }, steps: { rawGeojson: { status: 'processed', message: 'ok' } }, warnings: ['w'] }),
    );
    assert.equal(again.id, original.id);
    assert.equal(again.createdTime, '2024-01-01T00:00:00.000Z');
    assert.equal(again.status, 'processed');
    assert.deepEqual(again.summary, { type: 'Feature', properties: { a: 1 } });
    assert.deepEqual(again.units, { seedRate: 'seeds/ac' });
    assert.deepEqual(again.warnings, ['w']);
    assert.deepEqual(await store.filesOfBatch(batch.id), [again]);
    assert.deepEqual(await store.getFile(owner.id, original.id), again);

    // Without a batch (merged files) the id is the key.
    const merged = await store.upsertFile(fileRecord(owner.id, user.id, { origin: 'merged', status: 'processing', sourceKey: 'merge:x' }));
    const done = await store.upsertFile({ ...merged, status: 'processed' });
    assert.equal(done.id, merged.id);
    assert.equal((await store.listFiles({ ownerId: owner.id, sort: [], page: 0, size: 10 })).total, 2);

    await store.updateFile(merged.id, { status: 'failed', statusDetails: 'x', sources: ['a', 'b'], startTime: '2024-05-01T10:00:00Z' });
    const updated = await store.findFile(merged.id);
    assert.equal(updated?.status, 'failed');
    assert.deepEqual(updated?.sources, ['a', 'b']);
    assert.equal(updated?.startTime, '2024-05-01T10:00:00.000Z');
  }));

test('getFile isolates owners', () =>
  withStore(async (store) => {
    const { owner, user } = await ownerWithUser(store, 'alice');
    const { owner: bob } = await ownerWithUser(store, 'bob');
    const file = await store.upsertFile(fileRecord(owner.id, user.id));
    assert.deepEqual(await store.getFile(owner.id, file.id), file);
    assert.equal(await store.getFile(bob.id, file.id), undefined);
    assert.equal((await store.listFiles({ ownerId: bob.id, sort: [], page: 0, size: 10 })).total, 0);
  }));

test('listFiles: every filter, multi-key sort with id as tiebreaker, pages and totals', () =>
  withStore(async (store) => {
    const { owner, user } = await ownerWithUser(store, 'alice');
    const other = await store.createUser({ ownerId: owner.id, name: 'o', email: null, phone: null, address: null, externalId: null, credentials: {} });
    const { owner: bob, user: bobUser } = await ownerWithUser(store, 'bob');
    const batch = await store.createBatch(batchRecord(owner.id, user.id));
    const ids = Array.from({ length: 12 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const [i, id] of ids.entries()) {
      await store.upsertFile(
        fileRecord(owner.id, i % 3 === 0 ? other.id : user.id, {
          id,
          batchId: i < 4 ? batch.id : null,
          sourceKey: `k${i}`,
          fileName: `f${i % 4}.zip`,
          provider: i % 2 === 0 ? 'JohnDeere' : 'Other',
          status: i === 5 ? 'failed' : 'processed',
          origin: i === 7 ? 'merged' : 'uploaded',
          operationType: i % 2 === 0 ? 'harvested' : 'planted',
          createdTime: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
          updatedTime: new Date(Date.UTC(2024, 1, 1 + i)).toISOString(),
          startTime: new Date(Date.UTC(2023, 5, 1 + i)).toISOString(),
          endTime: new Date(Date.UTC(2023, 5, 2 + i)).toISOString(),
          sizeInBytes: 1000 - (i % 5),
          areaM2: i * 100,
        }),
      );
    }
    await store.upsertFile(fileRecord(bob.id, bobUser.id, { provider: 'JohnDeere' }));

    const query = (changes: Partial<FileQuery>): FileQuery => ({ ownerId: owner.id, sort: [], page: 0, size: 100, ...changes });
    const found = async (changes: Partial<FileQuery>) => (await store.listFiles(query(changes))).items.map((f) => ids.indexOf(f.id));

    assert.deepEqual(await found({}), [...ids.keys()], 'default order is by id');
    assert.deepEqual(await found({ leafUserId: other.id }), [0, 3, 6, 9]);
    assert.deepEqual(await found({ provider: 'JohnDeere' }), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(await found({ status: 'failed' }), [5]);
    assert.deepEqual(await found({ origin: 'merged' }), [7]);
    assert.deepEqual(await found({ batchId: batch.id }), [0, 1, 2, 3]);
    assert.deepEqual(await found({ operationType: 'planted' }), [1, 3, 5, 7, 9, 11]);
    assert.deepEqual(await found({ createdTime: '2024-01-10T00:00:00Z' }), [9, 10, 11], 'created at or after, whatever the ISO spelling');
    assert.deepEqual(await found({ updatedTime: '2024-02-12T00:00:00.000Z' }), [11]);
    assert.deepEqual(await found({ startTime: '2023-06-11T00:00:00Z' }), [10, 11]);
    assert.deepEqual(await found({ endTime: '2023-06-03T00:00:00Z' }), [0, 1]);
    assert.deepEqual(await found({ minArea: 1050 }), [11]);
    assert.deepEqual(await found({ provider: 'JohnDeere', operationType: 'harvested', minArea: 500 }), [6, 8, 10]);

    // fileName has 4 values; ties broken by sizeInBytes (1000 - i % 5) desc.
    const sorted = await found({ sort: [{ field: 'fileName', direction: 'desc' }, { field: 'sizeInBytes', direction: 'desc' }] });
    assert.deepEqual(sorted, [11, 7, 3, 10, 6, 2, 5, 1, 9, 0, 8, 4]);
    assert.deepEqual(await found({ sort: [{ field: 'organizationId', direction: 'asc' }, { field: 'createdTime', direction: 'desc' }] }), [...ids.keys()].reverse());
    assert.deepEqual(await found({ sort: [{ field: 'provider', direction: 'asc' }] }), [0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11], 'equal keys in id order');

    const pages: number[] = [];
    for (let page = 0; page < 4; page++) {
      const result = await store.listFiles(query({ sort: [{ field: 'fileName', direction: 'asc' }], page, size: 5 }));
      assert.equal(result.total, 12);
      pages.push(...result.items.map((f) => ids.indexOf(f.id)));
    }
    assert.deepEqual(pages, [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], 'stable paging: every entry once');
    const filteredPage = await store.listFiles(query({ provider: 'Other', page: 1, size: 4 }));
    assert.equal(filteredPage.total, 6);
    assert.deepEqual(filteredPage.items.map((f) => ids.indexOf(f.id)), [9, 11]);
  }));

test('webhooks and failed calls are per owner', () =>
  withStore(async (store) => {
    const { owner } = await ownerWithUser(store, 'alice');
    const { owner: bob } = await ownerWithUser(store, 'bob');
    const webhook = await store.createWebhook({ id: randomUUID(), ownerId: owner.id, name: 'w', url: 'http://127.0.0.1:9/', secret: 's', events: ['uploadedFileProcessingFinished', 'batchUploadProcessingFinished'], createdTime: new Date().toISOString() });
    assert.deepEqual(await store.listWebhooks(owner.id), [webhook]);
    assert.deepEqual(await store.getWebhook(owner.id, webhook.id), webhook);
    assert.equal(await store.getWebhook(bob.id, webhook.id), undefined);
    assert.deepEqual(await store.listWebhooks(bob.id), []);
    await store.recordFailedCall({ id: randomUUID(), ownerId: owner.id, webhookId: webhook.id, createdAt: '2024-01-01T00:00:00.000Z', url: webhook.url, status: 500, response: 'oops', requestBody: '{"a": 1}', connectionError: null });
    await store.recordFailedCall({ id: randomUUID(), ownerId: owner.id, webhookId: webhook.id, createdAt: '2024-01-01T00:00:01.000Z', url: webhook.url, status: null, response: null, requestBody: '{}', connectionError: 'ECONNREFUSED' });
    const calls = await store.listFailedCalls(owner.id);
    assert.deepEqual(calls.map((c) => [c.status, c.connectionError]), [[500, null], [null, 'ECONNREFUSED']]);
    assert.deepEqual(await store.listFailedCalls(bob.id), []);
    assert.equal(await store.deleteWebhook(bob.id, webhook.id), false);
    assert.equal(await store.deleteWebhook(owner.id, webhook.id), true);
    assert.equal((await store.listFailedCalls(owner.id)).length, 2, 'failed calls outlive their webhook');
  }));
