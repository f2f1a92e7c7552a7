/**
 * The yield-cleaning filters (`writeFilteredOutputs`: filtered.geojson + annotated.geojson) on a
 * synthetic combine harvest built directly as standardized point batches, so that the figures are
 * the filters' and the writers' alone (no decoding, no standardizing). Prints wall and CPU time,
 * points/s, peak RSS and heap, and the points each filter removed.
 *
 *   node --import tsx bench/filters.ts [--points 1000000] [--speed logged|derived]
 *        [--flow-delay S] [--moisture-delay S] [--widest-known] [--out DIR]
 *
 * The harvest: 1 Hz from 2024-10-05 07:00 UTC, a 9 m head at ~2 m/s (a base speed per pass) in
 * north–south passes of 800 m, 12 s headland turns (recordingStatus Off), fields of 66 passes with
 * a 40 s road transfer at 6 m/s between them. To give every filter something to remove: slow-downs
 * (a speed step to 35–80 % for 20 s, 1 per 600 records), a pass in 17 at 40 % width, GNSS jumps of
 * 25 m (1 per 5,000 records), a 15 s logging gap (1 per 10,000), yield spikes ×3 and dips ×0.3
 * (1 per 1,000 each) and zero yields (1 per 2,000) on a yield of 10 ± 3 t/ha (smooth zones plus
 * noise), moisture 18 ± 2 % drifting over the day. `--speed logged`: the speed column is the machine's speed with
 * 1 % noise (the pipeline's `speedLogged: true`); `--speed derived`: it is distance / Δt between
 * consecutive logged positions, where one position in 10 is 0.6 s late, as on 1 Hz logs with
 * whole-second timestamps (`speedLogged: false`, the median-of-3 velocity-change test).
 *
 * Points come in batches of BATCH_SIZE from a seeded generator that is restarted on every read
 * (the filters read the operation two or three times), so memory holds one batch at a time and
 * runs are byte-identical. `--widest-known` passes the widest width (9 m) as the pipeline's main
 * pass could (`layout.widestWidth`), sparing the read that finds it. With `--out` the outputs and `result.json` (the returned object) stay
 * for comparison; without it they go to $FURROW_BENCH_DIR/filters (default /tmp/furrow-bench) and
 * are deleted.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFilteredOutputs, type FilterSettings } from '../src/convert/filters/index.ts';
import { localMeters } from '../src/convert/geodesy.ts';
import { BATCH_SIZE, emptyBatch, type PointBatch } from '../src/model/batch.ts';
import type { StandardProperty } from '../src/model/properties.ts';
import { mulberry32 } from './random.ts';
import { PeakMemory } from './peak-memory.ts';

const { values: args } = parseArgs({
  options: {
    points: { type: 'string', default: '1000000' },
    speed: { type: 'string', default: 'logged' },
    'flow-delay': { type: 'string' },
    'moisture-delay': { type: 'string' },
    'widest-known': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const POINTS = Number(args.points);
if (!(POINTS > 0)) throw new Error(`--points must be a positive number, not ${args.points}`);
if (args.speed !== 'logged' && args.speed !== 'derived') throw new Error(`--speed is logged or derived, not ${args.speed}`);
const SPEED_LOGGED = args.speed === 'logged';

const START = Date.UTC(2024, 9, 5, 7);
const PASS_LENGTH = 800;
const WIDTH = 9;
const PASSES_PER_FIELD = 66;
const TURN_SECONDS = 12;
const ROAD_SECONDS = 40;
const ROAD_SPEED = 6;
const FIELD_SPACING = PASSES_PER_FIELD * WIDTH + ROAD_SECONDS * ROAD_SPEED;
const field = localMeters(-93.5, 42.0);

/** The operation's standardized units: those the pipeline gives an ISOXML combine in metric (CCI's units.json). */
const UNITS = new Map<StandardProperty, string>([
  ['distance', 'm'],
  ['heading', 'arcdeg'],
  ['area', 'm2'],
  ['equipmentWidth', 'm'],
  ['harvestMoisture', 'percentage'],
  ['cropFlow', 'kg/s'],
  ['speed', 'm/s'],
  ['wetMass', 'kg'],
  ['wetMassPerArea', 't/ha'],
  ['dryMass', 'kg'],
  ['dryMassPerArea', 't/ha'],
]);
const STRINGS = ['recordingStatus'];
const CONSTANTS: [string, string][] = [
  ['operationType', 'harvested'],
  ['crop', 'corn'],
];

