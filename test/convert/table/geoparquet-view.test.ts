import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openGeoParquetView, writeGeoParquetView } from '../../../src/convert/table/geoparquet-view.ts';
import { TableWriter } from '../../../src/convert/table/writer.ts';
import { readAll } from './helpers.ts';
import * as s from './synthetic.ts';

/** The GeoParquet downloads, judged by DuckDB against the synthetic formulas. */
test('standardGeoparquet and filteredGeoparquet hold the layer rows with the standard columns only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-geoparquet-'));
  try {
    const table = join(dir, 'table.parquet');
    await s.writeSynthetic(table);
    const standard = join(dir, 'standard.parquet');
    const filtered = join(dir, 'filtered.parquet');
    const rows = [...Array(s.ROWS).keys()];
    const cleaned = rows.filter((i) => s.cleanup(i) === null);
    const kept = rows.filter((i) => s.removedBy(i) === null);
    assert.equal((await writeGeoParquetView(table, 'standard', standard)).rows, cleaned.length);
    assert.equal((await writeGeoParquetView(table, 'filtered', filtered)).rows, kept.length);
    // The streamed variant is the same file.
    assert.ok((await readAll(await openGeoParquetView(table, 'filtered'))).equals(await readFile(filtered)));

    const con = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      for (const [path, expected, wet] of [
        [standard, cleaned, s.wetMass],
        [filtered, kept, s.shiftedWetMass],
      ] as const) {
        const from = `read_parquet('${path}')`;
        const columns = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjectsJson().map((r) => `${String(r.column_name)} ${String(r.column_type)}`);
        assert.deepEqual(columns, [
          "geometry GEOMETRY('OGC:CRS84')",
          'timestamp TIMESTAMP WITH TIME ZONE',
          'wetMass DOUBLE',
          'speed DOUBLE',
          'recordingStatus VARCHAR',
          'operationType VARCHAR',
          'crop VARCHAR',
        ]);
        const got = (await con.runAndReadAll(`SELECT count(*)::INTEGER AS n, sum(wetMass) AS wet, count(wetMass)::INTEGER AS wn, max(epoch_ms(timestamp))::VARCHAR AS t1 FROM ${from}`)).getRowObjectsJson()[0]!;
        const present = expected.map(wet).filter((v) => !Number.isNaN(v));
        assert.equal(got.n, expected.length);
        assert.equal(got.wn, present.length);
        assert.ok(Math.abs((got.wet as number) - present.reduce((a, b) => a + b, 0)) < 1e-6);
        assert.equal(got.t1, String(Math.round(s.time(expected.at(-1)!))));
        const kv = (await con.runAndReadAll(`SELECT decode(value) AS v FROM parquet_kv_metadata('${path}') WHERE decode(key) = 'furrow'`)).getRowObjectsJson()[0]!;
        assert.deepEqual((JSON.parse(kv.v as string) as { units: unknown }).units, { wetMass: 'kg', speed: 'm/s' });
      }
    } finally {
      con.closeSync();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a GeoParquet view the table cannot give is refused before any byte', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-geoparquet-'));
  try {
    const table = join(dir, 'table.parquet');
    const writer = await TableWriter.open(table, s.SCHEMA);
    for (const rows of s.syntheticRows()) await writer.add({ raw: rows.raw, std: rows.std, cleanup: rows.cleanup });
    await writer.close();
    await assert.rejects(openGeoParquetView(table, 'filtered'), /the yield filters did not run/);
    assert.ok((await readAll(await openGeoParquetView(table, 'standard'))).length > 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
