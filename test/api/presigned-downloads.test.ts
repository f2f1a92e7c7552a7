import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ApiClient } from './helpers/http.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';
import { batchRecord, fileRecord } from '../store/helpers/records.ts';

/*
 * FURROW_S3_PRESIGN_SECONDS: with blobs in S3, downloads and images answer 302 to a pre-signed URL
 * after the usual checks, and the bytes come from S3. The records and blobs are written straight into
 * the server's stores (no conversion needed to test the routes), with random bytes so any mix-up shows.
 * The S3 server is s3rver in this process (FURROW_TEST_S3_ENDPOINT's when set).
 */

const BASE = '/services/operations/api/files';
const PRESIGN_SECONDS = 300;

let s3: TestS3 | undefined;
let skip: string | false = false;
try {
  s3 = await startTestS3();
} catch (error) {
  skip = `no S3-compatible server: ${(error as Error).message}`;
}

interface Seeded {
  client: ApiClient;
  /** Another API owner: must get 404s for the first one's file. */
  other: ApiClient;
  fileId: string;
  standard: Buffer;
  upload: Buffer;
  png: Buffer;
}

/** An owner with one processed file: standard.geojson, the original upload (a non-ASCII name) and one PNG; no raw.geojson. */
async function seed(server: TestServer): Promise<Seeded> {
  const client = await server.owner('presign@example.com');
  const other = await server.owner('other@example.com');
  const owner = (await server.store.findOwnerByUsername('presign@example.com'))!;
  const user = await server.store.createUser({ ownerId: owner.id, name: 'Grower', email: 'g@example.com', phone: null, address: null, externalId: null, credentials: {} });
  const batch = await server.store.createBatch(batchRecord(owner.id, user.id, { fileName: 'Feld Süd.zip', status: 'PROCESSED' }));
  const file = await server.store.upsertFile(
    fileRecord(owner.id, user.id, { batchId: batch.id, fileName: 'Feld Süd.zip', steps: { standardGeojson: { status: 'processed', message: '' }, propertiesPNGs: { status: 'processed', message: '' } } }),
  );
  const standard = randomBytes(200_000);
  const upload = randomBytes(50_000);
  const png = randomBytes(5_000);
  await server.blobs.put(`${file.blobPrefix}/standard.geojson`, Readable.from([standard]));
  await server.blobs.put(batch.blobKey, Readable.from([upload]));
  await server.blobs.put(`${file.blobPrefix}/images/yield.png`, Readable.from([png]));
  return { client, other, fileId: file.id, standard, upload, png };
}

