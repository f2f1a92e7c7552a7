import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyBatch } from '../../src/model/batch.ts';
import { Standardizer } from '../../src/convert/standardize.ts';
import type { ColumnSpec, OperationMeta } from '../../src/formats/types.ts';

/*
 * Harvest values from what a yield monitor logs. Corn in Leaf's crop table: 56 lb/bu, standard
 * moisture 15 %. Expected figures are worked out by hand from the values written here.
 */

function corn(columns: ColumnSpec[]): OperationMeta {
  return { id: 'op', operationType: 'harvested', originalOperationType: 'Harvest', fileFormat: 'TEST', provider: 'Other', crop: 'corn', varieties: [], products: [], machinery: [], columns, warnings: [], reader: 'test/1' };
}

function apply(columns: ColumnSpec[], values: Record<string, number>) {
  const keys = Object.keys(values);
  const batch = emptyBatch(1, keys);
  batch.time[0] = Date.UTC(2017, 9, 27, 9);
  batch.lon[0] = -93;
  batch.lat[0] = 41;
  for (const key of keys) batch.numbers.get(key)![0] = values[key]!;
  batch.length = 1;
  const std = new Standardizer(corn(columns), 'default');
  const out = std.apply(batch);
  const value = (p: string) => out.numbers.get(p)![0]!;
  return { std, value };
}

const MOISTURE: ColumnSpec = { key: 'moist', label: 'Moisture', kind: 'number', unit: 'percentage', standard: 'harvestMoisture' };
const DRY_VOLUME: ColumnSpec = { key: 'vol', label: 'VRYIELDVOL', kind: 'number', unit: 'bu/ac', standard: 'dryVolumePerArea' };

test('a logged dry volume (JD VRYIELDVOL) is kept as logged; the wet volume comes from the wet mass beside it', () => {
  const wetMass: ColumnSpec = { key: 'mass', label: 'WetMass', kind: 'number', unit: 'lb/ac', standard: 'wetMassPerArea' };
  // 9,800 lb/ac at 20 % moisture: wet 9,800 / 56 = 175 bu/ac; dry 9,800 × 80 / 85 / 56 = 164.7059 bu/ac,
  // which the monitor logged rounded to 164.7.
  const { std, value } = apply([wetMass, DRY_VOLUME, MOISTURE], { mass: 9800, vol: 164.7, moist: 20 });
  assert.equal(std.units.get('dryVolumePerArea'), 'bu/ac');
  assert.equal(std.units.get('wetVolumePerArea'), 'bu/ac');
  assert.equal(value('dryVolumePerArea'), 164.7);
  assert.ok(Math.abs(value('wetVolumePerArea') - 175) < 1e-9, `wet volume ${value('wetVolumePerArea')}`);
  assert.ok(Math.abs(value('wetMassPerArea') - 9800) < 1e-9);
  assert.ok(Math.abs(value('dryMassPerArea') - (9800 * 80) / 85) < 1e-9);
});

test('a dry volume alone is taken back to the measured moisture for the wet figures', () => {
  // 170 bu/ac dry at 15 %, harvested at 32 %: wet 170 × 85 / 68 = 212.5 bu/ac = 212.5 × 56 = 11,900 lb/ac.
  const { std, value } = apply([DRY_VOLUME, MOISTURE], { vol: 170, moist: 32 });
  assert.deepEqual(std.missingRequired(), []);
  assert.equal(value('dryVolumePerArea'), 170);
  assert.ok(Math.abs(value('wetVolumePerArea') - 212.5) < 1e-9, `wet volume ${value('wetVolumePerArea')}`);
  // No mass column to take a unit from: the masses Furrow derives follow the file's (imperial) bu/ac, in lb/ac.
  assert.equal(std.units.get('wetMassPerArea'), 'lb/ac');
  assert.ok(Math.abs(value('wetMassPerArea') - 11_900) < 1e-6, `wet mass ${value('wetMassPerArea')}`);
  assert.ok(Math.abs(value('dryMassPerArea') - 170 * 56) < 1e-6, `dry mass ${value('dryMassPerArea')}`);
});
