import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contours } from 'd3-contour';
import { contourPolygons } from '../../../src/convert/coverage/isorings.ts';
import { dropCollinear, openRing } from '../../../src/convert/rings.ts';
import { insideRing } from './helpers.ts';

/*
 * Expected figures for binary grids contoured at 0.5: a ring's vertices sit midway between the
 * centres of a cell inside and a cell outside, so a ring follows the cells' edges except at each
 * convex corner of the region it encloses, which it cuts off by a right triangle of legs ½
 * (area ⅛). A w × h block of cells (or of empty cells, for a hole) therefore has a ring of area
 * w·h − 4/8 = w·h − ½; a lone cell a diamond of area ½.
 */

/** Shoelace area of an open ring (positive counter-clockwise, y up). */
function area(ring: readonly number[][]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!;
  return sum / 2;
}

class Grid {
  readonly values: Uint16Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.values = new Uint16Array(width * height);
  }

  fill(x0: number, y0: number, x1: number, y1: number, value: number): this {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) this.values[y * this.width + x] = value;
    return this;
  }
}

test('an island in a hole of a polygon lying in a hole of another polygon: every hole goes to its own exterior', () => {
  // A: cells 1..11 square, emptied 3..9 (hole HA, 7 × 7); B: cells 4..8 inside HA, emptied 5..7
  // (hole HB, 3 × 3); C: the lone cell 6, 6 inside HB. HB lies inside A's exterior ring too.
  const grid = new Grid(13, 13).fill(1, 1, 11, 11, 1).fill(3, 3, 9, 9, 0).fill(4, 4, 8, 8, 1).fill(5, 5, 7, 7, 0).fill(6, 6, 6, 6, 1);
  const polygons = contourPolygons(grid.values, 13, 13, 0.5);
  // Exteriors clockwise (negative), holes counter-clockwise (positive), as d3-contour winds them.
  const areas = polygons.map((polygon) => polygon.map(area)).sort((a, b) => a[0]! - b[0]!);
  assert.deepEqual(areas, [
    [-(11 * 11 - 0.5), 7 * 7 - 0.5], // A and HA
    [-(5 * 5 - 0.5), 3 * 3 - 0.5], // B and HB
    [-0.5], // C, no hole
  ]);
  // Net areas are the cells of each polygon: A 121 − 49, B 25 − 9 (their corner cuts cancel).
  assert.equal(-areas[0]![0]! - areas[0]![1]!, 72);
  assert.equal(-areas[1]![0]! - areas[1]![1]!, 16);
});

test('900 polygons with two holes each: each hole inside its own block', () => {
  // 30 × 30 blocks of 6 × 6 cells, 2 empty cells apart, each with 2 single empty cells inside.
  const blocks = 30;
  const size = 6 * blocks + 2 * (blocks + 1);
  const grid = new Grid(size, size);
  const origin = (b: number) => 2 + 8 * b;
  for (let by = 0; by < blocks; by++) {
    for (let bx = 0; bx < blocks; bx++) {
      const x = origin(bx);
      const y = origin(by);
      grid.fill(x, y, x + 5, y + 5, 1).fill(x + 1, y + 1, x + 1, y + 1, 0).fill(x + 3, y + 4, x + 3, y + 4, 0);
    }
  }
  const polygons = contourPolygons(grid.values, size, size, 0.5);
  assert.equal(polygons.length, blocks * blocks);
  for (const [exterior, ...holes] of polygons) {
    assert.equal(area(exterior!), -(36 - 0.5));
    assert.equal(holes.length, 2);
    // The block this polygon traces: its exterior's smallest x and y are the block's corner.
    const bx = Math.round((Math.min(...exterior!.map((p) => p[0]!)) - 2) / 8);
    const by = Math.round((Math.min(...exterior!.map((p) => p[1]!)) - 2) / 8);
    const centres = holes.map((hole) => {
      assert.equal(area(hole), 0.5, 'a lone empty cell: a diamond of ½');
      // Its centre: the mean of the diamond's 4 vertices, the empty cell's centre (i + ½, j + ½).
      return [hole.reduce((s, p) => s + p[0]!, 0) / 4 - 0.5, hole.reduce((s, p) => s + p[1]!, 0) / 4 - 0.5];
    });
    centres.sort((a, b) => a[1]! - b[1]!);
    assert.deepEqual(centres, [
      [origin(bx) + 1, origin(by) + 1],
      [origin(bx) + 3, origin(by) + 4],
    ]);
  }
});

