import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFlatGeobuf } from '../../../src/convert/export/flatgeobuf.ts';
import { readGeoJsonFeatures } from '../../../src/convert/export/geojson-source.ts';
import { exportShapefile } from '../../../src/convert/export/shapefile.ts';
import { tableLayerSource } from '../../../src/convert/export/table-source.ts';
import { convertOperation } from '../../../src/pipeline.ts';
import { sample } from '../../helpers/samples.ts';
import { operationsOf, tableFromPipelineRun } from '../table/helpers.ts';
import { unzip } from './gis.ts';

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * The exports read a table layer as they read that layer's GeoJSON file: the features must be
 * equal to those parsed from the pipeline's file, and the exported files byte for byte the same.
 */
test('shapefile and FlatGeobuf exports from the table equal those from the GeoJSON files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-export-table-'));
  const { sources, close } = await operationsOf(sample('jd-shapefile/myjd-harvest-soybeans/export-from-myjohndeere-harvest.zip'));
  try {
    const source = sources[0]!;
    await convertOperation(source, dir, { units: 'metric' });
    const table = join(dir, 'table.parquet');
    await tableFromPipelineRun(source, dir, table);
    for (const layer of ['raw', 'standard', 'annotated'] as const) {
      const file = join(dir, `${layer}.geojson`);
      const fromTable = await all(tableLayerSource(table, layer).features());
      const fromFile = await all(readGeoJsonFeatures(file));
      assert.ok(fromFile.length > 1000);
      assert.equal(fromTable.length, fromFile.length);
      for (let i = 0; i < fromFile.length; i++) {
        // Key order too: the exports take the columns in the order they first meet them.
        assert.deepEqual(Object.keys(fromTable[i]!.properties!), Object.keys(fromFile[i]!.properties!));
        assert.deepEqual(fromTable[i], fromFile[i], `${layer} feature ${i}`);
      }
    }
    for (const layer of ['standard', 'filtered'] as const) {
      await exportShapefile(join(dir, `${layer}.geojson`), join(dir, `${layer}-file.shp.zip`), { layerName: layer });
      await exportShapefile(tableLayerSource(table, layer), join(dir, `${layer}-table.shp.zip`), { layerName: layer });
      const a = await unzip(join(dir, `${layer}-file.shp.zip`), join(dir, `${layer}-file`));
      const b = await unzip(join(dir, `${layer}-table.shp.zip`), join(dir, `${layer}-table`));
      assert.deepEqual(a, b);
      for (const name of a) assert.ok((await readFile(join(dir, `${layer}-file`, name))).equals(await readFile(join(dir, `${layer}-table`, name))), `${layer} ${name}`);
      await exportFlatGeobuf(join(dir, `${layer}.geojson`), join(dir, `${layer}-file.fgb`));
      await exportFlatGeobuf(tableLayerSource(table, layer), join(dir, `${layer}-table.fgb`));
      assert.ok((await readFile(join(dir, `${layer}-file.fgb`))).equals(await readFile(join(dir, `${layer}-table.fgb`))), `${layer} fgb`);
    }
  } finally {
    await close();
    await rm(dir, { recursive: true, force: true });
  }
});
