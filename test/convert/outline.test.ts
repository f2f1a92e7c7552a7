import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localMeters } from '../../src/convert/geodesy.ts';
import type { LocalProjector } from '../../src/convert/geodesy.ts';
import { OutlineBuilder } from '../../src/convert/outline.ts';
import type { MultiPolygonGeometry } from '../../src/convert/outline.ts';

// A field near Wageningen; every test lays out its points in metres around it.
const ORIGIN_LON = 5.66;
const ORIGIN_LAT = 51.97;
const local = localMeters(ORIGIN_LON, ORIGIN_LAT);

/** Shoelace area in square metres on the local projection: positive when counter-clockwise. */
function ringArea(ring: number[][], projector: LocalProjector = local): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = projector.toXY(ring[i][0], ring[i][1]);
    const [x2, y2] = projector.toXY(ring[i + 1][0], ring[i + 1][1]);
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

/** Net area: outer rings count positive and holes negative, thanks to their orientation. */
function area(geometry: MultiPolygonGeometry): number {
  return geometry.coordinates.flat().reduce((total, ring) => total + ringArea(ring), 0);
}

function addAt(builder: OutlineBuilder, x: number, y: number, buffer: number): void {
  const [lon, lat] = local.toLonLat(x, y);
  builder.add(lon, lat, buffer);
}

/** Deterministic noise (mulberry32 mapped to a centred triangle distribution). */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return () => uniform() - uniform();
}

function assertValidGeoJson(geometry: MultiPolygonGeometry): void {
  assert.equal(geometry.type, 'MultiPolygon');
  for (const polygon of geometry.coordinates) {
    for (const [index, ring] of polygon.entries()) {
      assert.ok(ring.length >= 4, 'a ring has at least 4 positions');
      assert.deepEqual(ring[0], ring[ring.length - 1], 'rings are closed');
      // RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise.
      if (index === 0) assert.ok(ringArea(ring) > 0, 'outer ring is counter-clockwise');
      else assert.ok(ringArea(ring) < 0, 'hole is clockwise');
      for (const position of ring) {
        assert.equal(position.length, 2);
        for (const value of position) assert.equal(Math.round(value * 1e7) / 1e7, value, 'rounded to 7 decimals');
      }
    }
  }
}

test('no point, no outline', () => {
  assert.equal(new OutlineBuilder().toMultiPolygon(), null);
});

test('a straight 100 m line buffered by 5 m covers 100 × 10 + π·5² m²', () => {
  // The exact buffer is a stadium: a 100 × 10 m rectangle plus two half discs of radius 5 m,
  // 1000 + 78.54 = 1078.54 m².
  const exact = 100 * 10 + Math.PI * 5 ** 2;
  const errors: number[] = [];
  for (let bearing = 0; bearing < 180; bearing++) {
    const builder = new OutlineBuilder();
    const theta = (bearing * Math.PI) / 180;
    for (let metre = 0; metre <= 100; metre++) {
      addAt(builder, metre * Math.sin(theta), metre * Math.cos(theta), 5);
    }
    const outline = builder.toMultiPolygon();
    assert.ok(outline !== null);
    assert.equal(outline.coordinates.length, 1, `one polygon at bearing ${bearing}`);
    assert.equal(outline.coordinates[0].length, 1, `no hole at bearing ${bearing}`);
    assertValidGeoJson(outline);
    errors.push(area(outline) - exact);
  }
  // Grid error, with 2 m cells. A cell counts when its centre is within 5 m of a point and the
  // boundary is traced midway between counted and uncounted centres, so along each 100 m
  // side every 2 m column is off by up to ±1 m. When the side is parallel to the grid these
  // offsets are all alike: up to 2 sides × 100 m × 1 m = 200 m² (19 %). At other slopes they
  // cycle and cancel, except near slopes p/q with a small q, where the cycle of q columns
  // leaves up to 100 m × 1 m / q per side (q = 4 around 14°: ≤ 50 m², 4.6 %). Over all
  // bearings, counting centres is unbiased; marching squares only cuts a c²/8 = 0.5 m²
  // triangle off each of the outline's net four convex corners, -2 m² in all.
  // Measured: worst -36.6 m² (3.4 %, near 14°, 76° and 104°), mean -3.1 m²; the grid phase keeps the
  // first line (bearing 0) off the worst case.
  for (const [bearing, error] of errors.entries()) {
    assert.ok(Math.abs(error) <= 0.05 * exact, `bearing ${bearing}: area off by ${error.toFixed(1)} m²`);
  }
  const mean = errors.reduce((sum, error) => sum + error, 0) / errors.length;
  assert.ok(Math.abs(mean + 2) <= 2, `mean error ${mean.toFixed(2)} m² should be about -2 m²`);
});