test('random grids: the rings d3-contour traces (collinear vertices dropped), each hole with the innermost exterior around it', (t) => {
  // A cheap deterministic generator so that a failure reproduces.
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fff_ffff) / 0x7fff_ffff;
  const canonical = (ring: number[][]) => {
    let first = 0;
    for (let i = 1; i < ring.length; i++) if (ring[i]![0]! < ring[first]![0]! || (ring[i]![0] === ring[first]![0] && ring[i]![1]! < ring[first]![1]!)) first = i;
    return JSON.stringify([...ring.slice(first), ...ring.slice(0, first)]);
  };
  const shape = (polygons: number[][][][]) => polygons.map((p) => [canonical(p[0]!), ...p.slice(1).map(canonical).sort()].join(' | ')).sort();
  let holes = 0;
  for (let trial = 0; trial < 120; trial++) {
    const width = 5 + Math.floor(random() * 50);
    const height = 5 + Math.floor(random() * 50);
    // k × k aggregated coverage counts as the tracer gets them (k = 1: 0/1 cells), at k² / 2.
    const k = [1, 2, 4][trial % 3]!;
    // Dense enough that empty cells are often enclosed: holes, and islands inside them.
    const density = 0.55 + random() * 0.4;
    const threshold = (k * k) / 2;
    // Counts at or above the threshold with probability `density`, any count below it otherwise.
    const values = new Uint16Array(width * height).map(() =>
      random() < density ? Math.ceil(threshold) + Math.floor(random() * (k * k - Math.ceil(threshold) + 1)) : Math.floor(random() * Math.ceil(threshold)),
    );
    const polygons = contourPolygons(values, width, height, threshold);

    // 1. The same rings and grouping as d3-contour, an independent marching squares (on grids its
    // hole assignment is right: inner polygons close, and are listed, before those around them).
    const [reference] = contours().size([width, height]).thresholds([threshold])(values as unknown as number[]);
    const expected = reference!.coordinates.map((p) => p.map((ring) => dropCollinear(openRing(ring))).filter((ring) => ring.length >= 3)).filter((p) => p.length > 0);
    assert.deepEqual(shape(polygons), shape(expected), `trial ${trial}: ${width} × ${height}, k ${k}`);

    // 2. Brute force: a hole belongs to the smallest exterior ring that contains it.
    const exteriors = polygons.map((p) => p[0]!);
    for (const [index, polygon] of polygons.entries()) {
      for (const hole of polygon.slice(1)) {
        holes++;
        // A point strictly inside the hole's ring near a vertex: vertices sit on half-cells, so
        // the hole's first vertex nudged towards its centroid by 1e-4 lies off every other ring.
        const cx = hole.reduce((s, p) => s + p[0]!, 0) / hole.length;
        const cy = hole.reduce((s, p) => s + p[1]!, 0) / hole.length;
        const x = hole[0]![0]! + (cx - hole[0]![0]!) * 1e-4;
        const y = hole[0]![1]! + (cy - hole[0]![1]!) * 1e-4;
        let best = -1;
        for (const [e, exterior] of exteriors.entries()) if (insideRing(exterior, x, y) && (best < 0 || -area(exterior) < -area(exteriors[best]!))) best = e;
        assert.equal(best, index, `trial ${trial}: hole at ${hole[0]} assigned to polygon ${index}, innermost exterior is ${best}`);
      }
    }
  }
  t.diagnostic(`${holes} holes assigned`);
  assert.ok(holes > 500, `the grids had holes to assign: ${holes}`);
});

test('rings on cells exactly at the threshold: vertices on the cell centres, a line of cells encloses nothing', () => {
  // 2 × 2 counts contoured at 2: between a cell counting exactly 2 and an empty one, the vertex
  // moves onto the full cell's centre. A lone cell's 4 vertices meet on its centre, a straight
  // row of cells flattens onto its centre line: no area, left out.
  assert.deepEqual(contourPolygons(new Grid(5, 5).fill(2, 2, 2, 2, 2).values, 5, 5, 2), []);
  assert.deepEqual(contourPolygons(new Grid(8, 5).fill(1, 2, 5, 2, 2).values, 8, 5, 2), []);
  // An L (column x = 1, y 1..4, and row y = 4, x 1..4) flattens onto its centre line too, except
  // at its inner corner: the empty cell (2, 3) pulls the vertices beside it onto the centres of
  // (1, 3) and (2, 4), cutting across the L's corner cell (1, 4): a triangle of area ½ remains.
  const [polygon, ...more] = contourPolygons(new Grid(7, 7).fill(1, 1, 1, 4, 2).fill(1, 4, 4, 4, 2).values, 7, 7, 2);
  assert.equal(more.length, 0);
  assert.equal(polygon!.length, 1);
  assert.equal(area(polygon![0]!), -0.5);
  assert.deepEqual(
    polygon![0]!.map((p) => p.join(',')).sort(),
    ['1.5,3.5', '1.5,4.5', '2.5,4.5'],
  );
});

test('cells on the grid edge: outside counts as below, so a full grid is one ring along its edges; an empty grid none', () => {
  // 4 × 3 cells all above: one exterior, the 4 corners cut: 12 − ½, no hole.
  const full = new Grid(4, 3).fill(0, 0, 3, 2, 1);
  const polygons = contourPolygons(full.values, 4, 3, 0.5);
  assert.equal(polygons.length, 1);
  assert.equal(polygons[0]!.length, 1);
  assert.equal(area(polygons[0]![0]!), -(12 - 0.5));
  // A 1 × 1 grid holding one cell: the diamond of ½.
  assert.deepEqual(
    contourPolygons(new Uint8Array([1]), 1, 1, 0.5).map((p) => p.map(area)),
    [[-0.5]],
  );
  assert.deepEqual(contourPolygons(new Uint16Array(20), 5, 4, 0.5), []);
});
