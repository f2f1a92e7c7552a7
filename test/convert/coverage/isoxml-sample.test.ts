import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import proj4 from 'proj4';
import { CoverageBuilder } from '../../../src/convert/coverage/builder.ts';
import { readGeoJsonFeatures } from '../../../src/convert/export/geojson-source.ts';
import { convertInput } from '../../../src/convert-input.ts';
import { BATCH_SIZE, emptyBatch, type PointBatch } from '../../../src/model/batch.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { insideRing, ringArea } from './helpers.ts';

/*
 * The AGCO / MicroTrak sprayer sample (agco-microtrak.zip, 2016-05-12, 15 m boom, no sections
 * logged), converted by the real pipeline: its kept points (standard.geojson) go through the
 * coverage builder. Expected figures come from elsewhere:
 *  - Σ distance × width is the summary's totalArea (computed by the summary builder);
 *  - the union and the overlap are re-measured here independently: every swath rebuilt as the
 *    segment from the previous logged position (normalized.geojson, all points) to the point,
 *    15 m wide, in UTM zone 22S by proj4 (not Furrow's local projection), sampled on a 0.2 m grid
 *    with an exact point-in-rectangle test (not Furrow's scanline).
 */

const OPERATION = 'TASKDATA/TSK2-applied-DET-15';
const KEYS = ['equipmentWidth', 'distance', 'heading', 'area', 'workingWidth'];

interface Point {
  lon: number;
  lat: number;
  properties: Record<string, unknown>;
}

async function readPoints(path: string): Promise<Point[]> {
  const points: Point[] = [];
  for await (const feature of readGeoJsonFeatures(path)) {
    const [lon, lat] = feature.geometry!.coordinates as number[];
    points.push({ lon, lat, properties: feature.properties ?? {} });
  }
  return points;
}

function* batches(points: readonly Point[]): Generator<[number, PointBatch]> {
  for (let start = 0; start < points.length; start += BATCH_SIZE) {
    const slice = points.slice(start, start + BATCH_SIZE);
    const batch = emptyBatch(slice.length, KEYS);
    slice.forEach((p, i) => {
      batch.lon[i] = p.lon;
      batch.lat[i] = p.lat;
      for (const key of KEYS) batch.numbers.get(key)![i] = typeof p.properties[key] === 'number' ? (p.properties[key] as number) : NaN;
    });
    batch.length = slice.length;
    yield [start, batch];
  }
}

/** Union and Σ of rectangles sampled on a regular grid: returns [union m², overlap m²]. */
function sampledUnion(rects: { ax: number; ay: number; bx: number; by: number; width: number }[], step: number): [number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const r of rects) {
    minX = Math.min(minX, r.ax, r.bx);
    minY = Math.min(minY, r.ay, r.by);
    maxX = Math.max(maxX, r.ax, r.bx);
    maxY = Math.max(maxY, r.ay, r.by);
  }
  const pad = 10;
  minX -= pad;
  minY -= pad;
  const nx = Math.ceil((maxX + pad - minX) / step);
  const ny = Math.ceil((maxY + pad - minY) / step);
  const hits = new Uint16Array(nx * ny);
  for (const r of rects) {
    const length = Math.hypot(r.bx - r.ax, r.by - r.ay);
    const ux = (r.bx - r.ax) / length;
    const uy = (r.by - r.ay) / length;
    const half = r.width / 2;
    const i0 = Math.max(0, Math.floor((Math.min(r.ax, r.bx) - half - minX) / step));
    const i1 = Math.min(nx - 1, Math.ceil((Math.max(r.ax, r.bx) + half - minX) / step));
    const j0 = Math.max(0, Math.floor((Math.min(r.ay, r.by) - half - minY) / step));
    const j1 = Math.min(ny - 1, Math.ceil((Math.max(r.ay, r.by) + half - minY) / step));
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const dx = minX + (i + 0.5) * step - r.ax;
        const dy = minY + (j + 0.5) * step - r.ay;
        const along = dx * ux + dy * uy;
        const across = -dx * uy + dy * ux;
        if (along >= 0 && along <= length && Math.abs(across) <= half) hits[j * nx + i]++;
      }
    }
  }
  let union = 0;
  let extra = 0;
  for (const h of hits) {
    if (h > 0) union++;
    if (h > 1) extra += h - 1;
  }
  return [union * step * step, extra * step * step];
}

