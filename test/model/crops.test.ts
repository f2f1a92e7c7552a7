import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CROP_TABLE, dryFromWet, lookupCrop, volumeFromMass } from '../../src/model/crops.ts';
import { convert } from '../../src/model/units.ts';

test('the crop table has every line of leaf-api.md §9', () => {
  // The fenced block of §9 has 218 lines, from `alfalfa;100;13` to `zucchini;1;`; 217 names,
  // because `corn, seed` is listed twice.
  assert.equal(CROP_TABLE.length, 218);
  assert.equal(new Set(CROP_TABLE.map((c) => c.name)).size, 217);
  assert.deepEqual(CROP_TABLE[0], { name: 'alfalfa', density: 100, standardMoisture: 13 });
  assert.deepEqual(CROP_TABLE.at(-1), { name: 'zucchini', density: 1 });
  for (const crop of CROP_TABLE) {
    assert.ok(crop.density > 0, crop.name);
    assert.ok(crop.standardMoisture === undefined || (crop.standardMoisture > 0 && crop.standardMoisture < 100), crop.name);
  }
});

test('lookupCrop is case-insensitive and trimmed', () => {
  assert.deepEqual(lookupCrop('corn'), { name: 'corn', density: 56, standardMoisture: 15 });
  assert.deepEqual(lookupCrop('  Soybeans '), { name: 'soybeans', density: 60, standardMoisture: 13 });
  // §9 writes `wheat (hrd rd spr);60;13.5` and `maize;56;15.0`.
  assert.deepEqual(lookupCrop('WHEAT (HRD RD SPR)'), { name: 'wheat (hrd rd spr)', density: 60, standardMoisture: 13.5 });
  assert.equal(lookupCrop('maize')?.standardMoisture, 15);
  assert.deepEqual(lookupCrop('apples'), { name: 'apples', density: 48 });
  assert.equal(lookupCrop('unknown'), undefined);
  assert.equal(lookupCrop(''), undefined);
});

test('the later `corn, seed` row wins', () => {
  // §9 lists `corn, seed;1;` and later `corn, seed;49.57;`.
  assert.deepEqual(lookupCrop('corn, seed'), { name: 'corn, seed', density: 49.57 });
});

test('European and ISOXML crop names map to the same crop', () => {
  assert.equal(lookupCrop('Mais')?.name, 'maize');
  assert.equal(lookupCrop('maïs')?.name, 'maize');
  assert.equal(lookupCrop('Winterweizen')?.name, 'winter wheat');
  assert.equal(lookupCrop('soybean')?.name, 'soybeans');
  assert.equal(lookupCrop('Raps')?.name, 'rapeseed');
});

test('dry values follow the shrink formula, checked on Leaf\'s harvest sample', () => {
  // leaf-api.md §3: corn (standard moisture 15 %), totalWetMass 72494.18 lb, average moisture
  // 18.22 %: 72494.18 × 81.78 / 85 = 69747.9 lb (§3: "≈ 69 748"). Leaf's totalDryMass is 69707.74
  // because it applies the formula per point with each point's moisture: within 0.1 %.
  const dry = dryFromWet(72494.18, 18.22, 15);
  assert.equal(Math.round(dry * 10) / 10, 69747.9);
  assert.ok(Math.abs(dry - 69707.74) / 69707.74 < 0.001);
  // At the standard moisture, dry = wet; drier grain weighs more once brought to standard.
  assert.equal(dryFromWet(100, 15, 15), 100);
  assert.ok(dryFromWet(100, 10, 15) > 100);
});

test('without a standard or a measured moisture, dry repeats wet (§9)', () => {
  assert.equal(dryFromWet(1234.5, 18, undefined), 1234.5);
  assert.equal(dryFromWet(1234.5, NaN, 15), 1234.5);
});

test('mass converts to volume through the crop density, checked on Leaf\'s harvest sample', () => {
  // leaf-api.md §3: totalWetVolume 1294.54 bu = totalWetMass 72494.18 lb / 56 lb/bu, and
  // totalDryVolume 1244.78 bu = totalDryMass 69707.74 lb / 56.
  const wetBu = convert(volumeFromMass(convert(72494.18, 'lb', 'kg'), 56), 'm3', 'bu');
  assert.equal(Math.round(wetBu * 100) / 100, 1294.54);
  const dryBu = convert(volumeFromMass(convert(69707.74, 'lb', 'kg'), 56), 'm3', 'bu');
  assert.equal(Math.round(dryBu * 100) / 100, 1244.78);
  // One bushel of corn is 56 lb = 25.40117272 kg (56 × 0.45359237).
  assert.ok(Math.abs(volumeFromMass(25.40117272, 56) - 0.03523907016688) < 1e-15);
});

test('1 bu/ac of corn is 56 lb/ac = 62.7677 kg/ha', () => {
  // 25.40117272 kg per bushel / 0.40468564224 ha per acre = 62.76766... kg/ha.
  const kgPerHa = convert(56, 'lb/ac', 'kg/ha');
  assert.ok(Math.abs(kgPerHa - 25.40117272 / 0.40468564224) < 1e-12);
  assert.equal(Math.round(kgPerHa * 1e4) / 1e4, 62.7677);
  // And back: that mass per hectare is 1 bu/ac of volume.
  const m3PerHa = volumeFromMass(kgPerHa, 56);
  assert.ok(Math.abs(convert(m3PerHa, 'm3/ha', 'bu/ac') - 1) < 1e-12);
  // Leaf's sample: 1294.54 bu over 24963 m² (6.17 ac) ≈ 209.9 bu/ac = wetVolumePerArea.avg (§3).
  assert.equal(Math.round((1294.54 / convert(24963, 'm2', 'ac')) * 10) / 10, 209.9);
});
