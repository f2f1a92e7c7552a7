import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocalBlobStore } from '../../src/store/local-blobs.ts';
import { createS3BlobStore } from '../../src/store/s3-blobs.ts';
import type { BlobStore } from '../../src/store/types.ts';
import { startTestS3, type TestS3 } from '../helpers/s3.ts';

/*
 * Pre-signed GET URLs of the S3 blob store, fetched with plain `fetch` (no SDK, no credentials),
 * as a browser following the API's redirect would.
 */

async function withS3Store(run: (blobs: BlobStore, s3: TestS3) => Promise<void>): Promise<void> {
  const s3 = await startTestS3();
  const dir = await mkdtemp(join(tmpdir(), 'furrow-presign-'));
  try {
    await run(createS3BlobStore(s3.location, { cacheDir: join(dir, 'cache') }), s3);
  } finally {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('a pre-signed URL serves the same bytes with the asked-for name and type, byte ranges included', async () => {
  await withS3Store(async (blobs) => {
    // Random bytes: any mix-up of offsets shows as a mismatch.
    const bytes = randomBytes(300_000);
    await blobs.put('files/f1/standard.geojson', Readable.from([bytes]));
    const disposition = `attachment; filename="f1-standardGeojson.geojson"; filename*=UTF-8''f1-standardGeojson.geojson`;
    const url = await blobs.presignedUrl!('files/f1/standard.geojson', { expiresSeconds: 60, contentDisposition: disposition, contentType: 'application/geo+json' });
    assert.ok(url, 'the S3 store signs URLs');

    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'application/geo+json');
    assert.equal(whole.headers.get('content-disposition'), disposition);
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(bytes));

    // Bytes 1000..1999 inclusive: 1000 bytes, the slice [1000, 2000) of what was stored.
    const part = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${bytes.length}`);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000)));
  });
});

test('without headers asked for, the URL answers the object as stored', async () => {
  await withS3Store(async (blobs) => {
    await blobs.put('files/f1/images/yield.png', Readable.from([Buffer.from('not really a png')]));
    const url = await blobs.presignedUrl!('files/f1/images/yield.png', { expiresSeconds: 60 });
    const response = await fetch(url!);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-disposition'), null);
    assert.equal(await response.text(), 'not really a png');
  });
});

test('a pre-signed URL stops working once it expires', async () => {
  await withS3Store(async (blobs) => {
    await blobs.put('files/f1/summary.json', Readable.from([Buffer.from('{"ok":true}')]));
    const url = await blobs.presignedUrl!('files/f1/summary.json', { expiresSeconds: 1 });
    assert.equal((await fetch(url!)).status, 200);
    // Signed at second t with X-Amz-Expires=1: from t+1 s on (at most 2 s of wall time after signing) the server refuses it.
    await sleep(2100);
    const late = await fetch(url!);
    assert.equal(late.status, 403);
    assert.match(await late.text(), /expired/i);
  });
});

test('the URL points at the configured endpoint, the object of the key, and carries the lifetime asked for', async () => {
  // s3rver does not verify SigV4 signatures (only their expiry), so what the signature covers is not testable here; where it points is.
  await withS3Store(async (blobs, s3) => {
    await blobs.put('files/a/standard.geojson', Readable.from([Buffer.from('A')]));
    const url = new URL((await blobs.presignedUrl!('files/a/standard.geojson', { expiresSeconds: 300 }))!);
    // Path-style (forcePathStyle): <endpoint>/<bucket>/<prefix><key>.
    assert.equal(url.origin, new URL(s3.location.endpoint!).origin);
    assert.equal(url.pathname, `/${s3.location.bucket}/${s3.location.prefix}files/a/standard.geojson`);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '300');
    assert.equal(url.searchParams.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
    assert.match(url.searchParams.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);
  });
});

test('the local store has no pre-signed URLs (downloads stream through the API)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-presign-local-'));
  try {
    assert.equal(createLocalBlobStore(dir).presignedUrl, undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
