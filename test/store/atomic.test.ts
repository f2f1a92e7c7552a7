import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import { EventRegisteredTwiceError, type Webhook, type WebhookEvent } from '../../src/store/types.ts';
import { withTempDir } from '../helpers/temp.ts';
import { jobRows, refuseJobInserts } from './helpers/jobs-table.ts';
import { batchRecord, fileRecord, ownerWithUser } from './helpers/records.ts';
import { withSqliteStore } from '../helpers/store.ts';

/* A record and its job are written together or not at all; an event has at most one webhook per owner. */

const payloads = (dbPath: string) => jobRows(dbPath).map((j) => ({ kind: j.kind, state: j.state, payload: JSON.parse(j.payload) as unknown }));

function webhook(ownerId: string, events: WebhookEvent[], name = 'w'): Webhook {
  return { id: randomUUID(), ownerId, name, url: 'http://127.0.0.1:9/', secret: 's', events, createdTime: new Date().toISOString() };
}

test('createBatchWithJob writes the batch and its convertBatch job; when the job cannot be written, no batch remains', () =>
  withSqliteStore(async (store, dbPath) => {
    const { owner, user } = await ownerWithUser(store, 'alice');
    const batch = await store.createBatchWithJob(batchRecord(owner.id, user.id, { uploadTimestamp: '2024-01-01T00:00:00Z' }));
    assert.equal(batch.uploadTimestamp, '2024-01-01T00:00:00.000Z');
    assert.deepEqual(await store.findBatch(batch.id), batch);
    assert.deepEqual(payloads(dbPath), [{ kind: 'convertBatch', state: 'queued', payload: { batchId: batch.id } }]);

    const restore = refuseJobInserts(dbPath);
    const lost = batchRecord(owner.id, user.id);
    await assert.rejects(store.createBatchWithJob(lost), /jobs refused by the test/);
    restore();
    assert.equal(await store.findBatch(lost.id), undefined, 'the batch insert was rolled back with the job insert');
    assert.equal((await store.listBatches(owner.id, 0, 10)).total, 1);
    assert.equal(jobRows(dbPath).length, 1);

    // A failed batch insert (unknown Leaf user) leaves no job either.
    await assert.rejects(store.createBatchWithJob(batchRecord(owner.id, randomUUID())));
    assert.equal(jobRows(dbPath).length, 1);
  }));

test('createMergedFileWithJob writes the entry and its merge job; when the job cannot be written, no entry remains', () =>
  withSqliteStore(async (store, dbPath) => {
    const { owner, user } = await ownerWithUser(store, 'alice');
    const merged = await store.createMergedFileWithJob(fileRecord(owner.id, user.id, { origin: 'merged', status: 'processing', sources: ['a', 'b'] }));
    assert.deepEqual(await store.getFile(owner.id, merged.id), merged);
    assert.deepEqual(merged.sources, ['a', 'b']);
    assert.deepEqual(payloads(dbPath), [{ kind: 'merge', state: 'queued', payload: { fileId: merged.id } }]);

    const restore = refuseJobInserts(dbPath);
    const lost = fileRecord(owner.id, user.id, { origin: 'merged', status: 'processing' });
    await assert.rejects(store.createMergedFileWithJob(lost), /jobs refused by the test/);
    restore();
    assert.equal(await store.findFile(lost.id), undefined, 'no entry left processing without a job');
    assert.equal((await store.listFiles({ ownerId: owner.id, sort: [], page: 0, size: 10 })).total, 1);
    assert.equal(jobRows(dbPath).length, 1);
  }));

test('retryBatch resets a finished batch and queues its job together, once, and only for its owner', () =>
  withSqliteStore(async (store, dbPath) => {
    const { owner, user } = await ownerWithUser(store, 'alice');
    const { owner: bob } = await ownerWithUser(store, 'bob');
    const batch = await store.createBatch(batchRecord(owner.id, user.id));
    assert.equal(await store.retryBatch(owner.id, batch.id), undefined, 'RECEIVED: its job is still to come');
    await store.updateBatch(batch.id, { status: 'PROCESSING' });
    assert.equal(await store.retryBatch(owner.id, batch.id), undefined, 'PROCESSING: its job is running');
    await store.updateBatch(batch.id, { status: 'FAILED', statusDetails: 'No valid files found' });
    assert.equal(await store.retryBatch(bob.id, batch.id), undefined, "another owner's batch reads as missing");
    assert.equal(await store.retryBatch(owner.id, randomUUID()), undefined);
    assert.deepEqual(jobRows(dbPath), []);

    // The job cannot be written: the batch stays FAILED, so it can be retried again.
    const restore = refuseJobInserts(dbPath);
    await assert.rejects(store.retryBatch(owner.id, batch.id), /jobs refused by the test/);
    restore();
    const unchanged = await store.findBatch(batch.id);
    assert.equal(unchanged?.status, 'FAILED');
    assert.equal(unchanged?.statusDetails, 'No valid files found');
    assert.deepEqual(jobRows(dbPath), []);

    // Two retries at once: one wins, the other finds the batch RECEIVED.
    const results = await Promise.all([store.retryBatch(owner.id, batch.id), store.retryBatch(owner.id, batch.id)]);
    const retried = results.filter((b) => b !== undefined);
    assert.equal(retried.length, 1);
    assert.equal(retried[0]!.status, 'RECEIVED');
    assert.equal(retried[0]!.statusDetails, null);
    assert.deepEqual(await store.findBatch(batch.id), retried[0]);
    assert.deepEqual(payloads(dbPath), [{ kind: 'convertBatch', state: 'queued', payload: { batchId: batch.id, retry: true } }]);
  }));

