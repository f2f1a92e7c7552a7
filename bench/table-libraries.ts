/**
 * Why the table's Parquet encoder is Furrow's own: the same operation written as a GeoParquet
 * table (WKB point geometry, a TIMESTAMP, every raw and standard column as DOUBLE, text and
 * verdict columns, row groups of 65,536) by each npm library measured, and by Furrow's writer.
 *
 *   npm install --no-save hyparquet-writer@0.17.0 parquet-wasm@0.8.0 apache-arrow@21.2.0
 *   node --import tsx bench/table-libraries.ts <TASKDATA folder or zip> <library> [variant]
 *
 * library: furrow | hyparquet-writer | parquet-wasm | duckdb (@duckdb/node-api, a devDependency);
 * variant: for hyparquet-writer `plain` (no dictionary attempt), `bss` (BYTE_STREAM_SPLIT doubles),
 * `nostats`, `gzip` (node:zlib as its GZIP compressor), comma-separated; for parquet-wasm and
 * duckdb `zstd`. One library per run (a process of its own, so that peak RSS is its own). The
 * operation is decoded and standardized first and held in memory as row groups; only the writing
 * is timed. Prints one JSON line: wall and CPU ms, rows/s, bytes, peak RSS above the RSS before
 * the writing. The libraries are imported by name at run time, so that this script typechecks
 * without them installed.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cleanupReasons } from '../src/convert/clean.ts';
import { Standardizer } from '../src/convert/standardize.ts';
import { TableWriter } from '../src/convert/table/writer.ts';
import { openArchive } from '../src/formats/archive.ts';
import { detectDatasets } from '../src/formats/detect.ts';
import { DRIVERS } from '../src/formats/registry.ts';

const [input, library, variant = ''] = process.argv.slice(2);
if (!input || !library) throw new Error('usage: bench/table-libraries.ts <input> <furrow|hyparquet-writer|parquet-wasm|duckdb> [variant]');
const work = join(process.env.FURROW_BENCH_DIR ?? '/tmp/furrow-bench', 'table-libraries');
await mkdir(work, { recursive: true });
const out = join(work, `${library}.parquet`);

const GROUP = 65_536;
interface Group {
  n: number;
  time: Float64Array;
  lon: Float64Array;
  lat: Float64Array;
  numbers: Map<string, Float64Array>;
  strings: Map<string, (string | null)[]>;
}

const archive = await openArchive(input);
const [dataset] = await detectDatasets(archive.entries, DRIVERS);
const [source] = await DRIVERS.find((d) => d.name === dataset!.driver)!.read(dataset!);
const meta = source!.meta;
const standardizer = new Standardizer(meta, 'metric');
const constants = standardizer.constants();
const schema = { raw: meta.columns, standard: [...standardizer.units], standardStrings: standardizer.stringProperties(), constants, operationType: meta.operationType, reader: meta.reader };
const batches: Parameters<TableWriter['add']>[0][] = [];
for await (const raw of source!.points()) {
  const std = standardizer.apply(raw);
  const cleanup = cleanupReasons(std, new Map(constants));
  batches.push({ raw, std, cleanup, removedBy: cleanup.map((r) => (r === null ? null : `cleanup: ${r}`)) });
}
await archive.close();

/** The same points as row groups of plain columns, the form the libraries take. */
function groups(): Group[] {
  const rawKeys = meta.columns.filter((c) => c.kind === 'number').map((c) => c.key);
  const stdKeys = [...standardizer.units.keys()];
  const textKeys = [...standardizer.stringProperties(), 'cleanup', 'removedBy'];
  const result: Group[] = [];
  let g: Group | undefined;
  for (const b of batches) {
    for (let i = 0; i < b.raw.length; ) {
      g ??= { n: 0, time: new Float64Array(GROUP), lon: new Float64Array(GROUP), lat: new Float64Array(GROUP), numbers: new Map([...rawKeys.map((k) => `raw.${k}`), ...stdKeys].map((k) => [k, new Float64Array(GROUP)])), strings: new Map(textKeys.map((k) => [k, new Array<string | null>(GROUP).fill(null)])) };
      const take = Math.min(b.raw.length - i, GROUP - g.n);
      const at = g.n;
      g.time.set(b.raw.time.subarray(i, i + take), at);
      g.lon.set(b.raw.lon.subarray(i, i + take), at);
      g.lat.set(b.raw.lat.subarray(i, i + take), at);
      for (const k of rawKeys) g.numbers.get(`raw.${k}`)!.set(b.raw.numbers.get(k)?.subarray(i, i + take) ?? new Float64Array(take).fill(NaN), at);
      for (const k of stdKeys) g.numbers.get(k)!.set(b.std!.numbers.get(k)!.subarray(i, i + take), at);
      for (const k of textKeys) {
        const values = k === 'cleanup' ? b.cleanup! : k === 'removedBy' ? b.removedBy! : b.std!.strings.get(k)!;
        const target = g.strings.get(k)!;
        for (let j = 0; j < take; j++) target[at + j] = values[i + j] ?? null;
      }
      g.n += take;
      i += take;
      if (g.n === GROUP) {
        result.push(g);
        g = undefined;
      }
    }
  }
  if (g) result.push({ ...g, time: g.time.subarray(0, g.n), lon: g.lon.subarray(0, g.n), lat: g.lat.subarray(0, g.n), numbers: new Map([...g.numbers].map(([k, v]) => [k, v.subarray(0, g!.n)])), strings: new Map([...g.strings].map(([k, v]) => [k, v.slice(0, g!.n)])) });
  return result;
}

