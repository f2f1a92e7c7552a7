import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyBatch } from '../../src/model/batch.ts';
import { cleanupReasons } from '../../src/convert/clean.ts';

function batch(columns: Record<string, number[]>, strings: Record<string, (string | null)[]> = {}) {
  const n = Object.values(columns)[0]?.length ?? Object.values(strings)[0]!.length;
  const b = emptyBatch(n, Object.keys(columns), Object.keys(strings));
  b.length = n;
  for (const [key, values] of Object.entries(columns)) b.numbers.get(key)!.set(values);
  for (const [key, values] of Object.entries(strings)) values.forEach((v, i) => (b.strings.get(key)![i] = v));
  return b;
}

test("Leaf's default rules: each removed point names the first rule it broke", () => {
  const b = batch({ wetMass: [5, 0, 5, 5, 5], harvestMoisture: [20, 20, 0, 100, 20] }, { recordingStatus: ['On', 'On', 'On', 'On', 'Off'] });
  assert.deepEqual(cleanupReasons(b, new Map()), [null, 'wetMass GT 0', 'harvestMoisture GT 0', 'harvestMoisture LT 100', 'recordingStatus EQ On']);
});

test('a point without a value for a logged property is removed; a property not logged at all filters nothing', () => {
  const b = batch({ seedRate: [NaN, 1] });
  assert.deepEqual(cleanupReasons(b, new Map()), ['seedRate missing', null]);
  assert.deepEqual(cleanupReasons(batch({ speed: [0, 1] }), new Map()), [null, null]);
});

test('constant properties apply to every point; an unknown crop removes all', () => {
  const b = batch({ seedRate: [0, 1] });
  assert.deepEqual(cleanupReasons(b, new Map([['crop', 'unknown']])), ['seedRate GT 0', 'crop NE unknown']);
  assert.deepEqual(cleanupReasons(b, new Map([['crop', 'corn']])), ['seedRate GT 0', null]);
});

test('tillage depth of exactly 0 passes (GTE), a negative one does not', () => {
  const b = batch({ tillageDepthActual: [0, -0.5] });
  assert.deepEqual(cleanupReasons(b, new Map()), [null, 'tillageDepthActual GTE 0']);
});
