import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { UploadGuard } from '../../src/api/batches/upload-guard.ts';

async function run(chunks: Buffer[], max: number): Promise<UploadGuard> {
  const guard = new UploadGuard(max);
  await pipeline(Readable.from(chunks), guard, new Writable({ write: (_c, _e, done) => done() })).catch(() => undefined);
  return guard;
}

test('a zip passes, even when its signature arrives split over chunks', async () => {
  const guard = await run([Buffer.from('P'), Buffer.from('K\x03'), Buffer.from('\x04rest')], 100);
  assert.equal(guard.rejection, undefined);
  assert.equal(guard.bytes, 8);
});

test('an empty archive (end-of-central-directory first) is a zip', async () => {
  assert.equal((await run([Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1')], 100)).rejection, undefined);
});

test('anything else, or fewer than four bytes, is not a zip', async () => {
  assert.deepEqual((await run([Buffer.from('%PDF-1.7')], 100)).rejection, { reason: 'notZip' });
  assert.deepEqual((await run([Buffer.from('PK')], 100)).rejection, { reason: 'notZip' });
  assert.deepEqual((await run([], 100)).rejection, { reason: 'notZip' });
});

test('one byte over the limit is refused', async () => {
  assert.equal((await run([Buffer.from('PK\x03\x04'), Buffer.alloc(6)], 10)).rejection, undefined);
  assert.deepEqual((await run([Buffer.from('PK\x03\x04'), Buffer.alloc(7)], 10)).rejection, { reason: 'tooLarge', limit: 10 });
});
