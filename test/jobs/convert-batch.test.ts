import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { convertInput } from '../../src/convert-input.ts';
import { openGeoJsonView } from '../../src/convert/table/index.ts';
import { convertBatchHandler, NO_VALID_FILES, UNABLE_TO_READ } from '../../src/jobs/convert-batch.ts';
import { fileIdFor, parseSourceKey } from '../../src/jobs/source-key.ts';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from '../../src/jobs/zip-guard.ts';
import { zipBuffer } from '../helpers/zip.ts';
import { queuedEvents, runJob, subscribeAll, uploadBatch, type JobsEnv, withJobsEnv } from './helpers/env.ts';
import { inFolder, SAMPLE_ZIP, zipFiles } from './helpers/fixtures.ts';

function handlerFor(env: JobsEnv, zipLimits: ZipLimits = DEFAULT_ZIP_LIMITS) {
  return convertBatchHandler({ store: env.store, blobs: env.blobs, dataDir: env.dir, pool: env.pool, units: 'default', zipLimits });
}

test('the Kverneland sample: batch PROCESSED, one processed planted file with the figures `furrow convert` gives', () =>
  withJobsEnv(async (env) => {
    await subscribeAll(env);
    // What the CLI writes for the same zip, without store, blobs or worker.
    const direct = await convertInput(SAMPLE_ZIP, join(env.dir, 'direct'), { units: 'default' });
    const directDir = join(env.dir, 'direct', direct.operations[0]!.dir);
    const directSummary = JSON.parse(await readFile(join(directDir, 'summary.json'), 'utf8')) as { properties: { totalArea: { value: number; unit: string }; startTime: string } };

    const batch = await uploadBatch(env, SAMPLE_ZIP, { provider: 'Other', fileName: 'single-dpd.zip' });
    await runJob(env, handlerFor(env), 'convertBatch', { batchId: batch.id });

    const done = await env.store.getBatch(env.owner.id, batch.id);
    assert.equal(done?.status, 'PROCESSED');
    assert.equal(done?.statusDetails, null);
    assert.deepEqual(done?.failures, []);
    const files = await env.store.filesOfBatch(batch.id);
    assert.equal(files.length, 1);
    const [file] = files;
    assert.equal(file!.status, 'processed');
    assert.equal(file!.operationType, 'planted');
    assert.equal(file!.origin, 'uploaded');
    assert.equal(file!.fileFormat, 'ISO11783');
    assert.equal(file!.fileName, 'single-dpd.zip');
    // Uploaded as Other: ISOXML is an open format and the brand is not a Leaf provider, so Other; the brand beside it.
    assert.equal(file!.provider, 'Other');
    assert.equal(file!.machineBrand, 'Kverneland Group Mechatronics', 'the TaskControllerManufacturer of the sample');
    assert.equal(file!.sizeInBytes, batch.size);
    assert.equal(file!.id, fileIdFor(batch.id, file!.sourceKey));
    assert.deepEqual(parseSourceKey(file!.sourceKey), { datasetRoot: 'TASKDATA.XML', operationId: 'TSK1-planted' });
    const summary = file!.summary as typeof directSummary;
    assert.deepEqual(summary.properties.totalArea, directSummary.properties.totalArea);
    assert.equal(file!.areaM2, directSummary.properties.totalArea.value, 'the sample reports its area in m²');
    assert.equal(file!.startTime, directSummary.properties.startTime);
    assert.equal(file!.steps.summary?.status, 'processed');
    assert.deepEqual(file!.units, JSON.parse(await readFile(join(directDir, 'units.json'), 'utf8')));
    // Deterministic outputs: the stored files are byte for byte what a direct conversion wrote.
    for (const name of ['table.parquet', 'status.json', 'summary.json']) {
      assert.deepEqual(await buffer(await env.blobs.get(`${file!.blobPrefix}/${name}`)), await readFile(join(directDir, name)), name);
    }
    // The service stores the table, not the GeoJSON layers (FURROW_STORE_GEOJSON is off): each layer is a view of the table, the same bytes as the file.
    for (const layer of ['raw', 'normalized', 'standard', 'filtered', 'annotated'] as const) {
      assert.equal(await env.blobs.size(`${file!.blobPrefix}/${layer}.geojson`), undefined, `${layer}.geojson stored`);
      assert.equal(await text(await openGeoJsonView(await env.blobs.localPath(`${file!.blobPrefix}/table.parquet`), layer)), await readFile(join(directDir, `${layer}.geojson`), 'utf8'), layer);
    }

    assert.deepEqual(
      queuedEvents(env).map((e) => [e.event, e.body.fileId ?? e.body.batchId, e.body.leafUserId]),
      [
        ['uploadedFileProcessingFinished', file!.id, env.user.id],
        ['batchUploadProcessingFinished', batch.id, env.user.id],
      ],
    );

    // Run again (a crash after the work, before the job was marked done): nothing doubles.
    await runJob(env, handlerFor(env), 'convertBatch', { batchId: batch.id });
    assert.deepEqual(await env.store.filesOfBatch(batch.id), files);
    assert.equal((await env.store.listFiles({ ownerId: env.owner.id, sort: [], page: 0, size: 10 })).total, 1);
  }));

