import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableReader, TableFileError, type TableBatch } from '../../../src/convert/table/reader.ts';
import * as s from './synthetic.ts';

async function collect(reader: TableReader, selection: Parameters<TableReader['batches']>[0]): Promise<TableBatch[]> {
  const out: TableBatch[] = [];
  for await (const batch of reader.batches(selection)) out.push(batch);
  return out;
}

test('a table reads back every value it was given, column subsets and row filters included', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-table-'));
  try {
    const path = join(dir, 't.parquet');
    const summary = await s.writeSynthetic(path);
    assert.equal(summary.rows, s.ROWS);
    assert.equal(summary.bytes, (await stat(path)).size);
    const reader = await TableReader.open(path);
    assert.equal(reader.rowCount, s.ROWS);
    assert.equal(reader.rowGroupCount, 2);
    assert.deepEqual(reader.metadata.schema, s.SCHEMA);
    assert.deepEqual(reader.metadata.contents, { standard: true, cleanup: true, removedBy: true });
    assert.deepEqual(reader.bbox, [s.lon(0), s.lat(0), s.lon(s.ROWS - 1), s.lat(999)]);

    const all = await collect(reader, { raw: ['a', 's'], standard: ['wetMass', 'speed', 'recordingStatus', 'crop'], verdicts: true });
    assert.deepEqual(all.map((b) => b.length), [65_536, s.ROWS - 65_536]);
    let i = 0;
    for (const b of all) {
      for (let j = 0; j < b.length; j++, i++) {
        // Times come back as whole milliseconds (what every layer prints); values and positions exactly.
        assert.equal(b.raw.time[j], Math.round(s.time(i)));
        assert.equal(b.std.lon[j], s.lon(i));
        assert.equal(b.std.lat[j], s.lat(i));
        assert.ok(Object.is(b.raw.numbers.get('a')![j], s.rawA(i)), `raw a at ${i}`);
        assert.equal(b.raw.strings.get('s')![j], s.rawS(i));
        assert.equal(b.std.numbers.get('wetMass')![j], s.stored(s.wetMass(i)));
        assert.ok(Object.is(b.std.numbers.get('speed')![j], s.stored(s.speed(i))));
        assert.equal(b.std.strings.get('recordingStatus')![j], s.recordingStatus(i));
        assert.equal(b.std.strings.get('crop')![j], 'corn');
        assert.equal(b.cleanup![j], s.cleanup(i));
        assert.equal(b.removedBy![j], s.removedBy(i));
      }
      assert.equal(b.raw.numbers.size, 1);
      assert.equal(b.std.numbers.size, 2);
    }
    assert.equal(i, s.ROWS);

    // Rows that passed cleanup, then those every filter kept with the shifted values the filters saw.
    const cleaned = await collect(reader, { standard: ['wetMass'], rows: 'passedCleanup' });
    const expectedCleaned = [...Array(s.ROWS).keys()].filter((n) => s.cleanup(n) === null);
    assert.deepEqual(cleaned.flatMap((b) => [...b.std.numbers.get('wetMass')!]), expectedCleaned.map((n) => s.stored(s.wetMass(n))));
    const filtered = await collect(reader, { standard: ['wetMass'], rows: 'passedFilters', filteredValues: true });
    const expectedFiltered = [...Array(s.ROWS).keys()].filter((n) => s.removedBy(n) === null);
    const got = filtered.flatMap((b) => [...b.std.numbers.get('wetMass')!]);
    assert.equal(got.length, expectedFiltered.length);
    expectedFiltered.forEach((n, k) => assert.ok(Object.is(got[k], s.stored(s.shiftedWetMass(n))), `filtered wetMass of row ${n}`));
    assert.deepEqual(filtered.flatMap((b) => [...b.std.time]), expectedFiltered.map((n) => Math.round(s.time(n))));

    await assert.rejects(collect(reader, { raw: ['nope'] }), TableFileError);
    await assert.rejects(collect(reader, { standard: ['dryMass'] }), /no standard property dryMass/);
    await reader.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a table without standard columns or filter verdicts says so instead of giving empty layers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-table-'));
  try {
    const path = join(dir, 't.parquet');
    const { TableWriter } = await import('../../../src/convert/table/writer.ts');
    const writer = await TableWriter.open(path, { ...s.SCHEMA, standard: [], standardStrings: [], constants: [], shifted: [] });
    for (const rows of s.syntheticRows()) await writer.add({ raw: rows.raw });
    await writer.close();
    const reader = await TableReader.open(path);
    assert.deepEqual(reader.metadata.contents, { standard: false, cleanup: false, removedBy: false });
    await assert.rejects(collect(reader, { rows: 'passedFilters' }), /no filter verdicts/);
    const raw = await collect(reader, { raw: ['a'] });
    assert.equal(raw.reduce((n, b) => n + b.length, 0), s.ROWS);
    await reader.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('files that are not Furrow tables are refused with a reason', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-table-'));
  try {
    const junk = join(dir, 'junk.parquet');
    await writeFile(junk, 'PAR1 this is not parquet at all PAR1');
    await assert.rejects(TableReader.open(junk), /not a Furrow table \(footer longer than the file\)|not a Furrow table/);
    const path = join(dir, 't.parquet');
    await s.writeSynthetic(path);
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(path);
    // Cut in the middle: the footer is gone.
    await writeFile(junk, bytes.subarray(0, bytes.length >> 1));
    await assert.rejects(TableReader.open(junk), /no Parquet footer/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a table is read from any ByteSource (S3 ranges), one read per row group for nearby columns', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-table-'));
  try {
    const path = join(dir, 't.parquet');
    await s.writeSynthetic(path);
    const { openFileSource } = await import('../../../src/formats/byte-source.ts');
    const file = await openFileSource(path);
    const reads: [number, number][] = [];
    let closed = false;
    const counted = {
      ...file,
      name: file.name,
      size: file.size,
      read: (buffer: Buffer, offset: number, length: number, position: number) => {
        reads.push([position, length]);
        return file.read(buffer, offset, length, position);
      },
      close: async () => {
        closed = true;
        await file.close();
      },
    };
    const reader = await TableReader.open(counted);
    assert.equal(reads.length, 2, 'the tail, then the footer');
    const batches = await collect(reader, { standard: ['wetMass', 'speed', 'recordingStatus'], verdicts: true });
    assert.equal(batches.reduce((n, b) => n + b.length, 0), s.ROWS);
    // The synthetic table's chunks are all within the merge gap of each other: one read per row group.
    assert.equal(reads.length, 2 + reader.rowGroupCount);
    await reader.close();
    assert.ok(closed);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
