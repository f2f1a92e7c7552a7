import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { convertInput } from '../../src/convert-input.ts';
import { openArchive } from '../../src/formats/archive.ts';
import { DamagedEntryError, EntryLimitError } from '../../src/formats/entry-check.ts';
import { SAMPLE_ZIP, inFolder, zipFiles } from '../jobs/helpers/fixtures.ts';
import { deflatedZeros, rawZip, type RawEntry } from '../helpers/raw-zip.ts';
import { sample } from '../helpers/samples.ts';
import { withTempDir } from '../helpers/temp.ts';

const MIB = 1024 ** 2;
const SHAPEFILE_ZIP = sample('jd-shapefile', 'gen4-application-point-1hz', 'gen4-4600-application-point-onehertz.zip');

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function entriesOf(files: Record<string, Buffer>): RawEntry[] {
  return Object.entries(files).map(([name, data]) => ({ name, data }));
}

/** Reads every entry of a zip to its end; the error of each entry that fails, by path. */
async function readEvery(path: string, limits?: Parameters<typeof openArchive>[1]): Promise<Map<string, Error | Buffer>> {
  const archive = await openArchive(path, limits);
  const results = new Map<string, Error | Buffer>();
  try {
    for (const entry of archive.entries) {
      try {
        results.set(entry.path, await readAll(await entry.open()));
      } catch (error) {
        results.set(entry.path, error as Error);
      }
    }
  } finally {
    await archive.close();
  }
  return results;
}

test('an entry that inflates past its declared size fails at that size, small or streamed, deflated or stored', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'liar.zip');
    // 5,000 bytes declared as 300 (inflated in one go), 3 MiB declared as 1 MiB (through the inflate stream), 4 KiB stored declared as 100.
    const text = Buffer.from('PROJCS["x"]'.repeat(455));
    const big = randomBytes(3 * MIB);
    await writeFile(
      path,
      rawZip([
        { name: 'a.prj', data: text, declaredSize: 300 },
        { name: 'b.bin', data: big, declaredSize: MIB },
        { name: 'c.txt', data: Buffer.alloc(4096, 65), method: 0, declaredSize: 100 },
        { name: 'ok.txt', data: Buffer.from('fine') },
      ]),
    );
    const results = await readEvery(path);
    const a = results.get('a.prj');
    assert.ok(a instanceof DamagedEntryError);
    assert.equal(a.message, 'a.prj is damaged: it unpacks to more than the 300 bytes its zip directory declares');
    assert.ok(results.get('b.bin') instanceof DamagedEntryError);
    assert.equal((results.get('b.bin') as Error).message, 'b.bin is damaged: it unpacks to more than the 1 MiB its zip directory declares');
    assert.equal((results.get('c.txt') as Error).message, 'c.txt is damaged: it unpacks to more than the 100 bytes its zip directory declares');
    assert.equal((results.get('ok.txt') as Buffer).toString(), 'fine');
  }));

test('an entry shorter than declared, or whose CRC-32 differs, fails once read to its end; a partial read does not check', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'crc.zip');
    const data = Buffer.from('0123456789'.repeat(1000));
    const flipped = Buffer.from(data);
    flipped[5000] ^= 0x01;
    const big = randomBytes(2 * MIB);
    const bigFlipped = Buffer.from(big);
    bigFlipped[MIB] ^= 0x80;
    await writeFile(
      path,
      rawZip([
        { name: 'stored.bin', data: flipped, method: 0, declaredCrc: crc32(data) },
        { name: 'deflated.bin', data: flipped, declaredCrc: crc32(data) },
        { name: 'streamed.bin', data: bigFlipped, declaredCrc: crc32(big) },
        { name: 'short.bin', data: data.subarray(0, 9000), declaredSize: 10_000 },
      ]),
    );
    const results = await readEvery(path);
    for (const name of ['stored.bin', 'deflated.bin', 'streamed.bin']) {
      const error = results.get(name);
      assert.ok(error instanceof DamagedEntryError, name);
      assert.equal(error.message, `${name} is damaged: its CRC-32 checksum does not match its zip directory (the bytes were altered or corrupted)`);
    }
    assert.equal((results.get('short.bin') as Error).message, 'short.bin is damaged: it ends after 9000 bytes of the 10000 bytes its zip directory declares');

    // Detection reads only the start of a file: nothing to check there.
    const archive = await openArchive(path);
    try {
      const stored = archive.entries.find((e) => e.path === 'stored.bin')!;
      const stream = await stored.open();
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        assert.ok(chunk.length > 0);
        break;
      }
    } finally {
      await archive.close();
    }
  }));

test('an honest entry stops at the ratio cap and the archive at its total cap, counted on the bytes really inflated', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'caps.zip');
    const zeros = Buffer.alloc(8 * MIB);
    const noise = randomBytes(3 * MIB);
    await writeFile(path, rawZip([{ name: 'zeros.bin', data: zeros }, { name: 'n1.bin', data: noise }, { name: 'n2.bin', data: noise }]));
    const results = await readEvery(path, { limits: { maxTotalBytes: 5 * MIB, maxRatio: 200, ratioMinBytes: MIB } });
    const zerosError = results.get('zeros.bin');
    assert.ok(zerosError instanceof EntryLimitError);
    assert.match(zerosError.message, /^zeros\.bin was not read to its end: it unpacks to more than 200 times its packed size of \d+ bytes, which looks like a zip bomb$/);
    // n1 fits (3 MiB + the ≤ 1 MiB of zeros read before the ratio stopped it: under 5 MiB); n2 takes the archive past 5 MiB.
    assert.equal((results.get('n1.bin') as Buffer).length, 3 * MIB);
    assert.equal((results.get('n2.bin') as Error).message, 'n2.bin was not read to its end: the files of this upload unpack to more than 5 MiB (a limit against zip bombs)');
  }));

