/**
 * The conversion's steps other than writing GeoJSON, each alone over the same standardized
 * batches: how many million points per second each one handles, and the memory it adds.
 *
 *   node --import tsx bench/steps.ts <zip or folder> [--steps decode,standardize,…] [--runs 1]
 *   node --import tsx bench/steps.ts --child <step> <zip or folder>      (one step, one JSON line)
 *
 * Every run of every step is a child process of its own. The child reads the input through the
 * drivers (as `furrow convert` does: archive, detection, the sensor survey) and, before its clock
 * starts, holds what the step takes in memory: the decoded batches for `standardize`, the
 * standardized batches and their cleanup reasons for the others. Then it runs the step alone over
 * every operation of the input and prints its wall and CPU time, points per second, and peak RSS
 * above the RSS the loaded batches already take (sampled every batch and every 20 ms).
 *
 * Steps:
 * - decode: the drivers' `points()` (inflate, decode), nothing held. The floor of any conversion.
 * - standardize: `Standardizer.apply` of every decoded batch (one pass; the pipeline runs three).
 * - cleanup: `cleanupReasons` (Leaf's default rules).
 * - summary, summary-no-outline: `SummaryBuilder.add` + `build`, with and without the points' outline.
 * - reconcile: `Reconciler.add` + `build`.
 * - coverage: `CoverageBuilder.add` + `finish` (swaths rasterized, polygons traced and written).
 * - rasters: `PropertyRasters.add` + `finish` (PNGs, sidecars, zip).
 * - filters: the yield filters without writing anything: the statistics pass and the judging pass
 *   (`FilterVerdicts`), every point's verdict.
 * - filters-geojson: `writeFilteredOutputs` as the pipeline calls it (filtered + annotated GeoJSON).
 * - pass: the whole non-GeoJSON conversion of one operation streamed from the input as a
 *   conversion runs it: decode → standardize → cleanup, summary, reconciliation, coverage, maps,
 *   filter statistics in one pass, then the judging pass over the input again; 2 reads, not 3.
 *
 * Scratch (coverage files, images, filtered GeoJSON) goes to $FURROW_BENCH_DIR/steps (default
 * /tmp/furrow-bench) and is deleted.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openArchive } from '../src/formats/archive.ts';
import { detectDatasets } from '../src/formats/detect.ts';
import { DRIVERS } from '../src/formats/registry.ts';
import type { OperationSource } from '../src/formats/types.ts';
import { cleanupReasons } from '../src/convert/clean.ts';
import { CoverageBuilder } from '../src/convert/coverage/builder.ts';
import { FilterVerdicts, writeFilteredOutputs } from '../src/convert/filters/index.ts';
import { Reconciler } from '../src/convert/reconcile.ts';
import { PropertyRasters } from '../src/convert/render/property-rasters.ts';
import { surveySensors, withoutProperties } from '../src/convert/sensors.ts';
import { Standardizer, type StandardBatch } from '../src/convert/standardize.ts';
import { SummaryBuilder } from '../src/convert/summary.ts';
import type { PointBatch } from '../src/model/batch.ts';
import type { UnitSystem } from '../src/model/properties.ts';

const STEPS = ['decode', 'standardize', 'cleanup', 'summary', 'summary-no-outline', 'reconcile', 'coverage', 'rasters', 'filters', 'filters-geojson', 'pass'] as const;
type Step = (typeof STEPS)[number];
const UNITS: UnitSystem = 'default';
const SCRATCH = join(process.env.FURROW_BENCH_DIR ?? '/tmp/furrow-bench', 'steps');

const { positionals, values: args } = parseArgs({
  allowPositionals: true,
  options: {
    child: { type: 'string' },
    steps: { type: 'string', default: STEPS.join(',') },
    runs: { type: 'string', default: '1' },
  },
});

interface Figures {
  step: Step;
  points: number;
  wallMs: number;
  cpuMs: number;
  /** RSS when the clock started (the held batches) and its peak while the step ran, MiB. */
  baseRssMiB: number;
  peakRssMiB: number;
}

