import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { confirmRegistration, deliverWebhookHandler } from '../../src/alerts/deliver.ts';
import { emitEvent } from '../../src/alerts/events.ts';
import { startWorker } from '../../src/jobs/runner.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { MetadataStore, Owner, Webhook } from '../../src/store/types.ts';
import { withTempDir } from '../helpers/temp.ts';
import { jobRows } from '../store/helpers/jobs-table.ts';
import { waitFor } from '../jobs/helpers/wait.ts';
import { startReceiver, verify, type Receiver } from './helpers/receiver.ts';

const SECRET = 'receiver-secret';
const quiet = () => {};

interface Env {
  store: MetadataStore;
  dbPath: string;
  owner: Owner;
  receiver: Receiver;
  webhook: Webhook;
}

/** A store, a receiver answering as `answer` says, and a webhook of one owner pointing at it. */
async function withDelivery(answer: (call: number) => number | null, fn: (env: Env) => Promise<void>, url?: string): Promise<void> {
  await withTempDir(async (dir) => {
    const dbPath = join(dir, 'furrow.db');
    const store = createSqliteStore(dbPath);
    await store.migrate();
    const receiver = await startReceiver(answer);
    try {
      const owner = await store.createOwner('alice', 'h');
      const webhook = await store.createWebhook({ id: randomUUID(), ownerId: owner.id, name: 'main', url: url ?? receiver.url, secret: SECRET, events: ['uploadedFileProcessingFinished'], createdTime: new Date().toISOString() });
      await fn({ store, dbPath, owner, receiver, webhook });
    } finally {
      await receiver.close();
      await store.close();
    }
  });
}

function deliveries(env: Env, retryMinutes: number[], timeoutMs?: number) {
  return startWorker({ store: env.store, concurrency: 2, pollMs: 5, log: quiet, handlers: { deliverWebhook: deliverWebhookHandler({ store: env.store, retryMinutes, timeoutMs }) } });
}

const settled = (env: Env) => () => {
  const rows = jobRows(env.dbPath);
  return rows.length > 0 && rows.every((r) => r.state === 'done' || r.state === 'failed') ? rows : undefined;
};

test('an event is POSTed signed with X-Leaf-Signature, which the receiver verifies', () =>
  withDelivery(
    () => 200,
    async (env) => {
      const worker = deliveries(env, [1]);
      try {
        await emitEvent(env.store, env.owner.id, 'uploadedFileProcessingFinished', { fileId: 'f-1', leafUserId: 'u-1' });
        await waitFor('delivery', settled(env));
        assert.equal(env.receiver.received.length, 1);
        const [call] = env.receiver.received;
        assert.ok(verify(SECRET, call!), 'base64(HMAC-SHA256(secret, raw body))');
        assert.equal(verify('other-secret', call!), false);
        assert.equal(call!.contentType, 'application/json');
        const body = JSON.parse(call!.body) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body), ['fileId', 'leafUserId', 'timestamp', 'type']);
        assert.equal(body.type, 'uploadedFileProcessingFinished');
        assert.deepEqual(await env.store.listFailedCalls(env.owner.id), []);
      } finally {
        await worker.stop();
      }
    },
  ));

