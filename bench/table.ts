/**
 * The columnar table against the five GeoJSON files, on the same points: write time, bytes,
 * read-back of column subsets, and the GeoJSON views' streaming rate. Prints one table of
 * figures with ratios.
 *
 *   node --import tsx bench/table.ts <TASKDATA folder or zip> [--keep]
 *
 * The input's first operation is decoded and standardized once, and its batches held in memory,
 * so that every writer below is timed on the same batches and none pays for decoding. Verdicts:
 * `cleanup` from Leaf's rules (clean.ts); `removedBy` is the cleanup label (`cleanup: <rule>`) or
 * null, i.e. the filters are taken as removing nothing beyond cleanup: the filtered and annotated
 * layers then have the sizes they have with the default filters give or take a few percent, and
 * the filter passes' own cost (bench/filters.ts) stays out. Scratch files go to
 * $FURROW_BENCH_DIR/table (default /tmp/furrow-bench) and are deleted unless --keep.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanupReasons } from '../src/convert/clean.ts';
import { FeatureCollectionWriter } from '../src/convert/geojson-writer.ts';
import { PointFeatureSerializer } from '../src/convert/point-features.ts';
import { Standardizer } from '../src/convert/standardize.ts';
import { GEOJSON_LAYERS, openGeoJsonView, type GeoJsonLayer } from '../src/convert/table/geojson-view.ts';
import { writeGeoParquetView } from '../src/convert/table/geoparquet-view.ts';
import { TableReader, type TableSelection } from '../src/convert/table/reader.ts';
import type { TableSchema } from '../src/convert/table/schema.ts';
import { TableWriter } from '../src/convert/table/writer.ts';
import { openArchive } from '../src/formats/archive.ts';
import { detectDatasets } from '../src/formats/detect.ts';
import { DRIVERS } from '../src/formats/registry.ts';
import type { PointBatch } from '../src/model/batch.ts';
import { FURROW_VERSION } from '../src/version.ts';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { keep: { type: 'boolean', default: false } } });
const input = positionals[0];
if (!input) throw new Error('usage: bench/table.ts <TASKDATA folder or zip> [--keep]');
const work = join(process.env.FURROW_BENCH_DIR ?? '/tmp/furrow-bench', 'table');
await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const rows: [string, string][] = [];
rows.push(['machine load (1-minute average) at the start', (await import('node:os')).loadavg()[0]!.toFixed(1)]);
const row = (name: string, value: string) => {
  rows.push([name, value]);
  console.error(`${name}: ${value}`);
};

/** Wall and CPU time of `work`, and the peak RSS above the RSS when it started. */
async function measure<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number; rssMiB: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { value, ms, cpuMs: (used.user + used.system) / 1000, rssMiB: (peak - base) / 2 ** 20 };
}

// The operation, decoded and standardized once.
const archive = await openArchive(input);
const [dataset] = await detectDatasets(archive.entries, DRIVERS);
if (!dataset) throw new Error(`${input}: no dataset found`);
const [source] = await DRIVERS.find((d) => d.name === dataset.driver)!.read(dataset);
if (!source) throw new Error(`${input}: no operation found`);
const meta = source.meta;
const standardizer = new Standardizer(meta, 'metric');
const constants = standardizer.constants();
const batches: { raw: PointBatch; std: PointBatch; cleanup: (string | null)[]; removedBy: (string | null)[] }[] = [];
let points = 0;
for await (const raw of source.points()) {
  const std = standardizer.apply(raw);
  const cleanup = cleanupReasons(std, new Map(constants));
  batches.push({ raw, std, cleanup, removedBy: cleanup.map((rule) => (rule === null ? null : `cleanup: ${rule}`)) });
  points += raw.length;
}
await archive.close();
const schema: TableSchema = { raw: meta.columns, standard: [...standardizer.units], standardStrings: standardizer.stringProperties(), constants, operationType: meta.operationType, reader: meta.reader };
const columns = 2 + meta.columns.length + standardizer.units.size + standardizer.stringProperties().length + constants.length + 2;
row('points', `${points} (${columns} table columns: ${meta.columns.length} raw, ${standardizer.units.size} standard numbers)`);
const inputBytes = (await stat(input)).isFile() ? (await stat(input)).size : NaN;

// 1. The table.
const tablePath = join(work, 'table.parquet');
const table = await measure(async () => {
  const writer = await TableWriter.open(tablePath, schema);
  for (const b of batches) await writer.add(b);
  return writer.close();
});
row('table write', `${Math.round(table.ms)} ms wall, ${Math.round(table.cpuMs)} ms CPU (both cores), ${Math.round(points / (table.ms / 1000))} points/s, +${Math.round(table.rssMiB)} MiB RSS, ${mb(table.value.bytes)} MB`);

