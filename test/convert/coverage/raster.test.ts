import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparseBitRaster } from '../../../src/convert/coverage/raster.ts';

test('addBlockCounts: marked cells per 2^shift block, negative indices and tile edges included', () => {
  // Random runs across tile (64-cell) and word (32-cell) boundaries on both sides of 0; the
  // expected counts come from a plain set of the marked cells, not from the raster.
  let seed = 11;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fff_ffff) / 0x7fff_ffff;
  const raster = new SparseBitRaster(1 << 20);
  const marked = new Set<string>();
  for (let r = 0; r < 400; r++) {
    const iy = Math.floor(random() * 300) - 150;
    const lo = Math.floor(random() * 400) - 200;
    const hi = lo + Math.floor(random() * 90);
    raster.markRun(lo, hi, iy);
    for (let ix = lo; ix <= hi; ix++) marked.add(`${ix},${iy}`);
  }
  assert.equal(raster.count(), marked.size);
  for (const shift of [0, 1, 2, 3, 4, 5, 6, 8]) {
    const expected = new Map<string, number>();
    for (const cell of marked) {
      const [ix, iy] = cell.split(',').map(Number) as [number, number];
      const key = `${ix >> shift},${iy >> shift}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    // A grid over the blocks of cells -200..289 × -150..149, one empty block of margin.
    const originX = (-200 >> shift) - 1;
    const originY = (-150 >> shift) - 1;
    const width = (289 >> shift) - originX + 2;
    const height = (149 >> shift) - originY + 2;
    const grid = new Uint16Array(width * height);
    raster.addBlockCounts(shift, grid, originX, originY, width);
    const counted = new Map<string, number>();
    grid.forEach((n, i) => {
      if (n > 0) counted.set(`${(i % width) + originX},${Math.floor(i / width) + originY}`, n);
    });
    assert.deepEqual(counted, expected, `shift ${shift}`);
  }
});
