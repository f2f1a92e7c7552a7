import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATION_TYPES, isOperationType } from '../../src/model/operations.ts';
import type { StandardProperty } from '../../src/model/properties.ts';
import { PROPERTIES, SUMMARY_TOTAL_UNITS, isStandardProperty, requiredProperties, summaryUnit, targetUnit } from '../../src/model/properties.ts';
import { isUnit, unit } from '../../src/model/units.ts';

test('operation types are Leaf\'s four', () => {
  assert.deepEqual([...OPERATION_TYPES], ['planted', 'applied', 'harvested', 'tillage']);
  assert.ok(isOperationType('tillage'));
  assert.equal(isOperationType('guidance'), false); // rejected as unsupported, leaf-api.md §7
});

test('the catalogue lists leaf-api.md §4.2\'s properties in its order', () => {
  // 16 common + 15 planted + 3 applied + 12 harvested + 3 tillage = 49 names; `crop` and `variety`
  // appear once although §4.2 lists them under several types. Plus Furrow's `workingWidth` (the width
  // of the sections that are on) beside `equipmentWidth`: 50.
  const expected = [
    'timestamp', 'area', 'distance', 'heading', 'elevation', 'operationType', 'originalOperationType', 'equipmentWidth', 'workingWidth',
    'recordingStatus', 'speed', 'machinery', 'sectionId', 'xOffset', 'yOffset', 'implementOffset', 'fuelUsed',
    'crop', 'seedRate', 'variety', 'seedRateTarget', 'seedDepth', 'productIndex', 'downForce', 'downForceMargin',
    'singulation', 'skips', 'doubles', 'groundContact', 'spacingVariation', 'seedSpacing', 'rideQuality',
    'appliedRate', 'appliedRateTarget', 'products',
    'harvestMoisture', 'wetMass', 'wetMassPerArea', 'wetVolume', 'wetVolumePerArea', 'dryMass', 'dryMassPerArea',
    'dryVolume', 'dryVolumePerArea', 'cropFlow', 'proteinPercentage', 'samplingInterval',
    'tillageDepthTarget', 'tillageDepthActual', 'tillType',
  ];
  assert.equal(expected.length, 50);
  assert.deepEqual([...PROPERTIES.keys()], expected);
  assert.ok(isStandardProperty('wetMass'));
  assert.equal(isStandardProperty('yieldVolume'), false); // Leaf's 2020 name, §5
});

test('required properties follow the * marks of §4.2', () => {
  const common = ['timestamp', 'area', 'distance', 'heading', 'elevation', 'operationType'];
  assert.deepEqual(requiredProperties('planted'), [...common, 'crop', 'seedRate']);
  assert.deepEqual(requiredProperties('applied'), [...common, 'appliedRate', 'products']);
  assert.deepEqual(requiredProperties('harvested'), [
    ...common,
    'crop',
    'harvestMoisture',
    'wetMass',
    'wetMassPerArea',
    'wetVolume',
    'wetVolumePerArea',
    'dryMass',
    'dryMassPerArea',
    'dryVolume',
    'dryVolumePerArea',
  ]);
  assert.deepEqual(requiredProperties('tillage'), common);
});

test('every property requires only types it applies to', () => {
  for (const p of PROPERTIES.values()) {
    for (const type of p.requiredFor) assert.ok(p.appliesTo === 'all' || p.appliesTo.includes(type), `${p.name} ${type}`);
  }
});

test('catalogue units exist and belong to the dimension they are listed under', () => {
  const choices = [...PROPERTIES.values(), ...SUMMARY_TOTAL_UNITS.values()];
  for (const choice of choices) {
    for (const system of [choice.imperial, choice.metric]) {
      for (const [dimension, code] of Object.entries(system ?? {})) {
        assert.ok(isUnit(code), code);
        assert.equal(unit(code).dimension, dimension, code);
        assert.ok(unit(code).readable, code);
      }
    }
  }
  for (const p of PROPERTIES.values()) assert.equal(p.dimension !== undefined, p.kind === 'number' && p.name !== 'sectionId' && p.name !== 'productIndex', p.name);
});

test('imperial matches Leaf\'s harvested and tillage units samples (§5), except speed', () => {
  // Speed is ft/s in IMPERIAL per §5's table; the samples' mi/hr is a DEFAULT pass-through.
  const harvested: Partial<Record<StandardProperty, [string, string]>> = {
    elevation: ['ft', 'm'],
    // Leaf's samples show m² (a DEFAULT pass-through); IMPERIAL converts per-point area as it converts the rest.
    area: ['ft2', 'm2'],
    harvestMoisture: ['percentage', 'percentage'],
    wetMass: ['lb', 'kg'],
    dryMass: ['lb', 'kg'],
    wetVolume: ['bu', 'm3'],
    dryVolume: ['bu', 'm3'],
    wetMassPerArea: ['lb/ac', 'kg/ha'],
    dryMassPerArea: ['lb/ac', 'kg/ha'],
    wetVolumePerArea: ['bu/ac', 'm3/ha'],
    dryVolumePerArea: ['bu/ac', 'm3/ha'],
    distance: ['ft', 'm'],
    heading: ['arcdeg', 'arcdeg'],
    equipmentWidth: ['ft', 'm'],
    tillageDepthActual: ['in', 'cm'],
    tillageDepthTarget: ['in', 'cm'],
  };
  for (const [name, [expected, source]] of Object.entries(harvested) as [StandardProperty, [string, string]][]) {
    assert.equal(targetUnit(name, 'imperial', source), expected, name);
  }
  assert.equal(targetUnit('speed', 'imperial', 'm/s'), 'ft/s');
});

