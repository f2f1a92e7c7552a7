import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colorAt, compileRamp, LEAF_DEFAULT_RAMP } from '../../../src/convert/render/ramp.ts';

const leaf = compileRamp(LEAF_DEFAULT_RAMP);

test('Leaf ramp: the stops give their own colours, fully opaque', () => {
  assert.deepEqual(colorAt(leaf, 0), [200, 0, 0, 255]);
  assert.deepEqual(colorAt(leaf, 0.35), [255, 40, 0, 255]);
  assert.deepEqual(colorAt(leaf, 0.65), [0, 230, 0, 255]);
  assert.deepEqual(colorAt(leaf, 1), [0, 130, 0, 255]);
  assert.deepEqual(leaf.noData, [0, 0, 0, 0]);
});

test('Leaf ramp: linear between stops, rounded', () => {
  // 40 % is halfway from 35 % [255,40,0] to 45 % [255,150,0]: green (40 + 150) / 2 = 95.
  assert.deepEqual(colorAt(leaf, 0.4), [255, 95, 0, 255]);
  // 10 % is 10/35 of the way from [200,0,0] to [255,40,0]: 200 + 55·2/7 = 215.71 → 216, 40·2/7 = 11.43 → 11.
  assert.deepEqual(colorAt(leaf, 0.1), [216, 11, 0, 255]);
  // 87.5 % is halfway from 75 % [0,190,0] to 100 % [0,130,0]: 160.
  assert.deepEqual(colorAt(leaf, 0.875), [0, 160, 0, 255]);
});

test('outside 0..1 the end colours hold', () => {
  assert.deepEqual(colorAt(leaf, -0.5), [200, 0, 0, 255]);
  assert.deepEqual(colorAt(leaf, 1.5), [0, 130, 0, 255]);
});

test('a custom ramp: unsorted keys, RGBA stops, no nv (transparent)', () => {
  const ramp = compileRamp({ '100%': [0, 0, 255, 100], '0%': [255, 0, 0] });
  assert.deepEqual(colorAt(ramp, 0.5), [128, 0, 128, 178]); // 127.5 → 128, (255 + 100) / 2 = 177.5 → 178
  assert.deepEqual(ramp.noData, [0, 0, 0, 0]);
});

test('malformed ramps are refused with a readable message', () => {
  assert.throws(() => compileRamp({ '120%': [0, 0, 0] }), /"120%" is neither "nv" nor a percentage/);
  assert.throws(() => compileRamp({ low: [0, 0, 0] }), /"low"/);
  assert.throws(() => compileRamp({ '0%': [0, 0, 300] }), /integers 0\.\.255/);
  assert.throws(() => compileRamp({ '0%': [0, 0] }), /\[r,g,b\]/);
  assert.throws(() => compileRamp({ nv: [0, 0, 0, 0] }), /no colour stops/);
});