test('failures are recorded and retried on the schedule counted from the first failure, the same bytes each time', () =>
  withDelivery(
    (call) => (call <= 2 ? 503 : 200),
    async (env) => {
      const minutes = [0.002, 0.004, 0.006];
      const worker = deliveries(env, minutes);
      try {
        await emitEvent(env.store, env.owner.id, 'uploadedFileProcessingFinished', { fileId: 'f', leafUserId: 'u' });
        await waitFor('three calls', () => (env.receiver.received.length === 3 ? true : undefined));
        const rows = await waitFor('all jobs settled', settled(env));
        assert.deepEqual(rows.map((r) => r.state), ['done', 'done', 'done']);
        const [first, second, third] = env.receiver.received;
        assert.equal(second!.body, first!.body);
        assert.equal(third!.body, first!.body);
        assert.ok(env.receiver.received.every((c) => verify(SECRET, c)));
        // Retry n is due `minutes[n-1]` after the first failure.
        const payloads = rows.map((r) => JSON.parse(r.payload) as { retry?: number; firstFailureAt?: string });
        const firstFailure = Date.parse(payloads[1]!.firstFailureAt!);
        assert.equal(payloads[2]!.firstFailureAt, payloads[1]!.firstFailureAt);
        assert.deepEqual(rows.slice(1).map((r) => Date.parse(r.run_after) - firstFailure), [120, 240]);
        assert.ok(third!.at - first!.at >= 240);

        const failed = await env.store.listFailedCalls(env.owner.id);
        assert.deepEqual(failed.map((c) => [c.status, c.response, c.connectionError]), [
          [503, 'failure 1', null],
          [503, 'failure 2', null],
        ]);
        assert.equal(failed[0]!.requestBody, first!.body);
        assert.equal(failed[0]!.url, env.webhook.url);
        assert.equal(failed[0]!.webhookId, env.webhook.id);
      } finally {
        await worker.stop();
      }
    },
  ));

test('delivery is given up once the schedule is used up', () =>
  withDelivery(
    () => 500,
    async (env) => {
      const worker = deliveries(env, [0.001, 0.002]);
      try {
        await emitEvent(env.store, env.owner.id, 'uploadedFileProcessingFinished', { fileId: 'f', leafUserId: 'u' });
        const rows = await waitFor('given up', () => {
          const all = settled(env)();
          return all?.some((r) => r.state === 'failed') ? all : undefined;
        });
        assert.deepEqual(rows.map((r) => r.state), ['done', 'done', 'failed']);
        assert.match(rows[2]!.last_error ?? '', /given up after 3 attempts \(last: HTTP 500\)/);
        await sleep(100);
        assert.equal(env.receiver.received.length, 3);
        assert.equal((await env.store.listFailedCalls(env.owner.id)).length, 3);
      } finally {
        await worker.stop();
      }
    },
  ));

test('no connection and no answer are failed calls with a connectionError', async () => {
  const closed = await startReceiver();
  await closed.close();
  await withDelivery(
    () => 200,
    async (env) => {
      const worker = deliveries(env, []);
      try {
        await emitEvent(env.store, env.owner.id, 'uploadedFileProcessingFinished', { fileId: 'f', leafUserId: 'u' });
        await waitFor('settled', settled(env));
        const [call] = await env.store.listFailedCalls(env.owner.id);
        assert.equal(call?.status, null);
        assert.match(call?.connectionError ?? '', /ECONNREFUSED/);
      } finally {
        await worker.stop();
      }
    },
    closed.url,
  );
  await withDelivery(
    () => null,
    async (env) => {
      const worker = deliveries(env, [], 200);
      try {
        await emitEvent(env.store, env.owner.id, 'uploadedFileProcessingFinished', { fileId: 'f', leafUserId: 'u' });
        await waitFor('settled', settled(env));
        const [call] = await env.store.listFailedCalls(env.owner.id);
        assert.equal(call?.connectionError, 'no response within 0.2 s');
      } finally {
        await worker.stop();
      }
    },
  );
});

test('a webhook deleted before delivery gets nothing', () =>
  withDelivery(
    () => 200,
    async (env) => {
      await emitEvent(env.store, env.owner.id, 'uploadedFileProcessingFinished', { fileId: 'f', leafUserId: 'u' });
      await env.store.deleteWebhook(env.owner.id, env.webhook.id);
      const worker = deliveries(env, [1]);
      try {
        await waitFor('settled', settled(env));
        assert.equal(env.receiver.received.length, 0);
      } finally {
        await worker.stop();
      }
    },
  ));

test('confirmRegistration sends the signed confirmation, and rejects when it is not accepted', () =>
  withDelivery(
    (call) => (call === 1 ? 200 : 410),
    async (env) => {
      await confirmRegistration(env.webhook);
      const [call] = env.receiver.received;
      assert.equal(call!.body, '{"message": "confirmation of webhook upon registration"}');
      assert.ok(verify(SECRET, call!));
      await assert.rejects(confirmRegistration(env.webhook), /did not accept the confirmation call: HTTP 410/);
    },
  ));
