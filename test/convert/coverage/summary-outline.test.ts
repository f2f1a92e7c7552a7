import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryOutline } from '../../../src/convert/coverage/summary-outline.ts';

/*
 * The summary's polygons: gaps under 10 m² filled, specks under 1 m² dropped, rings simplified to
 * 0.5 m. Shapes drawn here in metres; every expected figure is worked out by hand from them.
 */

const square = (x: number, y: number, size: number, clockwise = false): number[][] => {
  const ring = [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ];
  return clockwise ? ring.reverse() : ring;
};

const area = (ring: number[][]): number => {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return sum / 2;
};

test('a 2 × 2 m gap is filled, a 4 × 4 m one kept; a 0.5 × 0.5 m speck is dropped, a 2 × 2 m part kept', () => {
  const field = [square(0, 0, 100), square(10, 10, 2, true), square(50, 50, 4, true)];
  const speck = [square(200, 0, 0.5)];
  const part = [square(300, 0, 2)];
  const out = summaryOutline([field, speck, part]);
  assert.equal(out.length, 2);
  // The field keeps its outer ring (10,000 m²) and only the 16 m² hole (wound clockwise: negative).
  assert.equal(out[0]!.length, 2);
  assert.equal(area(out[0]![0]!), 10_000);
  assert.equal(area(out[0]![1]!), -16);
  assert.equal(area(out[1]![0]!), 4);
});

test('a ring stepping along a 0.5 m grid is simplified to its corners', () => {
  // A 20 × 20 m square whose diagonal side from (20, 0) to (0, 20)... drawn instead as a right
  // triangle with its hypotenuse as a staircase of 0.5 m steps: 40 steps, 80 vertices on that side.
  const ring: number[][] = [[0, 0], [20, 0]];
  for (let k = 1; k <= 40; k++) {
    ring.push([20 - (k - 1) * 0.5, k * 0.5]);
    ring.push([20 - k * 0.5, k * 0.5]);
  }
  ring.push([0, 0]);
  const [polygon] = summaryOutline([[ring]]);
  const simplified = polygon![0]!;
  // Every stair vertex lies within 0.5 m of the hypotenuse (at most 0.5 / √2 ≈ 0.354 m), so Douglas–Peucker
  // keeps the three corners of the triangle only: four positions with the closing one.
  assert.equal(simplified.length, 4, JSON.stringify(simplified));
  // Staircase area: 200 m² triangle + 40 half-steps of 0.125 m² = 205 m²; the triangle itself is 200 m².
  assert.equal(area(ring), 205);
  assert.equal(Math.abs(area(simplified)), 200);
});

test('nothing left when every part is a speck', () => {
  assert.deepEqual(summaryOutline([[square(0, 0, 0.9)]]), []);
});