test('metric follows §5\'s METRIC column', () => {
  assert.equal(targetUnit('speed', 'metric', 'mi/hr'), 'm/s');
  assert.equal(targetUnit('seedRate', 'metric', 'seeds/ac'), 'seeds/ha');
  assert.equal(targetUnit('downForce', 'metric', 'lbf'), 'kgf');
  assert.equal(targetUnit('wetMass', 'metric', 'lb'), 't');
  assert.equal(targetUnit('wetMassPerArea', 'metric', 'lb/ac'), 't/ha');
  assert.equal(targetUnit('wetVolume', 'metric', 'bu'), 'm3');
  assert.equal(targetUnit('dryVolumePerArea', 'metric', 'bu/ac'), 'm3/ha');
  assert.equal(targetUnit('tillageDepthTarget', 'metric', 'in'), 'cm');
  assert.equal(targetUnit('singulation', 'metric', 'prcnt'), 'percentage');
});

test('appliedRate takes the unit of its source dimension', () => {
  // §5: appliedRate IMPERIAL gal/ac or lb/ac, METRIC L/ha or kg/ha, by what the source measured.
  assert.equal(targetUnit('appliedRate', 'imperial', 'L/ha'), 'gal/ac');
  assert.equal(targetUnit('appliedRate', 'imperial', 'kg/ha'), 'lb/ac');
  assert.equal(targetUnit('appliedRate', 'metric', 'floz/ac'), 'L/ha');
  assert.equal(targetUnit('appliedRateTarget', 'metric', 'mg/m2'), 'kg/ha');
  assert.equal(targetUnit('seedRate', 'imperial', 'kg/ha'), 'lb/ac');
});

test('default keeps readable source units and makes controller units readable', () => {
  assert.equal(targetUnit('speed', 'default', 'mi/hr'), 'mi/hr');
  assert.equal(targetUnit('appliedRate', 'default', 'gal/ac'), 'gal/ac');
  assert.equal(targetUnit('singulation', 'default', 'prcnt'), 'prcnt');
  // ISOXML dictionary units (isoxml.md DDI table) become the property's metric unit.
  assert.equal(targetUnit('appliedRate', 'default', 'mg/m2'), 'kg/ha');
  assert.equal(targetUnit('appliedRate', 'default', 'mm3/m2'), 'L/ha');
  assert.equal(targetUnit('seedRate', 'default', 'seeds/m2'), 'seeds/ha');
  assert.equal(targetUnit('equipmentWidth', 'default', 'mm'), 'm');
  assert.equal(targetUnit('tillageDepthActual', 'default', 'mm'), 'cm');
  assert.equal(targetUnit('speed', 'default', 'mm/s'), 'm/s');
  assert.equal(targetUnit('harvestMoisture', 'default', 'ppm'), 'percentage');
  assert.equal(targetUnit('harvestMoisture', 'default', '%'), 'percentage');
  assert.equal(targetUnit('cropFlow', 'default', 'mg/s'), 'kg/s');
  assert.equal(targetUnit('fuelUsed', 'default', 'ml'), 'L');
  // Per-point area is m² in every Leaf units sample (DEFAULT), whatever the source; IMPERIAL gives ft².
  assert.equal(targetUnit('area', 'default', 'ft2'), 'm2');
  assert.equal(targetUnit('area', 'imperial', 'm2'), 'ft2');
});

test('targetUnit refuses a source unit of the wrong dimension', () => {
  assert.throws(() => targetUnit('speed', 'metric', 'kg'), /speed cannot be given in kg \(mass\); it takes speed/);
  assert.throws(() => targetUnit('appliedRate', 'default', 'seeds/m2'), /volumePerArea or massPerArea/);
  assert.throws(() => targetUnit('speed', 'metric', 'furlong'), /unknown unit code/);
  // Plain numbers keep what the source says.
  assert.equal(targetUnit('sectionId', 'metric', 'count'), 'count');
});

test('summary totals use §5\'s units per system', () => {
  // totalArea: m² in DEFAULT, ac in IMPERIAL, ha in METRIC.
  assert.equal(summaryUnit('totalArea', 'default'), 'm2');
  assert.equal(summaryUnit('totalArea', 'default', 'ac'), 'm2');
  assert.equal(summaryUnit('totalArea', 'imperial'), 'ac');
  assert.equal(summaryUnit('totalArea', 'metric'), 'ha');
  assert.equal(summaryUnit('totalDistance', 'imperial', 'm'), 'ft');
  assert.equal(summaryUnit('totalDistance', 'default', 'ft'), 'ft');
  assert.equal(summaryUnit('totalWetMass', 'imperial'), 'lb');
  assert.equal(summaryUnit('totalDryMass', 'metric', 'lb'), 't');
  assert.equal(summaryUnit('totalWetMass', 'default', 'mg'), 't');
  assert.equal(summaryUnit('totalWetVolume', 'imperial'), 'bu');
  assert.equal(summaryUnit('totalDryVolume', 'metric'), 'm3');
  assert.equal(summaryUnit('totalApplied', 'imperial', 'L'), 'gal');
  assert.equal(summaryUnit('totalApplied', 'imperial', 'kg'), 'lb');
  assert.equal(summaryUnit('totalApplied', 'metric', 'gal'), 'L');
  assert.equal(summaryUnit('totalPlanted', 'imperial'), 'seeds');
  assert.equal(summaryUnit('totalFuelUsed', 'imperial', 'L'), 'gal'); // Leaf's sample totalFuelUsed is in gal (§3)
  assert.throws(() => summaryUnit('totalWetMass', 'metric', 'bu'), /totalWetMass cannot be given in bu/);
});
