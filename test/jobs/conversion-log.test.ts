import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, it } from 'node:test';
import { startWorker } from '../../src/jobs/index.ts';
import { zipBuffer } from '../helpers/zip.ts';
import { waitFor, type ApiClient } from '../api/helpers/http.ts';
import { SAMPLE_ZIP } from '../api/helpers/reference.ts';
import { startServer, type TestServer } from '../api/helpers/server.ts';

/*
 * The worker's conversion lines, collected from a real worker converting real uploads: the
 * Kverneland sample (ORACLE.json: one task, 373 records, all with a position) and a zip without
 * machine data (Leaf's "No valid files found").
 */

interface Line {
  message: string;
  details: Record<string, unknown>;
}

const BASE = '/services/operations/api';
let server: TestServer;
let client: ApiClient;
let worker: { stop(): Promise<void> };
const lines: Line[] = [];

before(async () => {
  server = await startServer({ worker: false });
  worker = await startWorker({ store: server.store, blobs: server.blobs, config: server.config, conversionLog: { info: (details, message) => lines.push({ message, details }) } });
  client = await server.owner('log@example.com');
});
after(async () => {
  await worker?.stop();
  await server?.close();
});

async function convert(zip: Buffer, fileName: string): Promise<{ id: string; status: string }> {
  const { id: userId } = await client.createUser(`Log${lines.length}`);
  const response = await client.upload(zip, { query: { leafUserId: userId }, fileName });
  assert.equal(response.status, 201);
  const { id } = (await response.json()) as { id: string };
  return waitFor(`batch ${fileName} finished`, async () => {
    const batch = await client.json<{ id: string; status: string }>('GET', `${BASE}/batch/${id}`);
    return ['PROCESSED', 'FAILED'].includes(batch.status) && lines.some((l) => l.details.batchId === id && l.message !== 'conversion started') ? batch : undefined;
  });
}

it('a conversion logs its start and its finish with operations, points and seconds', async () => {
  const batch = await convert(await readFile(SAMPLE_ZIP), 'sample.zip');
  assert.equal(batch.status, 'PROCESSED');
  const own = lines.filter((l) => l.details.batchId === batch.id);
  assert.deepEqual(own.map((l) => l.message), ['conversion started', 'conversion finished']);
  assert.equal(own[0]!.details.fileName, 'sample.zip');
  const done = own[1]!.details;
  assert.equal(done.operations, 1);
  assert.equal(done.failedOperations, 0);
  // Every one of the 373 records was read (the filters' kept count plus what each removed).
  assert.equal(done.points, 373);
  assert.ok(typeof done.seconds === 'number' && done.seconds > 0 && done.seconds < 60, `seconds ${done.seconds}`);
});

it('a failed conversion logs the reason', async () => {
  const batch = await convert(await zipBuffer({ 'readme.txt': 'no machine data here' }), 'empty.zip');
  assert.equal(batch.status, 'FAILED');
  const own = lines.filter((l) => l.details.batchId === batch.id);
  assert.deepEqual(own.map((l) => l.message), ['conversion started', 'conversion failed']);
  assert.equal(own[1]!.details.reason, 'No valid files found');
  assert.equal(own[1]!.details.operations, 0);
});
