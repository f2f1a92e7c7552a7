import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { openGeoJsonView, type GeoJsonLayer } from '../../src/convert/table/index.ts';
import * as shapefile from 'shapefile';
import { unzip } from '../convert/export/gis.ts';
import { runFurrow } from '../helpers/cli.ts';
import { sample } from '../helpers/samples.ts';
import { withTempDir } from '../helpers/temp.ts';

/*
 * `furrow convert --format shapefile|flatgeobuf` on the Kverneland sample: the exported layers are
 * read back by a second reader (the `shapefile` npm package, flatgeobuf's own deserializer) and
 * must hold as many features as the GeoJSON layer they were made from (here the table's view, as
 * the CLI writes no GeoJSON layer files without --geojson: the exports read the table).
 */

interface Report {
  operations: { dir: string; status: string; warnings: string[] }[];
}

/** Features of a layer as its GeoJSON download carries them: without --geojson the layer is the table's view, not a file. */
async function featureCount(geojson: string): Promise<number> {
  const layer = basename(geojson, '.geojson');
  if (layer === 'coverage') return (JSON.parse(await readFile(geojson, 'utf8')) as { features: unknown[] }).features.length;
  const chunks: Buffer[] = [];
  for await (const chunk of await openGeoJsonView(join(dirname(geojson), 'table.parquet'), layer as GeoJsonLayer)) chunks.push(chunk as Buffer);
  return (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { features: unknown[] }).features.length;
}

test('--format shapefile writes zipped shapefiles of the standard, filtered and coverage layers', () =>
  withTempDir(async (dir) => {
    const out = join(dir, 'out');
    const result = await runFurrow(['convert', sample('isoxml', 'kverneland-spreader', 'single-dpd.zip'), '-o', out, '--format', 'shapefile']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    const op = report.operations.find((o) => o.status === 'processed')!;
    assert.deepEqual(op.warnings.filter((w) => w.includes('could not be exported')), []);
    for (const layer of ['standard', 'filtered']) {
      const names = await unzip(join(out, op.dir, `${layer}.shp.zip`), join(dir, layer));
      assert.deepEqual(names.map((n) => n.slice(n.lastIndexOf('.'))).sort(), ['.cpg', '.dbf', '.prj', '.shp', '.shx']);
      const shp = join(dir, layer, names.find((n) => n.endsWith('.shp'))!);
      const source = await shapefile.open(shp, shp.replace(/\.shp$/, '.dbf'));
      let count = 0;
      for (let r = await source.read(); !r.done; r = await source.read()) count++;
      assert.equal(count, await featureCount(join(out, op.dir, `${layer}.geojson`)), layer);
    }
  }));

test('--format flatgeobuf writes .fgb layers with every feature', () =>
  withTempDir(async (dir) => {
    const out = join(dir, 'out');
    const result = await runFurrow(['convert', sample('isoxml', 'kverneland-spreader', 'single-dpd.zip'), '-o', out, '--format', 'flatgeobuf']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    const op = report.operations.find((o) => o.status === 'processed')!;
    const { geojson } = await import('flatgeobuf');
    let count = 0;
    for await (const _ of geojson.deserialize(new Uint8Array(await readFile(join(out, op.dir, 'standard.fgb'))))) count++;
    assert.equal(count, await featureCount(join(out, op.dir, 'standard.geojson')));
  }));