test('far-apart clusters give one polygon each', () => {
  const builder = new OutlineBuilder();
  for (let metre = 0; metre <= 50; metre++) addAt(builder, metre, 0, 6);
  for (let metre = 0; metre <= 50; metre++) addAt(builder, 1_000 + metre, 400, 6);
  const outline = builder.toMultiPolygon();
  assert.ok(outline !== null);
  assertValidGeoJson(outline);
  assert.equal(outline.coordinates.length, 2);
  // Each is a 50 × 12 m stadium: 600 + π·36 = 713.1 m²; same grid error reasoning as above.
  // Measured: -6.8 and -7.4 m² (1 %).
  for (const polygon of outline.coordinates) {
    assert.ok(Math.abs(ringArea(polygon[0]) - (600 + Math.PI * 36)) < 0.05 * 713, `area ${ringArea(polygon[0])}`);
  }
});

test('a ring of points outlines an annulus: one polygon with a clockwise hole', () => {
  // Points every 0.5° on a 50 m circle, buffered by 5 m: the annulus between radii 45 and 55.
  const builder = new OutlineBuilder();
  for (let step = 0; step < 720; step++) {
    const angle = (step * Math.PI) / 360;
    addAt(builder, 50 * Math.cos(angle), 50 * Math.sin(angle), 5);
  }
  const outline = builder.toMultiPolygon();
  assert.ok(outline !== null);
  assertValidGeoJson(outline);
  assert.equal(outline.coordinates.length, 1);
  const [outer, hole, ...rest] = outline.coordinates[0];
  assert.equal(rest.length, 0);
  // Circles of radius 55 and 45: 9 503.3 and 6 361.7 m². Each traced circle is off by the
  // same per-column ±1 m as the line's sides, cancelling around the circle except near the
  // directions where the boundary runs along the grid: a few cells of 4 m². Measured: +10.8
  // and +4.6 m² (0.1 %).
  assert.ok(Math.abs(ringArea(outer) - Math.PI * 55 ** 2) < 0.01 * Math.PI * 55 ** 2, `outer ${ringArea(outer)}`);
  assert.ok(Math.abs(-ringArea(hole) - Math.PI * 45 ** 2) < 0.01 * Math.PI * 45 ** 2, `hole ${ringArea(hole)}`);
});

test('a lone point with no buffer still marks its own cell', () => {
  const builder = new OutlineBuilder();
  builder.add(ORIGIN_LON, ORIGIN_LAT, 0);
  const outline = builder.toMultiPolygon();
  assert.ok(outline !== null);
  assertValidGeoJson(outline);
  // Marching squares traces a single cell as the diamond joining its edge midpoints: c²/2 = 2 m².
  assert.equal(outline.coordinates.length, 1);
  assert.equal(outline.coordinates[0][0].length, 5);
  assert.ok(Math.abs(area(outline) - 2) < 0.01, `area ${area(outline)}`);
});

