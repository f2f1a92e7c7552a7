import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { convertInput } from '../../src/convert-input.ts';
import { createS3BlobStore, s3Client } from '../../src/store/s3-blobs.ts';
import { openS3Source } from '../../src/store/s3-range-source.ts';
import { sample } from '../helpers/samples.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { writeZip } from '../helpers/zip.ts';

/*
 * A zip in S3 is converted by range requests, never downloaded whole: an upload holding the
 * Kverneland sample beside 24 MiB of unrelated (stored, incompressible) video converts like the
 * file on disk while fetching a small part of the object.
 */

/** Counts the bytes GetObject answers carry (the Content-Length of each ranged response). */
function countingClient(client: S3Client): { client: S3Client; fetched: () => number; requests: () => number } {
  let bytes = 0;
  let requests = 0;
  const original = client.send.bind(client);
  const counted = Object.create(client) as S3Client;
  counted.send = (async (command: Parameters<S3Client['send']>[0]) => {
    const result = (await original(command as never)) as { ContentLength?: number };
    if (command instanceof GetObjectCommand) {
      requests++;
      bytes += result.ContentLength ?? 0;
    }
    return result;
  }) as S3Client['send'];
  return { client: counted, fetched: () => bytes, requests: () => requests };
}

test('a zip in S3 converts through range requests, reading only what it needs', async () => {
  const s3 = await startTestS3();
  const dir = await mkdtemp(join(tmpdir(), 'furrow-s3-range-'));
  try {
    const upload = join(dir, 'upload.zip');
    // The sample's own zip nested inside, plus a large file nobody needs to read.
    await writeZip(upload, { 'farm/kverneland.zip': await readFile(sample('isoxml', 'kverneland-spreader', 'single-dpd.zip')), 'farm/video.mp4': randomBytes(24 * 1024 * 1024) }, { compress: false });
    const blobs = createS3BlobStore(s3.location, { cacheDir: join(dir, 'cache') });
    const size = await blobs.put('batches/b1/upload.zip', Readable.from([await readFile(upload)]));

    const counting = countingClient(s3Client(s3.location));
    const source = await openS3Source(counting.client, s3.location.bucket, `${s3.location.prefix}batches/b1/upload.zip`);
    const fromS3 = await convertInput(source, join(dir, 'out-s3'), { units: 'default' });
    const fromDisk = await convertInput(upload, join(dir, 'out-disk'), { units: 'default' });

    assert.deepEqual(fromS3.operations.map((o) => [o.status, o.operationType]), fromDisk.operations.map((o) => [o.status, o.operationType]));
    assert.ok(fromS3.operations.some((o) => o.status === 'processed'));
    assert.deepEqual(
      await readFile(join(dir, 'out-s3', fromS3.operations[0]!.dir, 'standard.geojson')),
      await readFile(join(dir, 'out-disk', fromDisk.operations[0]!.dir, 'standard.geojson')),
    );
    // The nested sample zip (~2 % of the object) and a few directory blocks; never the 24 MiB video.
    assert.ok(counting.fetched() < size / 10, `fetched ${counting.fetched()} of ${size} bytes in ${counting.requests()} requests`);
  } finally {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
});
