import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as shapefile from 'shapefile';
import { openArchive } from '../../../src/formats/archive.ts';
import { shapefileDriver } from '../../../src/formats/shapefile/driver.ts';
import type { ArchiveEntry } from '../../../src/formats/types.ts';
import { sample } from '../../helpers/samples.ts';

/*
 * Record-by-record comparison with a second reader: the `shapefile` npm package 0.6.6 (Mike
 * Bostock), used only here as the oracle, over the same bytes. Every position must be the same
 * double and every attribute the same value: the Gen4 one-hertz exports are also the reference
 * of the Gen4 .jdl decoder, so they must read exactly right.
 */

async function bytes(entry: ArchiveEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await entry.open()) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The oracle's value in Furrow's raw form: dates as YYYY-MM-DD, SMS On/Off as 1/0 where Furrow reads it as a status. */
function expected(value: unknown, furrowKind: 'number' | 'string'): number | string | null {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (value === null || value === undefined || value === '') return furrowKind === 'number' ? NaN : null;
  if (furrowKind === 'number' && typeof value === 'string') return value === 'On' ? 1 : value === 'Off' ? 0 : NaN;
  return value as number | string;
}

async function compareWithOracle(input: string, expectedLayers: number): Promise<number> {
  const archive = await openArchive(input);
  let compared = 0;
  try {
    const datasets = await shapefileDriver.detect(archive.entries);
    assert.equal(datasets.length, expectedLayers);
    for (const dataset of datasets) {
      const [source] = await shapefileDriver.read(dataset);
      const oracle = await shapefile.open(await bytes(dataset.entries.get('.SHP')!), await bytes(dataset.entries.get('.DBF')!));
      const columns = source!.meta.columns;
      let index = 0;
      for await (const batch of source!.points()) {
        for (let i = 0; i < batch.length; i++, index++) {
          const next = await oracle.read();
          assert.ok(!next.done, `${dataset.root}: the oracle has fewer records than ${index + 1}`);
          const feature = next.value;
          const geometry = feature.geometry as { type: string; coordinates: number[] };
          assert.equal(batch.lon[i], geometry.coordinates[0], `${dataset.root} #${index} lon`);
          assert.equal(batch.lat[i], geometry.coordinates[1], `${dataset.root} #${index} lat`);
          for (const column of columns) {
            const want = expected(feature.properties![column.key], column.kind);
            const got = column.kind === 'number' ? batch.numbers.get(column.key)![i] : batch.strings.get(column.key)![i];
            assert.deepEqual(got, want, `${dataset.root} #${index} ${column.key}`);
          }
        }
      }
      assert.ok((await oracle.read()).done, `${dataset.root}: the oracle has more records than ${index}`);
      compared += index;
    }
  } finally {
    await archive.close();
  }
  return compared;
}

test('Gen4 one-hertz exports (harvest, application, planting) read exactly as the oracle reads them', async () => {
  // Record counts per SOURCES-other.md (GDAL): 2,514, 780 and 123,257 points.
  assert.equal(await compareWithOracle(sample('jd-shapefile/gen4-harvest-point-1hz/gen4-4600-harvest-point-onehertz.zip'), 1), 2514);
  assert.equal(await compareWithOracle(sample('jd-shapefile/gen4-application-point-1hz/gen4-4600-application-point-onehertz.zip'), 1), 780);
  assert.equal(await compareWithOracle(sample('jd-shapefile/gen4-planting-point-1hz/gen4-4600-planting-point-onehertz.zip'), 1), 123257);
});

test('MyJohnDeere PointZ exports and the SMS folder read exactly as the oracle reads them', async () => {
  assert.equal(await compareWithOracle(sample('jd-shapefile/myjd-harvest-soybeans/export-from-myjohndeere-harvest.zip'), 1), 40960);
  // 38,380 + 31,346 + 4,015 + 28,650 points in the four application layers.
  assert.equal(await compareWithOracle(sample('jd-shapefile/myjd-application/export-from-myjohndeere-application.zip'), 4), 102391);
  assert.equal(await compareWithOracle(sample('sms-shapefile'), 1), 858);
});