test('FURROW_STORE_GEOJSON=true: the five GeoJSON layers are stored beside the table, the bytes the CLI writes with --geojson', () =>
  withJobsEnv(async (env) => {
    const direct = await convertInput(SAMPLE_ZIP, join(env.dir, 'direct'), { units: 'default', geojson: true });
    const directDir = join(env.dir, 'direct', direct.operations[0]!.dir);
    const batch = await uploadBatch(env, SAMPLE_ZIP);
    const handler = convertBatchHandler({ store: env.store, blobs: env.blobs, dataDir: env.dir, pool: env.pool, units: 'default', geojson: true, zipLimits: DEFAULT_ZIP_LIMITS });
    await runJob(env, handler, 'convertBatch', { batchId: batch.id });
    const [file] = await env.store.filesOfBatch(batch.id);
    assert.equal(file?.status, 'processed');
    for (const name of ['table.parquet', 'raw.geojson', 'normalized.geojson', 'standard.geojson', 'filtered.geojson', 'annotated.geojson']) {
      assert.deepEqual(await buffer(await env.blobs.get(`${file!.blobPrefix}/${name}`)), await readFile(join(directDir, name)), name);
    }
  }));

test('a provider named at upload is kept', () =>
  withJobsEnv(async (env) => {
    const batch = await uploadBatch(env, SAMPLE_ZIP, { provider: 'CNHI' });
    await runJob(env, handlerFor(env), 'convertBatch', { batchId: batch.id });
    assert.equal((await env.store.filesOfBatch(batch.id))[0]?.provider, 'CNHI');
  }));

test('a zip without machine data: FAILED, "No valid files found"', () =>
  withJobsEnv(async (env) => {
    await subscribeAll(env);
    const batch = await uploadBatch(env, await zipBuffer({ 'readme.txt': 'no machine data here', 'photo.jpg': 'not really' }));
    await runJob(env, handlerFor(env), 'convertBatch', { batchId: batch.id });
    const done = await env.store.getBatch(env.owner.id, batch.id);
    assert.equal(done?.status, 'FAILED');
    assert.equal(done?.statusDetails, NO_VALID_FILES);
    assert.match(done?.failures[0]?.reason ?? '', /No valid files found/);
    assert.deepEqual(await env.store.filesOfBatch(batch.id), []);
    assert.deepEqual(queuedEvents(env).map((e) => e.event), ['batchUploadProcessingFinished']);
  }));

test('data found but unreadable: FAILED, "Files found but unable to read..."', () =>
  withJobsEnv(async (env) => {
    const batch = await uploadBatch(env, await zipBuffer({ 'TASKDATA/TASKDATA.XML': '<ISO11783_TaskData VersionMajor="4"><TSK A="TSK1"' }));
    await runJob(env, handlerFor(env), 'convertBatch', { batchId: batch.id });
    const done = await env.store.getBatch(env.owner.id, batch.id);
    assert.equal(done?.status, 'FAILED');
    assert.equal(done?.statusDetails, UNABLE_TO_READ);
    assert.equal(done?.failures.length, 1);
  }));

