import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { BlobNotFoundError, BlobTooLargeError, createLocalBlobStore } from '../../src/store/local-blobs.ts';
import { withTempDir } from '../helpers/temp.ts';

/** Every file under `dir`, relative, so a test can see that nothing but the blob was left behind. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1)).sort();
}

test('put streams to the key, fsyncs the file and its folder, and leaves no temporary file', () =>
  withTempDir(async (dir) => {
    const root = join(dir, 'blobs');
    const blobs = createLocalBlobStore(root);
    // Every FileHandle shares one prototype: count the fsyncs a put makes.
    const probe = await open(join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    const sync = mock.method(prototype, 'sync');
    try {
      const bytes = await blobs.put('batches/b1/upload.zip', Readable.from([Buffer.from('hello '), Buffer.from('world')]));
      assert.equal(bytes, 11);
      // The file, then its folder; the folders put had to create are synced in their parents too.
      assert.ok(sync.mock.callCount() >= 2, `fsync calls: ${sync.mock.callCount()}`);
      sync.mock.resetCalls();
      await blobs.put('batches/b1/other.zip', Readable.from([Buffer.from('x')]));
      assert.equal(sync.mock.callCount(), 2, 'into an existing folder: the file and the folder');
    } finally {
      sync.mock.restore();
    }
    assert.equal(await readFile(join(root, 'batches/b1/upload.zip'), 'utf8'), 'hello world');
    assert.deepEqual(await filesUnder(root), ['batches/b1/other.zip', 'batches/b1/upload.zip']);
    assert.equal(await blobs.size('batches/b1/upload.zip'), 11);
    assert.equal(await blobs.size('batches/b1/missing.zip'), undefined);
    assert.equal(await blobs.size('batches/b1'), undefined, 'a folder is not a blob');
  }));

test('put over an existing key replaces it whole', () =>
  withTempDir(async (root) => {
    const blobs = createLocalBlobStore(root);
    await blobs.put('a/b', Readable.from(['first version, long']));
    await blobs.put('a/b', Readable.from(['second']));
    assert.equal(await text(await blobs.get('a/b')), 'second');
  }));

test('put refuses more than maxBytes with a clear error and removes the partial file', () =>
  withTempDir(async (root) => {
    const blobs = createLocalBlobStore(root);
    const data = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await assert.rejects(blobs.put('batches/b/upload.zip', data, { maxBytes: 1000 }), (error: Error) => {
      assert.ok(error instanceof BlobTooLargeError);
      assert.match(error.message, /larger than the limit of 1000 bytes/);
      return true;
    });
    assert.deepEqual(await filesUnder(root), []);
    assert.equal(await blobs.put('batches/b/upload.zip', Readable.from([Buffer.alloc(1000)]), { maxBytes: 1000 }), 1000, 'exactly the limit is fine');
  }));

test('a source stream that fails leaves nothing behind', () =>
  withTempDir(async (root) => {
    const blobs = createLocalBlobStore(root);
    const broken = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(blobs.put('x/y', broken), /connection reset/);
    assert.deepEqual(await filesUnder(root), []);
  }));

test('get reads whole blobs and inclusive byte ranges', () =>
  withTempDir(async (root) => {
    const blobs = createLocalBlobStore(root);
    await blobs.put('files/f/standard.geojson', Readable.from(['0123456789']));
    assert.equal(await text(await blobs.get('files/f/standard.geojson')), '0123456789');
    assert.equal(await text(await blobs.get('files/f/standard.geojson', { start: 2, end: 5 })), '2345');
    assert.equal(await text(await blobs.get('files/f/standard.geojson', { start: 9, end: 9 })), '9');
    assert.equal(await text(await blobs.get('files/f/standard.geojson', { start: 8, end: 100 })), '89');
    await assert.rejects(blobs.get('files/f/standard.geojson', { start: 5, end: 4 }), RangeError);
    await assert.rejects(blobs.get('files/f/missing'), BlobNotFoundError);
  }));

test('putFile copies a local file in; localPath gives a readable path', () =>
  withTempDir(async (dir) => {
    const blobs = createLocalBlobStore(join(dir, 'blobs'));
    await writeFile(join(dir, 'summary.json'), '{"a": 1}');
    await blobs.putFile('files/f/summary.json', join(dir, 'summary.json'));
    const path = await blobs.localPath('files/f/summary.json');
    assert.equal(await readFile(path, 'utf8'), '{"a": 1}');
    assert.ok(path.startsWith(join(dir, 'blobs')));
    await assert.rejects(blobs.localPath('files/f/none.json'), BlobNotFoundError);
  }));

test('delete removes every key under a prefix and nothing else', () =>
  withTempDir(async (root) => {
    const blobs = createLocalBlobStore(root);
    for (const key of ['files/ab/raw.geojson', 'files/ab/x/y.json', 'files/abc/raw.geojson', 'files/b/raw.geojson']) await blobs.put(key, Readable.from(['x']));
    await blobs.delete('files/ab/');
    assert.deepEqual(await filesUnder(root), ['files/abc/raw.geojson', 'files/b/raw.geojson']);
    await blobs.delete('files/a');
    assert.deepEqual(await filesUnder(root), ['files/b/raw.geojson']);
    await blobs.delete('nothing/here/');
    await blobs.delete('nothing/here');
  }));

test('keys that could reach outside the root are refused, and nothing is written', () =>
  withTempDir(async (dir) => {
    const root = join(dir, 'blobs');
    await mkdir(root);
    const blobs = createLocalBlobStore(root);
    const bad = ['../escape', 'a/../../escape', 'a/..', '..', '/etc/passwd', 'a\\..\\..\\escape', 'a//b', './a', 'a/./b', '', 'a\0b'];
    for (const key of bad) {
      await assert.rejects(blobs.put(key, Readable.from(['x'])), /invalid blob key/, key);
      await assert.rejects(blobs.get(key), /invalid blob key/, key);
      await assert.rejects(blobs.localPath(key), /invalid blob key/, key);
      await assert.rejects(blobs.putFile(key, join(dir, 'none')), /invalid blob key/, key);
    }
    await assert.rejects(blobs.delete('../'), /invalid blob key/);
    await assert.rejects(blobs.delete(''), /invalid blob key/);
    assert.deepEqual(await filesUnder(dir), []);
  }));
