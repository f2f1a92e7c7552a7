import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { geojson as fgb } from 'flatgeobuf';
import { CoverageBuilder } from '../../../src/convert/coverage/builder.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { METRIC_UNITS, pass, ringArea, trackBatch, type TrackPoint } from './helpers.ts';

/*
 * Hand-built operations whose covered area is known exactly. The raster counts cells whose
 * centre falls inside a swath, so its error is confined to a band one cell wide along the
 * union's boundary, and is nearly zero on average (libraries.md measured 0.1–0.5 % at 0.5 m).
 */

const CELL = 0.5;

/** Largest possible raster error: half a cell on each side of the boundary. */
function boundaryBand(perimeter: number): number {
  return (perimeter * CELL) / 2;
}

test('two parallel 10 m passes overlapping by 2 m: union = 100 m × 18 m, overlap counted once', async () => {
  await withTempDir(async (dir) => {
    // Centre lines 8 m apart, 10 m wide each: together they span 5 + 8 + 5 = 18 m.
    const points = [...pass(0, 0, 100, 0, 1, 10), ...pass(100, 8, 0, 8, 1, 10, 1)];
    const builder = new CoverageBuilder(METRIC_UNITS);
    builder.add(trackBatch(points));
    const result = await builder.finish(dir);
    // Swept: 2 × 100 m × 10 m = 2000 m² (= Σ distance × width = the summary's totalArea).
    assert.ok(Math.abs(result.sweptArea - 2000) < 1e-6, `swept ${result.sweptArea}`);
    // Union: 100 × 18 = 1800 m²; the 2 m × 100 m overlap (200 m²) counts once.
    assert.ok(Math.abs(result.coveredArea - 1800) <= 1800 * 0.005, `covered ${result.coveredArea}`);
    assert.ok(Math.abs(result.sweptArea - result.coveredArea - 200) <= 1800 * 0.005);
    assert.equal(result.swathCount, 200); // 101 points per pass, the first of each draws nothing
    assert.equal(result.skippedCount, 2);
    // One outline polygon without holes, with the same area as the cells.
    assert.equal(result.polygons!.coordinates.length, 1);
    assert.equal(result.polygons!.coordinates[0].length, 1);
    const area = ringArea(result.polygons!.coordinates[0][0]);
    assert.ok(area > 0, 'outer ring is counter-clockwise (RFC 7946)');
    assert.ok(Math.abs(area - 1800) <= boundaryBand(2 * (100 + 18)), `polygon area ${area}`);
  });
});

test('a single diagonal pass: length × width within the one-cell boundary band, and within 0.5 %', async () => {
  await withTempDir(async (dir) => {
    // 30° from east, 200 m long, 12 m wide: 2400 m².
    const angle = Math.PI / 6;
    const points = pass(0, 0, 200 * Math.cos(angle), 200 * Math.sin(angle), 2.5, 12);
    const builder = new CoverageBuilder(METRIC_UNITS);
    builder.add(trackBatch(points));
    const result = await builder.finish(dir);
    const band = boundaryBand(2 * (200 + 12)); // 53 m²
    assert.ok(Math.abs(result.coveredArea - 2400) <= band, `covered ${result.coveredArea}`);
    assert.ok(Math.abs(result.coveredArea - 2400) <= 2400 * 0.005, `covered ${result.coveredArea}`);
    assert.ok(Math.abs(result.polygonArea - 2400) <= band, `polygon ${result.polygonArea}`);
  });
});

test('per-section points follow each section’s own track', async () => {
  await withTempDir(async (dir) => {
    // Two 3 m sections side by side (centres 3 m apart) logged interleaved at the same instants:
    // together one 6 m strip, 60 m long = 360 m². Measured from the previous point of the
    // operation instead, every swath would jump sideways between the sections.
    const left = pass(0, 1.5, 60, 1.5, 1, 3, 1);
    const right = pass(0, -1.5, 60, -1.5, 1, 3, 2);
    const points: TrackPoint[] = left.flatMap((p, i) => [p, right[i]]);
    const builder = new CoverageBuilder(METRIC_UNITS);
    builder.add(trackBatch(points));
    const result = await builder.finish(dir);
    assert.ok(Math.abs(result.sweptArea - 360) < 1e-6);
    assert.ok(Math.abs(result.coveredArea - 360) <= 360 * 0.005, `covered ${result.coveredArea}`);
    assert.equal(result.polygons!.coordinates.length, 1);
  });
});

