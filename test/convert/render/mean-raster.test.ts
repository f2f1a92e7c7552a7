import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SparseMeanRaster } from '../../../src/convert/render/mean-raster.ts';

function means(r: SparseMeanRaster, layer: number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  r.forEachMean(layer, (ix, iy, mean, count) => out.set(`${ix},${iy}`, [mean, count]));
  return out;
}

test('means per cell and layer, negative indices included', () => {
  const r = new SparseMeanRaster(2, 1000, 100);
  r.locate(-1, -70);
  r.put(0, 1);
  r.put(1, 10);
  r.locate(-1, -70);
  r.put(0, 3); // layer 1 has no value at this point
  r.locate(5, 3);
  r.put(1, 7);
  assert.deepEqual(means(r, 0), new Map([['-1,-70', [2, 2]]]));
  assert.deepEqual(means(r, 1), new Map([['-1,-70', [10, 1]], ['5,3', [7, 1]]]));
  assert.deepEqual(r.extent, { minIx: -1, maxIx: 5, minIy: -70, maxIy: 3 });
  assert.equal(r.scale, 1);
});

test('the extent cap doubles the cells; merged means are those of all their points', () => {
  const r = new SparseMeanRaster(1, 4, 100);
  // Base cells 0..3 with values 0..3, then base cell 4 overflows an extent of 4 → cells of 2.
  for (let x = 0; x < 5; x++) {
    r.locate(x, -1);
    r.put(0, x);
  }
  r.locate(0, -1);
  r.put(0, 4); // cell 0 now holds 0, 1, 4: mean 5/3
  assert.equal(r.scale, 2);
  assert.deepEqual(r.extent, { minIx: 0, maxIx: 2, minIy: -1, maxIy: -1 });
  assert.deepEqual(means(r, 0), new Map([['0,-1', [5 / 3, 3]], ['1,-1', [2.5, 2]], ['2,-1', [4, 1]]]));
});

test('the tile budget doubles the cells too, and memory stays within it', () => {
  const r = new SparseMeanRaster(1, 1 << 20, 4);
  // 20 tiles' worth of cells along a diagonal; 64-cell tiles, budget 4.
  let total = 0;
  for (let x = 0; x < 20 * 64; x++) {
    r.locate(x, x);
    r.put(0, x);
    total += x;
    assert.ok(r.tileCount <= 4);
  }
  assert.ok(r.scale >= 8, `scale ${r.scale}`);
  let sum = 0;
  let count = 0;
  r.forEachMean(0, (_x, _y, mean, n) => {
    sum += mean * n;
    count += n;
  });
  assert.equal(count, 20 * 64);
  assert.ok(Math.abs(sum - total) < 1e-6);
});

test('limits that could never be met are refused instead of coarsening forever', () => {
  assert.throws(() => new SparseMeanRaster(1, 1, 100), /extent must be 2\.\./);
  assert.throws(() => new SparseMeanRaster(1, 100, 3), /at least 4 tiles/);
  // The smallest allowed extent holds points on both sides of the origin.
  const r = new SparseMeanRaster(1, 2, 4);
  for (const [x, y] of [[-1, -1], [0, 0], [-5000, 7000], [123_456, -98_765]]) {
    r.locate(x!, y!);
    r.put(0, 1);
  }
  const e = r.extent!;
  assert.ok(e.maxIx - e.minIx < 2 && e.maxIy - e.minIy < 2);
});