/** Every operation of the input, read through the drivers as `convertInput` does. */
async function operations(input: string): Promise<{ sources: OperationSource[]; close: () => Promise<void> }> {
  const archive = await openArchive(input);
  const sources: OperationSource[] = [];
  for (const dataset of await detectDatasets(archive.entries, DRIVERS)) {
    const driver = DRIVERS.find((d) => d.name === dataset.driver)!;
    sources.push(...(await driver.read(dataset)));
  }
  return { sources, close: () => archive.close() };
}

/** An operation prepared as the pipeline prepares it: sensors surveyed, its standardizer's settings known. */
interface Operation {
  source: OperationSource;
  meta: OperationSource['meta'];
  standardizer: Standardizer;
  constants: Map<string, string>;
  raw: PointBatch[];
  std: StandardBatch[];
  reasons: (string | null)[][];
}

async function prepare(source: OperationSource, step: Step): Promise<Operation> {
  const survey = await surveySensors(source);
  const meta = withoutProperties(source.meta, survey.notFitted);
  const standardizer = new Standardizer(meta, UNITS);
  const op: Operation = { source, meta, standardizer, constants: new Map(standardizer.constants()), raw: [], std: [], reasons: [] };
  if (step === 'decode' || step === 'pass') return op;
  for await (const batch of source.points()) op.raw.push(batch);
  if (step === 'standardize') return op;
  for (const batch of op.raw) {
    const std = standardizer.apply(batch);
    op.std.push(std);
    op.reasons.push(cleanupReasons(std, op.constants));
  }
  if (step !== 'reconcile') op.raw = [];
  return op;
}

const mib = (bytes: number) => bytes / 2 ** 20;

/** Runs one step over every operation and measures it. */
async function child(step: Step, input: string): Promise<Figures> {
  const { sources, close } = await operations(input);
  const ops: Operation[] = [];
  for (const source of sources) ops.push(await prepare(source, step));
  await mkdir(SCRATCH, { recursive: true });
  globalThis.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sample = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peakRss) peakRss = rss;
  };
  const timer = setInterval(sample, 20);
  let points = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const op of ops) points += await run(step, op, sample);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  sample();
  await close();
  await rm(SCRATCH, { recursive: true, force: true });
  return { step, points, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, baseRssMiB: mib(baseRss), peakRssMiB: mib(peakRss) };
}

async function run(step: Step, op: Operation, sample: () => void): Promise<number> {
  const { std, reasons, meta, standardizer } = op;
  const units = standardizer.units;
  const count = () => std.reduce((n, b) => n + b.length, 0);
  const out = join(SCRATCH, 'out');
  switch (step) {
    case 'decode': {
      let n = 0;
      for await (const batch of op.source.points()) {
        n += batch.length;
        sample();
      }
      return n;
    }
    case 'standardize': {
      const again = new Standardizer(meta, UNITS);
      let n = 0;
      for (const batch of op.raw) {
        n += again.apply(batch).length;
        sample();
      }
      return n;
    }
    case 'cleanup':
      for (const batch of std) {
        cleanupReasons(batch, op.constants);
        sample();
      }
      return count();
    case 'summary':
    case 'summary-no-outline': {
      const summary = new SummaryBuilder(meta, units, UNITS, { outline: step === 'summary' });
      for (let b = 0; b < std.length; b++) {
        summary.add(std[b]!, reasons[b]!);
        sample();
      }
      summary.build();
      return count();
    }
    case 'reconcile': {
      const reconciler = new Reconciler(meta, units, UNITS);
      for (let b = 0; b < std.length; b++) reconciler.add(op.raw[b]!, std[b]!);
      reconciler.build();
      return count();
    }
    case 'coverage': {
      const coverage = new CoverageBuilder(units);
      for (const batch of std) {
        coverage.add(batch);
        sample();
      }
      await mkdir(out, { recursive: true });
      await coverage.finish(out);
      return count();
    }
    case 'rasters': {
      const rasters = new PropertyRasters(units, { projection: 'EPSG:4326' });
      for (let b = 0; b < std.length; b++) {
        rasters.add(std[b]!, reasons[b]!);
        sample();
      }
      await mkdir(out, { recursive: true });
      await rasters.finish(out);
      return count();
    }
    case 'filters': {
      const verdicts = new FilterVerdicts(meta.operationType, units, {}, filterLayout(op));
      for (const batch of std) {
        verdicts.collect(batch);
        sample();
      }
      verdicts.endCollecting();
      let judged = 0;
      for (const batch of std) {
        judged += verdicts.judge(batch).to;
        sample();
      }
      verdicts.endJudging();
      return count() + 0 * judged;
    }
    case 'filters-geojson': {
      async function* points(): AsyncGenerator<PointBatch> {
        for (const batch of std) {
          sample();
          yield batch;
        }
      }
      await writeFilteredOutputs(points, meta.operationType, units, out, {}, filterLayout(op));
      return count();
    }
    case 'pass':
      return wholePass(op, sample);
  }
}

