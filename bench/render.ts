/**
 * Property maps (PNG + .aux.xml + images.json + images.zip) of a synthetic 2-million-point harvest:
 * serpentine passes 2 km long, 1 m between points, 12 m swath, passes 11.5 m apart, running 23°
 * east of north, ten numeric properties whose values vary smoothly across the field (yield
 * "zones") plus noise; one point in 50 is removed by cleanup. Prints the accumulation and
 * rendering times, image size and peak memory.
 *
 *   node --import tsx bench/render.ts [points=2000000] [EPSG:4326|EPSG:3857] [outDir=os.tmpdir()]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PropertyRasters } from '../src/convert/render/property-rasters.ts';
import type { Projection } from '../src/convert/render/grid.ts';
import { localMeters } from '../src/convert/geodesy.ts';
import { BATCH_SIZE, emptyBatch, type PointBatch } from '../src/model/batch.ts';
import type { StandardProperty } from '../src/model/properties.ts';
import { PeakMemory } from './peak-memory.ts';

const POINTS = Number(process.argv[2] ?? 2_000_000);
const PROJECTION = (process.argv[3] ?? 'EPSG:4326') as Projection;
const PASS_LENGTH = 2000;
const STEP = 1;
const WIDTH = 12;
const SPACING = 11.5;
const POINTS_PER_PASS = PASS_LENGTH / STEP + 1;
const ROTATION = 23;
const COS = Math.cos((ROTATION * Math.PI) / 180);
const SIN = Math.sin((ROTATION * Math.PI) / 180);
const field = localMeters(-93.5, 42.0);
const units = new Map<StandardProperty, string>([
  ['distance', 'm'],
  ['heading', 'arcdeg'],
  ['area', 'm2'],
  ['elevation', 'm'],
  ['equipmentWidth', 'm'],
  ['speed', 'm/s'],
  ['harvestMoisture', 'percentage'],
  ['wetMassPerArea', 'kg/ha'],
  ['dryMassPerArea', 'kg/ha'],
  ['wetMass', 'kg'],
  ['cropFlow', 'kg/s'],
]);

// A cheap deterministic noise so runs compare.
let seed = 42;
const noise = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fff_ffff;
  return seed / 0x7fff_ffff - 0.5;
};

function* batches(): Generator<{ batch: PointBatch; keep: (string | null)[] }> {
  for (let start = 0; start < POINTS; start += BATCH_SIZE) {
    const n = Math.min(BATCH_SIZE, POINTS - start);
    const batch = emptyBatch(n, units.keys());
    const col = (p: StandardProperty) => batch.numbers.get(p)!;
    const [distance, heading, area, elevation, width, speed, moisture, wet, dry, mass, flow] = [...units.keys()].map(col) as Float64Array[];
    const keep = new Array<string | null>(n).fill(null);
    for (let i = 0; i < n; i++) {
      const k = start + i;
      const passIndex = Math.floor(k / POINTS_PER_PASS);
      const along = (k % POINTS_PER_PASS) * STEP;
      const north = passIndex % 2 === 0;
      const u = passIndex * SPACING;
      const v = north ? along : PASS_LENGTH - along;
      const [lon, lat] = field.toLonLat(u * COS + v * SIN, -u * SIN + v * COS);
      batch.lon[i] = lon;
      batch.lat[i] = lat;
      batch.time[i] = k * 500;
      const zone = Math.sin(u / 300) * Math.cos(v / 250);
      distance![i] = along === 0 ? 0 : STEP;
      heading![i] = north ? ROTATION : 180 + ROTATION;
      area![i] = along === 0 ? 0 : STEP * WIDTH;
      elevation![i] = 300 + 0.01 * u + 5 * Math.sin(v / 400);
      width![i] = WIDTH;
      speed![i] = 2 + 0.3 * noise();
      moisture![i] = 18 + 3 * zone + noise();
      wet![i] = 10_000 + 3000 * zone + 800 * noise();
      dry![i] = wet![i]! * (100 - moisture![i]!) / 85.5;
      mass![i] = (wet![i]! * area![i]!) / 10_000;
      flow![i] = mass![i]! * speed![i]!;
      if (k % 50 === 0) keep[i] = 'wetMassPerArea GT 0';
    }
    batch.length = n;
    yield { batch, keep };
  }
}

const memory = new PeakMemory();
const sample = () => memory.sample();

const out = process.argv[4] ?? (await mkdtemp(join(tmpdir(), 'furrow-bench-render-')));
let generating = 0;
const started = performance.now();
const rasters = new PropertyRasters(units, { projection: PROJECTION });
let t = performance.now();
for (const { batch, keep } of batches()) {
  const t1 = performance.now();
  generating += t1 - t;
  rasters.add(batch, keep);
  t = performance.now();
  sample();
}
const accumulated = performance.now();
const result = await rasters.finish(out);
const finished = performance.now();
const peak = memory.stop();

const first = result.images[0]!;
const zipSize = (await stat(join(out, result.zip!))).size;
console.log(`points             ${POINTS.toLocaleString('en')} (${PROJECTION})`);
console.log(`accumulate         ${((accumulated - started - generating) / 1000).toFixed(2)} s (${((POINTS / (accumulated - started - generating)) * 1000 / 1e6).toFixed(2)} M points/s; generating points took ${(generating / 1000).toFixed(2)} s more)`);
console.log(`render + write     ${((finished - accumulated) / 1000).toFixed(2)} s: ${result.images.length} PNGs of ${first.width}×${first.height} px, cell ${first.cellMeters} m, zip ${(zipSize / 1024).toFixed(0)} KiB`);
console.log(`skipped            ${result.skipped.map((s) => s.property).join(', ')}`);
const wet = result.images.find((i) => i.property === 'wetMassPerArea')!.legend;
console.log(`wetMassPerArea     cell means ${wet.min.toFixed(0)}..${wet.max.toFixed(0)} kg/ha over ${wet.cells.toLocaleString('en')} cells, ${wet.points.toLocaleString('en')} points drawn`);
console.log(peak);
if (process.argv[4] === undefined) await rm(out, { recursive: true, force: true });
