import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { uploadKey } from '../../src/store/blob-keys.ts';
import { zipBuffer } from '../helpers/zip.ts';
import { jobRows } from '../store/helpers/jobs-table.ts';
import { ApiClient, waitFor } from './helpers/http.ts';
import { SAMPLE_ZIP } from './helpers/reference.ts';
import { EMBEDDED_ONLY, startServer, startSlowApp, type TestServer } from './helpers/server.ts';

/*
 * PUT /batch/{id}/retry after a forced failure: the stored upload is swapped for a zip without
 * machine data before the worker sees it, so the batch fails; with the real bytes put back, a
 * retry converts it.
 */

const BASE = '/services/operations/api';
let server: TestServer;
let client: ApiClient;

before(async () => {
  server = await startServer({ worker: false });
  client = await server.owner('retry@example.com');
});
after(async () => server?.close());

it('a failed batch is re-queued by retry and then converts', async () => {
  const zip = await readFile(SAMPLE_ZIP);
  const { id: userId } = await client.createUser('Retry');
  const upload = await client.upload(zip, { query: { leafUserId: userId } });
  assert.equal(upload.status, 201);
  const batch = (await upload.json()) as { id: string };

  const early = await client.request('PUT', `${BASE}/batch/${batch.id}/retry`);
  assert.equal(early.status, 400, 'a batch still queued cannot be retried');
  await early.body?.cancel();

  await server.blobs.put(uploadKey(batch.id), Readable.from([await zipBuffer({ 'readme.txt': 'no machine data here' })]));
  await server.startWorker();
  const failed = await waitFor('batch FAILED', async () => {
    const current = await client.json<{ status: string; statusDetails?: string }>('GET', `${BASE}/batch/${batch.id}`);
    return current.status === 'FAILED' ? current : undefined;
  });
  assert.ok(failed.statusDetails, 'a failed batch says why');

  await server.blobs.put(uploadKey(batch.id), Readable.from([zip]));
  const retried = await client.json<{ id: string; status: string }>('PUT', `${BASE}/batch/${batch.id}/retry`);
  assert.equal(retried.id, batch.id);
  assert.equal(retried.status, 'RECEIVED');

  const done = await waitFor('batch PROCESSED after retry', async () => {
    const current = await client.json<{ status: string; leafFiles: string[] }>('GET', `${BASE}/batch/${batch.id}`);
    return current.status === 'PROCESSED' ? current : undefined;
  });
  assert.ok(done.leafFiles.length >= 1);
  const files = await client.request('GET', `${BASE}/files?batchId=${batch.id}`);
  assert.equal(files.headers.get('x-total-count'), String(done.leafFiles.length));
  await files.body?.cancel();
});

it('two retries at once: one re-queues the batch, the other is refused, and one job runs', { skip: EMBEDDED_ONLY }, async () => {
  const { id: userId } = await client.createUser('Twice');
  const upload = await client.upload(await readFile(SAMPLE_ZIP), { query: { leafUserId: userId } });
  const batch = (await upload.json()) as { id: string };
  const processed = async () => {
    const current = await client.json<{ status: string }>('GET', `${BASE}/batch/${batch.id}`);
    return current.status === 'PROCESSED' ? current : undefined;
  };
  await waitFor('batch PROCESSED', processed);

  // Through a store that answers slowly, so that both requests read the batch before either writes.
  const slow = await startSlowApp(server);
  let responses: Response[];
  let bodies: { status: string | number; errorKey?: string }[];
  try {
    const viaSlow = new ApiClient(slow.url, client.token);
    responses = await Promise.all([viaSlow.request('PUT', `${BASE}/batch/${batch.id}/retry`), viaSlow.request('PUT', `${BASE}/batch/${batch.id}/retry`)]);
    bodies = (await Promise.all(responses.map((r) => r.json()))) as typeof bodies;
  } finally {
    await slow.close();
  }
  assert.deepEqual(responses.map((r) => r.status).sort(), [200, 400], JSON.stringify(bodies));
  assert.equal(bodies[responses.findIndex((r) => r.status === 200)]!.status, 'RECEIVED');
  assert.equal(bodies[responses.findIndex((r) => r.status === 400)]!.errorKey, 'batchInProgress');
  const jobs = jobRows(server.config.databasePath).filter((j) => j.kind === 'convertBatch' && (JSON.parse(j.payload) as { batchId: string }).batchId === batch.id);
  assert.deepEqual(jobs.map((j) => JSON.parse(j.payload) as unknown), [{ batchId: batch.id }, { batchId: batch.id, retry: true }]);
  await waitFor('batch PROCESSED after the retry', processed);
});
