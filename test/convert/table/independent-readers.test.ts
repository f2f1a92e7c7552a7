import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { gunzipSync } from 'node:zlib';
import * as s from './synthetic.ts';

/**
 * Furrow writes its Parquet by hand, so other readers are the judges: DuckDB's own Parquet reader
 * (C++, with its GeoParquet support), hyparquet (JavaScript) and GDAL when its Parquet driver is
 * installed. Every expected figure comes from the synthetic formulas, not from Furrow's reader.
 */
const rows = [...Array(s.ROWS).keys()];
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

async function withTable(work: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-table-readers-'));
  try {
    const path = join(dir, 'table.parquet');
    await s.writeSynthetic(path);
    await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('DuckDB reads the table: types, values, nulls, text, times, WKB points and GeoParquet metadata', async () => {
  await withTable(async (path) => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const one = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson()[0]!;
    const from = `read_parquet('${path}')`;
    try {
      const types = Object.fromEntries((await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjectsJson().map((r) => [r.column_name, r.column_type]));
      assert.deepEqual(types, {
        geometry: "GEOMETRY('OGC:CRS84')",
        timestamp: 'TIMESTAMP WITH TIME ZONE',
        'raw.a': 'DOUBLE',
        'raw.s': 'VARCHAR',
        // Standard values as the layers print them, 6 decimals (schema.ts).
        wetMass: 'DECIMAL(18,6)',
        speed: 'DECIMAL(18,6)',
        recordingStatus: 'VARCHAR',
        operationType: 'VARCHAR',
        crop: 'VARCHAR',
        cleanup: 'VARCHAR',
        removedBy: 'VARCHAR',
        'filtered.wetMass': 'DECIMAL(18,6)',
      });
      const figures = await one(
        `SELECT count(*)::INTEGER AS n, count("raw.a")::INTEGER AS a_count, sum("raw.a") AS a_sum, count("raw.s")::INTEGER AS s_count,
                count(*) FILTER (WHERE "raw.s" = 'ÿ€😀')::INTEGER AS s_unicode, count(*) FILTER (WHERE "raw.s" = '')::INTEGER AS s_empty,
                sum(wetMass)::VARCHAR AS wet_sum, count(speed)::INTEGER AS speed_count, count(*) FILTER (WHERE recordingStatus = 'Off')::INTEGER AS off,
                count(*) FILTER (WHERE removedBy IS NULL)::INTEGER AS kept, count(*) FILTER (WHERE crop = 'corn')::INTEGER AS corn,
                min(epoch_ms(timestamp))::BIGINT::VARCHAR AS t0, max(epoch_ms(timestamp))::BIGINT::VARCHAR AS t1 FROM ${from}`,
      );
      const present = rows.filter((i) => !Number.isNaN(s.rawA(i)));
      assert.equal(figures.n, s.ROWS);
      assert.equal(figures.a_count, present.length);
      assert.ok(Math.abs((figures.a_sum as number) - sum(present.map(s.rawA))) < 1e-6);
      assert.equal(figures.s_count, rows.filter((i) => s.rawS(i) !== null).length);
      assert.equal(figures.s_unicode, rows.filter((i) => s.rawS(i) === 'ÿ€😀').length);
      assert.equal(figures.s_empty, rows.filter((i) => s.rawS(i) === '').length);
      // DuckDB sums the decimals exactly: the sum of the 6-decimal values, in millionths.
      assert.equal(Number(figures.wet_sum), sum(rows.map((i) => Math.round(s.wetMass(i) * 1e6))) / 1e6);
      assert.equal(figures.speed_count, rows.filter((i) => !Number.isNaN(s.speed(i))).length);
      assert.equal(figures.off, rows.filter((i) => s.recordingStatus(i) === 'Off').length);
      assert.equal(figures.kept, rows.filter((i) => s.removedBy(i) === null).length);
      assert.equal(figures.corn, s.ROWS);
      assert.equal(figures.t0, String(Math.round(s.time(0))));
      assert.equal(figures.t1, String(Math.round(s.time(s.ROWS - 1))));

      // Row by row at a few places, across the row-group boundary: the point's WKB, its time and verdicts.
      const probes = [0, 1, 65_535, 65_536, 69_999];
      const picked = (
        await con.runAndReadAll(
          `SELECT row_number() OVER () - 1 AS i, geometry AS wkb, geometry::VARCHAR AS wkt, epoch_ms(timestamp)::VARCHAR AS t, "raw.a" AS a, removedBy, "filtered.wetMass"::DOUBLE AS fw FROM ${from} QUALIFY i IN (${probes.join(',')}) ORDER BY i`,
        )
      ).getRowObjects();
      assert.equal(picked.length, probes.length);
      for (const [k, row] of picked.entries()) {
        const i = probes[k]!;
        const wkb = Buffer.from((row.wkb as { bytes: Uint8Array }).bytes);
        assert.equal(wkb.length, 21);
        assert.equal(wkb[0], 1);
        assert.equal(wkb.readUInt32LE(1), 1);
        assert.equal(wkb.readDoubleLE(5), s.lon(i));
        assert.equal(wkb.readDoubleLE(13), s.lat(i));
        // DuckDB's own decoding of the geometry, as WKT.
        const [x, y] = /^POINT \((\S+) (\S+)\)$/.exec(String(row.wkt))!.slice(1).map(Number);
        assert.ok(Math.abs(x! - s.lon(i)) < 1e-12 && Math.abs(y! - s.lat(i)) < 1e-12, `WKT ${String(row.wkt)}`);
        assert.equal(String(row.t), String(Math.round(s.time(i))));
        assert.equal(row.a, Number.isNaN(s.rawA(i)) ? null : s.rawA(i));
        assert.equal(row.removedBy, s.removedBy(i));
        assert.equal(row.fw, Number.isNaN(s.shiftedWetMass(i)) ? null : s.stored(s.shiftedWetMass(i)));
      }

      const kv = (await con.runAndReadAll(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${path}')`)).getRowObjectsJson();
      const geo = JSON.parse(kv.find((r) => r.key === 'geo')!.value as string) as { version: string; primary_column: string; columns: Record<string, { encoding: string; bbox: number[]; crs: { id: { code: string } } }> };
      assert.equal(geo.version, '1.1.0');
      assert.equal(geo.primary_column, 'geometry');
      assert.equal(geo.columns.geometry!.encoding, 'WKB');
      assert.equal(geo.columns.geometry!.crs.id.code, 'CRS84');
      assert.deepEqual(geo.columns.geometry!.bbox, [s.lon(0), s.lat(0), s.lon(s.ROWS - 1), s.lat(999)]);
      const groups = (await con.runAndReadAll(`SELECT row_group_id, max(row_group_num_rows)::INTEGER AS n FROM parquet_metadata('${path}') GROUP BY ALL ORDER BY 1`)).getRowObjectsJson();
      assert.deepEqual(groups.map((g) => g.n), [65_536, s.ROWS - 65_536]);
    } finally {
      con.closeSync();
    }
  });
});

test('hyparquet reads the table, its GeoParquet geometry included', async () => {
  await withTable(async (path) => {
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    assert.equal(Number(metadata.num_rows), s.ROWS);
    const compressors = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };
    const objects = await parquetReadObjects({ file, columns: ['geometry', 'timestamp', 'raw.a', 'raw.s', 'speed', 'removedBy'], rowStart: 65_530, rowEnd: 65_540, compressors });
    assert.equal(objects.length, 10);
    objects.forEach((row, k) => {
      const i = 65_530 + k;
      assert.deepEqual(row.geometry, { type: 'Point', coordinates: [s.lon(i), s.lat(i)] });
      assert.equal((row.timestamp as Date).getTime(), Math.round(s.time(i)));
      assert.equal(row['raw.a'], Number.isNaN(s.rawA(i)) ? null : s.rawA(i));
      assert.equal(row['raw.s'], s.rawS(i));
      assert.equal(row.speed, Number.isNaN(s.speed(i)) ? null : s.stored(s.speed(i)));
      assert.equal(row.removedBy, s.removedBy(i));
    });
  });
});

test('GDAL reads the table when its Parquet driver is installed', async (t) => {
  const formats = await promisify(execFile)('ogrinfo', ['--formats']).then(
    (r) => r.stdout,
    () => '',
  );
  if (!/\bParquet\b/.test(formats)) {
    t.skip('ogrinfo missing or without the Parquet driver (Debian 12 builds GDAL 3.6 without Arrow)');
    return;
  }
  await withTable(async (path) => {
    const { stdout } = await promisify(execFile)('ogrinfo', ['-so', '-al', path], { maxBuffer: 1 << 24 });
    assert.match(stdout, /Geometry: Point/);
    assert.match(stdout, new RegExp(`Feature Count: ${s.ROWS}`));
  });
});