test('repeating a point changes nothing, and the output is deterministic', () => {
  const build = (): OutlineBuilder => {
    const builder = new OutlineBuilder();
    for (let i = 0; i < 1_000; i++) addAt(builder, 3, 4, 6);
    for (let metre = 0; metre < 30; metre++) addAt(builder, metre, metre / 2, 6);
    return builder;
  };
  const single = new OutlineBuilder();
  addAt(single, 3, 4, 6);
  const repeated = new OutlineBuilder();
  for (let i = 0; i < 1_000; i++) addAt(repeated, 3, 4, 6);
  assert.equal(repeated.cellCount, single.cellCount);
  assert.deepEqual(repeated.toMultiPolygon(), single.toMultiPolygon());
  assert.equal(JSON.stringify(build().toMultiPolygon()), JSON.stringify(build().toMultiPolygon()));
});

test('passes driven exactly one working width apart leave no pinholes', () => {
  // RTK guidance: 12 m boom, passes 12 m apart with ±2 cm of noise. The buffers only touch,
  // so cell centres on the seams fall in or out by noise alone; the outline must still be one
  // solid ring. (Without closing one-cell slits such fields came out with hundreds of holes.)
  for (const bearing of [0, 90, 30]) {
    const jitter = noise(bearing + 1);
    const theta = (bearing * Math.PI) / 180;
    const builder = new OutlineBuilder();
    for (let pass = 0; pass < 10; pass++) {
      for (let metre = 0; metre <= 200; metre++) {
        const along = pass % 2 === 0 ? metre : 200 - metre;
        const across = pass * 12 + 0.02 * jitter();
        addAt(builder, along * Math.sin(theta) + across * Math.cos(theta), along * Math.cos(theta) - across * Math.sin(theta), 6);
      }
    }
    const outline = builder.toMultiPolygon();
    assert.ok(outline !== null);
    assertValidGeoJson(outline);
    assert.equal(outline.coordinates.length, 1, `one polygon at bearing ${bearing}`);
    assert.equal(outline.coordinates[0].length, 1, `no hole at bearing ${bearing}`);
  }
});

test('an unworked strip wider than two cells stays open', () => {
  // Two blocks of passes with a 6 m gap between their buffers (3 cells of 2 m).
  const builder = new OutlineBuilder();
  for (const offset of [0, 30]) {
    for (let pass = 0; pass < 2; pass++) {
      for (let metre = 0; metre <= 100; metre++) addAt(builder, metre, offset + pass * 12, 6);
    }
  }
  // Close the ends so that the strip becomes a hole rather than a notch.
  for (let y = 0; y <= 42; y++) {
    addAt(builder, 0, y, 6);
    addAt(builder, 100, y, 6);
  }
  const outline = builder.toMultiPolygon();
  assert.ok(outline !== null);
  assertValidGeoJson(outline);
  assert.equal(outline.coordinates.length, 1);
  assert.equal(outline.coordinates[0].length, 2, 'the strip is a hole');
});

test('coarsening keeps the cell count within maxCells and the outline close', () => {
  const maxCells = 2_000;
  const builder = new OutlineBuilder({ maxCells });
  // 10 passes 12 m apart, 200 m long, buffered by 6 m: the union of the stadiums is the
  // 200 × 120 m rectangle plus 10 half discs of radius 6 at each end, 25 131 m².
  const exact = 200 * 120 + 10 * Math.PI * 36;
  for (let pass = 0; pass < 10; pass++) {
    for (let metre = 0; metre <= 200; metre++) {
      addAt(builder, pass % 2 === 0 ? metre : 200 - metre, pass * 12, 6);
      assert.ok(builder.cellCount <= maxCells);
    }
  }
  // About 25 000 m²: ~6 300 cells of 2 m, ~1 600 of 4 m, so the grid coarsened once.
  assert.equal(builder.cellMeters, 4);
  const outline = builder.toMultiPolygon();
  assert.ok(outline !== null);
  assertValidGeoJson(outline);
  assert.equal(outline.coordinates.length, 1);
  // The traced boundary stays within one 4 m cell of the exact buffer: midway between 4 m
  // cell centres (±2 m), plus up to 2 m of outward growth where the first passes were drawn
  // at 2 m and merged four cells into one. Over the 640 m perimeter: |error| < 640 × 4 m².
  // Measured: +1 150 m² (4.6 %), mostly that growth along sides parallel to the grid.
  assert.ok(Math.abs(area(outline) - exact) < 640 * 4, `area ${area(outline)} vs ${exact}`);
});

