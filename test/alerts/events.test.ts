import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { emitEvent, eventBody, leafTimestamp } from '../../src/alerts/events.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { WebhookEvent } from '../../src/store/types.ts';
import { withTempDir } from '../helpers/temp.ts';
import { jobRows } from '../store/helpers/jobs-table.ts';

test('the body: the event keys, then timestamp (6 fraction digits) and type, in Python JSON', () => {
  const at = new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 123));
  assert.equal(leafTimestamp(at), '2024-05-06T07:08:09.123000Z');
  assert.equal(eventBody('uploadedFileProcessingFailed', { fileId: 'f', leafUserId: 'u', message: '' }, at), '{"fileId": "f", "leafUserId": "u", "message": "", "timestamp": "2024-05-06T07:08:09.123000Z", "type": "uploadedFileProcessingFailed"}');
});

test('emitEvent queues one delivery per webhook of the owner subscribed to the event', () =>
  withTempDir(async (dir) => {
    const dbPath = join(dir, 'furrow.db');
    const store = createSqliteStore(dbPath);
    await store.migrate();
    try {
      const alice = await store.createOwner('alice', 'h');
      const bob = await store.createOwner('bob', 'h');
      const hook = async (ownerId: string, events: WebhookEvent[]) =>
        store.createWebhook({ id: randomUUID(), ownerId, name: 'w', url: 'http://127.0.0.1:9/', secret: 's', events, createdTime: new Date().toISOString() });
      const files = await hook(alice.id, ['uploadedFileProcessingFinished']);
      const batches = await hook(alice.id, ['batchUploadProcessingFinished', 'mergedFileProcessingFinished']);
      await hook(bob.id, ['batchUploadProcessingFinished']);

      assert.equal(await emitEvent(store, alice.id, 'batchUploadProcessingFinished', { batchId: 'b', leafUserId: 'u' }), 1);
      assert.equal(await emitEvent(store, alice.id, 'uploadedFileProcessingFailed', { fileId: 'f', leafUserId: 'u', message: 'x' }), 0);
      const [job] = jobRows(dbPath);
      const payload = JSON.parse(job!.payload) as Record<string, string>;
      assert.equal(job!.kind, 'deliverWebhook');
      assert.equal(payload.webhookId, batches.id);
      assert.equal(payload.ownerId, alice.id);
      assert.equal(payload.event, 'batchUploadProcessingFinished');
      assert.match(payload.body!, /^\{"batchId": "b", "leafUserId": "u", "timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", "type": "batchUploadProcessingFinished"\}$/);
      assert.notEqual(payload.webhookId, files.id);
      assert.equal(jobRows(dbPath).length, 1, "bob's webhook hears nothing of alice's batches");
    } finally {
      await store.close();
    }
  }));