test('a zip bomb: FAILED with the reason, nothing inflated', () =>
  withJobsEnv(async (env) => {
    await subscribeAll(env);
    const bomb = await zipBuffer({ 'TASKDATA/TASKDATA.XML': '<ISO11783_TaskData/>', 'TASKDATA/TLG00001.BIN': Buffer.alloc(20 * 1024 ** 2) });
    assert.ok(bomb.length < 64 * 1024, `${bomb.length} bytes packed`);
    const batch = await uploadBatch(env, bomb);
    await runJob(env, handlerFor(env, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 10 * 1024 ** 2 }), 'convertBatch', { batchId: batch.id });
    const done = await env.store.getBatch(env.owner.id, batch.id);
    assert.equal(done?.status, 'FAILED');
    assert.equal(done?.statusDetails, 'Upload rejected: its files would take more than 10 MiB once unpacked (a limit against zip bombs)');
    assert.deepEqual(done?.failures, [{ path: '', reason: done?.statusDetails }]);
    assert.deepEqual(queuedEvents(env).map((e) => e.event), ['batchUploadProcessingFinished']);
  }));

test('retry converts only the operations that failed and leaves processed ones untouched', () =>
  withJobsEnv(async (env) => {
    await subscribeAll(env);
    const files = await zipFiles(SAMPLE_ZIP);
    // Dataset B's timelog is empty the first time: its operation fails (no points).
    const broken = await zipBuffer({ ...inFolder('A/TASKDATA', files), ...inFolder('B/TASKDATA', { ...files, 'TLG00001.BIN': Buffer.alloc(0) }) });
    const batch = await uploadBatch(env, broken);
    await runJob(env, handlerFor(env), 'convertBatch', { batchId: batch.id });

    const first = await env.store.filesOfBatch(batch.id);
    const a = first.find((f) => f.sourceKey.includes('A/TASKDATA'))!;
    const b = first.find((f) => f.sourceKey.includes('B/TASKDATA'))!;
    assert.equal(a.status, 'processed');
    assert.equal(b.status, 'failed');
    assert.equal(b.statusDetails, 'rawGeojson: no points with a valid position were found');
    assert.equal((await env.store.getBatch(env.owner.id, batch.id))?.status, 'PROCESSED', 'one processed file is enough');
    const failedEvent = queuedEvents(env).find((e) => e.event === 'uploadedFileProcessingFailed');
    assert.deepEqual(failedEvent?.body.fileId, b.id);
    assert.equal(failedEvent?.body.message, b.statusDetails);

    // The user fixes the data; the API re-queues the batch as PUT /batch/{id}/retry does.
    const fixed = await zipBuffer({ ...inFolder('A/TASKDATA', files), ...inFolder('B/TASKDATA', files) });
    await env.blobs.put(batch.blobKey, Readable.from([fixed]));
    const eventsBefore = queuedEvents(env).length;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await runJob(env, handlerFor(env), 'convertBatch', { batchId: batch.id, retry: true });

    const second = await env.store.filesOfBatch(batch.id);
    assert.equal(second.length, 2);
    assert.deepEqual(second.find((f) => f.id === a.id), a, 'the processed entry is untouched');
    const retried = second.find((f) => f.id === b.id)!;
    assert.equal(retried.status, 'processed');
    assert.equal(retried.statusDetails, null);
    assert.equal(retried.createdTime, b.createdTime);
    assert.ok(retried.updatedTime > b.updatedTime);
    assert.deepEqual(
      queuedEvents(env).slice(eventsBefore).map((e) => [e.event, e.body.fileId ?? e.body.batchId]),
      [
        ['uploadedFileProcessingFinished', b.id],
        ['batchUploadProcessingFinished', batch.id],
      ],
    );
  }));