function wkb(g: Group): Uint8Array[] {
  const buffer = new ArrayBuffer(21 * g.n);
  const view = new DataView(buffer);
  return Array.from({ length: g.n }, (_, i) => {
    view.setUint8(21 * i, 1);
    view.setUint32(21 * i + 1, 1, true);
    view.setFloat64(21 * i + 5, g.lon[i]!, true);
    view.setFloat64(21 * i + 13, g.lat[i]!, true);
    return new Uint8Array(buffer, 21 * i, 21);
  });
}

// The libraries' own types are not installed with Furrow: what this script uses of them, named.
interface HyparquetWriter {
  write(options: { columnData: { name: string; data: unknown; encoding?: string }[]; rowGroupSize: number }): void;
  finish(): void;
}
interface HyparquetModule {
  ByteWriter: new () => { index: number; offset: number; buffer: ArrayBuffer; view: DataView; ensure(size: number): void; finish(): void };
  ParquetWriter: new (options: Record<string, unknown>) => HyparquetWriter;
}
const load = async <T>(name: string): Promise<T> => (await import(name)) as T;

async function hyparquet(prepared: Group[]): Promise<void> {
  const { ByteWriter, ParquetWriter } = await load<HyparquetModule>('hyparquet-writer');
  const fd = openSync(out, 'w');
  const bytes = new ByteWriter();
  // A file writer that flushes every MiB, as the library's own fileWriter does.
  bytes.ensure = function (size: number) {
    if (this.index > 1 << 20) {
      writeSync(fd, new Uint8Array(this.buffer, 0, this.index));
      this.index = 0;
    }
    if (this.index + size > this.buffer.byteLength) {
      const next = new ArrayBuffer(Math.max(this.buffer.byteLength * 2, this.index + size));
      new Uint8Array(next).set(new Uint8Array(this.buffer));
      this.buffer = next;
      this.view = new DataView(next);
    }
  };
  bytes.finish = function () {
    writeSync(fd, new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  };
  let writer: HyparquetWriter | undefined;
  for (const g of prepared) {
    const columnData = [
      { name: 'geometry', data: wkb(g) },
      { name: 'timestamp', data: BigInt64Array.from(g.time, (t) => BigInt(Math.round(t))) },
      ...[...g.numbers].map(([name, data]) => ({ name, data: Array.from(data, (v) => (Number.isNaN(v) ? null : v)), encoding: variant.includes('bss') ? 'BYTE_STREAM_SPLIT' : variant.includes('plain') ? 'PLAIN' : undefined })),
      ...[...g.strings].map(([name, data]) => ({ name, data })),
    ];
    writer ??= new ParquetWriter({
      writer: bytes,
      schema: [
        { name: 'root', num_children: columnData.length },
        { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' },
        { name: 'timestamp', type: 'INT64', repetition_type: 'REQUIRED', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } },
        ...[...g.numbers.keys()].map((name) => ({ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' })),
        ...[...g.strings.keys()].map((name) => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' })),
      ],
      codec: variant.includes('gzip') ? 'GZIP' : 'SNAPPY',
      compressors: { GZIP: (b: Uint8Array) => gzipSync(b, { level: 1 }) },
      statistics: !variant.includes('nostats'),
    });
    writer.write({ columnData, rowGroupSize: g.n });
  }
  writer!.finish();
  closeSync(fd);
}

interface ArrowModule {
  makeBuilder(options: { type: unknown }): { append(value: unknown): void; finish(): { toVector(): unknown } };
  Binary: new () => unknown;
  Utf8: new () => unknown;
  makeVector(values: Float64Array): unknown;
  vectorFromArray(values: unknown[], type: unknown): unknown;
  Table: new (columns: Record<string, unknown>) => unknown;
  tableToIPC(table: unknown, format: 'stream'): Uint8Array;
}
interface ParquetWasmModule {
  WriterPropertiesBuilder: new () => { setCompression(c: number): { setMaxRowGroupSize(n: number): { build(): unknown } } };
  Compression: { SNAPPY: number; ZSTD: number };
  Table: { fromIPCStream(bytes: Uint8Array): { recordBatches(): unknown[] } };
  transformParquetStream(stream: ReadableStream, properties: unknown): Promise<ReadableStream<Uint8Array>>;
}

async function parquetWasm(prepared: Group[]): Promise<void> {
  const arrow = await load<ArrowModule>('apache-arrow');
  const pw = await load<ParquetWasmModule>('parquet-wasm');
  const { createWriteStream } = await import('node:fs');
  const { Writable } = await import('node:stream');
  const properties = new pw.WriterPropertiesBuilder().setCompression(variant.includes('zstd') ? pw.Compression.ZSTD : pw.Compression.SNAPPY).setMaxRowGroupSize(GROUP).build();
  let next = 0;
  const stream = new ReadableStream({
    pull(controller) {
      const g = prepared[next++];
      if (!g) return controller.close();
      const geometry = arrow.makeBuilder({ type: new arrow.Binary() });
      for (const w of wkb(g)) geometry.append(w);
      const columns: Record<string, unknown> = { geometry: geometry.finish().toVector(), timestamp: arrow.makeVector(g.time) };
      for (const [k, v] of g.numbers) columns[k] = arrow.makeVector(v);
      for (const [k, v] of g.strings) columns[k] = arrow.vectorFromArray(v, new arrow.Utf8());
      for (const batch of pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table(columns), 'stream')).recordBatches()) controller.enqueue(batch);
    },
  });
  await (await pw.transformParquetStream(stream, properties)).pipeTo(Writable.toWeb(createWriteStream(out)));
}

async function duckdb(prepared: Group[]): Promise<void> {
  const duck = await import('@duckdb/node-api');
  const instance = await duck.DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '512MB', temp_directory: join(work, 'duckdb.tmp') });
  const con = await instance.connect();
  const numberKeys = [...prepared[0]!.numbers.keys()];
  const textKeys = [...prepared[0]!.strings.keys()];
  await con.run(`CREATE TABLE t (geometry BLOB, timestamp TIMESTAMP_MS, ${numberKeys.map((k) => `"${k}" DOUBLE`).join(', ')}, ${textKeys.map((k) => `"${k}" VARCHAR`).join(', ')})`);
  const appender = await con.createAppender('t');
  const types = [duck.BLOB, duck.TIMESTAMP_MS, ...numberKeys.map(() => duck.DOUBLE), ...textKeys.map(() => duck.VARCHAR)];
  for (const g of prepared) {
    const points = wkb(g);
    // DuckDB's data chunks hold at most 2,048 rows.
    for (let s = 0; s < g.n; s += 2048) {
      const e = Math.min(g.n, s + 2048);
      const chunk = duck.DuckDBDataChunk.create(types, e - s);
      chunk.setColumnValues(0, points.slice(s, e).map((b) => new duck.DuckDBBlobValue(b)));
      chunk.setColumnValues(1, Array.from(g.time.subarray(s, e), (t) => new duck.DuckDBTimestampMillisecondsValue(BigInt(Math.round(t)))));
      numberKeys.forEach((k, i) => chunk.setColumnValues(2 + i, Array.from(g.numbers.get(k)!.subarray(s, e), (v) => (Number.isNaN(v) ? null : v))));
      textKeys.forEach((k, i) => chunk.setColumnValues(2 + numberKeys.length + i, g.strings.get(k)!.slice(s, e)));
      appender.appendDataChunk(chunk);
    }
  }
  appender.closeSync();
  await con.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION ${variant.includes('zstd') ? 'zstd' : 'snappy'}, ROW_GROUP_SIZE ${GROUP})`);
  con.closeSync();
}

async function furrow(): Promise<void> {
  const writer = await TableWriter.open(out, schema, { compression: variant.includes('none') ? 'none' : 'gzip' });
  for (const b of batches) await writer.add(b);
  await writer.close();
}

const prepared = library === 'furrow' ? [] : groups();
const rows = batches.reduce((n, b) => n + b.raw.length, 0);
const base = process.memoryUsage().rss;
let peak = base;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const cpu = process.cpuUsage();
const start = performance.now();
if (library === 'hyparquet-writer') await hyparquet(prepared);
else if (library === 'parquet-wasm') await parquetWasm(prepared);
else if (library === 'duckdb') await duckdb(prepared);
else if (library === 'furrow') await furrow();
else throw new Error(`unknown library ${library}`);
const ms = performance.now() - start;
const used = process.cpuUsage(cpu);
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ library, variant, rows, ms: Math.round(ms), cpuMs: Math.round((used.user + used.system) / 1000), rowsPerS: Math.round(rows / (ms / 1000)), bytes: statSync(out).size, peakRssAboveMiB: Math.round((peak - base) / 2 ** 20) }));
await rm(work, { recursive: true, force: true });
