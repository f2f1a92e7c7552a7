import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { convertBatchHandler } from '../../src/jobs/convert-batch.ts';
import { mergeHandler } from '../../src/jobs/merge.ts';
import { openGeoJsonView } from '../../src/convert/table/index.ts';
import { newMergedEntry } from '../../src/jobs/merged-entry.ts';
import { DEFAULT_ZIP_LIMITS } from '../../src/jobs/zip-guard.ts';
import type { FileEntry } from '../../src/store/types.ts';
import { queuedEvents, runJob, subscribeAll, uploadBatch, type JobsEnv, withJobsEnv } from './helpers/env.ts';
import { SAMPLE_ZIP } from './helpers/fixtures.ts';

/** Two uploads of the sample, converted: two processed planted files. */
async function twoFiles(env: JobsEnv): Promise<FileEntry[]> {
  const convert = convertBatchHandler({ store: env.store, blobs: env.blobs, dataDir: env.dir, pool: env.pool, units: 'default', zipLimits: DEFAULT_ZIP_LIMITS });
  const files: FileEntry[] = [];
  for (let i = 0; i < 2; i++) {
    const batch = await uploadBatch(env, SAMPLE_ZIP);
    await runJob(env, convert, 'convertBatch', { batchId: batch.id });
    files.push(...(await env.store.filesOfBatch(batch.id)));
  }
  return files;
}

/** The entry POST /files/merge creates before it queues the job. */
function mergedEntry(env: JobsEnv, sources: FileEntry[]): Promise<FileEntry> {
  return env.store.upsertFile(newMergedEntry(env.owner.id, sources));
}

function handlerFor(env: JobsEnv) {
  return mergeHandler({ store: env.store, blobs: env.blobs, dataDir: env.dir, pool: env.pool, units: 'default' });
}

/** Features of the file's standard layer, read from the view of its stored table (the service stores no GeoJSON layer). */
async function standardLayer(env: JobsEnv, file: FileEntry): Promise<string> {
  assert.equal(await env.blobs.size(`${file.blobPrefix}/standard.geojson`), undefined, 'no GeoJSON layer stored');
  return text(await openGeoJsonView(await env.blobs.localPath(`${file.blobPrefix}/table.parquet`), 'standard'));
}

async function featureCount(env: JobsEnv, file: FileEntry): Promise<number> {
  return (JSON.parse(await standardLayer(env, file)) as { features: unknown[] }).features.length;
}

type Area = { properties: { totalArea: { value: number; unit: string } } };

test('merging two files re-reads both original operations into one processed operation', () =>
  withJobsEnv(async (env) => {
    const sources = await twoFiles(env);
    await subscribeAll(env);
    const entry = await mergedEntry(env, sources);
    await runJob(env, handlerFor(env), 'merge', { fileId: entry.id });

    const merged = (await env.store.getFile(env.owner.id, entry.id))!;
    assert.equal(merged.status, 'processed', merged.statusDetails ?? '');
    assert.equal(merged.statusDetails, null);
    assert.equal(merged.origin, 'merged');
    assert.deepEqual(merged.sources, sources.map((f) => f.id));
    assert.equal(merged.steps.summary?.status, 'processed');
    const single = (sources[0]!.summary as Area).properties.totalArea;
    const area = (merged.summary as Area).properties.totalArea;
    assert.equal(area.unit, single.unit);
    // The same points twice: twice the area, as the summary adds each point's area.
    assert.ok(Math.abs(area.value - 2 * single.value) < 1e-6 * single.value, `${area.value} vs 2 × ${single.value}`);
    assert.equal(await featureCount(env, merged), 2 * (await featureCount(env, sources[0]!)));
    assert.equal(merged.startTime, sources[0]!.startTime);
    // Its size is its standard layer's, as the view of its own table streams it.
    assert.equal(merged.sizeInBytes, Buffer.byteLength(await standardLayer(env, merged)));
    assert.deepEqual(queuedEvents(env).map((e) => [e.event, e.body.fileId, e.body.leafUserId]), [['mergedFileProcessingFinished', merged.id, env.user.id]]);

    // A merged file merged again stands for its own sources.
    const again = await mergedEntry(env, [merged, sources[0]!]);
    await runJob(env, handlerFor(env), 'merge', { fileId: again.id });
    const twice = (await env.store.getFile(env.owner.id, again.id))!;
    assert.equal(twice.status, 'processed');
    assert.equal(await featureCount(env, twice), await featureCount(env, merged));
  }));

test('a source that no longer exists fails the merge with a clear message', () =>
  withJobsEnv(async (env) => {
    const sources = await twoFiles(env);
    await subscribeAll(env);
    const entry = await mergedEntry(env, sources);
    await env.store.updateFile(entry.id, { sources: [sources[0]!.id, randomUUID()] });
    await runJob(env, handlerFor(env), 'merge', { fileId: entry.id });
    const merged = await env.store.getFile(env.owner.id, entry.id);
    assert.equal(merged?.status, 'failed');
    assert.match(merged?.statusDetails ?? '', /^Files cannot be merged: file [0-9a-f-]+ no longer exists$/);
    const [event] = queuedEvents(env);
    assert.equal(event?.event, 'mergedFileProcessingFailed');
    assert.equal(event?.body.message, merged?.statusDetails);
  }));

test('an operation that is no longer found in its upload fails the merge', () =>
  withJobsEnv(async (env) => {
    const sources = await twoFiles(env);
    await env.store.updateFile(sources[1]!.id, { sourceKey: JSON.stringify(['TASKDATA.XML', 'TSK9-planted']) });
    const entry = await mergedEntry(env, sources);
    await runJob(env, handlerFor(env), 'merge', { fileId: entry.id });
    const merged = await env.store.getFile(env.owner.id, entry.id);
    assert.equal(merged?.status, 'failed');
    assert.equal(merged?.statusDetails, `Files cannot be merged: the operation of file ${sources[1]!.id} was not found again in its upload`);
  }));