test('reading an entry again does not count against the total cap twice', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'again.zip');
    const noise = randomBytes(2 * MIB);
    await writeFile(path, rawZip([{ name: 'n.bin', data: noise }]));
    const archive = await openArchive(path, { limits: { maxTotalBytes: 3 * MIB, maxRatio: 200, ratioMinBytes: MIB } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await readAll(await archive.entries[0]!.open())).length, 2 * MIB);
    } finally {
      await archive.close();
    }
  }));

test('a ~1 MB upload whose .prj declares 300 bytes and inflates to 1 GiB: that layer fails with the reason, memory stays bounded, the rest converts', () =>
  withTempDir(async (dir) => {
    const shapefile = await zipFiles(SHAPEFILE_ZIP);
    const prjName = Object.keys(shapefile).find((n) => n.endsWith('.prj'))!;
    const bomb = deflatedZeros(1024);
    const entries: RawEntry[] = [
      ...entriesOf(inFolder('bomb', shapefile)).map((e) => (e.name === `bomb/${prjName}` ? { name: e.name, packed: bomb, declaredSize: 300, declaredCrc: 0 } : e)),
      ...entriesOf(inFolder('good', shapefile)),
      ...entriesOf(inFolder('isoxml', await zipFiles(SAMPLE_ZIP))),
    ];
    const path = join(dir, 'upload.zip');
    const zip = rawZip(entries);
    await writeFile(path, zip);
    assert.ok(zip.length > 1.0 * MIB && zip.length < 1.5 * MIB, `the upload is ${zip.length} bytes`);

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    let report;
    try {
      report = await convertInput(path, join(dir, 'out'), { units: 'default' });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);

    const failure = report.failures.find((f) => f.path.startsWith('bomb/'));
    assert.ok(failure, JSON.stringify(report.failures));
    assert.equal(failure.reason, `bomb/${prjName} is damaged: it unpacks to more than the 300 bytes its zip directory declares`);
    const processed = report.operations.filter((o) => o.status === 'processed').map((o) => o.dir.split(/[_/]/)[0]);
    assert.deepEqual(processed.sort(), ['good', 'isoxml']);
    // Buffering the .prj would take a GiB; the whole conversion of the two other datasets stays far below.
    assert.ok(peak - baseline < 200 * MIB, `RSS grew by ${Math.round((peak - baseline) / MIB)} MiB`);
  }));

test('a stored TLG with flipped bytes fails its operation as damaged, naming the entry; an intact copy converts', () =>
  withTempDir(async (dir) => {
    const files = await zipFiles(SAMPLE_ZIP);
    const tlg = files['TLG00001.BIN']!;
    const flipped = Buffer.from(tlg);
    // Bytes inside the records (past the first record): the decoder reads them as valid values, so only the CRC can tell.
    for (const at of [4000, 4001, 9000]) flipped[at] ^= 0x10;
    const entries: RawEntry[] = [
      ...Object.entries(files).map(([name, data]) => (name === 'TLG00001.BIN' ? { name: `bad/${name}`, data: flipped, method: 0 as const, declaredCrc: crc32(tlg) } : { name: `bad/${name}`, data })),
      ...entriesOf(inFolder('good', files)),
    ];
    const path = join(dir, 'flipped.zip');
    await writeFile(path, rawZip(entries));
    const report = await convertInput(path, join(dir, 'out'), { units: 'default' });
    const bad = report.operations.filter((o) => o.dir.startsWith('bad/'));
    const good = report.operations.filter((o) => o.dir.startsWith('good/'));
    assert.ok(bad.length > 0 && bad.length === good.length);
    for (const operation of bad) {
      assert.equal(operation.status, 'failed');
      assert.match(operation.statusDetails, /bad\/TLG00001\.BIN is damaged: its CRC-32 checksum does not match its zip directory/);
    }
    for (const operation of good) assert.equal(operation.status, 'processed');
  }));

test('zip entries that overlap (several directory records on the same bytes) are refused', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'overlap.zip');
    await writeFile(path, rawZip([{ name: 'TASKDATA/TASKDATA.XML', data: Buffer.from('<ISO11783_TaskData/>') }, { name: 'b.txt', data: Buffer.from('b') }], { aliases: [{ name: 'COPY/TASKDATA.XML', target: 0 }] }));
    await assert.rejects(openArchive(path), /the zip entries "TASKDATA\/TASKDATA\.XML" and "COPY\/TASKDATA\.XML" share the same bytes/);
    // The same content twice, each with its own bytes, is a zip like any other.
    await writeFile(path, rawZip([{ name: 'a/x.txt', data: Buffer.from('same') }, { name: 'b/x.txt', data: Buffer.from('same') }]));
    const archive = await openArchive(path);
    assert.equal(archive.entries.length, 2);
    await archive.close();
  }));
