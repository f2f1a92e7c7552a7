import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { formatValue } from '../../../src/convert/geojson-writer.ts';
import { ParquetFileReader } from '../../../src/convert/table/parquet-reader.ts';
import { ParquetFileWriter } from '../../../src/convert/table/parquet-writer.ts';
import { FileSink } from '../../../src/convert/table/sinks.ts';

/**
 * Standard columns are stored as INT64 DECIMAL(18, 6): the value × 10⁶, rounded as every GeoJSON
 * layer rounds it. The expected figures are written out by hand (the 6-decimal rounding of each
 * input) and checked against Furrow's reader and DuckDB's, which decodes DECIMAL on its own.
 */
const VALUES = [
  0, 0.009000000000000001, 0.1 + 0.2, -1.2345674999, -1.2345675001, 39.8165073, 359.9999996, 123456.7891234, -0.0000004, 2 ** 38 + 0.5, 9_007_199_254.740992, -9_007_199_254.740992, 5e11, NaN, 1e12, -2e12, Infinity,
];
/** Each value as the table gives it back: 6 decimals; NaN and magnitudes from 10¹² on as null. */
const EXPECTED = [
  0, 0.009, 0.3, -1.234567, -1.234568, 39.816507, 360, 123456.789123, 0, 274877906944.5, 9_007_199_254.740992, -9_007_199_254.740992, 5e11, null, null, null, null,
];

async function withDecimals(work: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-decimal-'));
  try {
    const path = join(dir, 'decimals.parquet');
    const writer = new ParquetFileWriter(await FileSink.create(path), [{ name: 'v', kind: 'decimal' }], { compression: 'gzip', createdBy: 'test' });
    // Two row groups, so the second starts with a null and a value of the first group's end.
    await writer.writeRowGroup(10, [Float64Array.from(VALUES.slice(0, 10))]);
    await writer.writeRowGroup(VALUES.length - 10, [Float64Array.from(VALUES.slice(10))]);
    await writer.close([]);
    await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a decimal column reads back each value rounded to 6 decimals, by Furrow and by DuckDB', async () => {
  await withDecimals(async (path) => {
    const reader = await ParquetFileReader.open(path);
    try {
      assert.equal(reader.columns.get('v'), 'decimal');
      const got: (number | null)[] = [];
      for (let g = 0; g < reader.rowGroups.length; g++) for (const v of (await reader.readColumns(g, ['v']))[0] as Float64Array) got.push(Number.isNaN(v) ? null : v);
      assert.deepEqual(got, EXPECTED);
      // The GeoJSON layers print a value read back exactly as they printed the value before it was stored.
      VALUES.forEach((v, i) => {
        if (EXPECTED[i] !== null && Math.abs(v) < 2 ** 53 / 1e6) assert.equal(formatValue(got[i]!), formatValue(v), `value ${v}`);
      });
    } finally {
      await reader.close();
    }

    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      const described = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).getRowObjectsJson();
      assert.equal(described[0]!.column_type, 'DECIMAL(18,6)');
      const rows = (await con.runAndReadAll(`SELECT v::VARCHAR AS v FROM read_parquet('${path}')`)).getRowObjectsJson().map((r) => (r.v === null ? null : Number(r.v)));
      assert.deepEqual(rows, EXPECTED);
      const stats = (await con.runAndReadAll(`SELECT stats_min_value AS lo, stats_max_value AS hi, stats_null_count::INTEGER AS nulls FROM parquet_metadata('${path}') ORDER BY row_group_id`)).getRowObjectsJson();
      assert.deepEqual(
        stats.map((s) => [Number(s.lo), Number(s.hi), s.nulls]),
        [
          [-1.234568, 274877906944.5, 0],
          [-9_007_199_254.740992, 5e11, 4],
        ],
      );
    } finally {
      con.closeSync();
    }
  });
});
