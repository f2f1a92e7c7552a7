import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNITS, convert, converter, isUnit, isoDictionaryUnit, unit } from '../../src/model/units.ts';
import { DDI_ENTRIES } from '../../src/formats/isoxml/ddi-dictionary.ts';

/** Relative closeness for values that go through a rounded factor. */
function close(actual: number, expected: number, relative = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${actual} is not within ${relative} of ${expected}`);
}

test('every unit code Leaf writes is defined', () => {
  // The codes of leaf-api.md §5 (units samples, summaries, unit-system table) and the rates of §4.2.
  const leaf = [
    'ft', 'm', 'in', 'cm', 'mm', 'mi', 'km', 'mi/hr', 'km/h', 'm/s', 'ft/s', 'mm/s', 'arcdeg', 'm2', 'ft2', 'ac', 'ha',
    'seeds', 'seeds/ac', 'seeds/ha', 'seeds/m2', 'lbf', 'kgf', 'N', 'prcnt', 'percentage', '%', 'ppm', 'gal', 'L', 'ml',
    'm3', 'qt', 'floz', 'bu', 'gal/ac', 'floz/ac', 'qt/ac', 'L/ha', 'm3/ha', 'ml/m2', 'mm3/m2', 'bu/ac', 'lb', 'kg', 't',
    'g', 'mg', 'lb/ac', 'kg/ha', 't/ha', 'mg/m2', 'lb/s', 'kg/s', 'mg/s', 't/h', 'ml/s', 'L/s', 'L/h', 's', 'ms', 'h',
  ];
  for (const code of leaf) assert.ok(isUnit(code), code);
  assert.equal(isUnit('furlong'), false);
  assert.throws(() => unit('furlong'), /unknown unit code "furlong"/);
});

test('customary units have their exact legal definitions', () => {
  // International yard and pound agreement (1959): 1 ft = 0.3048 m, 1 lb = 0.45359237 kg.
  assert.equal(unit('ft').factor, 0.3048);
  assert.equal(unit('in').factor, 0.0254);
  assert.equal(unit('mi').factor, 1609.344); // 5280 ft
  assert.equal(unit('ac').factor, 4046.8564224); // 43 560 ft²
  assert.equal(unit('lb').factor, 0.45359237);
  // US liquid gallon = 231 in³ = 3.785411784 L; quart = gal/4; fluid ounce = gal/128.
  assert.equal(convert(1, 'gal', 'L'), 3.785411784);
  assert.equal(convert(1, 'qt', 'L'), 0.946352946);
  assert.equal(convert(1, 'floz', 'ml'), 29.5735295625);
  // US bushel = 2150.42 in³ = 0.03523907016688 m³.
  assert.equal(unit('bu').factor, 0.03523907016688);
  // kgf = 9.80665 N (standard gravity); lbf = 0.45359237 kg × 9.80665 m/s² = 4.4482216152605 N.
  assert.equal(unit('kgf').factor, 9.80665);
  assert.equal(unit('lbf').factor, 4.4482216152605);
});

test('areas and speeds convert exactly', () => {
  // 4046.8564224 m² / 10 000 m² per ha.
  assert.equal(convert(1, 'ac', 'ha'), 0.40468564224);
  assert.equal(convert(1, 'ft2', 'm2'), 0.09290304); // 0.3048²
  // 1609.344 m / 3600 s.
  assert.equal(convert(1, 'mi/hr', 'm/s'), 0.44704);
  assert.equal(convert(36, 'km/h', 'm/s'), 10);
  // leaf-api.md §3: Leaf's harvest sample has totalArea 24963 m² = 6.17 ac.
  assert.equal(Math.round(convert(24963, 'm2', 'ac') * 100) / 100, 6.17);
});

test('ISOXML controller rates convert to readable rates (isoxml.md DDI table)', () => {
  // mg/m² × 0.01 = kg/ha: 100 mg/m² is 1 kg/ha.
  assert.equal(convert(100, 'mg/m2', 'kg/ha'), 1);
  // ml/m² × 10 = L/ha; mm³/m² × 0.01 = L/ha.
  assert.equal(convert(1, 'ml/m2', 'L/ha'), 10);
  assert.equal(convert(100, 'mm3/m2', 'L/ha'), 1);
  // seeds/ha = /m² × 10 000.
  assert.equal(convert(8, 'seeds/m2', 'seeds/ha'), 80_000);
  // Crop moisture: % = ppm / 10 000.
  assert.equal(convert(182_200, 'ppm', 'percentage'), 18.22);
  // Widths and depths in mm, speed in mm/s.
  assert.equal(convert(3, 'mm', 'm'), 0.003);
  assert.equal(convert(254, 'mm', 'in'), 10);
  assert.equal(convert(2500, 'mm/s', 'm/s'), 2.5);
  assert.equal(convert(2500, 'mg/s', 'kg/s'), 0.0025);
});

test('US rates convert to metric rates', () => {
  // 1 gal/ac = 3.785411784 L / 0.40468564224 ha = 9.35396... L/ha.
  close(convert(1, 'gal/ac', 'L/ha'), 3.785411784 / 0.40468564224);
  // 1 lb/ac = 0.45359237 kg / 0.40468564224 ha = 1.12085... kg/ha.
  close(convert(1, 'lb/ac', 'kg/ha'), 0.45359237 / 0.40468564224);
  // 1 bu/ac = 35.23907016688 L / 0.40468564224 ha = 87.0776... L/ha.
  close(convert(1, 'bu/ac', 'L/ha'), 35.23907016688 / 0.40468564224);
  close(convert(30_000, 'seeds/ac', 'seeds/ha'), 30_000 / 0.40468564224);
  assert.equal(convert(1, 'floz/ac', 'gal/ac'), 1 / 128);
  assert.equal(convert(3.6, 't/h', 'kg/s'), 1);
  assert.equal(convert(1, 'lbf', 'kgf'), 0.45359237);
});

test('temperatures convert with their offset', () => {
  // 0 °C = 273.15 K = 273 150 mK.
  assert.equal(convert(293_150, 'mK', 'degC'), 20);
  assert.equal(convert(20, 'degC', 'mK'), 293_150);
  assert.equal(convert(0, 'mK', 'degC'), -273.15);
  assert.equal(unit('degC').offset, 273.15);
});

test('converter is the identity for equal units and refuses other dimensions', () => {
  const same = converter('lb/ac', 'lb/ac');
  assert.equal(same(123.456), 123.456);
  assert.equal(converter('percentage', 'prcnt')(0.1), 0.1);
  assert.throws(() => converter('kg', 'L'), /cannot convert kg \(mass\) to L \(volume\)/);
  assert.throws(() => converter('kg/ha', 'L/ha'), /massPerArea/);
});

test('conversions round-trip within a dimension', () => {
  const byDimension = new Map<string, string[]>();
  for (const u of UNITS.values()) byDimension.set(u.dimension, [...(byDimension.get(u.dimension) ?? []), u.code]);
  for (const codes of byDimension.values()) {
    for (const a of codes) {
      for (const b of codes) {
        close(convert(convert(123.456, a, b), b, a), 123.456);
      }
    }
  }
});

test('ISO 11783-11 dictionary units map to unit codes', () => {
  assert.equal(isoDictionaryUnit('mm³/m²'), 'mm3/m2');
  assert.equal(isoDictionaryUnit('mg/m²'), 'mg/m2');
  assert.equal(isoDictionaryUnit('ml/m²'), 'ml/m2');
  assert.equal(isoDictionaryUnit('/m²'), 'seeds/m2');
  assert.equal(isoDictionaryUnit('m²'), 'm2');
  assert.equal(isoDictionaryUnit('°'), 'arcdeg');
  assert.equal(isoDictionaryUnit('#'), 'count');
  assert.equal(isoDictionaryUnit('0.00%'), 'percentage');
  assert.equal(isoDictionaryUnit(' ppm '), 'ppm');
  assert.equal(isoDictionaryUnit('r/min'), 'rpm');
  assert.equal(isoDictionaryUnit('n.a.'), undefined);
  assert.equal(isoDictionaryUnit(''), undefined);
  assert.equal(isoDictionaryUnit('furlong'), undefined);
});

test('every unit text of the dictionary is mapped, except the unit-less and per-thousand-seed ones', () => {
  const unmapped = new Set(['', 'n.a.', 'ml/1000', 'mg/1000']);
  for (const [ddi, , text] of DDI_ENTRIES) {
    if (unmapped.has(text)) continue;
    const code = isoDictionaryUnit(text);
    assert.ok(code !== undefined && isUnit(code), `DDI ${ddi} unit "${text}"`);
  }
});