test('an unworked centre becomes a hole; removed points and gaps draw nothing', async () => {
  await withTempDir(async (dir) => {
    // Four 10 m passes around a square whose centre lines are 50 m apart, each run 5 m past the
    // corners: outer square 60 m (3600 m²) minus the unworked 40 m square (1600 m²) = 2000 m².
    const sides = [pass(-5, 0, 55, 0, 1, 10), pass(50, -5, 50, 55, 1, 10), pass(55, 50, -5, 50, 1, 10), pass(0, 55, 0, -5, 1, 10)];
    const points = sides.flatMap((side, k) => side.map((p) => ({ ...p, section: k })));
    // A wild point far away, removed by cleanup: it must not draw or stretch the grid.
    points.push({ x: 5000, y: 5000, width: 10, section: 0 });
    const batch = trackBatch(points);
    const removed: (string | null)[] = points.map((_, i) => (i === points.length - 1 ? 'speed GT 30' : null));
    // A gap: the standardizer gives it a distance but no area.
    batch.numbers.get('area')![10] = 0;
    const builder = new CoverageBuilder(METRIC_UNITS);
    builder.add(batch, removed);
    const result = await builder.finish(dir);
    // 4 × 60 swaths minus the gap.
    assert.equal(result.swathCount, 239);
    assert.ok(Math.abs(result.coveredArea - 2000) <= 2000 * 0.01, `covered ${result.coveredArea}`);
    const polygons = result.polygons!.coordinates;
    assert.equal(polygons.length, 1);
    assert.equal(polygons[0].length, 2, 'outer ring and one hole');
    const outer = ringArea(polygons[0][0]);
    const hole = ringArea(polygons[0][1]);
    assert.ok(outer > 0 && hole < 0, 'RFC 7946 winding: exterior counter-clockwise, hole clockwise');
    assert.ok(Math.abs(outer - 3600) <= boundaryBand(240), `outer ${outer}`);
    assert.ok(Math.abs(-hole - 1600) <= boundaryBand(160), `hole ${hole}`);

    // Files: GeoJSON with area properties, and a FlatGeobuf holding the same polygon.
    const written = JSON.parse(await readFile(result.files.geojson, 'utf8'));
    const properties = written.features[0].properties;
    assert.equal(properties.areaUnit, 'm2');
    assert.equal(properties.coveredAreaM2, Math.round(result.coveredArea * 1000) / 1000);
    assert.equal(properties.sweptAreaM2, Math.round(result.sweptArea * 1000) / 1000);
    assert.ok(Math.abs(properties.overlapArea - (result.sweptArea - result.coveredArea)) < 1e-3);
    const features = [];
    for await (const feature of fgb.deserialize(new Uint8Array(await readFile(result.files.fgb!)))) features.push(feature);
    assert.equal(features.length, 1);
    assert.equal(features[0].geometry.type, 'MultiPolygon');
    assert.equal(features[0].properties!.coveredAreaM2, properties.coveredAreaM2);
  });
});

test('area in the operation’s units: acres in, acres out', async () => {
  await withTempDir(async (dir) => {
    const points = pass(0, 0, 100, 0, 1, 10);
    const batch = trackBatch(points);
    // The same pass in feet and acres (1 ft = 0.3048 m exactly; 1 ac = 4046.8564224 m²).
    for (const key of ['equipmentWidth', 'distance'] as const) batch.numbers.get(key)!.forEach((v, i, a) => (a[i] = v / 0.3048));
    batch.numbers.get('area')!.forEach((v, i, a) => (a[i] = v / 4046.856_422_4));
    const units = new Map([...METRIC_UNITS, ['equipmentWidth', 'ft'], ['distance', 'ft'], ['area', 'ac']]);
    const builder = new CoverageBuilder(units);
    builder.add(batch);
    const result = await builder.finish(dir);
    assert.ok(Math.abs(result.coveredArea - 1000) <= 5, `covered ${result.coveredArea} m²`);
    const written = JSON.parse(await readFile(result.files.geojson, 'utf8'));
    assert.equal(written.features[0].properties.areaUnit, 'ac');
    assert.ok(Math.abs(written.features[0].properties.coveredArea - result.coveredArea / 4046.856_422_4) < 1e-5);
  });
});

test('memory follows the covered area, not the extent; an exhausted budget coarsens the grid', async () => {
  await withTempDir(async (dir) => {
    // Two 100 m × 10 m strips 20 km apart: a dense grid over both would hold 1.6 billion cells;
    // the sparse raster needs at most 5 × 2 tiles of 32 m × 32 m around each strip.
    const points = [...pass(0, 0, 100, 0, 1, 10, 1), ...pass(20_000, 20_000, 20_100, 20_000, 1, 10, 2)];
    const sparse = new CoverageBuilder(METRIC_UNITS, { maxTiles: 24 });
    sparse.add(trackBatch(points));
    const kept = await sparse.finish(dir);
    assert.equal(kept.cellMeters, CELL, 'no coarsening needed');
    assert.ok(Math.abs(kept.coveredArea - 2000) <= 2000 * 0.005);
    assert.equal(kept.polygons!.coordinates.length, 2);

    // With room for only 4 tiles the 0.5 m grid cannot hold one strip (100 m needs 4 tiles
    // wide, 2 high): the cell doubles until it fits. A coarse cell counts when any of its fine
    // cells did, so the area can only grow, by at most the boundary band of the coarse grid.
    const tight = new CoverageBuilder(METRIC_UNITS, { maxTiles: 4 });
    tight.add(trackBatch(pass(0, 0, 100, 0, 1, 10)));
    const coarse = await tight.finish(dir);
    assert.ok(coarse.cellMeters >= 1, `cell ${coarse.cellMeters}`);
    assert.ok(coarse.coveredArea >= 1000 - boundaryBand(220));
    assert.ok(coarse.coveredArea <= 1000 + 220 * coarse.cellMeters, `covered ${coarse.coveredArea}`);
  });
});