test('points far apart coarsen the grid instead of allocating a huge dense grid', () => {
  const builder = new OutlineBuilder({ maxCells: 1_000 });
  addAt(builder, 0, 0, 5);
  addAt(builder, 200_000, 50_000, 5);
  // A dense grid over 200 × 50 km at 2 m would be 2.5 billion cells; it is capped at
  // 16 × maxCells, which forces cells of several hundred metres.
  assert.ok(builder.cellMeters >= 512, `cell ${builder.cellMeters}`);
  const outline = builder.toMultiPolygon();
  assert.ok(outline !== null);
  assertValidGeoJson(outline);
  assert.equal(outline.coordinates.length, 2);
});

test('the smallest budget still converges, whatever the spread', () => {
  const builder = new OutlineBuilder({ maxCells: 4 });
  for (const [x, y] of [[0, 0], [-3, 2], [5_000, -7_000], [-0.8, -0.8], [12, 30]]) addAt(builder, x, y, 2);
  assert.ok(builder.cellCount <= 4);
  const outline = builder.toMultiPolygon();
  assert.ok(outline !== null);
  assertValidGeoJson(outline);
});

test('one million points along a serpentine stay within maxCells', () => {
  // 500 passes of 2 km, one point a metre, 12 m boom: a 2 × 6 km block, 12 km², which would
  // take 3 million cells of 2 m. The default budget of 2 million makes it coarsen to 4 m.
  const builder = new OutlineBuilder();
  let peak = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const pass = Math.floor(i / 2_000);
    const along = i % 2_000;
    addAt(builder, pass % 2 === 0 ? along : 2_000 - along, pass * 12, 6);
    if (builder.cellCount > peak) peak = builder.cellCount;
  }
  assert.ok(peak <= 2_000_000, `peak ${peak}`);
  assert.equal(builder.cellMeters, 4);
  const outline = builder.toMultiPolygon();
  assert.ok(outline !== null);
  assertValidGeoJson(outline);
  assert.equal(outline.coordinates.length, 1);
  assert.equal(outline.coordinates[0].length, 1);
  // The collinear vertices of the long straight sides are dropped: a few hundred vertices,
  // mostly the scalloped pass ends, instead of one per boundary cell.
  assert.ok(outline.coordinates[0][0].length < 2_000, `${outline.coordinates[0][0].length} vertices`);
  // 2 000 × 6 000 m plus 500 half discs of radius 6 at each end: 12 056 549 m². As in the
  // coarsening test the boundary stays within one 4 m cell of the exact buffer: over the
  // 16 km perimeter, |error| < 64 000 m² (0.5 %). Measured: +20 700 m² (0.17 %).
  const exact = 2_000 * 6_000 + 500 * Math.PI * 36;
  assert.ok(Math.abs(area(outline) - exact) < 16_000 * 4, `area ${area(outline)} vs ${exact}`);
});

test('rejects invalid options and points', () => {
  assert.throws(() => new OutlineBuilder({ cellMeters: 0 }), RangeError);
  assert.throws(() => new OutlineBuilder({ maxCells: 3 }), RangeError);
  assert.throws(() => new OutlineBuilder({ maxCells: 1.5 }), RangeError);
  const builder = new OutlineBuilder();
  assert.throws(() => builder.add(Number.NaN, 52, 5), RangeError);
  assert.throws(() => builder.add(5, 52, -1), RangeError);
  assert.throws(() => builder.add(5, 52, Number.POSITIVE_INFINITY), RangeError);
});
