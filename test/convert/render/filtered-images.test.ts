import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { convertOperation } from '../../../src/pipeline.ts';
import { openGeoJsonView } from '../../../src/convert/table/index.ts';
import type { ImageEntry } from '../../../src/convert/render/property-rasters.ts';
import { sample } from '../../helpers/samples.ts';
import { operationsOf } from '../table/helpers.ts';

/*
 * Issue 16 item 3: each image is drawn from the filtered points, so the outliers the filters
 * removed do not squash the ramp. On the John Deere soybean harvest (a yield log with outliers:
 * wet mass per area up to ten times the field's), the legend of every image must name the
 * filtered layer and span exactly the min..max of that property over the filtered GeoJSON layer,
 * computed here by parsing the layer as a client downloads it (the view of the table), and the
 * yield's bounds must differ from the standard (unfiltered) layer's.
 */

type Collection = { features: { properties: Record<string, unknown> }[] };

function bounds(layer: Collection, property: string): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const { properties } of layer.features) {
    const v = properties[property];
    if (typeof v !== 'number') continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

test('images are drawn from the filtered points: legend bounds = min..max of the filtered layer', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-filtered-images-'));
  const { sources, close } = await operationsOf(sample('jd-shapefile/myjd-harvest-soybeans/export-from-myjohndeere-harvest.zip'));
  try {
    assert.equal(sources.length, 1);
    const result = await convertOperation(sources[0]!, dir, { units: 'imperial', geojson: false });
    assert.equal(result.status, 'processed', result.statusDetails);
    assert.ok(result.filtered && result.filtered.kept < result.keptCount, 'the filters removed cleaned points');
    const table = join(dir, 'table.parquet');
    const filtered = JSON.parse(await text(await openGeoJsonView(table, 'filtered'))) as Collection;
    const standard = JSON.parse(await text(await openGeoJsonView(table, 'standard'))) as Collection;
    assert.equal(filtered.features.length, result.filtered.kept);
    const images = JSON.parse(await readFile(join(dir, 'images.json'), 'utf8')) as ImageEntry[];
    assert.ok(images.length >= 5, `${images.length} images`);
    for (const image of images) {
      const [min, max] = bounds(filtered, image.property);
      assert.equal(image.legend.layer, 'filtered', image.property);
      // The view writes values to 6 decimals; the legend keeps the table's doubles.
      assert.ok(Math.abs(image.legend.min - min) <= 5e-7 && Math.abs(image.legend.max - max) <= 5e-7, `${image.property}: legend ${image.legend.min}..${image.legend.max}, filtered layer ${min}..${max}`);
      assert.ok(image.legend.cellMin >= image.legend.min && image.legend.cellMax <= image.legend.max, `${image.property}: cell means inside the bounds`);
      assert.equal(image.legend.breaks[0]!.value, image.legend.min);
      assert.ok(Math.abs(image.legend.breaks.at(-1)!.value - image.legend.max) <= 1e-9 * Math.max(1, Math.abs(image.legend.max)));
      assert.equal(image.legend.points, filtered.features.filter((f) => typeof f.properties[image.property] === 'number').length, `${image.property}: every filtered point with a value is drawn`);
    }
    const yieldImage = images.find((i) => i.property === 'wetMassPerArea');
    assert.ok(yieldImage, 'a wet mass per area image');
    const [standardMin, standardMax] = bounds(standard, 'wetMassPerArea');
    assert.ok(standardMax > yieldImage.legend.max * 2, `unfiltered max ${standardMax} vs filtered ${yieldImage.legend.max}: the outliers are out of the ramp`);
    assert.notDeepEqual([yieldImage.legend.min, yieldImage.legend.max], [standardMin, standardMax]);
  } finally {
    await close();
    await rm(dir, { recursive: true, force: true });
  }
});
