import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { zipFiles } from '../jobs/helpers/fixtures.ts';
import { sample } from '../helpers/samples.ts';
import { ApiClient, waitFor } from './helpers/http.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/*
 * GET /batch/{id} and GET /batch carry the conversion's progress as an extra field: absent while
 * the upload waits for a worker, at the end every byte and operation done.
 */

const BASE = '/services/operations/api';
const AGCO = sample('isoxml', 'agco-microtrak', 'agco-microtrak.zip');

interface Progress {
  bytesDone: number;
  bytesTotal: number;
  fraction: number;
  operationsDone: number;
  operationsTotal: number;
  stage: string;
}
interface Batch {
  id: string;
  status: string;
  leafFiles?: string[];
  progress?: Progress;
}

let server: TestServer;
let client: ApiClient;

before(async () => {
  server = await startServer({ worker: false });
  client = await server.owner('progress@example.com');
});
after(async () => server?.close());

it('a batch shows no progress until it converts, and at the end fraction 1 with every byte and operation done', async () => {
  const { id: userId } = await client.createUser('Progress');
  const upload = await client.upload(await readFile(AGCO), { query: { leafUserId: userId } });
  assert.equal(upload.status, 201);
  const { id } = (await upload.json()) as Batch;
  const queued = await client.json<Batch>('GET', `${BASE}/batch/${id}`);
  assert.equal(queued.status, 'RECEIVED');
  assert.equal(queued.progress, undefined);

  await server.startWorker();
  const done = await waitFor('batch PROCESSED', async () => {
    const current = await client.json<Batch>('GET', `${BASE}/batch/${id}`);
    return current.status === 'PROCESSED' ? current : undefined;
  });
  // The zip's files, uncompressed: all of them are its one TASKDATA dataset's.
  const bytes = Object.values(await zipFiles(AGCO)).reduce((n, b) => n + b.length, 0);
  assert.deepEqual(done.progress, { bytesDone: bytes, bytesTotal: bytes, fraction: 1, operationsDone: 2, operationsTotal: 2, stage: 'done' });
  assert.equal(done.leafFiles?.length, done.progress.operationsTotal);

  const listed = await client.json<Batch[]>('GET', `${BASE}/batch`);
  assert.deepEqual(listed.find((b) => b.id === id)?.progress, done.progress);
});