// 2. The five GeoJSON files as the pipeline writes them (one writer each, same serializer).
const geojson = await measure(async () => {
  const foreign = (layer: string) => ({ furrow: { version: FURROW_VERSION, reader: meta.reader, layer, operationType: meta.operationType } });
  const writers = Object.fromEntries(await Promise.all(GEOJSON_LAYERS.map(async (layer) => [layer, await FeatureCollectionWriter.open(join(work, `${layer}.geojson`), foreign(layer))] as const))) as Record<GeoJsonLayer, FeatureCollectionWriter>;
  const rawFeatures = new PointFeatureSerializer({ timeKey: 'time', numbers: meta.columns.filter((c) => c.kind === 'number').map((c) => c.key), strings: meta.columns.filter((c) => c.kind === 'string').map((c) => c.key) });
  const stdFeatures = new PointFeatureSerializer({ timeKey: 'timestamp', numbers: [...standardizer.units.keys()], strings: standardizer.stringProperties(), constants });
  const add = async (w: FeatureCollectionWriter, text: string) => {
    if (w.add(text)) await w.flush();
  };
  for (const b of batches) {
    const rawFeature = rawFeatures.bind(b.raw);
    const stdFeature = stdFeatures.bind(b.std);
    for (let i = 0; i < b.raw.length; i++) {
      await add(writers.raw, rawFeature(i));
      const text = stdFeature(i);
      await add(writers.normalized, text);
      if (b.cleanup[i] === null) await add(writers.standard, text);
      if (b.removedBy[i] === null) await add(writers.filtered, text);
      await add(writers.annotated, `${text.slice(0, -2)},"removedBy":${JSON.stringify(b.removedBy[i])}}}`);
    }
  }
  for (const w of Object.values(writers)) await w.close();
  let bytes = 0;
  for (const layer of GEOJSON_LAYERS) bytes += (await stat(join(work, `${layer}.geojson`))).size;
  return bytes;
});
row('5 GeoJSON layers write', `${Math.round(geojson.ms)} ms wall, ${Math.round(geojson.cpuMs)} ms CPU, +${Math.round(geojson.rssMiB)} MiB RSS, ${mb(geojson.value)} MB`);
row('write time GeoJSON / table', `${(geojson.ms / table.ms).toFixed(1)}× (CPU ${(geojson.cpuMs / table.cpuMs).toFixed(1)}×)`);
row('bytes GeoJSON / table', `${(geojson.value / table.value.bytes).toFixed(1)}×`);
if (Number.isFinite(inputBytes)) row('bytes table / upload', `${(table.value.bytes / inputBytes).toFixed(2)}× (upload ${mb(inputBytes)} MB; GeoJSON / upload ${(geojson.value / inputBytes).toFixed(1)}×)`);

// The operation's batches are no longer needed: let them go, so that the reads and views below run in a heap the size a server's is (a heap of ~1 GB of batches made every collection slower: views ran at ~2/3 of their rate).
batches.length = 0;

// 3. Reading column subsets back.
const reader = await TableReader.open(tablePath);
const reads: [string, TableSelection][] = [
  ['read 3 standard columns + verdicts', { standard: ['area', 'wetMass', 'equipmentWidth'].filter((n) => standardizer.units.has(n as never)), verdicts: true }],
  ['read every standard column', { standard: [...standardizer.units.keys(), ...standardizer.stringProperties()] }],
  ['read every column', { raw: meta.columns.map((c) => c.key), standard: [...standardizer.units.keys(), ...standardizer.stringProperties()], verdicts: true }],
];
for (const [name, selection] of reads) {
  const r = await measure(async () => {
    let n = 0;
    for await (const b of reader.batches(selection)) n += b.length;
    return n;
  });
  row(name, `${Math.round(r.ms)} ms, ${Math.round(r.value / (r.ms / 1000))} rows/s, +${Math.round(r.rssMiB)} MiB RSS`);
}
await reader.close();

// 4. The views: time to the first byte, rate, and the same bytes as the files.
for (const layer of GEOJSON_LAYERS) {
  let first = NaN;
  const start = performance.now();
  const v = await measure(async () => {
    let bytes = 0;
    for await (const chunk of await openGeoJsonView(tablePath, layer)) {
      if (bytes === 0) first = performance.now() - start;
      bytes += (chunk as Buffer).length;
    }
    return bytes;
  });
  const expected = (await stat(join(work, `${layer}.geojson`))).size;
  row(`view ${layer}`, `${mb(v.value)} MB in ${Math.round(v.ms)} ms: ${Math.round(v.value / 1e3 / v.ms)} MB/s (${Math.round(v.value / 1e3 / v.cpuMs)} MB per CPU second), first byte ${Math.round(first)} ms, +${Math.round(v.rssMiB)} MiB RSS${v.value === expected ? '' : `; SIZE DIFFERS from the file (${expected})`}`);
}
const gz = await measure(async () => {
  let bytes = 0;
  for await (const chunk of await openGeoJsonView(tablePath, 'standard', { gzip: true })) bytes += (chunk as Buffer).length;
  return bytes;
});
const standardBytes = (await stat(join(work, 'standard.geojson'))).size;
row('view standard, gzip level 1', `${mb(gz.value)} MB sent in ${Math.round(gz.ms)} ms: ${Math.round(standardBytes / 1e3 / gz.ms)} MB/s of GeoJSON (${Math.round(standardBytes / 1e3 / gz.cpuMs)} MB per CPU second)`);

// 5. The GeoParquet download made from the table.
const gp = await measure(() => writeGeoParquetView(tablePath, 'standard', join(work, 'standard.parquet')));
row('standardGeoparquet from the table', `${gp.value.rows} rows, ${mb(gp.value.bytes)} MB in ${Math.round(gp.ms)} ms`);
row('ogr2ogr Parquet → GeoJSON', 'n/a: this machine\'s GDAL (Debian 12, 3.6.2) has no Parquet driver');

console.log('\n| figure | value |\n| --- | --- |');
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
if (!args.keep) await rm(work, { recursive: true, force: true });
