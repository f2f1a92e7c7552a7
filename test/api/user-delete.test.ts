import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { OUTPUT_FILES } from '../../src/pipeline.ts';
import { fileBlobPrefix, uploadKey } from '../../src/store/blob-keys.ts';
import { ApiClient, waitFor } from './helpers/http.ts';
import { SAMPLE_ZIP } from './helpers/reference.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/*
 * DELETE /users/{id} removes the user's rows and, through purgeBlobs jobs queued in the same
 * transaction, every byte stored for it: its uploads and its files' outputs. Another user's bytes
 * stay. Checked through the server's own blob store (a folder embedded, S3 in the scale-out run).
 */

const BASE = '/services/operations/api';
let server: TestServer;
let client: ApiClient;

before(async () => {
  server = await startServer();
  client = await server.owner('purge@example.com');
});
after(async () => server?.close());

async function convertedUpload(userId: string): Promise<{ batchId: string; fileIds: string[] }> {
  const upload = await client.upload(await readFile(SAMPLE_ZIP), { query: { leafUserId: userId } });
  assert.equal(upload.status, 201);
  const { id: batchId } = (await upload.json()) as { id: string };
  const done = await waitFor('batch PROCESSED', async () => {
    const batch = await client.json<{ status: string; leafFiles: string[] }>('GET', `${BASE}/batch/${batchId}`);
    return batch.status === 'PROCESSED' ? batch : undefined;
  });
  assert.ok(done.leafFiles.length >= 1);
  return { batchId, fileIds: done.leafFiles };
}

// The table: what the service stores of every operation (its GeoJSON layers are views of it).
const tableKey = (fileId: string) => `${fileBlobPrefix(fileId)}/${OUTPUT_FILES.table}`;

it('deleting a Leaf user purges its uploads and outputs, and only those', async () => {
  const { id: leaving } = await client.createUser('Leaving');
  const { id: staying } = await client.createUser('Staying');
  const gone = await convertedUpload(leaving);
  const kept = await convertedUpload(staying);
  for (const key of [uploadKey(gone.batchId), ...gone.fileIds.map(tableKey)]) assert.ok(((await server.blobs.size(key)) ?? 0) > 0, `${key} stored before the deletion`);

  const deleted = await client.request('DELETE', `/services/usermanagement/api/users/${leaving}`);
  assert.equal(deleted.status, 204);
  await deleted.body?.cancel();

  await waitFor('the deleted user’s blobs purged', async () => {
    const left = await Promise.all([uploadKey(gone.batchId), ...gone.fileIds.map(tableKey)].map((key) => server.blobs.size(key)));
    return left.every((size) => size === undefined) ? true : undefined;
  });
  const missing = await client.request('GET', `${BASE}/batch/${gone.batchId}`);
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  for (const key of [uploadKey(kept.batchId), ...kept.fileIds.map(tableKey)]) assert.ok(((await server.blobs.size(key)) ?? 0) > 0, `${key} of the other user kept`);
  const stillServed = await client.request('GET', `${BASE}/files/${kept.fileIds[0]}/download/standardGeojson`);
  assert.equal(stillServed.status, 200, "the other user's download");
  await stillServed.body?.cancel();
});
