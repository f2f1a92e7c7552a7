import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { convertBatchHandler } from '../../src/jobs/convert-batch.ts';
import { sweepJobTempDirs } from '../../src/jobs/temp-dir.ts';
import { DEFAULT_ZIP_LIMITS } from '../../src/jobs/zip-guard.ts';
import { createLocalBlobStore } from '../../src/store/local-blobs.ts';
import type { Job } from '../../src/store/types.ts';
import { withTempDir } from '../helpers/temp.ts';
import { zipBuffer } from '../helpers/zip.ts';
import { jobsEnv, runJob, uploadBatch } from './helpers/env.ts';
import { inFolder, SAMPLE_ZIP, zipFiles } from './helpers/fixtures.ts';

/*
 * Issue 13, item 3, the parts not covered over HTTP: the cap of operations per upload
 * (FURROW_MAX_UPLOAD_OPERATIONS) and the start-up sweeps of what a killed process leaves behind.
 */

test('an upload of 4 copies of a one-operation card with a cap of 2: 2 files, and a failure that names the cap and what was left out', () =>
  withTempDir(async (dir) => {
    const env = await jobsEnv(dir);
    try {
      const files = await zipFiles(SAMPLE_ZIP);
      const zip = await zipBuffer(Object.assign({}, ...['a', 'b', 'c', 'd'].map((folder) => inFolder(folder, files))) as Record<string, Buffer>);
      const batch = await uploadBatch(env, zip, { fileName: 'four-copies.zip' });
      const handler = convertBatchHandler({ store: env.store, blobs: env.blobs, dataDir: env.dir, pool: env.pool, units: 'default', zipLimits: DEFAULT_ZIP_LIMITS, maxOperations: 2 });
      await runJob(env, handler, 'convertBatch', { batchId: batch.id });
      const done = await env.store.getBatch(env.owner.id, batch.id);
      assert.equal(done?.status, 'PROCESSED');
      const converted = await env.store.filesOfBatch(batch.id);
      assert.equal(converted.length, 2);
      assert.ok(converted.every((f) => f.status === 'processed'));
      const capped = done!.failures.filter((f) => /limit of 2 operations per upload \(FURROW_MAX_UPLOAD_OPERATIONS\)/.test(f.reason));
      assert.equal(capped.length, 1, JSON.stringify(done!.failures));
      // Datasets are taken in order: a and b converted, c is where the cap was met, d after it.
      assert.match(capped[0]!.reason, /the 1 dataset\(s\) after it were left out/);
    } finally {
      await env.close();
    }
  }));

test('start-up sweep of local blobs: partial uploads untouched for long are removed; fresh ones and finished blobs stay', () =>
  withTempDir(async (dir) => {
    const blobs = createLocalBlobStore(dir);
    await blobs.put('uploads/kept.zip', Readable.from([Buffer.from('a finished upload')]));
    const folder = join(dir, 'uploads');
    const stale = join(folder, '.killed.zip.0b5c2a7e-1d3f-4e5a-9b8c-7d6e5f4a3b2c.tmp');
    const fresh = join(folder, '.streaming.zip.1c6d3b8f-2e4a-4f6b-8c9d-8e7f6a5b4c3d.tmp');
    const notOurs = join(folder, 'notes.tmp');
    for (const path of [stale, fresh, notOurs]) await writeFile(path, 'partial');
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await utimes(stale, hourAgo, hourAgo);
    await utimes(notOurs, hourAgo, hourAgo);
    assert.equal(await blobs.sweepPartial!(10 * 60 * 1000), 1);
    assert.equal(existsSync(stale), false);
    assert.equal(existsSync(fresh), true, 'a write still in progress is left alone');
    assert.equal(existsSync(notOurs), true, 'only names the store itself makes are swept');
    assert.equal(await blobs.size('uploads/kept.zip'), 'a finished upload'.length);
  }));

test("start-up sweep of job scratch folders: a dead attempt's folder goes, a live lease's stays", () =>
  withTempDir(async (dir) => {
    const root = join(dir, 'tmp', 'jobs');
    const job = (id: string, changes: Partial<Job>): Job => ({ id, kind: 'convertBatch', payload: {}, state: 'running', attempts: 1, runAfter: new Date(0).toISOString(), leaseUntil: null, lastError: null, ownerId: null, ...changes });
    const jobs = new Map<string, Job>([
      ['live', job('live', { leaseUntil: new Date(Date.now() + 60_000).toISOString() })],
      ['expired', job('expired', { leaseUntil: new Date(Date.now() - 60_000).toISOString() })],
      ['retried', job('retried', { attempts: 2, leaseUntil: new Date(Date.now() + 60_000).toISOString() })],
      ['finished', job('finished', { state: 'done' })],
    ]);
    for (const name of ['live-1', 'expired-1', 'retried-1', 'finished-1', 'unknown-3']) await mkdir(join(root, name), { recursive: true });
    const removed = await sweepJobTempDirs(dir, { findJob: async (id) => jobs.get(id) });
    assert.equal(removed, 4);
    assert.equal(existsSync(join(root, 'live-1')), true);
    for (const name of ['expired-1', 'retried-1', 'finished-1', 'unknown-3']) assert.equal(existsSync(join(root, name)), false, name);
  }));
