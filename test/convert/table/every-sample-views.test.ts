import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertOperation } from '../../../src/pipeline.ts';
import { GEOJSON_LAYERS, openGeoJsonView } from '../../../src/convert/table/geojson-view.ts';
import { TableReader } from '../../../src/convert/table/reader.ts';
import type { FilterSettings } from '../../../src/convert/filters/index.ts';
import { SAMPLES } from '../../helpers/samples.ts';
import { exists, operationsOf, firstDifference, readAll } from './helpers.ts';

/*
 * Every sample directory of the shared samples (each <format>/<sample> folder, found by listing,
 * not picked by hand): each operation is converted with the GeoJSON files, and every layer file
 * the pipeline wrote must be, byte for byte, the view of the table written beside it. Harvests
 * twice: with the default filters, and with a flow and a moisture delay, which move yield and
 * moisture values along time in the filtered and annotated layers only (the table must carry
 * them in its shifted columns: the files, written from the filters' own ring, are the independent
 * reference); the delayed harvests are converted once more without the files, whose table must be
 * the same bytes. (geojson-view.test.ts checks the same on three samples for the default filters.)
 */
const DELAYS: FilterSettings = { flowDelay: { seconds: 3 }, moistureDelay: { seconds: 2 } };
/**
 * Every operation of every sample takes ~10 minutes on two cores: `npm test` takes the first
 * operation of each directory and its first harvest; FURROW_TEST_EVERY_OPERATION=1 takes them all.
 */
const EVERY_OPERATION = process.env.FURROW_TEST_EVERY_OPERATION === '1';

function chosen<T extends { meta: { operationType: string } }>(sources: readonly T[]): [number, T][] {
  const all = [...sources.entries()];
  if (EVERY_OPERATION) return all;
  const harvest = all.find(([, source]) => source.meta.operationType === 'harvested');
  return all.filter(([index], k) => k === 0 || index === harvest?.[0]);
}

async function sampleDirectories(): Promise<string[]> {
  const dirs: string[] = [];
  for (const format of (await readdir(SAMPLES, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const entry of (await readdir(join(SAMPLES, format), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) dirs.push(join(format, entry));
  }
  return dirs;
}

const directories = await sampleDirectories();

test('the shared samples hold the sample directories this test walks', () => {
  assert.ok(directories.length >= 20, `${directories.length} sample directories`);
});

for (const directory of directories) {
  test(`GeoJSON views equal the pipeline's files on every operation: ${directory}`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'furrow-every-view-'));
    let sources;
    let close = async () => {};
    try {
      ({ sources, close } = await operationsOf(join(SAMPLES, directory)));
    } catch (error) {
      // A sample that is unreadable as a whole (the corrupt ones) converts nothing: nothing to compare.
      await rm(dir, { recursive: true, force: true });
      t.skip(`not readable: ${(error as Error).message}`);
      return;
    }
    try {
      let shiftedCompared = 0;
      let imagesChecked = 0;
      for (const [index, source] of chosen(sources)) {
        const runs = source.meta.operationType === 'harvested' ? ([['default filters', {}], ['delays', DELAYS]] as const) : ([['default filters', {}]] as const);
        for (const [label, filters] of runs) {
          const files = join(dir, `op${index}-${label}`);
          const result = await convertOperation(source, files, { units: 'metric', filters, geojson: true });
          const tablePath = join(files, 'table.parquet');
          if (!(await exists(tablePath))) continue;
          if (label === 'default filters') imagesChecked += await checkImages(files, `${directory} op${index}`);
          if (label === 'delays') {
            const bare = join(dir, `op${index}-${label}-bare`);
            await convertOperation(source, bare, { units: 'metric', filters, geojson: false });
            assert.ok((await readFile(join(bare, 'table.parquet'))).equals(await readFile(tablePath)), `${directory} op${index} ${label}: the table differs with and without the GeoJSON files`);
            for (const layer of GEOJSON_LAYERS) assert.equal(await exists(join(bare, `${layer}.geojson`)), false, `${layer}.geojson written without geojson`);
          }
          for (const layer of GEOJSON_LAYERS) {
            const file = join(files, `${layer}.geojson`);
            if (!(await exists(file))) continue;
            const expected = await readFile(file);
            const view = await readAll(await openGeoJsonView(tablePath, layer));
            assert.ok(view.equals(expected), `${directory} op${index} ${label} ${layer}: ${view.length} bytes vs ${expected.length}; first difference at ${firstDifference(view, expected)}`);
          }
          if (label === 'delays' && result.filtered && (result.filtered.removedBy.flowDelay !== undefined || result.filtered.removedBy.moistureDelay !== undefined)) {
            const table = await TableReader.open(tablePath);
            if ((table.metadata.schema.shifted ?? []).length > 0) shiftedCompared++;
            await table.close();
          }
        }
      }
      t.diagnostic(`${imagesChecked} images checked`);
      if (directory.includes('harvest')) assert.ok(shiftedCompared > 0, `${directory}: no harvest operation had its delayed values compared`);
    } finally {
      await close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}


interface ImageEntry {
  property: string;
  url: string;
  legend: { layer: string; min: number; max: number; points: number };
}

/**
 * Issue 16: every image a person can read, at least 512 px on its long side, its ramp spanning
 * the values drawn from the filtered points (the cleaned ones when the filters kept none). The
 * size is read from the PNG's own IHDR chunk (bytes 16–23), not from images.json; the bounds are
 * checked against the values of the layer the legend names, read from its view.
 */
async function checkImages(dir: string, what: string): Promise<number> {
  const listPath = join(dir, 'images.json');
  if (!(await exists(listPath))) return 0;
  const images = JSON.parse(await readFile(listPath, 'utf8')) as ImageEntry[];
  const ranges = new Map<string, Map<string, [number, number]>>();
  for (const image of images) {
    const png = await readFile(join(dir, image.url));
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.ok(Math.max(width, height) >= 512, `${what} ${image.property}: ${width}×${height} px`);
    assert.ok(image.legend.layer === 'filtered' || image.legend.layer === 'standard', `${what} ${image.property}: layer ${image.legend.layer}`);
    let range = ranges.get(image.legend.layer);
    if (!range) ranges.set(image.legend.layer, (range = await valueRanges(join(dir, `${image.legend.layer}.geojson`))));
    const [min, max] = range.get(image.property) ?? [NaN, NaN];
    assert.ok(Math.abs(image.legend.min - min) <= 1e-6 * Math.max(1, Math.abs(min)) && Math.abs(image.legend.max - max) <= 1e-6 * Math.max(1, Math.abs(max)), `${what} ${image.property}: legend ${image.legend.min}..${image.legend.max}, ${image.legend.layer} values ${min}..${max}`);
  }
  return images.length;
}

/** Smallest and largest value of every numeric property of a GeoJSON layer file (one Feature per line, as the pipeline writes). */
async function valueRanges(path: string): Promise<Map<string, [number, number]>> {
  const ranges = new Map<string, [number, number]>();
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (!line.startsWith('{"type":"Feature"')) continue;
    const feature = JSON.parse(line.replace(/,$/, '')) as { properties: Record<string, unknown> };
    for (const [key, value] of Object.entries(feature.properties)) {
      if (typeof value !== 'number') continue;
      const range = ranges.get(key);
      if (!range) ranges.set(key, [value, value]);
      else {
        if (value < range[0]) range[0] = value;
        if (value > range[1]) range[1] = value;
      }
    }
  }
  return ranges;
}
