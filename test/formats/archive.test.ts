import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openArchive, isJunkPath } from '../../src/formats/archive.ts';
import { writeZip, zipBuffer } from '../helpers/zip.ts';
import { withTempDir } from '../helpers/temp.ts';
import { SAMPLES } from '../helpers/samples.ts';

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test('lists nested zips two levels deep and reports the third level', () =>
  withTempDir(async (dir) => {
    const level3 = await zipBuffer({ 'deep.txt': 'three' });
    const level2 = await zipBuffer({ 'b.txt': 'two', 'c.zip': level3 });
    const path = join(dir, 'upload.zip');
    await writeZip(path, { 'a.txt': 'one', 'inner/level2.zip': level2 });
    // Depth 1 = the zip inside the upload; the zip inside that one is depth 2 and still opened.
    const outer = await zipBuffer({ 'x.txt': 'x', 'n1.zip': await zipBuffer({ 'y.txt': 'y', 'n2.zip': level2 }) });
    const path2 = join(dir, 'outer.zip');
    await writeZip(path2, { 'outer/n0.zip': outer });

    const archive = await openArchive(path);
    try {
      assert.deepEqual(archive.entries.map((e) => e.path).sort(), ['a.txt', 'inner/level2.zip!/b.txt', 'inner/level2.zip!/c.zip!/deep.txt']);
      const deep = archive.entries.find((e) => e.path.endsWith('deep.txt'));
      assert.equal((await readAll(await deep!.open())).toString(), 'three');
      assert.deepEqual(archive.failures, []);
    } finally {
      await archive.close();
    }

    const archive2 = await openArchive(path2);
    try {
      assert.deepEqual(archive2.entries.map((e) => e.path).sort(), ['outer/n0.zip!/n1.zip!/y.txt', 'outer/n0.zip!/x.txt']);
      assert.equal(archive2.failures.length, 1);
      assert.match(archive2.failures[0]!.reason, /nested more than 2 levels/);
    } finally {
      await archive2.close();
    }
  }));

test('ignores macOS junk and reads stored and deflated entries alike', () =>
  withTempDir(async (dir) => {
    const big = randomBytes(3_000_000);
    for (const compress of [true, false]) {
      const path = join(dir, `j${compress}.zip`);
      await writeZip(path, { '__MACOSX/TASKDATA/._TASKDATA.XML': 'x', 'TASKDATA/.DS_Store': 'x', 'TASKDATA/big.bin': big }, { compress });
      const archive = await openArchive(path);
      try {
        assert.deepEqual(archive.entries.map((e) => e.path), ['TASKDATA/big.bin']);
        assert.equal(archive.entries[0]!.size, big.length);
        // Opened twice: each open() is a fresh stream.
        for (let i = 0; i < 2; i++) assert.ok((await readAll(await archive.entries[0]!.open())).equals(big));
      } finally {
        await archive.close();
      }
    }
    assert.ok(isJunkPath('a/_MACOSX/TASKDATA/TLG00001.BIN'));
    assert.ok(!isJunkPath('a/MACOSX_DATA/TLG00001.BIN'));
  }));

test('opens a zip whose first 500,000 bytes are junk (KRONE sample)', async () => {
  // `unzip -l` on this file warns "500000 extra bytes at beginning" and lists 43 entries: the same count must come out here.
  const archive = await openArchive(join(SAMPLES, 'isoxml/krone-baler-corrupt-stream/corrupt-stream.zip'));
  try {
    assert.equal(archive.entries.length, 43);
    const taskdata = archive.entries.find((e) => e.path === 'TC_130609_1847/TaskData.xml');
    assert.ok(taskdata);
    const text = (await readAll(await taskdata.open())).toString('utf8');
    assert.equal(text.length > 0 && Buffer.byteLength(text), 16592);
    assert.match(text, /ISO11783_TaskData/);
  } finally {
    await archive.close();
  }
});

test('walks a folder, including zips inside it', () =>
  withTempDir(async (dir) => {
    await writeFile(join(dir, 'a.txt'), 'a');
    await writeZip(join(dir, 'b.zip'), { 'c.txt': 'c' });
    const archive = await openArchive(dir);
    try {
      assert.deepEqual(archive.entries.map((e) => e.path), ['a.txt', 'b.zip!/c.txt']);
      assert.equal((await readAll(await archive.entries[1]!.open())).toString(), 'c');
    } finally {
      await archive.close();
    }
  }));

test('a file that is not a zip fails with a readable message', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'notes.zip');
    await writeFile(path, 'this is not a zip');
    await assert.rejects(openArchive(path), /not a readable zip archive/);
    assert.equal((await readFile(path)).toString(), 'this is not a zip');
  }));