/** A request whose redirect is looked at, not followed. */
function noFollow(client: ApiClient, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(client.baseUrl + path, { headers: client.headers(headers), redirect: 'manual', signal: AbortSignal.timeout(15_000) });
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

describe('pre-signed downloads (FURROW_S3_PRESIGN_SECONDS)', { skip }, () => {
  let server: TestServer;
  let seeded: Seeded;
  let endpointOrigin: string;

  before(async () => {
    const location = s3!.location;
    endpointOrigin = new URL(location.endpoint!).origin;
    server = await startServer({
      worker: false,
      env: { BLOB_URL: `s3://${location.bucket}/${location.prefix}on`, FURROW_S3_ENDPOINT: location.endpoint!, FURROW_S3_PRESIGN_SECONDS: String(PRESIGN_SECONDS) },
    });
    seeded = await seed(server);
  });
  after(async () => {
    await server?.close();
    await s3?.close();
  });

  it('a download answers 302 to a URL of the S3 endpoint that serves the same bytes, name and type without the bearer token', async () => {
    const response = await noFollow(seeded.client, `${BASE}/${seeded.fileId}/download/standardGeojson`);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    // The bytes' headers belong to S3's answer, not to the redirect.
    assert.equal(response.headers.get('content-disposition'), null);
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.origin, endpointOrigin);
    assert.equal(location.searchParams.get('X-Amz-Expires'), String(PRESIGN_SECONDS));

    const fromS3 = await fetch(location);
    assert.equal(fromS3.status, 200);
    assert.equal(fromS3.headers.get('content-type'), 'application/geo+json');
    // downloads.ts names outputs `<fileId>-<what>.geojson`; an ASCII name is the same in both forms.
    const name = `${seeded.fileId}-standardGeojson.geojson`;
    assert.equal(fromS3.headers.get('content-disposition'), `attachment; filename="${name}"; filename*=UTF-8''${name}`);
    assert.ok((await bytesOf(fromS3)).equals(seeded.standard));
  });

  it('the original upload keeps its non-ASCII name through S3', async () => {
    const response = await noFollow(seeded.client, `${BASE}/${seeded.fileId}/download/originalFile`);
    assert.equal(response.status, 302);
    const fromS3 = await fetch(response.headers.get('location')!);
    assert.equal(fromS3.headers.get('content-type'), 'application/zip');
    // "ü" is not ASCII: "_" in the plain form; UTF-8 C3 BC percent-encoded (and the space as %20) in filename*.
    assert.equal(fromS3.headers.get('content-disposition'), `attachment; filename="Feld S_d.zip"; filename*=UTF-8''Feld%20S%C3%BCd.zip`);
    assert.ok((await bytesOf(fromS3)).equals(seeded.upload));
  });

  it('a Range request is redirected too, and a client following the redirect gets the range from S3', async () => {
    const path = `${BASE}/${seeded.fileId}/download/standardGeojson`;
    const response = await noFollow(seeded.client, path, { range: 'bytes=100-199' });
    assert.equal(response.status, 302);
    // fetch follows the redirect itself, resending Range (and, the S3 endpoint being another origin, not the Authorization header).
    const followed = await seeded.client.request('GET', path, undefined, { range: 'bytes=100-199' });
    assert.equal(followed.status, 206);
    assert.equal(followed.url.startsWith(endpointOrigin), true);
    assert.equal(followed.headers.get('content-range'), `bytes 100-199/${seeded.standard.length}`);
    // Bytes 100..199 inclusive: the slice [100, 200).
    assert.ok((await bytesOf(followed)).equals(seeded.standard.subarray(100, 200)));
  });

  it('a range past the end is still the API’s 416, not a redirect', async () => {
    const response = await noFollow(seeded.client, `${BASE}/${seeded.fileId}/download/standardGeojson`, { range: `bytes=${seeded.standard.length}-` });
    assert.equal(response.status, 416);
    assert.equal(response.headers.get('content-range'), `bytes */${seeded.standard.length}`);
    await response.body?.cancel();
  });

  it('a missing output, an unknown file or another owner’s file is a 404, never a redirect', async () => {
    const cases: [ApiClient, string][] = [
      // raw.geojson was never written.
      [seeded.client, `${BASE}/${seeded.fileId}/download/rawGeojson`],
      [seeded.client, `${BASE}/${seeded.fileId}/images/moisture.png`],
      [seeded.client, `${BASE}/00000000-0000-0000-0000-000000000000/download/standardGeojson`],
      [seeded.other, `${BASE}/${seeded.fileId}/download/standardGeojson`],
      [seeded.other, `${BASE}/${seeded.fileId}/images/yield.png`],
    ];
    for (const [client, path] of cases) {
      const response = await noFollow(client, path);
      assert.equal(response.status, 404, path);
      assert.equal(response.headers.get('location'), null, path);
      await response.body?.cancel();
    }
  });

  it('an image answers 302 to its PNG, shown inline (no attachment)', async () => {
    const response = await noFollow(seeded.client, `${BASE}/${seeded.fileId}/images/yield.png`);
    assert.equal(response.status, 302);
    const fromS3 = await fetch(response.headers.get('location')!);
    assert.equal(fromS3.status, 200);
    assert.equal(fromS3.headers.get('content-type'), 'image/png');
    assert.equal(fromS3.headers.get('content-disposition'), null);
    assert.ok((await bytesOf(fromS3)).equals(seeded.png));
  });

  it('without FURROW_S3_PRESIGN_SECONDS the same S3 store streams through the API as before', async () => {
    const streaming = await startServer({ worker: false, env: { BLOB_URL: `s3://${s3!.location.bucket}/${s3!.location.prefix}off`, FURROW_S3_ENDPOINT: s3!.location.endpoint! } });
    try {
      const data = await seed(streaming);
      const response = await noFollow(data.client, `${BASE}/${data.fileId}/download/standardGeojson`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('location'), null);
      assert.ok((await bytesOf(response)).equals(data.standard));
      const image = await noFollow(data.client, `${BASE}/${data.fileId}/images/yield.png`);
      assert.equal(image.status, 200);
      assert.ok((await bytesOf(image)).equals(data.png));
    } finally {
      await streaming.close();
    }
  });
});
