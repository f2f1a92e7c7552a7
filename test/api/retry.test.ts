import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { uploadKey } from '../../src/api/batches/upload.ts';
import { zipBuffer } from '../helpers/zip.ts';
import { waitFor, type ApiClient } from './helpers/http.ts';
import { SAMPLE_ZIP } from './helpers/reference.ts';
import { startServer, type TestServer } from './helpers/server.ts';

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
