import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { shapefileDriver } from '../../../src/formats/shapefile/driver.ts';
import type { OperationMeta } from '../../../src/formats/types.ts';
import { convertOperation } from '../../../src/pipeline.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';

/*
 * Every shapefile sample converted, checked against figures measured outside Furrow:
 * - "GDAL": SOURCES-other.md (ogrinfo over the same bytes): point counts, IsoTime spans, means
 *   over all points, i.e. of the raw and normalized outputs;
 * - "script": a throw-away Python script over the DBF bytes applying Leaf's cleanup rules as
 *   leaf-api.md §4.3 states them (rate or yield > 0, 0 < moisture < 100, and for harvest a
 *   non-zero DISTANCE, without which the point's wet mass is 0): count and means of the
 *   standard output.
 */

type Properties = Record<string, number | string | null>;

interface Expected {
  points: number;
  /** First and last time (GDAL), and how exactly SOURCES gives them (ms). */
  first: string;
  last: string;
  precision: number;
  /** Raw column → GDAL mean over all points. */
  rawMeans: Record<string, number>;
  /** Standard property → its unit and its mean over the normalized points (= raw column mean, the default units keep the source's). */
  normalized: Record<string, { unit: string; mean: number }>;
  /** Standard output: point count and means (script). */
  standard: { points: number; means: Record<string, number> };
  operationType: string;
  originalOperationType: string;
  crop?: string;
  varieties?: string[];
  products?: string[];
  /** Σ DISTANCE × SWATHWIDTH over all points in acres (script): the normalized area, each section on its own track. */
  acres?: number;
}

interface Result {
  meta: OperationMeta;
  raw: Properties[];
  normalized: Properties[];
  standard: Properties[];
  units: Record<string, string>;
}

async function convertSample(input: string): Promise<Result[]> {
  const archive = await openArchive(input);
  const results: Result[] = [];
  try {
    for (const dataset of await shapefileDriver.detect(archive.entries)) {
      for (const source of await shapefileDriver.read(dataset)) {
        await withTempDir(async (dir) => {
          const result = await convertOperation(source, dir, { units: 'default' });
          assert.equal(result.status, 'processed', `${dataset.root}: ${result.statusDetails}`);
          const features = async (file: string) => (JSON.parse(await readFile(join(dir, file), 'utf8')) as { features: { properties: Properties }[] }).features.map((f) => f.properties);
          results.push({
            meta: source.meta,
            raw: await features('raw.geojson'),
            normalized: await features('normalized.geojson'),
            standard: await features('standard.geojson'),
            units: JSON.parse(await readFile(join(dir, 'units.json'), 'utf8')) as Record<string, string>,
          });
        });
      }
    }
  } finally {
    await archive.close();
  }
  return results;
}

