import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWorker } from '../../src/jobs/index.ts';
import { WEBHOOK_EVENTS } from '../../src/store/types.ts';
import { startReceiver, verify } from '../alerts/helpers/receiver.ts';
import { withTempDir } from '../helpers/temp.ts';
import { jobsEnv, uploadBatch } from './helpers/env.ts';
import { SAMPLE_ZIP } from './helpers/fixtures.ts';
import { waitFor } from './helpers/wait.ts';
import { NO_REDIS, TEST_REDIS_URL, testQueuePrefix } from '../helpers/redis.ts';
import type { Config } from '../../src/config.ts';

const QUEUES: { name: string; skip: string | false; queue: () => Config['queue'] }[] = [
  { name: 'embedded queue', skip: false, queue: () => ({ kind: 'embedded' }) },
  { name: 'BullMQ on Redis', skip: NO_REDIS, queue: () => ({ kind: 'bullmq', redisUrl: TEST_REDIS_URL!, prefix: testQueuePrefix() }) },
];

for (const mode of QUEUES) test(`${mode.name}: the service worker converts a queued upload in its thread pool and delivers the signed events`, { skip: mode.skip }, () =>
  withTempDir(async (dir) => {
    const env = await jobsEnv(dir);
    const receiver = await startReceiver();
    const worker = await startWorker({
      store: env.store,
      blobs: env.blobs,
      config: { dataDir: dir, workers: 1, units: 'default', webhookRetryMinutes: [1], zip: { maxTotalBytes: 1024 ** 3, maxRatio: 200 }, queue: mode.queue() },
      pollMs: 20,
      log: () => {},
    });
    try {
      await env.store.createWebhook({ id: randomUUID(), ownerId: env.owner.id, name: 'all', url: receiver.url, secret: 'k', events: [...WEBHOOK_EVENTS], createdTime: new Date().toISOString() });
      const batch = await uploadBatch(env, SAMPLE_ZIP);
      await env.store.enqueue('convertBatch', { batchId: batch.id });
      const done = await waitFor('batch PROCESSED', async () => {
        const current = await env.store.getBatch(env.owner.id, batch.id);
        return current?.status === 'PROCESSED' || current?.status === 'FAILED' ? current : undefined;
      });
      assert.equal(done.status, 'PROCESSED');
      const calls = await waitFor('two deliveries', () => (receiver.received.length >= 2 ? receiver.received : undefined));
      assert.ok(calls.every((c) => verify('k', c)));
      const [file] = await env.store.filesOfBatch(batch.id);
      assert.deepEqual(calls.map((c) => JSON.parse(c.body).type).sort(), ['batchUploadProcessingFinished', 'uploadedFileProcessingFinished']);
      assert.ok(calls.some((c) => JSON.parse(c.body).fileId === file!.id));
    } finally {
      await worker.stop();
      await receiver.close();
      await env.close();
    }
  }));
