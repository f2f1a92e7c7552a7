import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BlobNotFoundError, BlobTooLargeError, createLocalBlobStore } from '../../src/store/local-blobs.ts';
import { createS3BlobStore } from '../../src/store/s3-blobs.ts';
import type { BlobStore } from '../../src/store/types.ts';
import { startTestS3 } from '../helpers/s3.ts';

/*
 * One contract, two blob stores: the local folder of the embedded mode and S3 (here s3rver, an
 * S3-compatible server on 127.0.0.1) of the scale-out mode. Every expected value is the bytes the
 * test wrote.
 */

const ENGINES: { name: string; open(dir: string): Promise<{ blobs: BlobStore; close(): Promise<void> }> }[] = [
  { name: 'local folder', open: async (dir) => ({ blobs: createLocalBlobStore(join(dir, 'blobs')), close: async () => {} }) },
  {
    name: 'S3',
    async open(dir) {
      const s3 = await startTestS3();
      return { blobs: createS3BlobStore(s3.location, { cacheDir: join(dir, 'cache') }), close: () => s3.close() };
    },
  },
];

/** 20 MiB of a known pattern: more than two S3 multipart parts. */
function pattern(bytes: number): Buffer {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4) data.writeUInt32LE(i, i);
  return data;
}

for (const engine of ENGINES) {
  const run = (name: string, fn: (blobs: BlobStore, dir: string) => Promise<void>) =>
    test(`${engine.name}: ${name}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'furrow-blobs-'));
      const env = await engine.open(dir);
      try {
        await fn(env.blobs, dir);
      } finally {
        await env.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

  run('a streamed put (several multipart parts) reads back whole, by range and by size', async (blobs) => {
    const data = pattern(20 * 1024 * 1024);
    const chunks = Array.from({ length: 20 }, (_, i) => data.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    assert.equal(await blobs.put('batches/b1/upload.zip', Readable.from(chunks)), data.length);
    assert.equal(await blobs.size('batches/b1/upload.zip'), data.length);
    assert.ok((await buffer(await blobs.get('batches/b1/upload.zip'))).equals(data));
    // Inclusive ends, as in an HTTP Range header, across a part boundary.
    const start = 8 * 1024 * 1024 - 10;
    assert.ok((await buffer(await blobs.get('batches/b1/upload.zip', { start, end: start + 19 }))).equals(data.subarray(start, start + 20)));
  });

  run('an upload over the limit fails with BlobTooLargeError and leaves nothing', async (blobs) => {
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(1024 * 1024, 7));
    await assert.rejects(blobs.put('batches/b2/upload.zip', Readable.from(chunks), { maxBytes: 3 * 1024 * 1024 }), BlobTooLargeError);
    assert.equal(await blobs.size('batches/b2/upload.zip'), undefined);
  });

  run('missing keys: size is undefined, get throws BlobNotFoundError; unsafe keys are refused', async (blobs) => {
    assert.equal(await blobs.size('files/none/standard.geojson'), undefined);
    await assert.rejects(blobs.get('files/none/standard.geojson'), BlobNotFoundError);
    await assert.rejects(blobs.put('../escape', Readable.from([Buffer.from('x')])), /invalid blob key/);
  });

  run('putFile, localPath and delete by prefix', async (blobs, dir) => {
    const file = join(dir, 'summary.json');
    await writeFile(file, '{"a":1}');
    await blobs.putFile('files/f1/summary.json', file);
    await blobs.putFile('files/f1/images/x.png', file);
    await blobs.putFile('files/f2/summary.json', file);
    assert.equal(await readFile(await blobs.localPath('files/f1/summary.json'), 'utf8'), '{"a":1}');
    await blobs.delete('files/f1/');
    assert.equal(await blobs.size('files/f1/summary.json'), undefined);
    assert.equal(await blobs.size('files/f1/images/x.png'), undefined);
    assert.equal(await blobs.size('files/f2/summary.json'), 7);
  });
}