/** Where the machine is and what it does, one record (second) at a time. */
class Combine {
  private readonly rng = mulberry32(20241005);
  private time = START;
  private phase: 'pass' | 'turn' | 'road' = 'pass';
  private fieldIndex = 0;
  private pass = 0;
  /** Metres along the current pass, or seconds into a turn or transfer. */
  private progress = 0;
  private baseSpeed = 2;
  private slowLeft = 0;
  private slowFactor = 1;
  /** The previous record's logged position (local metres) and time, for a derived speed. */
  private prevX = NaN;
  private prevY = NaN;
  private prevTime = NaN;

  private noise(): number {
    return this.rng() - 0.5;
  }

  /** Local metres (x east, y north) of the start of pass `p` of the current field. */
  private passStart(p: number): [number, number] {
    const x = this.fieldIndex * FIELD_SPACING + p * WIDTH;
    return [x, p % 2 === 0 ? 0 : PASS_LENGTH];
  }

  /** Fills record `i` of the batch and moves the machine on by one record. */
  write(batch: PointBatch, i: number, columns: Record<StandardProperty, Float64Array>, status: (string | null)[]): void {
    let x: number;
    let y: number;
    let speed: number;
    let heading: number;
    let working = false;
    let width = WIDTH;
    if (this.phase === 'pass') {
      if (this.progress === 0) this.baseSpeed = 1.8 + 0.6 * this.rng();
      if (this.slowLeft === 0 && this.rng() < 1 / 600) {
        this.slowLeft = 20;
        this.slowFactor = 0.35 + 0.45 * this.rng();
      }
      const factor = this.slowLeft > 0 ? this.slowFactor : 1;
      if (this.slowLeft > 0) this.slowLeft--;
      speed = this.baseSpeed * factor * (1 + 0.02 * this.noise());
      const [x0] = this.passStart(this.pass);
      const north = this.pass % 2 === 0;
      x = x0;
      y = north ? this.progress : PASS_LENGTH - this.progress;
      heading = north ? 0 : 180;
      working = true;
      if (this.pass % 17 === 16) width = WIDTH * 0.4;
      this.progress += speed;
      if (this.progress >= PASS_LENGTH) {
        this.progress = 0;
        this.phase = this.pass + 1 < PASSES_PER_FIELD ? 'turn' : 'road';
      }
    } else if (this.phase === 'turn') {
      // A half circle from the end of this pass to the start of the next, head up.
      const [x0] = this.passStart(this.pass);
      const north = this.pass % 2 === 0;
      const angle = (Math.PI * this.progress) / TURN_SECONDS;
      const r = WIDTH / 2;
      x = x0 + r - r * Math.cos(angle);
      y = north ? PASS_LENGTH + r * Math.sin(angle) : -r * Math.sin(angle);
      speed = (Math.PI * r) / TURN_SECONDS;
      heading = north ? 90 - (angle * 180) / Math.PI : 90 + (angle * 180) / Math.PI;
      this.progress++;
      if (this.progress >= TURN_SECONDS) {
        this.progress = 0;
        this.pass++;
        this.phase = 'pass';
      }
    } else {
      // Road transfer east to the next field, along its south edge.
      const [x0] = this.passStart(this.pass);
      x = x0 + ((FIELD_SPACING - (PASSES_PER_FIELD - 1) * WIDTH) * this.progress) / ROAD_SECONDS;
      y = PASSES_PER_FIELD % 2 === 0 ? PASS_LENGTH : 0;
      speed = ROAD_SPEED;
      heading = 90;
      this.progress++;
      if (this.progress >= ROAD_SECONDS) {
        this.progress = 0;
        this.pass = 0;
        this.fieldIndex++;
        this.phase = 'pass';
      }
    }
    if (this.rng() < 1e-4) this.time += 15_000;
    // One position in 10 is logged 0.6 s late (behind along the track); one in 5,000 is a GNSS jump.
    const lag = this.rng() < 0.1 ? 0.6 * speed : 0;
    const rad = (heading * Math.PI) / 180;
    let px = x - lag * Math.sin(rad);
    const py = y - lag * Math.cos(rad);
    if (this.rng() < 2e-4) px += 25;
    const [lon, lat] = field.toLonLat(px, py);
    batch.time[i] = this.time;
    batch.lon[i] = lon;
    batch.lat[i] = lat;

    const dt = Number.isNaN(this.prevTime) ? 1 : (this.time - this.prevTime) / 1000;
    const derived = dt > 0 ? Math.hypot(px - this.prevX, py - this.prevY) / dt : NaN;
    const loggedSpeed = speed * (1 + 0.01 * this.noise());
    const s = SPEED_LOGGED ? loggedSpeed : derived;
    const distance = Number.isFinite(s) ? s * Math.max(dt, 1) : 0;
    const area = distance * width;
    const zone = Math.sin(x / 300) * Math.cos(y / 250);
    let yieldTha = working ? 10 + 3 * zone + 0.8 * this.noise() : 0;
    if (working && this.rng() < 1e-3) yieldTha *= 3;
    if (working && this.rng() < 1e-3) yieldTha *= 0.3;
    if (working && this.rng() < 5e-4) yieldTha = 0;
    const moisture = 18 + 2 * Math.sin((this.time - START) / 3_600_000) + 0.3 * this.noise();
    const dry = (yieldTha * (100 - moisture)) / 85.5;
    const wetMass = (yieldTha * 1000 * area) / 10_000;

    columns.distance[i] = distance;
    columns.heading[i] = heading;
    columns.area[i] = area;
    columns.equipmentWidth[i] = width;
    columns.harvestMoisture[i] = moisture;
    columns.cropFlow[i] = wetMass / Math.max(dt, 1);
    columns.speed[i] = s;
    columns.wetMass[i] = wetMass;
    columns.wetMassPerArea[i] = yieldTha;
    columns.dryMass[i] = (dry * 1000 * area) / 10_000;
    columns.dryMassPerArea[i] = dry;
    status[i] = working ? 'On' : 'Off';

    this.prevX = px;
    this.prevY = py;
    this.prevTime = this.time;
    this.time += 1000;
  }
}