function mean(points: Properties[], key: string): number {
  const values = points.map((p) => p[key]).filter((v): v is number => typeof v === 'number');
  assert.equal(values.length, points.length, `${key} on every point`);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function near(actual: number, expected: number, what: string, relative = 0.005): void {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${what}: ${actual} vs ${expected} (±${relative * 100} %)`);
}

function check(result: Result, want: Expected, label: string): void {
  const { meta, raw, normalized, standard, units } = result;
  assert.equal(meta.operationType, want.operationType, label);
  assert.equal(meta.originalOperationType, want.originalOperationType, label);
  assert.equal(meta.fileFormat, 'SHAPEFILE');
  assert.equal(meta.crop, want.crop, `${label} crop`);
  if (want.varieties) assert.deepEqual(meta.varieties, want.varieties, `${label} varieties`);
  if (want.products) assert.deepEqual(meta.products.map((p) => p.name), want.products, `${label} products`);
  assert.equal(raw.length, want.points, `${label} points`);
  assert.equal(normalized.length, want.points);
  const first = Date.parse(raw[0]!.time as string);
  const last = Date.parse(raw.at(-1)!.time as string);
  assert.ok(Math.abs(first - Date.parse(want.first)) <= want.precision, `${label} first time ${raw[0]!.time} vs ${want.first}`);
  assert.ok(Math.abs(last - Date.parse(want.last)) <= want.precision, `${label} last time ${raw.at(-1)!.time} vs ${want.last}`);
  for (const [key, value] of Object.entries(want.rawMeans)) near(mean(raw, key), value, `${label} raw ${key}`);
  for (const [property, { unit, mean: value }] of Object.entries(want.normalized)) {
    assert.equal(units[property], unit, `${label} unit of ${property}`);
    near(mean(normalized, property), value, `${label} normalized ${property}`);
  }
  if (want.acres !== undefined) near(normalized.reduce((a, p) => a + (p.area as number), 0) / 4046.8564224, want.acres, `${label} area (ac)`, 0.001);
  assert.equal(standard.length, want.standard.points, `${label} standard points`);
  for (const [property, value] of Object.entries(want.standard.means)) near(mean(standard, property), value, `${label} standard ${property}`);
}

const SECOND = 1000;
const MINUTE = 60_000;

test('Gen4 one-hertz harvest export: corn, 2,514 points, GDAL means, per-section columns declared', async () => {
  const [result] = await convertSample(sample('jd-shapefile/gen4-harvest-point-1hz/gen4-4600-harvest-point-onehertz.zip'));
  check(result!, {
    points: 2514,
    first: '2017-10-27T08:56:52Z',
    last: '2017-10-27T09:40:47Z',
    precision: SECOND,
    rawMeans: { VRYIELDVOL: 133.87, Moisture: 16.27 },
    normalized: { dryVolumePerArea: { unit: 'bu/ac', mean: 133.87 }, harvestMoisture: { unit: 'percentage', mean: 16.27 } },
    // script: 2,246 records pass; mean VRYIELDVOL 149.842, mean Moisture 16.948.
    standard: { points: 2246, means: { dryVolumePerArea: 149.842, harvestMoisture: 16.948 } },
    operationType: 'harvested',
    originalOperationType: 'Harvest',
    crop: 'corn',
    varieties: ['CORNVAR-001'],
    acres: 13.22,
  }, 'gen4 harvest');
  const meta = result!.meta;
  assert.equal(meta.provider, 'JohnDeere');
  assert.deepEqual([meta.grower, meta.farm, meta.field], ['Test', 'LabSim Fields', 'Jen-3']);
  assert.deepEqual(meta.machinery.map((m) => m.serialNumber), ['1H0S770SVH9999999']);
  const standards = new Map(meta.columns.filter((c) => c.standard).map((c) => [c.standard, c.unit]));
  assert.equal(standards.get('distance'), 'ft');
  assert.equal(standards.get('heading'), 'arcdeg');
  assert.equal(standards.get('equipmentWidth'), 'ft');
  assert.ok(standards.has('sectionId'));
  assert.equal(standards.get('wetMassPerArea'), 'lb/ac');
});

test('MyJohnDeere soybean harvest: 40,960 per-section points, GDAL means, 6 sections × 5 ft', async () => {
  const [result] = await convertSample(sample('jd-shapefile/myjd-harvest-soybeans/export-from-myjohndeere-harvest.zip'));
  check(result!, {
    points: 40960,
    first: '2016-09-19T16:45:10Z',
    last: '2016-09-19T19:50:26Z',
    precision: SECOND,
    rawMeans: { VRYIELDVOL: 78.05, Moisture: 12.83 },
    normalized: { dryVolumePerArea: { unit: 'bu/ac', mean: 78.05 }, harvestMoisture: { unit: 'percentage', mean: 12.83 }, equipmentWidth: { unit: 'ft', mean: 5 } },
    // script: 40,570 records pass; mean VRYIELDVOL 78.699, mean Moisture 12.889. (Recounted with the
    // `shapefile` npm reader once VRYIELDVOL was read as the dry volume: Leaf's wet-volume rule now sees
    // WetMass / 60, so 26 records whose WetMass is below 0.01 lb/ac, and VRYIELDVOL rounded to 0, pass.)
    standard: { points: 40570, means: { dryVolumePerArea: 78.699, harvestMoisture: 12.889 } },
    operationType: 'harvested',
    originalOperationType: 'Harvest',
    crop: 'soybeans',
    varieties: ['23A42'],
    acres: 25.182,
  }, 'myjd harvest');
  assert.deepEqual([...new Set(result!.raw.map((p) => p.SECTIONID))].sort(), [1260, 1261, 1262, 1263, 1264, 1265]);
});

test('MyJohnDeere soybean seeding: 55,285 per-row points, mean seed rate 137,553 seeds/ac', async () => {
  const [result] = await convertSample(sample('jd-shapefile/myjd-seeding-soybeans/export-from-myjohndeere-seeding.zip'));
  check(result!, {
    points: 55285,
    first: '2016-04-23T14:32:00Z',
    last: '2016-04-24T02:06:00Z',
    precision: MINUTE,
    rawMeans: { AppliedRate: 137553 },
    normalized: { seedRate: { unit: 'seeds/ac', mean: 137553 }, equipmentWidth: { unit: 'ft', mean: 2.5 } },
    // script: 55,268 records with AppliedRate > 0, mean 137,595.6.
    standard: { points: 55268, means: { seedRate: 137595.6 } },
    operationType: 'planted',
    originalOperationType: 'Seeding',
    crop: 'soybeans',
    varieties: ['23A42'],
    acres: 24.957,
  }, 'myjd seeding');
});

test('Gen4 one-hertz planting export: 123,257 points, mean seed rate 152,164 seeds/ac, two varieties', async () => {
  const [result] = await convertSample(sample('jd-shapefile/gen4-planting-point-1hz/gen4-4600-planting-point-onehertz.zip'));
  check(result!, {
    points: 123257,
    first: '2017-09-22T15:53:45Z',
    last: '2017-09-22T16:36:39Z',
    precision: SECOND,
    rawMeans: { AppliedRate: 152164 },
    normalized: { seedRate: { unit: 'seeds/ac', mean: 152164 } },
    // script: every record has AppliedRate > 0.
    standard: { points: 123257, means: { seedRate: 152164 } },
    operationType: 'planted',
    originalOperationType: 'Seeding',
    crop: 'soybeans',
  }, 'gen4 planting');
  assert.deepEqual([...result!.meta.varieties].sort(), ['VAR1', 'VAR2']);
});

test('Gen4 one-hertz application export: 780 points, mean 10.009 gal/ac, product Tank Mix and its components', async () => {
  const [result] = await convertSample(sample('jd-shapefile/gen4-application-point-1hz/gen4-4600-application-point-onehertz.zip'));
  check(result!, {
    points: 780,
    first: '2017-11-29T16:21:32Z',
    last: '2017-11-29T16:34:31Z',
    precision: SECOND,
    rawMeans: { AppliedRate: 10.009 },
    normalized: { appliedRate: { unit: 'gal/ac', mean: 10.009 } },
    standard: { points: 780, means: { appliedRate: 10.009 } },
    operationType: 'applied',
    originalOperationType: 'Application',
    products: ['Tank Mix', 'AMS', 'Counter', 'Water'],
  }, 'gen4 application');
  assert.deepEqual(result!.meta.products.at(-1), { name: 'Water', type: 'Carrier' });
});

test('MyJohnDeere application: four layers, one operation each, with their product, dates and mean rate', async () => {
  const results = await convertSample(sample('jd-shapefile/myjd-application/export-from-myjohndeere-application.zip'));
  assert.equal(results.length, 4);
  // GDAL: points, dates, mean AppliedRate (gal/ac); first/last IsoTime of each layer (script).
  const layers = [
    { product: 'Corn Rescue Use 1', points: 38380, first: '2016-05-31T21:29:14.400Z', last: '2016-06-09T14:23:10.970Z', rate: 13.49, components: ['Roundup Powermax', 'AMS', 'FS MaxSupreme', 'Water'] },
    { product: 'Priaxor Fastac Use 1', points: 31346, first: '2016-07-15T18:03:32.600Z', last: '2016-07-15T18:21:56.187Z', rate: 15.34, components: ['Priaxor', 'Fastac EC', 'FS Talyx', 'Water'] },
    // The DBF cuts this name at 23 characters ("SB 2 PowerMax only Use"); the file name completes it.
    { product: 'SB 2 PowerMax only Use 1', points: 4015, first: '2016-06-23T13:33:08.800Z', last: '2016-06-23T13:40:41.399Z', rate: 19.09, components: ['Roundup Powermax', 'FS MaxSupreme', 'AMS', 'Water'] },
    { product: 'Sonic Tilled Use 1', points: 28650, first: '2016-04-24T11:51:06.200Z', last: '2016-04-24T12:11:05.996Z', rate: 13.47, components: ['Sonic', 'Water'] },
  ];
  for (const layer of layers) {
    const result = results.find((r) => r.meta.products[0]?.name === layer.product);
    assert.ok(result, `a layer for ${layer.product}: ${results.map((r) => r.meta.products[0]?.name).join(', ')}`);
    check(result, {
      points: layer.points,
      first: layer.first,
      last: layer.last,
      precision: 0,
      rawMeans: { AppliedRate: layer.rate },
      normalized: { appliedRate: { unit: 'gal/ac', mean: layer.rate } },
      // script: every record has AppliedRate > 0.
      standard: { points: layer.points, means: { appliedRate: layer.rate } },
      operationType: 'applied',
      originalOperationType: 'Application',
      products: [layer.product, ...layer.components],
    }, layer.product);
  }
});

test('Ag Leader SMS folder through convertInput: 858 points, GDAL means, 5.82 ac, US units said', async () => {
  await withTempDir(async (out) => {
    const report = await convertInput(sample('sms-shapefile'), out, { units: 'default' }, {}, [shapefileDriver]);
    assert.deepEqual(report.failures, []);
    assert.equal(report.operations.length, 1);
    const op = report.operations[0]!;
    assert.equal(op.status, 'processed', op.statusDetails);
    assert.equal(op.provider, 'AgLeader');
    assert.equal(op.fileFormat, 'SHAPEFILE');
    assert.equal(op.operationType, 'harvested');
    assert.ok(op.warnings.some((w) => /read in US units: Distance_f, Speed_mph_/.test(w)), op.warnings.join('\n'));
    const read = async (file: string) => (JSON.parse(await readFile(join(out, op.dir, file), 'utf8')) as { features: { properties: Properties }[] }).features.map((f) => f.properties);
    const raw = await read('raw.geojson');
    const normalized = await read('normalized.geojson');
    const standard = await read('standard.geojson');
    const units = JSON.parse(await readFile(join(out, op.dir, 'units.json'), 'utf8')) as Record<string, string>;
    assert.equal(raw.length, 858);
    near(mean(raw, 'Yld_Vol_Dr'), 27.53, 'raw Yld_Vol_Dr');
    near(mean(raw, 'Moisture__'), 10.79, 'raw Moisture__');
    assert.equal(raw[0]!.Product, 'SOYBEANS');
    assert.equal(raw[0]!.Date, '2013-09-30');
    // script: mean Yld_Vol_We 27.535 bu/ac (SMS's wet and dry volumes differ only where moisture exceeds 13 %).
    assert.equal(units.wetVolumePerArea, 'bu/ac');
    near(mean(normalized, 'wetVolumePerArea'), 27.535, 'normalized wetVolumePerArea');
    near(mean(standard, 'harvestMoisture'), 10.79, 'standard harvestMoisture');
    assert.equal(standard.length, 858, 'every point is logged On with yield and moisture (script)');
    // GDAL: Σ(Distance_f × Swth_Wdth_) = 5.82 ac; Furrow's area uses the logged distance and width.
    const acres = normalized.reduce((a, p) => a + (p.area as number), 0) / 4046.8564224;
    near(acres, 5.82, 'area (ac)');
    assert.equal(normalized[0]!.crop, 'soybeans');
    // Times: dataset start 13/09/30-16:45:42 plus the running Duration_s (1,796 s in all, the last record's 2 s after it).
    assert.equal(raw[0]!.time, '2013-09-30T16:45:42.000Z');
    assert.equal(raw.at(-1)!.time, '2013-09-30T17:15:36.000Z');
  });
});
