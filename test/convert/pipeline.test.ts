import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertOperation } from '../../src/pipeline.ts';
import { withTempDir } from '../helpers/temp.ts';
import { fakeSource, harvestPoints, HARVEST_COLUMNS } from '../helpers/fake-source.ts';

interface Feature {
  geometry: { coordinates: number[] };
  properties: Record<string, number | string>;
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

// Hand figures for harvestPoints(): each segment is 10 m long and 6 m wide → 60 m² per point
// after the first (which has no previous point: distance 0, area 0). 1 kg/m² × 60 m² = 60 kg wet.
// Dry (corn, standard moisture 15 %): 60 × (100 − 20)/(100 − 15) = 56.470588 kg.
// Imperial: 60 kg / 0.45359237 = 132.277357 lb; / 56 lb/bu = 2.362096 bu;
// 10,000 kg/ha = 10,000 / 0.45359237 lb / (10,000 / 4,046.8564224) ac = 8,921.791216 lb/ac.
test('harvest: derived area, masses, volumes and dry values, in imperial units', () =>
  withTempDir(async (dir) => {
    const source = fakeSource({ operationType: 'harvested', columns: HARVEST_COLUMNS, crop: 'corn' }, harvestPoints());
    const result = await convertOperation(source, dir, { units: 'imperial' });
    assert.equal(result.status, 'processed', result.statusDetails);
    assert.equal(result.pointCount, 5);
    // Point 1 has area 0 → wetMass 0 fails "wetMass GT 0"; point 5 has work state off, so no width
    // works there: area 0, wetMass 0, and the same rule removes it first.
    assert.equal(result.keptCount, 3);
    assert.deepEqual(result.removedBy, { 'wetMass GT 0': 2 });

    const standard = await readJson<{ features: Feature[] }>(join(dir, 'standard.geojson'));
    assert.equal(standard.features.length, 3);
    const p = standard.features[0]!.properties;
    assert.equal(p.timestamp, '2020-01-02T10:00:01.000Z');
    assert.ok(Math.abs((p.distance as number) - 10 / 0.3048) < 1e-4, `distance ${p.distance}`);
    assert.equal(p.heading, 0);
    // Imperial converts per-point area too: 60 m² / 0.3048² = 645.834625 ft².
    assert.ok(Math.abs((p.area as number) - 60 / 0.3048 ** 2) < 1e-5, `area ${p.area}`);
    assert.ok(Math.abs((p.equipmentWidth as number) - 6 / 0.3048) < 1e-5);
    assert.ok(Math.abs((p.wetMass as number) - 132.277357) < 1e-5);
    assert.ok(Math.abs((p.wetVolume as number) - 2.362096) < 1e-5);
    assert.ok(Math.abs((p.dryMass as number) - 132.277357 * (80 / 85)) < 1e-5);
    assert.ok(Math.abs((p.wetMassPerArea as number) - 8921.791216) < 1e-5);
    assert.equal(p.harvestMoisture, 20);
    assert.equal(p.recordingStatus, 'On');
    assert.equal(p.crop, 'corn');
    assert.equal(p.operationType, 'harvested');

    const summary = await readJson<{ properties: Record<string, { value: number; unit: string } & { avg: number }>; geometry: { type: string } }>(join(dir, 'summary.json'));
    const s = summary.properties;
    // 3 kept points × 60 m² = 180 m² = 180 / 4046.8564224 ac.
    assert.equal(s.totalArea!.unit, 'ac');
    assert.ok(Math.abs(s.totalArea!.value - 180 / 4046.8564224) < 1e-6);
    assert.ok(Math.abs(s.totalWetMass!.value - 3 * 132.277357) < 1e-4);
    assert.equal(s.totalWetMass!.unit, 'lb');
    assert.ok(Math.abs(s.totalWetVolume!.value - 3 * 2.362096) < 1e-4);
    assert.equal(s.harvestMoisture!.avg, 20);
    // The span of the operation: its first and last points, whatever cleanup removed.
    assert.equal(s.startTime as unknown, '2020-01-02T10:00:00.000Z');
    assert.equal(s.endTime as unknown, '2020-01-02T10:00:04.000Z');
    assert.equal(summary.geometry.type, 'MultiPolygon');

    const units = await readJson<Record<string, string>>(join(dir, 'units.json'));
    assert.deepEqual(
      { area: units.area, wetMass: units.wetMass, wetVolume: units.wetVolume, wetMassPerArea: units.wetMassPerArea, speed: units.speed, harvestMoisture: units.harvestMoisture },
      { area: 'ft2', wetMass: 'lb', wetVolume: 'bu', wetMassPerArea: 'lb/ac', speed: 'ft/s', harvestMoisture: 'percentage' },
    );
    const status = await readJson<Record<string, { status: string }>>(join(dir, 'status.json'));
    assert.equal(status.standardGeojson!.status, 'processed');
    for (const step of ['propertiesPNGs', 'zippedPNGs']) assert.equal(status[step]!.status, 'processed', step);
    // Five seconds of harvest are all inside Yield Editor's start-of-pass delay (4 s) or removed by cleanup:
    // the filtered layer is empty, and its step says so while the file stays processed.
    assert.equal(status.filteredGeojson!.status, 'failed');
    // One straight pass: the covered area is the swept area (no overlap), in the summary's area unit.
    const extras = summary.properties as unknown as { coveredArea: { value: number; unit: string }; totalArea: { value: number; unit: string } };
    assert.equal(extras.coveredArea.unit, extras.totalArea.unit);
    assert.ok(Math.abs(extras.coveredArea.value - extras.totalArea.value) <= extras.totalArea.value * 0.02, `${extras.coveredArea.value} vs ${extras.totalArea.value}`);

    const raw = await readJson<{ features: Feature[] }>(join(dir, 'raw.geojson'));
    assert.equal(raw.features.length, 5);
    assert.equal(raw.features[0]!.properties.yield, 1_000_000);
  }));

test('the same input gives byte-identical outputs', () =>
  withTempDir(async (dir) => {
    for (const run of ['a', 'b']) {
      await convertOperation(fakeSource({ operationType: 'harvested', columns: HARVEST_COLUMNS, crop: 'corn' }, harvestPoints()), join(dir, run), { units: 'default' });
    }
    for (const file of ['raw.geojson', 'normalized.geojson', 'standard.geojson', 'summary.json', 'units.json', 'status.json']) {
      assert.equal(await readFile(join(dir, 'a', file), 'utf8'), await readFile(join(dir, 'b', file), 'utf8'), file);
    }
  }));

test('a planting without a seed rate fails with the missing property named', () =>
  withTempDir(async (dir) => {
    const source = fakeSource({ operationType: 'planted', columns: [HARVEST_COLUMNS[2]!] }, harvestPoints().map((p) => ({ ...p, values: { width: 6000 } })));
    const result = await convertOperation(source, dir, { units: 'default' });
    assert.equal(result.status, 'failed');
    assert.equal(result.statusDetails, 'normalizedGeojson: missing required properties: seedRate');
    const status = await readJson<Record<string, { status: string; message: string }>>(join(dir, 'status.json'));
    assert.equal(status.rawGeojson!.status, 'processed');
    assert.deepEqual(status.summary, { status: 'failed', message: 'skipped' });
  }));

test('when every point is removed by cleanup the file stays processed with its raw, normalized outputs and totals', () =>
  withTempDir(async (dir) => {
    const points = harvestPoints().map((p) => ({ ...p, values: { ...p.values, work: 0 } }));
    const result = await convertOperation(fakeSource({ operationType: 'harvested', columns: HARVEST_COLUMNS, crop: 'corn' }, points), dir, { units: 'default' });
    assert.equal(result.status, 'processed', result.statusDetails);
    assert.equal(result.keptCount, 0);
    const status = await readJson<Record<string, { status: string; message: string }>>(join(dir, 'status.json'));
    assert.equal(status.normalizedGeojson!.status, 'processed');
    assert.equal(status.cleanupGeojson!.status, 'failed');
    // Work state off everywhere: no width works, so every point has wetMass 0.
    assert.equal(status.cleanupGeojson!.message, "no point passed Leaf's cleanup rules (wetMass GT 0: 5); the totals and the unfiltered layers are kept");
    assert.equal(status.summary!.status, 'processed');
    assert.equal(status.filteredGeojson!.status, 'failed');
    const normalized = await readJson<{ features: Feature[] }>(join(dir, 'normalized.geojson'));
    assert.equal(normalized.features.length, 5);
    assert.ok(normalized.features.every((f) => f.properties.workingWidth === 0 && f.properties.area === 0));
    const summary = await readJson<{ properties: Record<string, { value: number; unit: string }> }>(join(dir, 'summary.json'));
    assert.equal(summary.properties.totalArea!.value, 0);
    assert.equal(summary.properties.totalWetMass!.value, 0);
  }));

test('no crop: harvest still converts, without volumes, with a warning', () =>
  withTempDir(async (dir) => {
    const result = await convertOperation(fakeSource({ operationType: 'harvested', columns: HARVEST_COLUMNS }, harvestPoints()), dir, { units: 'metric' });
    assert.equal(result.status, 'processed');
    assert.match(result.warnings.join('\n'), /no crop is recorded/);
    const units = await readJson<Record<string, string>>(join(dir, 'units.json'));
    assert.equal(units.wetVolume, undefined);
    assert.equal(units.wetMass, 't');
    const summary = await readJson<{ properties: Record<string, { value: number }> }>(join(dir, 'summary.json'));
    // 3 × 60 kg = 0.18 t; dry repeats wet without a standard moisture.
    assert.equal(summary.properties.totalWetMass!.value, 0.18);
    assert.equal(summary.properties.totalDryMass!.value, 0.18);
  }));
