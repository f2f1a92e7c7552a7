import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput, type ConversionReport } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { geojsonDriver } from '../../../src/formats/geojson/driver.ts';
import { isoxmlDriver } from '../../../src/formats/isoxml/driver.ts';
import { DatasetError } from '../../../src/formats/types.ts';
import { METERS_PER_DEGREE } from '../../helpers/fake-source.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';

/*
 * GeoJSON input (Farmobile / generic / Leaf standard). No public Farmobile export exists
 * (formats.md §2.8), so inputs are built here with values whose expected figures are worked out
 * by hand below; the round trip reads back Furrow's own standard output of an ISOXML sample.
 */

interface Feature {
  geometry: { coordinates: number[] };
  properties: Record<string, number | string>;
}
type Stat = { avg: number; unit: string };
type Total = { value: number; unit: string };
interface Summary {
  properties: Record<string, Stat | Total | string | string[]>;
}

async function json<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

function near(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${what}: ${actual} vs ${expected} (±${relative * 100} %)`);
}

function collection(features: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'FeatureCollection', ...extra, features });
}

function point(lon: number, lat: number, properties: Record<string, unknown>): unknown {
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties };
}

async function convertZip(dir: string, files: Record<string, string>): Promise<{ report: ConversionReport; out: string }> {
  const zip = join(dir, 'upload.zip');
  await writeZip(zip, files);
  const out = join(dir, 'out');
  return { report: await convertInput(zip, out, { units: 'default' }, {}, [geojsonDriver]), out };
}

const T0 = Date.UTC(2023, 8, 20, 15, 0, 0);
const STEP = 10 / METERS_PER_DEGREE; // 10 m north

test('Farmobile-style harvest with generic names: yields, moisture, area and dry values worked out by hand', async () => {
  await withTempDir(async (dir) => {
    const yields = [150, 160, 170, 180, 190];
    const features: unknown[] = yields.map((y, i) =>
      point(-93.5, 42 + i * STEP, { Time: new Date(T0 + i * 1000).toISOString(), Yield: y, Moisture: 20, Speed_mph: 5, Swath_Width: 20, Distance: 30, Crop: 'Corn' }),
    );
    // A MultiPoint gives its first point; a line and a polygon are not points and are skipped.
    features.push({ type: 'Feature', geometry: { type: 'MultiPoint', coordinates: [[-93.5, 42 + 5 * STEP], [0, 0]] }, properties: { Time: new Date(T0 + 5000).toISOString(), Yield: 200, Moisture: 20, Speed_mph: 5, Swath_Width: 20, Distance: 30, Crop: 'Corn' } });
    features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[-93.5, 42], [-93.5, 42.001]] }, properties: { Yield: 1 } });
    features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [] }, properties: {} });
    const { report, out } = await convertZip(dir, { 'exports/farmobile-harvest-2023.geojson': collection(features) });
    assert.deepEqual(report.failures, []);
    assert.equal(report.operations.length, 1);
    const op = report.operations[0]!;
    assert.equal(op.status, 'processed', op.statusDetails);
    assert.equal(op.operationType, 'harvested'); // told by the yield and moisture properties
    assert.equal(op.provider, 'Farmobile'); // named in the file name
    assert.equal(op.fileFormat, 'GeoJSON');
    assert.ok(op.warnings.some((w) => /2 of 8 features were skipped \(1 LineString geometry, 1 Polygon geometry\)/.test(w)), op.warnings.join('\n'));
    assert.ok(op.warnings.some((w) => /Farmobile's US default units were assumed \(Distance ft, Swath_Width ft, Moisture percentage, Yield bu\/ac\)/.test(w)), op.warnings.join('\n'));

    const dir1 = join(out, op.dir);
    const standard = (await json<{ features: Feature[] }>(join(dir1, 'standard.geojson'))).features;
    const summary = (await json<Summary>(join(dir1, 'summary.json'))).properties;
    const units = await json<Record<string, string>>(join(dir1, 'units.json'));
    assert.equal(standard.length, 6);
    assert.deepEqual(standard[5]!.geometry.coordinates, [-93.5, Math.round((42 + 5 * STEP) * 1e7) / 1e7]);
    assert.equal(standard[0]!.properties.crop, 'corn');
    // Yield is bu/ac (assumed), kept in bu/ac: mean of 150…200 = 175.
    assert.equal(units.wetVolumePerArea, 'bu/ac');
    near(standard.reduce((a, f) => a + (f.properties.wetVolumePerArea as number), 0) / 6, 175, 1e-9, 'mean wet yield');
    // Dry at corn's 15 % standard moisture: wet × (100 − 20) / (100 − 15).
    near((summary.dryVolumePerArea as Stat).avg, (175 * 80) / 85, 1e-6, 'dry yield');
    // Area per point = 30 ft × 20 ft = 600 ft² = 600 × 0.09290304 m² (the logged distance is used).
    near((summary.totalArea as Total).value, 6 * 600 * 0.09290304, 1e-6, 'total area m²');
    // Total wet volume = Σ yield × area: 175 bu/ac × 3600 ft² / 43,560 ft²/ac bu; a derived total takes the
    // file's own (US) system in the default units, so bushels.
    const total = summary.totalWetVolume as Total;
    assert.equal(total.unit, 'bu');
    near(total.value, (175 * 3600) / 43_560, 1e-6, 'total wet volume');
    // Speed 5 mi/hr as logged.
    assert.equal(units.speed, 'mi/hr');
    assert.equal((summary.speed as Stat).avg, 5);
  });
});

test('planting: type named by operationType, epoch-millisecond times, `population` as seed rate; a units.json beside the file wins over assumptions', async () => {
  await withTempDir(async (dir) => {
    const rates = [30_000, 32_000, 34_000, 0];
    const features = rates.map((r, i) => point(-90, 40 + i * STEP, { timestamp: T0 + i * 1000, operationType: 'planted', population: r, equipmentWidth: 12, elevation: 250 }));
    const { report, out } = await convertZip(dir, {
      'field/planting.json': collection(features, { name: 'planting' }),
      'field/units.json': JSON.stringify({ equipmentWidth: 'm', elevation: 'm', seedRate: 'seeds/ha' }),
    });
    const op = report.operations[0]!;
    assert.equal(op.status, 'processed', op.statusDetails);
    assert.equal(op.operationType, 'planted');
    assert.equal(op.provider, 'Other');
    const dir1 = join(out, op.dir);
    const units = await json<Record<string, string>>(join(dir1, 'units.json'));
    assert.equal(units.seedRate, 'seeds/ha');
    assert.equal(units.equipmentWidth, 'm');
    const standard = (await json<{ features: Feature[] }>(join(dir1, 'standard.geojson'))).features;
    // The zero rate fails Leaf's `seedRate GT 0` rule: 3 points kept, mean (30 + 32 + 34) / 3 thousand.
    assert.equal(standard.length, 3);
    assert.equal(standard[0]!.properties.timestamp, new Date(T0).toISOString());
    near(standard.reduce((a, f) => a + (f.properties.seedRate as number), 0) / 3, 32_000, 1e-9, 'mean seed rate');
    assert.ok(!op.warnings.some((w) => /assumed/.test(w)), op.warnings.join('\n'));
  });
});

test('a missing required property or time fails with a reason naming it; malformed JSON fails readably', async () => {
  await withTempDir(async (dir) => {
    const noRate = collection([point(1, 50, { time: '2023-01-01T00:00:00Z', operationType: 'applied', speed: 3 })]);
    const noTime = collection([point(1, 50, { seedRate: 30000 })]);
    const broken = collection([point(1, 50, { timestamp: '2023-01-01T00:00:00Z', seedRate: 1 }), point(1, 50.1, { timestamp: '2023-01-01T00:00:01Z', seedRate: 1 })]).slice(0, -40);
    const { report } = await convertZip(dir, { 'a/no-rate.geojson': noRate, 'b/no-time.geojson': noTime, 'c/broken.geojson': broken });
    assert.equal(report.operations.length, 0);
    const reason = (path: string) => report.failures.find((f) => f.path === path)?.reason ?? '';
    assert.match(reason('a/no-rate.geojson'), /applied data needs the required property appliedRate/);
    assert.match(reason('b/no-time.geojson'), /no point has a time: a "timestamp" property .* is required/);
    assert.match(reason('c/broken.geojson'), /not valid GeoJSON: the JSON breaks after feature 1/);
  });
});

test('detection: FeatureCollections in .json/.geojson are claimed; summary.json, units.json, JD metadata and other JSON are not', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'mixed.zip');
    const fc = collection([point(1, 50, { timestamp: '2023-01-01T00:00:00Z', seedRate: 1 })]);
    await writeZip(zip, {
      'out/standard.geojson': fc,
      // Members have no order: `features` first, then `type`.
      'out/features-first.json': JSON.stringify({ features: [{ type: 'Feature', geometry: null, properties: {} }], type: 'FeatureCollection' }),
      'out/summary.json': JSON.stringify({ type: 'Feature', properties: { operationType: 'planted' }, geometry: null }),
      'out/units.json': JSON.stringify({ seedRate: 'seeds/ac' }),
      'jd/yield-Deere-Metadata.json': fc,
      'other/config.json': JSON.stringify({ name: 'x', features: { a: 1 } }),
      'other/list.json': '[1,2,3]',
      'other/data.txt': fc,
    });
    const archive = await openArchive(zip);
    try {
      const datasets = await geojsonDriver.detect(archive.entries);
      assert.deepEqual(datasets.map((d) => d.root).sort(), ['out/features-first.json', 'out/standard.geojson']);
      // The units.json beside them goes with each.
      assert.ok(datasets.every((d) => d.entries.get('UNITS.JSON')?.path === 'out/units.json'));
      // A collection whose only feature has no geometry holds no point: a readable failure.
      const firstOnly = datasets.find((d) => d.root === 'out/features-first.json')!;
      await assert.rejects(geojsonDriver.read(firstOnly), (e: unknown) => e instanceof DatasetError && /no point to convert/.test(e.message));
    } finally {
      await archive.close();
    }
  });
});

test('round trip: Furrow standard GeoJSON of the Kverneland ISOXML planting reads back with the same points, seed rate and area', async () => {
  await withTempDir(async (dir) => {
    const first = join(dir, 'first');
    const isoReport = await convertInput(sample('isoxml/kverneland-spreader/single-dpd.zip'), first, { units: 'default' }, {}, [isoxmlDriver]);
    const isoOp = isoReport.operations[0]!;
    assert.equal(isoOp.status, 'processed', isoOp.statusDetails);
    const isoDir = join(first, isoOp.dir);
    const isoSummary = (await json<Summary>(join(isoDir, 'summary.json'))).properties;
    const isoStandard = await readFile(join(isoDir, 'standard.geojson'), 'utf8');
    const isoUnits = await readFile(join(isoDir, 'units.json'), 'utf8');
    const isoCount = (JSON.parse(isoStandard) as { features: unknown[] }).features.length;

    const { report, out } = await convertZip(dir, { 'TSK1-planted/standard.geojson': isoStandard, 'TSK1-planted/units.json': isoUnits });
    const op = report.operations[0]!;
    assert.equal(op.status, 'processed', op.statusDetails);
    assert.equal(op.operationType, 'planted');
    const again = join(out, op.dir);
    const summary = (await json<Summary>(join(again, 'summary.json'))).properties;
    const standard = (await json<{ features: unknown[] }>(join(again, 'standard.geojson'))).features;
    assert.equal(standard.length, isoCount);
    assert.equal(summary.originalOperationType, isoSummary.originalOperationType);
    const seed = summary.seedRate as Stat;
    const isoSeed = isoSummary.seedRate as Stat;
    assert.equal(seed.unit, isoSeed.unit);
    // The output rounds distances to 6 decimals: area-weighted means agree to far better than 1e-6.
    near(seed.avg, isoSeed.avg, 1e-6, 'mean seed rate');
    near((summary.totalArea as Total).value, (isoSummary.totalArea as Total).value, 1e-5, 'total area');
    assert.deepEqual(await json(join(again, 'units.json')), JSON.parse(isoUnits));
  });
});

test('times: ISO text with or without a zone (read as UTC), epoch seconds and milliseconds as numbers or text', async () => {
  const { parseTime } = await import('../../../src/formats/geojson/features.ts');
  const ms = Date.UTC(2023, 8, 20, 15, 0, 0);
  assert.deepEqual(parseTime('2023-09-20T15:00:00Z'), { ms, zoneless: false });
  assert.deepEqual(parseTime('2023-09-20T17:00:00+02:00'), { ms, zoneless: false });
  assert.deepEqual(parseTime('2023-09-20 15:00:00'), { ms, zoneless: true });
  assert.deepEqual(parseTime(ms / 1000), { ms, zoneless: false });
  assert.deepEqual(parseTime(String(ms)), { ms, zoneless: false });
  assert.equal(parseTime('yesterday'), undefined);
  assert.equal(parseTime(-5), undefined);
});

test('a workingWidth property (sections on) is read as the working width: per-point area = distance × it, by hand', async () => {
  await withTempDir(async (dir) => {
    // A 12 m boom with half of it off on the second point and all of it off on the third.
    const working = [12, 6, 0, 12];
    const features = working.map((w, i) => point(-90, 40 + i * STEP, { timestamp: T0 + i * 1000, appliedRate: 100, equipmentWidth: 12, workingWidth: w, distance: 10 }));
    const { report, out } = await convertZip(dir, {
      'spray.geojson': collection(features),
      'units.json': JSON.stringify({ equipmentWidth: 'm', workingWidth: 'm', distance: 'm', appliedRate: 'L/ha' }),
    });
    const op = report.operations[0]!;
    assert.equal(op.status, 'processed', op.statusDetails);
    const units = await json<Record<string, string>>(join(out, op.dir, 'units.json'));
    assert.equal(units.workingWidth, 'm');
    assert.equal(units.area, 'm2');
    const normalized = (await json<{ features: Feature[] }>(join(out, op.dir, 'normalized.geojson'))).features;
    assert.deepEqual(normalized.map((f) => f.properties.equipmentWidth), [12, 12, 12, 12]);
    assert.deepEqual(normalized.map((f) => f.properties.workingWidth), working);
    // 10 m × 12 m, 10 m × 6 m, nothing, 10 m × 12 m.
    assert.deepEqual(normalized.map((f) => f.properties.area), [120, 60, 0, 120]);
  });
});
