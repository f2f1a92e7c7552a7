import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { startServer, type TestServer } from './helpers/server.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { batchRecord, fileRecord } from '../store/helpers/records.ts';

/*
 * Signed links with blobs in S3 and FURROW_S3_PRESIGN_SECONDS: after checking the link's signature,
 * the API answers 302 to a pre-signed S3 URL, as its download routes do, and the bytes come from S3.
 * Records and blobs are written straight into the server's stores, random bytes so a mix-up shows.
 */

let s3: TestS3 | undefined;
let skip: string | false = false;
try {
  s3 = await startTestS3();
} catch (error) {
  skip = `no S3-compatible server: ${(error as Error).message}`;
}

let server: TestServer;
let entry: { standardGeojson: string; id: string };
let standard: Buffer;
let png: Buffer;

before(async () => {
  if (skip) return;
  const location = s3!.location;
  server = await startServer({ worker: false, env: { BLOB_URL: `s3://${location.bucket}/${location.prefix}signed`, FURROW_S3_ENDPOINT: location.endpoint!, FURROW_S3_PRESIGN_SECONDS: '300' } });
  const client = await server.owner('signed-s3@example.com');
  const owner = (await server.store.findOwnerByUsername('signed-s3@example.com'))!;
  const user = await server.store.createUser({ ownerId: owner.id, name: 'Grower', email: null, phone: null, address: null, externalId: null, credentials: {} });
  const batch = await server.store.createBatch(batchRecord(owner.id, user.id, { status: 'PROCESSED' }));
  const file = await server.store.upsertFile(fileRecord(owner.id, user.id, { batchId: batch.id, steps: { standardGeojson: { status: 'processed', message: '' } } }));
  standard = randomBytes(100_000);
  png = randomBytes(3_000);
  await server.blobs.put(`${file.blobPrefix}/standard.geojson`, Readable.from([standard]));
  await server.blobs.put(`${file.blobPrefix}/images/yield.png`, Readable.from([png]));
  entry = (await client.json('GET', `/services/operations/api/files/${file.id}`)) as typeof entry;
});
after(async () => {
  await server?.close();
  await s3?.close();
});

it('a signed link answers 302 to a pre-signed S3 URL, which serves the bytes', { skip }, async () => {
  const endpoint = new URL(s3!.location.endpoint!).origin;
  const redirect = await fetch(entry.standardGeojson, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  assert.equal(redirect.status, 302);
  const location = redirect.headers.get('location')!;
  assert.equal(new URL(location).origin, endpoint);
  assert.match(location, /X-Amz-Signature=/);
  assert.deepEqual(Buffer.from(await (await fetch(location, { signal: AbortSignal.timeout(15_000) })).arrayBuffer()), standard);

  const image = entry.standardGeojson.replace(/standardGeojson$/, 'images/yield.png');
  const imageRedirect = await fetch(image, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  assert.equal(imageRedirect.status, 302);
  assert.deepEqual(Buffer.from(await (await fetch(imageRedirect.headers.get('location')!, { signal: AbortSignal.timeout(15_000) })).arrayBuffer()), png);
});

it('a tampered link is refused before any redirect; a missing output is 404', { skip }, async () => {
  const tampered = await fetch(entry.standardGeojson.replace(/\/signed\/(\d+)\//, (_, e: string) => `/signed/${Number(e) + 60}/`), { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  assert.equal(tampered.status, 403);
  await tampered.body?.cancel();
  const missing = await fetch(entry.standardGeojson.replace(/standardGeojson$/, 'rawGeojson'), { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});