test('two concurrent registrations of an event: exactly one succeeds, the other is refused with nothing written', () =>
  withSqliteStore(async (store) => {
    const { owner } = await ownerWithUser(store, 'alice');
    const { owner: bob } = await ownerWithUser(store, 'bob');
    const first = webhook(owner.id, ['uploadedFileProcessingFinished', 'batchUploadProcessingFinished'], 'first');
    const second = webhook(owner.id, ['mergedFileProcessingFinished', 'batchUploadProcessingFinished'], 'second');
    const results = await Promise.allSettled([store.createWebhook(first), store.createWebhook(second)]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.equal(fulfilled.length, 1);
    assert.equal(rejected.length, 1);
    const refusal = rejected[0]!.reason as unknown;
    assert.ok(refusal instanceof EventRegisteredTwiceError, String(refusal));
    assert.deepEqual(refusal.events, ['batchUploadProcessingFinished'], 'only the shared event is named');
    const [kept] = await store.listWebhooks(owner.id);
    assert.equal((await store.listWebhooks(owner.id)).length, 1, 'the refused webhook left no row');
    assert.deepEqual(kept, fulfilled[0]!.value);

    // The refused webhook's other event is free; another owner's webhooks are not in the way.
    const loser = kept!.id === first.id ? second : first;
    const free = loser.events.filter((e) => e !== 'batchUploadProcessingFinished');
    await store.createWebhook(webhook(owner.id, free));
    await store.createWebhook(webhook(bob.id, ['batchUploadProcessingFinished']));

    // Deleting a webhook frees its events.
    await assert.rejects(store.createWebhook(webhook(owner.id, ['batchUploadProcessingFinished'])), EventRegisteredTwiceError);
    assert.equal(await store.deleteWebhook(owner.id, kept!.id), true);
    const again = await store.createWebhook(webhook(owner.id, ['batchUploadProcessingFinished']));
    assert.deepEqual(again.events, ['batchUploadProcessingFinished']);
  }));

test('the webhook_events migration copies existing webhooks, the older one keeping an event two of them shared', () =>
  withTempDir(async (dir) => {
    const dbPath = join(dir, 'furrow.db');
    const sqlite = new Database(dbPath);
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0001-initial');
    assert.equal(error, undefined);
    const owner = randomUUID();
    const older = randomUUID();
    const newer = randomUUID();
    sqlite.prepare("insert into owners values (?, 'alice', 'h', '2024-01-01T00:00:00.000Z')").run(owner);
    const insert = sqlite.prepare("insert into webhooks values (?, ?, 'w', 'http://127.0.0.1:9/', 's', ?, ?)");
    insert.run(newer, owner, JSON.stringify(['mergedFileProcessingFinished', 'uploadedFileProcessingFinished']), '2024-01-02T00:00:00.000Z');
    insert.run(older, owner, JSON.stringify(['uploadedFileProcessingFinished']), '2024-01-01T00:00:00.000Z');
    await db.destroy();

    const store = createSqliteStore(dbPath);
    try {
      await store.migrate();
      const rows = new Database(dbPath, { readonly: true });
      try {
        const held = rows.prepare('select event, webhook_id from webhook_events order by event').all();
        assert.deepEqual(held, [
          { event: 'mergedFileProcessingFinished', webhook_id: newer },
          { event: 'uploadedFileProcessingFinished', webhook_id: older },
        ]);
      } finally {
        rows.close();
      }
      await assert.rejects(store.createWebhook(webhook(owner, ['mergedFileProcessingFinished'])), EventRegisteredTwiceError);
      await store.createWebhook(webhook(owner, ['mergedFileProcessingFailed']));
    } finally {
      await store.close();
    }
  }));