test('no width or no distance: nothing covered, files still say so', async () => {
  await withTempDir(async (dir) => {
    const batch = trackBatch(pass(0, 0, 100, 0, 1, 10));
    batch.numbers.delete('equipmentWidth');
    const builder = new CoverageBuilder(new Map([...METRIC_UNITS].filter(([key]) => key !== 'equipmentWidth')));
    builder.add(batch);
    const result = await builder.finish(dir);
    assert.equal(result.coveredArea, 0);
    assert.equal(result.skippedCount, 101);
    assert.equal(result.polygons, null);
    assert.equal(result.files.fgb, undefined);
    const written = JSON.parse(await readFile(result.files.geojson, 'utf8'));
    assert.equal(written.features[0].geometry, null);
    assert.equal(written.features[0].properties.coveredArea, 0);
  });
});

test('a trace grid too small for 0.5 m aggregates cells and keeps the area', async () => {
  await withTempDir(async (dir) => {
    // The two overlapping passes again (1800 m²): their 0.5 m grid is ~200 × 40 cells; allowing
    // 2 000 trace cells forces 4 × 4 aggregation (2 m cells), contoured at 50 % coverage.
    const builder = new CoverageBuilder(METRIC_UNITS, { maxTraceCells: 2000 });
    builder.add(trackBatch([...pass(0, 0, 100, 0, 1, 10), ...pass(100, 8, 0, 8, 1, 10, 1)]));
    const result = await builder.finish(dir);
    assert.ok(result.traceCellMeters >= 2, `trace cell ${result.traceCellMeters}`);
    assert.equal(result.cellMeters, CELL, 'the area is still counted on the fine grid');
    assert.ok(Math.abs(result.coveredArea - 1800) <= 1800 * 0.005);
    // Interpolating the coverage fraction puts edges within a fraction of a 2 m cell.
    assert.ok(Math.abs(result.polygonArea - 1800) <= (2 * (100 + 18) * result.traceCellMeters) / 2, `polygon ${result.polygonArea}`);
  });
});

test('a stray removed first fix does not skew the projection; a GPS jump does not draw a long swath', async () => {
  await withTempDir(async (dir) => {
    // The first fix is 3 300 km south (lat ≈ 20°), removed by cleanup. Centred there, the local
    // projection's east-west scale would be off by cos 20° / cos 50.2° = 1.47 for the field.
    const points = pass(0, 0, 100, 0, 1, 10);
    const batch = trackBatch([{ x: 0, y: -3_300_000, width: 10 }, ...points]);
    batch.numbers.get('distance')![1] = 0; // the pass starts a new track after the stray fix
    batch.numbers.get('area')![1] = 0;
    const removed = Array.from({ length: batch.length }, (_, i) => (i === 0 ? 'position outlier' : null));
    const builder = new CoverageBuilder(METRIC_UNITS);
    builder.add(batch, removed);
    const result = await builder.finish(dir);
    assert.ok(Math.abs(result.coveredArea - 1000) <= 1000 * 0.005, `covered ${result.coveredArea}`);

    // A machine-logged distance of 1 m while the position jumps 300 m sideways: the swath is the
    // machine's 1 m back along its heading (10 m²), not a 300 m strip (3 000 m²).
    const jump = trackBatch([...pass(0, 0, 50, 0, 1, 10), { x: 51, y: 300, width: 10 }]);
    const last = jump.length - 1;
    jump.numbers.get('distance')![last] = 1;
    jump.numbers.get('heading')![last] = 90;
    jump.numbers.get('area')![last] = 10;
    const jumpBuilder = new CoverageBuilder(METRIC_UNITS);
    jumpBuilder.add(jump);
    const jumped = await jumpBuilder.finish(dir);
    assert.ok(Math.abs(jumped.coveredArea - 510) <= 510 * 0.01, `covered ${jumped.coveredArea}`);
    assert.equal(jumped.polygons!.coordinates.length, 2);
  });
});