function filterLayout(op: Operation) {
  let widest = -Infinity;
  for (const batch of op.std) {
    const widths = batch.numbers.get('equipmentWidth');
    if (widths) for (let i = 0; i < batch.length; i++) if (widths[i]! > widest) widest = widths[i]!;
  }
  return {
    constants: op.standardizer.constants(),
    strings: op.standardizer.stringProperties(),
    speedLogged: op.meta.columns.some((c) => c.standard === 'speed'),
    widestWidth: op.std.length > 0 ? widest : undefined,
  };
}

/** The conversion's non-GeoJSON work streamed from the input: one main pass and one judging pass. */
async function wholePass(op: Operation, sample: () => void): Promise<number> {
  const { meta, standardizer } = op;
  const units = standardizer.units;
  const summary = new SummaryBuilder(meta, units, UNITS, { outline: false });
  const reconciler = new Reconciler(meta, units, UNITS);
  const coverage = new CoverageBuilder(units);
  const rasters = new PropertyRasters(units, { projection: 'EPSG:4326' });
  const verdicts = new FilterVerdicts(meta.operationType, units, {}, {
    constants: standardizer.constants(),
    strings: standardizer.stringProperties(),
    speedLogged: meta.columns.some((c) => c.standard === 'speed'),
  });
  let n = 0;
  for await (const batch of op.source.points()) {
    n += batch.length;
    const std = standardizer.apply(batch);
    const reasons = cleanupReasons(std, op.constants);
    summary.add(std, reasons);
    reconciler.add(batch, std);
    coverage.add(std);
    rasters.add(std, reasons);
    verdicts.collect(std, reasons);
    sample();
  }
  verdicts.endCollecting();
  summary.build();
  reconciler.build();
  const out = join(SCRATCH, 'out');
  await mkdir(out, { recursive: true });
  await coverage.finish(out);
  await rasters.finish(out);
  const again = new Standardizer(meta, UNITS);
  for await (const batch of op.source.points()) {
    const std = again.apply(batch);
    verdicts.judge(std, cleanupReasons(std, op.constants));
    sample();
  }
  verdicts.endJudging();
  return n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function parent(input: string): Promise<void> {
  const steps = args.steps.split(',').map((s) => s.trim()) as Step[];
  for (const s of steps) if (!STEPS.includes(s)) throw new Error(`unknown step ${s}; steps: ${STEPS.join(', ')}`);
  const runs = Number(args.runs);
  console.log(`input ${input}, ${runs} run(s) per step, medians; node ${process.version}`);
  console.log('step                 points      wall s   cpu s   M points/s (wall)   base RSS MiB   peak +MiB');
  for (const step of steps) {
    const results: Figures[] = [];
    for (let r = 0; r < runs; r++) {
      const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--child', step, input], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`step ${step} failed (exit ${child.status})`);
      results.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as Figures);
    }
    const wall = median(results.map((r) => r.wallMs));
    const cpu = median(results.map((r) => r.cpuMs));
    const points = results[0]!.points;
    const base = median(results.map((r) => r.baseRssMiB));
    const peak = median(results.map((r) => r.peakRssMiB - r.baseRssMiB));
    console.log(
      `${step.padEnd(20)} ${String(points).padStart(9)}  ${(wall / 1000).toFixed(2).padStart(8)}  ${(cpu / 1000).toFixed(2).padStart(6)}   ${(points / wall / 1000).toFixed(2).padStart(17)}   ${base.toFixed(0).padStart(12)}   ${peak.toFixed(0).padStart(9)}`,
    );
  }
}

const [input] = positionals;
if (!input) throw new Error('usage: steps.ts <zip or folder> [--steps a,b] [--runs N]');
if (args.child) console.log(JSON.stringify(await child(args.child as Step, input)));
else await parent(input);
