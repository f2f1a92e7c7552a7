/**
 * Coverage builder on a synthetic 2-million-point operation: serpentine passes 2 km long, 1 m
 * between points, 12 m swath, passes 11.5 m apart (0.5 m overlap), turns not logged (each pass
 * starts a new track). Prints time and peak memory of the builder and its error against the
 * analytic union. The passes run 23° east of north so that no swath edge follows the grid.
 *
 *   node --import tsx bench/coverage.ts [points=2000000] [outDir=os.tmpdir()]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoverageBuilder } from '../src/convert/coverage/builder.ts';
import { localMeters } from '../src/convert/geodesy.ts';
import { BATCH_SIZE, emptyBatch, type PointBatch } from '../src/model/batch.ts';
import { PeakMemory } from './peak-memory.ts';

const POINTS = Number(process.argv[2] ?? 2_000_000);
const PASS_LENGTH = 2000;
const STEP = 1;
const WIDTH = 12;
const SPACING = 11.5;
const POINTS_PER_PASS = PASS_LENGTH / STEP + 1;
const ROTATION = 23;
const COS = Math.cos((ROTATION * Math.PI) / 180);
const SIN = Math.sin((ROTATION * Math.PI) / 180);
const field = localMeters(-93.5, 42.0);
const units = new Map([
  ['distance', 'm'],
  ['heading', 'arcdeg'],
  ['area', 'm2'],
  ['equipmentWidth', 'm'],
]);

function* batches(): Generator<PointBatch> {
  for (let start = 0; start < POINTS; start += BATCH_SIZE) {
    const n = Math.min(BATCH_SIZE, POINTS - start);
    const batch = emptyBatch(n, units.keys());
    const distance = batch.numbers.get('distance')!;
    const heading = batch.numbers.get('heading')!;
    const area = batch.numbers.get('area')!;
    const width = batch.numbers.get('equipmentWidth')!;
    for (let i = 0; i < n; i++) {
      const k = start + i;
      const passIndex = Math.floor(k / POINTS_PER_PASS);
      const along = (k % POINTS_PER_PASS) * STEP;
      const north = passIndex % 2 === 0; // serpentine: every other pass drives back south
      // Field frame (u across the passes, v along them) turned clockwise by ROTATION.
      const u = passIndex * SPACING;
      const v = north ? along : PASS_LENGTH - along;
      const [lon, lat] = field.toLonLat(u * COS + v * SIN, -u * SIN + v * COS);
      batch.lon[i] = lon;
      batch.lat[i] = lat;
      batch.time[i] = k * 1000;
      const first = along === 0;
      distance[i] = first ? 0 : STEP;
      heading[i] = north ? ROTATION : 180 + ROTATION;
      width[i] = WIDTH;
      area[i] = first ? 0 : STEP * WIDTH;
    }
    batch.length = n;
    yield batch;
  }
}

/** Union of the passes drawn so far: full passes side by side plus the partial last one. */
function analyticUnion(): number {
  const passes = Math.floor(POINTS / POINTS_PER_PASS);
  const rest = POINTS % POINTS_PER_PASS;
  let union = passes > 0 ? PASS_LENGTH * ((passes - 1) * SPACING + WIDTH) : 0;
  // The partial pass overlaps the previous one by WIDTH - SPACING over its own length.
  if (rest > 1) union += (rest - 1) * STEP * (passes > 0 ? SPACING : WIDTH);
  return union;
}

const memory = new PeakMemory();
const sample = () => memory.sample();

const out = process.argv[3] ?? (await mkdtemp(join(tmpdir(), 'furrow-bench-coverage-')));
const started = performance.now();
const builder = new CoverageBuilder(units);
for (const batch of batches()) {
  builder.add(batch);
  sample();
}
const rasterized = performance.now();
const result = await builder.finish(out);
const finished = performance.now();
const peak = memory.stop();

const analytic = analyticUnion();
console.log(`points             ${POINTS.toLocaleString('en')} (${result.swathCount.toLocaleString('en')} swaths)`);
console.log(`rasterize          ${((rasterized - started) / 1000).toFixed(2)} s (${((POINTS / (rasterized - started)) * 1000 / 1e6).toFixed(2)} M points/s)`);
console.log(`trace + write      ${((finished - rasterized) / 1000).toFixed(2)} s (trace cell ${result.traceCellMeters} m, ${result.polygons?.coordinates.length ?? 0} polygons)`);
console.log(`covered area       ${(result.coveredArea / 10_000).toFixed(3)} ha (analytic ${(analytic / 10_000).toFixed(3)} ha, ${(((result.coveredArea - analytic) / analytic) * 100).toFixed(4)} %)`);
console.log(`polygon area       ${(result.polygonArea / 10_000).toFixed(3)} ha (${(((result.polygonArea - analytic) / analytic) * 100).toFixed(4)} %)`);
console.log(`swept area         ${(result.sweptArea / 10_000).toFixed(3)} ha; cell ${result.cellMeters} m`);
console.log(peak);
if (process.argv[3] === undefined) await rm(out, { recursive: true, force: true });
