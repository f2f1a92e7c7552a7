import { test } from 'node:test';
import assert from 'node:assert/strict';
import { furrowUnit, standardFor } from '../../../src/formats/jd-greenstar/units.ts';
import { xmlRootName } from '../../../src/formats/jd-greenstar/xml.ts';

test('JD unit codes map to Furrow codes only where Furrow has the unit', () => {
  // Codes as the sample logs write them (formats.md §2.1, §6.1).
  assert.equal(furrowUnit('seeds1ha-1'), 'seeds/ha');
  assert.equal(furrowUnit('seeds1ac-1'), 'seeds/ac');
  assert.equal(furrowUnit('gal1ac-1'), 'gal/ac');
  assert.equal(furrowUnit('km1hr-1'), 'km/h');
  assert.equal(furrowUnit('sec'), 's');
  assert.equal(furrowUnit('prcnt'), 'prcnt');
  // Millilitres per hectare (metric sprayer rates) and degrees Fahrenheit (weather channels).
  assert.equal(furrowUnit('ml1ha-1'), 'ml/ha');
  assert.equal(furrowUnit('F'), 'degF');
  // No Furrow unit: rows.
  assert.equal(furrowUnit('row'), undefined);
  assert.equal(furrowUnit(undefined), undefined);
});

test('a representation feeds its standard property only with a fitting unit and operation type', () => {
  assert.equal(standardFor('vrYieldWetMass', 'kg', 'harvested'), 'wetMass');
  assert.equal(standardFor('vrYieldWetMass', 'kg', 'planted'), undefined);
  assert.equal(standardFor('vrAppRateVolumeMeasured', 'gal/ac', 'applied'), 'appliedRate');
  // A length is no rate: the engine would refuse it, so the driver does not declare it.
  assert.equal(standardFor('vrAppRateVolumeMeasured', 'cm', 'applied'), undefined);
  assert.equal(standardFor('vrAppRateVolumeMeasured', undefined, 'applied'), undefined);
  assert.equal(standardFor('vrDistanceTraveled', 'cm', 'tillage'), 'distance');
  assert.equal(standardFor('vrRelativeHumidity', 'prcnt', 'harvested'), undefined);
});

test('root element of an XML head, past a BOM, declaration and comments', () => {
  assert.equal(xmlRootName(Buffer.from('\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<RCDLogFile language="en-US" xmlns="urn:x">')), 'RCDLogFile');
  assert.equal(xmlRootName(Buffer.from('<?xml version="1.0"?><!-- c --><rcdscfldie:SpatialCatalog xmlns:a="b">')), 'SpatialCatalog');
  assert.equal(xmlRootName(Buffer.from('<?xml version="1.0"?><RCDLog')), undefined);
  assert.equal(xmlRootName(Buffer.from([0, 1, 2, 3])), undefined);
});