test('AGCO sprayer sample: covered area ≤ Σ distance × width, the gap being the overlap', (t) =>
  withTempDir(async (dir) => {
    const report = await convertInput(sample('isoxml', 'agco-microtrak', 'agco-microtrak.zip'), dir, { units: 'default' });
    const operation = report.operations.find((op) => op.dir.endsWith(OPERATION));
    assert.ok(operation, `operation ${OPERATION} among ${report.operations.map((op) => op.dir).join(', ')}`);
    const out = join(dir, OPERATION);
    const units = new Map(Object.entries(JSON.parse(await readFile(join(out, 'units.json'), 'utf8')) as Record<string, string>));
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.properties.totalArea.unit, 'm2');
    const totalArea: number = summary.properties.totalArea.value;

    // As in the pipeline: every normalized point; the ground worked, cleaned or not, is what was covered.
    const all = await readPoints(join(out, 'normalized.geojson'));
    const builder = new CoverageBuilder(units);
    for (const [, batch] of batches(all)) builder.add(batch);
    const result = await builder.finish(out);

    // Σ distance × working width of every point is exactly what the summary sums as totalArea.
    assert.ok(Math.abs(result.sweptArea - totalArea) < 0.01, `swept ${result.sweptArea} vs totalArea ${totalArea}`);
    assert.ok(result.coveredArea < totalArea);

    // Independent re-measure. The previous position of each point is the previous point of
    // normalized.geojson (the standardizer measures distance over all points, kept or not).
    const utm = proj4('EPSG:4326', '+proj=utm +zone=22 +south +datum=WGS84 +units=m +no_defs');
    const rects = [];
    for (let i = 1; i < all.length; i++) {
      const p = all[i];
      const area = p.properties.area as number;
      if (!(area > 0)) continue;
      const [ax, ay] = utm.forward([all[i - 1].lon, all[i - 1].lat]);
      const [bx, by] = utm.forward([p.lon, p.lat]);
      rects.push({ ax, ay, bx, by, width: p.properties.workingWidth as number });
    }
    assert.equal(rects.length, result.swathCount);
    const [union, overlap] = sampledUnion(rects, 0.2);
    t.diagnostic(`swept ${result.sweptArea.toFixed(1)} m², covered ${result.coveredArea.toFixed(1)} m², polygons ${result.polygonArea.toFixed(1)} m²; independent union ${union.toFixed(1)} m², overlap ${overlap.toFixed(1)} m²`);
    // UTM's scale factor here (~0.9996) shrinks areas by < 0.1 %: 1 % covers it and both grids.
    assert.ok(Math.abs(result.coveredArea - union) <= union * 0.01, `covered ${result.coveredArea} vs independent union ${union}`);
    // The gap between swept and covered area is the overlap: sprayed twice (headland turns, adjacent passes).
    const gap = result.sweptArea - result.coveredArea;
    assert.ok(Math.abs(gap - overlap) <= totalArea * 0.01, `gap ${gap} vs independent overlap ${overlap}`);
    // Measured: covered 17 031 m² of 18 545 m² swept (every working point, cleaned or not): 1 514 m² (8.2 %) sprayed twice.
    assert.ok(gap > 0.05 * totalArea && gap < 0.1 * totalArea, `gap ${gap}`);
    assert.ok(Math.abs(result.polygonArea - result.coveredArea) <= result.coveredArea * 0.01, `polygons ${result.polygonArea}`);

    // Valid polygons (RFC 7946): exteriors counter-clockwise, holes clockwise, and every hole
    // inside its own exterior, the innermost of the exteriors around it (checked by brute force,
    // ray casting against every exterior). Measured: 36 polygons, 347 holes (unsprayed gaps).
    const polygons = result.polygons!.coordinates;
    const exteriors = polygons.map((p) => p[0]!);
    const exteriorAreas = exteriors.map((ring) => ringArea(ring.slice(0, -1)));
    let holes = 0;
    for (const [index, [exterior, ...inner]] of polygons.entries()) {
      assert.ok(exteriorAreas[index]! > 0, `exterior ${index} counter-clockwise`);
      for (const hole of inner) {
        holes++;
        assert.ok(ringArea(hole.slice(0, -1)) < 0, `a hole of polygon ${index} clockwise`);
        // Vertices of different rings never coincide (a cell lies between them): every vertex tests.
        for (const [x, y] of hole) assert.ok(insideRing(exterior!, x!, y!), `hole vertex ${x},${y} inside exterior ${index}`);
        const [x, y] = hole[0]!;
        const around = exteriors.flatMap((ring, e) => (insideRing(ring, x!, y!) ? [e] : []));
        const innermost = around.reduce((best, e) => (exteriorAreas[e]! < exteriorAreas[best]! ? e : best));
        assert.equal(innermost, index, `hole at ${x},${y}: innermost exterior ${innermost}, assigned to ${index}`);
      }
    }
    t.diagnostic(`${polygons.length} polygons, ${holes} holes`);
    assert.ok(holes > 100, `holes ${holes}`);
  }));
