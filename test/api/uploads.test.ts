import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { zipBuffer } from '../helpers/zip.ts';
import { jobRows, refuseJobInserts } from '../store/helpers/jobs-table.ts';
import type { ApiClient } from './helpers/http.ts';
import { EMBEDDED_ONLY, startServer, type TestServer } from './helpers/server.ts';

/* Uploads Leaf refuses, refused the same way, with nothing left behind. */

const LIMIT = 4096;
let server: TestServer;
let client: ApiClient;
let userId: string;
let small: Buffer;

before(async () => {
  server = await startServer({ worker: false, env: { FURROW_MAX_UPLOAD_BYTES: String(LIMIT) } });
  client = await server.owner('uploads@example.com');
  userId = (await client.createUser('Uploader')).id;
  small = await zipBuffer({ 'TASKDATA/TASKDATA.XML': '<ISO11783_TaskData/>' });
  assert.ok(small.length < LIMIT);
});
after(async () => server?.close());

async function problem(response: Response, status: number): Promise<{ status: number; title: string; detail: string; path: string; message: string; type: string }> {
  const body = (await response.json()) as { status: number; title: string; detail: string; path: string; message: string; type: string };
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.status, status);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(body.path, '/services/operations/api/batch');
  return body;
}

async function batchCount(): Promise<number> {
  const response = await client.request('GET', '/services/operations/api/batch');
  await response.body?.cancel();
  return Number(response.headers.get('x-total-count'));
}

it('not a zip → 400', async () => {
  const body = await problem(await client.upload(Buffer.from('%PDF-1.7 not a zip'), { query: { leafUserId: userId } }), 400);
  assert.match(body.detail, /not a zip/);
});

it('over the configured size limit → 400 Bad Request with the limit in the detail', async () => {
  const big = Buffer.concat([small, Buffer.alloc(LIMIT)]);
  const body = await problem(await client.upload(big, { query: { leafUserId: userId } }), 400);
  assert.equal(body.title, 'Bad Request');
  assert.match(body.detail, new RegExp(String(LIMIT)));
});

it('missing leafUserId → 400; an unknown or invalid provider → 400', async () => {
  await problem(await client.upload(small), 400);
  await problem(await client.upload(small, { query: { leafUserId: userId, provider: 'Acme' } }), 400);
  await problem(await client.upload(small, { fields: { leafUserId: userId, provider: 'Acme' } }), 400);
});

it('a leafUserId that is not one of the owner’s users → 404', async () => {
  const other = await server.owner('someone-else@example.com');
  const { id: foreignUser } = await other.createUser('Foreign');
  await problem(await client.upload(small, { query: { leafUserId: foreignUser } }), 404);
  await problem(await client.upload(small, { fields: { leafUserId: '00000000-0000-4000-8000-000000000000' } }), 404);
});

it('refused uploads leave no batch and no stored bytes; a good one still goes through on the same server', async () => {
  assert.equal(await batchCount(), 0);
  const stored = await readdir(server.config.blobRoot, { recursive: true }).catch(() => []);
  assert.deepEqual(stored.filter((name) => String(name).endsWith('.zip')), []);
  const ok = await client.upload(small, { fields: { leafUserId: userId, provider: 'ClimateFieldView' } });
  assert.equal(ok.status, 201);
  assert.equal(((await ok.json()) as { provider: string }).provider, 'ClimateFieldView');
  assert.equal(await batchCount(), 1);
});

it('a body that is not multipart, or has no file part → 4xx problem', async () => {
  const json = await client.request('POST', `/services/operations/api/batch?leafUserId=${userId}`, { file: 'x' });
  assert.ok(json.status === 400 || json.status === 415, String(json.status));
  await json.body?.cancel();
  const form = new FormData();
  form.append('leafUserId', userId);
  await problem(await client.request('POST', '/services/operations/api/batch', form), 400);
});

it('an upload whose conversion job cannot be queued → 500, and no batch is left RECEIVED without a job', { skip: EMBEDDED_ONLY }, async () => {
  const before = await batchCount();
  const restore = refuseJobInserts(server.config.databasePath);
  try {
    const failed = await client.upload(small, { query: { leafUserId: userId } });
    assert.equal(failed.status, 500);
    await failed.body?.cancel();
  } finally {
    restore();
  }
  assert.equal(await batchCount(), before);
  const ok = await client.upload(small, { query: { leafUserId: userId } });
  assert.equal(ok.status, 201);
  const { id } = (await ok.json()) as { id: string };
  assert.equal(await batchCount(), before + 1);
  // No worker runs here: every batch still has its one queued job, and the refused upload has none.
  const jobs = jobRows(server.config.databasePath).map((j) => JSON.parse(j.payload) as { batchId: string });
  assert.equal(jobs.length, before + 1);
  assert.equal(jobs.at(-1)?.batchId, id);
});