let generating = 0;
const memory = new PeakMemory();
const sample = () => memory.sample();

/** The operation's standardized batches, afresh on each call (a new machine from the same seed). */
async function* points(): AsyncGenerator<PointBatch> {
  const combine = new Combine();
  for (let start = 0; start < POINTS; start += BATCH_SIZE) {
    const t0 = performance.now();
    const n = Math.min(BATCH_SIZE, POINTS - start);
    const batch = emptyBatch(n, UNITS.keys(), STRINGS);
    const columns = Object.fromEntries([...UNITS.keys()].map((k) => [k, batch.numbers.get(k)!])) as Record<StandardProperty, Float64Array>;
    const status = batch.strings.get('recordingStatus')!;
    for (let i = 0; i < n; i++) combine.write(batch, i, columns, status);
    batch.length = n;
    generating += performance.now() - t0;
    sample();
    yield batch;
  }
}

const settings: FilterSettings = {};
if (args['flow-delay'] !== undefined) settings.flowDelay = { seconds: Number(args['flow-delay']) };
if (args['moisture-delay'] !== undefined) settings.moistureDelay = { seconds: Number(args['moisture-delay']) };

const out = args.out ?? join(process.env.FURROW_BENCH_DIR ?? '/tmp/furrow-bench', 'filters');
await mkdir(out, { recursive: true });
const cpu0 = process.cpuUsage();
const started = performance.now();
const result = await writeFilteredOutputs(points, 'harvested', UNITS, out, settings, {
  constants: CONSTANTS,
  strings: STRINGS,
  speedLogged: SPEED_LOGGED,
  // As the pipeline could say from its main pass: no read of the operation for the full width.
  widestWidth: args['widest-known'] ? WIDTH : undefined,
});
const wall = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
const peak = memory.stop();
await writeFile(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);

const filters = wall - generating;
console.log(`points             ${POINTS.toLocaleString('en')} (speed ${args.speed}${args['widest-known'] ? ', widest width known' : ''}${Object.keys(settings).length ? `, ${JSON.stringify(settings)}` : ''})`);
console.log(`wall               ${(wall / 1000).toFixed(2)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (generating the points for every read: ${(generating / 1000).toFixed(2)} s of it)`);
console.log(`filters + writing  ${(filters / 1000).toFixed(2)} s: ${((POINTS / filters) * 1000).toLocaleString('en', { maximumFractionDigits: 0 })} points/s`);
console.log(`kept               ${result.kept.toLocaleString('en')} of ${result.total.toLocaleString('en')}`);
console.log(`removed            ${Object.entries(result.removedBy).map(([name, count]) => `${name} ${count}`).join(', ')}`);
console.log(peak);
if (args.out === undefined) await rm(out, { recursive: true, force: true });
