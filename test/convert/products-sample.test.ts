import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { readGeoJsonFeatures } from '../../src/convert/export/geojson-source.ts';
import { convertInput } from '../../src/convert-input.ts';
import { openGeoJsonView } from '../../src/convert/table/index.ts';
import { sample } from '../helpers/samples.ts';
import { withTempDir } from '../helpers/temp.ts';

/*
 * Leaf documents `products` as required on applied points: [{name, rate:{value, unit}}]. On the
 * AGCO / MicroTrak card the task allocates PDT-1 "yy" to bin DET-16 and PDT1 "Counter" to bin DET-15
 * (TASKDATA.XML: <PDT A="PDT-1" B="yy"/>, <PAN A="PDT-1" E="DET-16"/>, read with unzip + grep), each
 * bin logging its own 0x0002 rate: every standard point of an operation names its bin's product,
 * and its rate is the point's own appliedRate (the one rate column the operation has).
 */
interface Product {
  name: string;
  type?: string;
  rate?: { value: number; unit: string };
}

test("every applied point of the AGCO card names its bin's product with the point's own rate; the summary is no tank mix", async () => {
  await withTempDir(async (dir) => {
    await convertInput(sample('isoxml', 'agco-microtrak', 'agco-microtrak.zip'), dir, { units: 'default', geojson: false });
    for (const [operation, product] of [
      ['TSK2-applied-DET-16', 'yy'],
      ['TSK2-applied-DET-15', 'Counter'],
    ] as const) {
      const out = join(dir, 'TASKDATA', operation);
      // The standard layer as the service serves it: a view of the table (no GeoJSON file was written).
      const view = join(dir, `${operation}.standard.geojson`);
      await pipeline(await openGeoJsonView(join(out, 'table.parquet'), 'standard'), createWriteStream(view));
      let points = 0;
      let rated = 0;
      for await (const feature of readGeoJsonFeatures(view)) {
        const p = feature.properties as Record<string, unknown>;
        const products = p.products as Product[];
        assert.equal(products.length, 1);
        assert.equal(products[0]!.name, product);
        if (typeof p.appliedRate === 'number') {
          assert.deepEqual(products[0]!.rate, { value: p.appliedRate, unit: 'L/ha' });
          rated++;
        } else assert.equal(products[0]!.rate, undefined);
        points++;
      }
      assert.ok(points > 1000 && rated === points, `${operation}: ${rated} of ${points} points rated`);
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')).properties;
      assert.equal(summary.tankMix, false);
      assert.equal(summary.products.length, 1);
      assert.equal(summary.products[0].name, product);
      assert.equal(summary.products[0].rate.unit, 'L/ha');
      assert.equal(summary.products[0].rate.value, summary.appliedRate.avg);
    }
  });
});
