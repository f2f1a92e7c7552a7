import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { convertOperation } from '../../../src/pipeline.ts';
import { availableGeoJsonLayers, GEOJSON_LAYERS, openGeoJsonView } from '../../../src/convert/table/geojson-view.ts';
import { TableReader } from '../../../src/convert/table/reader.ts';
import { sample } from '../../helpers/samples.ts';
import { exists, operationsOf, firstDifference, readAll } from './helpers.ts';

/**
 * The views must give, byte for byte, the five GeoJSON files the pipeline writes: each operation is
 * converted by convertOperation with `geojson: true` (files and table.parquet) and again without
 * (table only, which must be the same bytes), and every layer file is compared with the view of the
 * pipeline's own table.
 */
const INPUTS = [
  ['ISOXML CCI forage harvester', sample('isoxml/cci-forage-harvester')],
  ['John Deere shapefile harvest', sample('jd-shapefile/myjd-harvest-soybeans/export-from-myjohndeere-harvest.zip')],
  ['Ag Leader advanced text', sample('agleader-advanced-txt/strips-2012-interim')],
] as const;

for (const [name, input] of INPUTS) {
  test(`GeoJSON views of the table are byte-identical to the pipeline's files: ${name}`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'furrow-table-view-'));
    const { sources, close } = await operationsOf(input);
    try {
      assert.ok(sources.length > 0);
      let compared = 0;
      for (const [index, source] of sources.entries()) {
        const outDir = join(dir, `op${index}`);
        await convertOperation(source, outDir, { units: 'metric', geojson: true });
        const tablePath = join(outDir, 'table.parquet');
        // The same operation without the GeoJSON files: the same table, byte for byte, and no layer file.
        const bare = join(dir, `op${index}-bare`);
        await convertOperation(source, bare, { units: 'metric', geojson: false });
        assert.ok((await readFile(join(bare, 'table.parquet'))).equals(await readFile(tablePath)), `op${index}: the table differs with and without geojson`);
        for (const layer of GEOJSON_LAYERS) assert.ok(!(await exists(join(bare, `${layer}.geojson`))), `${layer}.geojson written without geojson`);
        const table = await TableReader.open(tablePath);
        const layers = availableGeoJsonLayers(table.metadata);
        // Every point the source gave is a row: the raw file's features, counted by its own parse.
        const rawFeatures = (JSON.parse(await readFile(join(outDir, 'raw.geojson'), 'utf8')) as { features: unknown[] }).features.length;
        assert.equal(table.rowCount, rawFeatures);
        await table.close();
        for (const layer of GEOJSON_LAYERS) {
          const file = join(outDir, `${layer}.geojson`);
          if (!(await exists(file))) {
            // The pipeline wrote no such layer: the table must not offer it either (filters skipped when nothing passed cleanup is the lead's choice to keep).
            if (layer !== 'filtered' && layer !== 'annotated') assert.ok(!layers.includes(layer), `${layer} offered without a pipeline file`);
            continue;
          }
          const expected = await readFile(file);
          const view = await readAll(await openGeoJsonView(tablePath, layer));
          assert.ok(view.equals(expected), `${name} op${index} ${layer}: ${view.length} bytes vs ${expected.length}; first difference at ${firstDifference(view, expected)}`);
          compared++;
        }
        if (index === 0) {
          const gz = gunzipSync(await readAll(await openGeoJsonView(tablePath, 'raw', { gzip: true })));
          assert.ok(gz.equals(await readFile(join(outDir, 'raw.geojson'))), 'gzip variant inflates to the same bytes');
        }
      }
      assert.ok(compared >= 5, `only ${compared} layers compared`);
    } finally {
      await close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}


test('a view the table cannot give fails before any byte; a view stopped early lets the table go', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-table-view-'));
  try {
    const { TableWriter } = await import('../../../src/convert/table/writer.ts');
    const s = await import('./synthetic.ts');
    const path = join(dir, 't.parquet');
    const writer = await TableWriter.open(path, s.SCHEMA);
    for (const rows of s.syntheticRows()) await writer.add({ raw: rows.raw, std: rows.std, cleanup: rows.cleanup });
    await writer.close();
    await assert.rejects(openGeoJsonView(path, 'filtered'), /the yield filters did not run/);
    await assert.rejects(openGeoJsonView(join(dir, 'missing.parquet'), 'raw'), /ENOENT/);
    const view = await openGeoJsonView(path, 'standard');
    for await (const chunk of view) {
      assert.match((chunk as Buffer).subarray(0, 200).toString(), /^\{"type":"FeatureCollection","furrow":\{"version":"[^"]+","reader":"synthetic 1.0","layer":"standard"/);
      break;
    }
    assert.ok(view.destroyed);
    // The table file is closed again: it can be removed and rewritten at once.
    await rm(path);
    assert.equal(await exists(path), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
