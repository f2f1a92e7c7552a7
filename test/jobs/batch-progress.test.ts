import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { SliceProgress } from '../../src/jobs/batch-conversion.ts';
import { DEFAULT_SLICE_BUDGET } from '../../src/jobs/batch-conversion.ts';
import { progressFraction, ProgressWriter } from '../../src/jobs/batch-progress.ts';
import { convertBatchHandler } from '../../src/jobs/convert-batch.ts';
import { DEFAULT_ZIP_LIMITS } from '../../src/jobs/zip-guard.ts';
import type { BatchProgress } from '../../src/store/types.ts';
import { sample } from '../helpers/samples.ts';
import { zipBuffer } from '../helpers/zip.ts';
import { uploadBatch, withJobsEnv } from './helpers/env.ts';
import { inFolder, SAMPLE_ZIP, zipFiles } from './helpers/fixtures.ts';

const AGCO = sample('isoxml', 'agco-microtrak', 'agco-microtrak.zip');

function bytesOf(files: Record<string, Buffer>): number {
  return Object.values(files).reduce((n, b) => n + b.length, 0);
}

test('the conversion thread reports a slice by bytes, monotonic, and its result ends at the total', () =>
  withJobsEnv(async (env) => {
    const files = await zipFiles(AGCO);
    const batch = await uploadBatch(env, AGCO);
    const messages: SliceProgress[] = [];
    const result = await env.pool.convertBatch(
      { zip: await env.blobs.locate(batch.blobKey), outDir: join(env.dir, 'out'), units: 'default', provider: 'Other', skip: [], limits: DEFAULT_ZIP_LIMITS, from: 0, budget: DEFAULT_SLICE_BUDGET, maxOperations: 100, allowance: 100, progressEveryMs: 0 },
      undefined,
      (m) => messages.push(m),
    );
    assert.equal(result.operations.length, 2);
    assert.ok(messages.length > 2, `${messages.length} messages`);
    assert.ok(messages.every((m) => m.bytesTotal === bytesOf(files) && m.operationsTotal === 2));
    for (let i = 1; i < messages.length; i++) assert.ok(messages[i]!.bytesDone >= messages[i - 1]!.bytesDone, `fell at message ${i}`);
    assert.ok(messages.some((m) => m.stage === 'writing' && m.bytesDone > 0 && m.bytesDone < m.bytesTotal), 'progress inside the operation');
    assert.deepEqual(result.progress, { bytesDone: bytesOf(files), bytesTotal: bytesOf(files), operationsDone: 2, operationsTotal: 2 });
  }));

test('a batch in slices: queued with the first dataset done, then done with every byte and operation', () =>
  withJobsEnv(async (env) => {
    const first = inFolder('A', await zipFiles(SAMPLE_ZIP));
    const second = inFolder('B', await zipFiles(AGCO));
    const batch = await uploadBatch(env, await zipBuffer({ ...first, ...second }));
    const handler = convertBatchHandler({ store: env.store, blobs: env.blobs, dataDir: env.dir, pool: env.pool, units: 'default', zipLimits: DEFAULT_ZIP_LIMITS, sliceBudget: { operations: 1, bytes: 1 << 30, readMs: 60_000 } });
    await env.store.enqueue('convertBatch', { batchId: batch.id });
    const states: BatchProgress[] = [];
    for (let slice = 0; ; slice++) {
      const job = await env.store.claimJob(['convertBatch'], 60_000);
      if (!job) break;
      await handler.run(job, new AbortController().signal);
      await env.store.completeJob(job.id, job.attempts);
      states.push((await env.store.findBatch(batch.id))!.progress!);
    }
    const total = bytesOf(first) + bytesOf(second);
    assert.deepEqual(states, [
      { bytesDone: bytesOf(first), bytesTotal: total, fraction: Math.floor((bytesOf(first) / total) * 10_000) / 10_000, operationsDone: 1, operationsTotal: 1, stage: 'queued' },
      { bytesDone: total, bytesTotal: total, fraction: 1, operationsDone: 3, operationsTotal: 3, stage: 'done' },
    ]);
    assert.equal((await env.store.findBatch(batch.id))!.status, 'PROCESSED');
  }));

test('the fraction rounds down, so only a finished batch reads 1', () => {
  assert.equal(progressFraction({ bytesDone: 99_999, bytesTotal: 100_000, operationsDone: 0, operationsTotal: 1 }), 0.9999);
  assert.equal(progressFraction({ bytesDone: 999_999, bytesTotal: 1_000_000, operationsDone: 0, operationsTotal: 1 }), 0.9999);
  assert.equal(progressFraction({ bytesDone: 0, bytesTotal: 0, operationsDone: 1, operationsTotal: 4 }), 0.25);
});

test('the writer keeps one write in flight, writes the newest report next, and nothing once stopped', async () => {
  const written: number[] = [];
  let release: () => void = () => {};
  const store = {
    updateBatch: async (_id: string, changes: { progress?: BatchProgress | null }) => {
      await new Promise<void>((resolve) => (release = resolve));
      written.push(changes.progress!.bytesDone);
    },
  };
  const writer = new ProgressWriter(store, 'b');
  const at = (bytesDone: number): BatchProgress => ({ bytesDone, bytesTotal: 10, fraction: bytesDone / 10, operationsDone: 0, operationsTotal: 1, stage: 'reading' });
  writer.report(at(1));
  writer.report(at(2));
  writer.report(at(3));
  await new Promise((r) => setImmediate(r));
  release();
  await new Promise((r) => setImmediate(r));
  const stopped = writer.stop();
  writer.report(at(9));
  release();
  await stopped;
  assert.deepEqual(written, [1, 3]);
});
