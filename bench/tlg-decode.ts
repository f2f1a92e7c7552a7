/**
 * Binary timelog (TLG*.BIN) decoding speed: Furrow's ISOXML driver against a bare DataView loop
 * (the speed ceiling) and the npm `isoxml` package (the reference implementation).
 *
 *   node --import tsx bench/tlg-decode.ts <TASKDATA folder or zip> [--runs 3] [--methods furrow,bare,isoxml,furrow-zip]
 *
 * Every run of every method is a child process of its own, so that the peak RSS
 * (`process.resourceUsage().maxRSS`) belongs to that method alone; the table shows medians.
 * One run of one method, e.g. to profile it:
 *
 *   node --cpu-prof --cpu-prof-dir /tmp/furrow-bench/prof --import tsx bench/tlg-decode.ts --child furrow <folder>
 *
 * Methods (each prints one JSON line in child mode):
 * - furrow:     openArchive(folder) → isoxmlDriver.detect → read → every source's points(), counting
 *               points (only the Driver contract is used).
 * - bare:       every TLG*.BIN of the folder read whole into memory and walked with a DataView:
 *               time, position and every DLV value decoded and summed, no object per record.
 * - bare-columnar: the same walk, but producing what Furrow produces: 65,536-row Float64Array
 *               batches of time, lat, lon and every DLV value carried forward (the "DataView over
 *               whole file → columnar typed arrays" anchor of libraries.md §3a). Same output, no
 *               validation, no streaming: the ceiling for the same job.
 * - isoxml:     npm isoxml: ISOXMLManager.parseISOXMLFile(zip bytes, 'application/zip'), then
 *               parseBinaryFile() of every TimeLog of every Task (one object per record).
 * - furrow-zip: as furrow, but openArchive on the zip (adds yauzl and, for deflated entries, inflate).
 *
 * A folder input is also packed into a stored zip for isoxml/furrow-zip; a zip input is also
 * extracted into a folder for furrow/bare. Both go under $FURROW_BENCH_DIR (default
 * /tmp/furrow-bench) and are deleted at the end.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ExtendedTimeLog } from 'isoxml';
import yazl from 'yazl';
import type { OperationSource } from '../src/formats/types.ts';

const METHODS = ['furrow', 'bare', 'bare-columnar', 'isoxml', 'furrow-zip'] as const;
type Method = (typeof METHODS)[number];

/** What one child run reports. */
interface RunResult {
  method: Method;
  /** Records (bare, isoxml) or points (furrow) decoded. */
  records: number;
  /** Whole run: reading the input, XML, decoding. */
  totalMs: number;
  /** Decoding the timelog(s) alone (after XML, zip directory and headers). */
  decodeMs: number;
  peakRssMiB: number;
  /** Sum of all latitudes, to check that every method decoded the same records. */
  latSum: number;
  /** Operations (furrow) or timelogs (bare, isoxml) read. */
  units: number;
  notes: string[];
}

const EPOCH_1980 = Date.UTC(1980, 0, 1);
const DAY_MS = 86_400_000;
const USAGE = `usage: node --import tsx bench/tlg-decode.ts <TASKDATA folder or zip> [--runs N] [--methods ${METHODS.join(',')}]
       node --import tsx bench/tlg-decode.ts --child <method> <folder or zip>`;

function isMethod(s: string): s is Method {
  return (METHODS as readonly string[]).includes(s);
}

function mib(kib: number): number {
  return Math.round(kib / 1024);
}

// ---------------------------------------------------------------------------------------------
// Child mode: one method, one run.

// Each child loads only the code its method needs (isoxml, Furrow's driver), so that module
// loading does not count in another method's memory; loading happens before the clock starts.

async function runFurrow(input: string, method: Method): Promise<RunResult> {
  const { openArchive } = await import('../src/formats/archive.ts');
  const { isoxmlDriver } = await import('../src/formats/isoxml/driver.ts');
  const t0 = performance.now();
  const archive = await openArchive(input);
  const notes: string[] = [...archive.failures.map((f) => `archive failure ${f.path}: ${f.reason}`)];
  let records = 0;
  let latSum = 0;
  let sources: OperationSource[] = [];
  let t1 = t0;
  try {
    const datasets = await isoxmlDriver.detect(archive.entries);
    for (const dataset of datasets) sources = sources.concat(await isoxmlDriver.read(dataset));
    t1 = performance.now();
    for (const source of sources) {
      for await (const batch of source.points()) {
        const lat = batch.lat;
        for (let i = 0; i < batch.length; i++) latSum += lat[i];
        records += batch.length;
      }
      if (source.meta.warnings.length > 0) notes.push(`${source.meta.id}: ${source.meta.warnings.length} warning(s), first: ${source.meta.warnings[0]}`);
    }
  } finally {
    await archive.close();
  }
  const t2 = performance.now();
  if (sources.length !== 1) notes.push(`${sources.length} operations: a timelog shared by several operations is decoded once per operation`);
  return { method, records, totalMs: t2 - t0, decodeMs: t2 - t1, peakRssMiB: mib(process.resourceUsage().maxRSS), latSum, units: sources.length, notes };
}

/** Byte layout of a binary record as its TLG header declares it. */
interface RecordLayout {
  /** Bytes before the DLV pairs, including the count byte. */
  fixed: number;
  timeOffset: number;
  northOffset: number;
  eastOffset: number;
  dlvCount: number;
}

/** Sizes of the PTN attributes A..I when present in the binary (empty value in the header). */
const PTN_SIZES: Record<string, number> = { A: 4, B: 4, C: 4, D: 1, E: 2, F: 2, G: 1, H: 4, I: 2 };

function attributes(tag: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (tag === undefined) return map;
  for (const m of tag.matchAll(/\b([A-Z])="([^"]*)"/g)) map.set(m[1], m[2]);
  return map;
}

function recordLayout(headerXml: string): RecordLayout {
  const tim = attributes(/<TIM\b([^>]*)>/.exec(headerXml)?.[1]);
  const ptn = attributes(/<PTN\b([^>]*?)\/?>/.exec(headerXml)?.[1]);
  let p = 0;
  const timeOffset = tim.get('A') === '' ? 0 : -1;
  if (timeOffset === 0) p += 6;
  let northOffset = -1;
  let eastOffset = -1;
  for (const key of Object.keys(PTN_SIZES)) {
    if (ptn.get(key) !== '') continue;
    if (key === 'A') northOffset = p;
    if (key === 'B') eastOffset = p;
    p += PTN_SIZES[key];
  }
  const dlvCount = (headerXml.match(/<DLV\b/g) ?? []).length;
  return { fixed: p + 1, timeOffset, northOffset, eastOffset, dlvCount };
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function runBare(folder: string): Promise<RunResult> {
  const files = await listFiles(folder);
  const bins = files.filter((f) => /^TLG\d+\.BIN$/i.test(basename(f)));
  const t0 = performance.now();
  let records = 0;
  let latSum = 0;
  let lonSum = 0;
  let timeSum = 0;
  let valueSum = 0;
  let decodeMs = 0;
  const notes: string[] = [];
  for (const bin of bins) {
    const header = files.find((f) => f.toUpperCase() === bin.slice(0, -4).toUpperCase() + '.XML');
    if (header === undefined) {
      notes.push(`${basename(bin)}: no header, skipped`);
      continue;
    }
    const layout = recordLayout(await readFile(header, 'utf8'));
    const buf = await readFile(bin);
    const td = performance.now();
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const { fixed, timeOffset, northOffset, eastOffset } = layout;
    const n = buf.length;
    let p = 0;
    while (p + fixed <= n) {
      if (timeOffset >= 0) timeSum += EPOCH_1980 + view.getUint16(p + timeOffset + 4, true) * DAY_MS + view.getUint32(p + timeOffset, true);
      if (northOffset >= 0) latSum += view.getInt32(p + northOffset, true) / 10_000_000;
      if (eastOffset >= 0) lonSum += view.getInt32(p + eastOffset, true) / 10_000_000;
      const count = buf[p + fixed - 1];
      const end = p + fixed + count * 5;
      if (end > n) break;
      for (let q = p + fixed; q < end; q += 5) valueSum += buf[q] + view.getInt32(q + 1, true);
      p = end;
      records++;
    }
    decodeMs += performance.now() - td;
    if (p !== n) notes.push(`${basename(bin)}: ${n - p} trailing bytes`);
  }
  const t1 = performance.now();
  // Keep the sums alive so the loop cannot be optimised away.
  notes.push(`checksums lon=${lonSum.toFixed(3)} time=${timeSum} values=${valueSum}`);
  return { method: 'bare', records, totalMs: t1 - t0, decodeMs, peakRssMiB: mib(process.resourceUsage().maxRSS), latSum, units: bins.length, notes };
}

async function runBareColumnar(folder: string): Promise<RunResult> {
  const files = await listFiles(folder);
  const bins = files.filter((f) => /^TLG\d+\.BIN$/i.test(basename(f)));
  const t0 = performance.now();
  const BATCH = 65_536;
  let records = 0;
  let latSum = 0;
  let decodeMs = 0;
  let batches = 0;
  for (const bin of bins) {
    const header = files.find((f) => f.toUpperCase() === bin.slice(0, -4).toUpperCase() + '.XML');
    if (header === undefined) continue;
    const layout = recordLayout(await readFile(header, 'utf8'));
    const buf = await readFile(bin);
    const td = performance.now();
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const { fixed, timeOffset, northOffset, eastOffset, dlvCount } = layout;
    const current = new Float64Array(dlvCount).fill(NaN);
    const newColumns = () => Array.from({ length: dlvCount }, () => new Float64Array(BATCH));
    let time = new Float64Array(BATCH);
    let lat = new Float64Array(BATCH);
    let lon = new Float64Array(BATCH);
    let columns = newColumns();
    let row = 0;
    const n = buf.length;
    let p = 0;
    while (p + fixed <= n) {
      const count = buf[p + fixed - 1]!;
      const end = p + fixed + count * 5;
      if (end > n) break;
      for (let q = p + fixed; q < end; q += 5) current[buf[q]!] = view.getInt32(q + 1, true);
      time[row] = timeOffset >= 0 ? EPOCH_1980 + view.getUint16(p + timeOffset + 4, true) * DAY_MS + view.getUint32(p + timeOffset, true) : NaN;
      lat[row] = northOffset >= 0 ? view.getInt32(p + northOffset, true) / 10_000_000 : NaN;
      lon[row] = eastOffset >= 0 ? view.getInt32(p + eastOffset, true) / 10_000_000 : NaN;
      for (let k = 0; k < dlvCount; k++) columns[k]![row] = current[k]!;
      latSum += lat[row]!;
      row++;
      if (row === BATCH) {
        batches++;
        time = new Float64Array(BATCH);
        lat = new Float64Array(BATCH);
        lon = new Float64Array(BATCH);
        columns = newColumns();
        row = 0;
      }
      p = end;
      records++;
    }
    decodeMs += performance.now() - td;
  }
  const t1 = performance.now();
  return { method: 'bare-columnar', records, totalMs: t1 - t0, decodeMs, peakRssMiB: mib(process.resourceUsage().maxRSS), latSum, units: bins.length, notes: [`${batches} full batches`] };
}

async function runIsoxml(zip: string): Promise<RunResult> {
  const { ISOXMLManager } = await import('isoxml');
  const t0 = performance.now();
  const data = await readFile(zip);
  const manager = new ISOXMLManager();
  await manager.parseISOXMLFile(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 'application/zip');
  const t1 = performance.now();
  let records = 0;
  let latSum = 0;
  let units = 0;
  const notes: string[] = [];
  for (const task of manager.rootElement.attributes.Task ?? []) {
    for (const timeLog of (task.attributes.TimeLog ?? []) as ExtendedTimeLog[]) {
      const info = timeLog.parseBinaryFile();
      units++;
      records += info.timeLogs.length;
      for (const record of info.timeLogs) latSum += record.position.PositionNorth;
      if (timeLog.parsingErrors.length > 0) notes.push(`parsingErrors: ${timeLog.parsingErrors.slice(0, 3).join('; ')}`);
    }
  }
  const t2 = performance.now();
  const warnings = manager.getWarnings();
  if (warnings.length > 0) notes.push(`${warnings.length} warning(s), first: ${warnings[0]}`);
  return { method: 'isoxml', records, totalMs: t2 - t0, decodeMs: t2 - t1, peakRssMiB: mib(process.resourceUsage().maxRSS), latSum, units, notes };
}

async function child(method: Method, input: string): Promise<void> {
  let result: RunResult;
  switch (method) {
    case 'furrow':
    case 'furrow-zip':
      result = await runFurrow(input, method);
      break;
    case 'bare':
      result = await runBare(input);
      break;
    case 'bare-columnar':
      result = await runBareColumnar(input);
      break;
    case 'isoxml':
      result = await runIsoxml(input);
      break;
  }
  console.log(JSON.stringify(result));
}

// ---------------------------------------------------------------------------------------------
// Parent mode: prepare inputs, run every method N times in child processes, print medians.

const SCRATCH = process.env.FURROW_BENCH_DIR ?? '/tmp/furrow-bench';
const ZIP_MTIME = new Date(Date.UTC(2024, 0, 1));

/** Packs `folder` into a stored zip (entries under the folder's own name), streamed by yazl. */
async function zipFolder(folder: string, target: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const file of await listFiles(folder)) {
    const name = `${basename(folder)}/${relative(folder, file).split(sep).join('/')}`;
    zip.addFile(file, name, { compress: false, mtime: ZIP_MTIME, mode: 0o100644 });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(target));
}

/** Extracts every entry of a zip (through Furrow's own archive walker) into `target`. */
async function unzipTo(zip: string, target: string): Promise<void> {
  const { openArchive } = await import('../src/formats/archive.ts');
  const archive = await openArchive(zip);
  try {
    for (const entry of archive.entries) {
      const dest = join(target, ...entry.path.split('!/').join('/').split('/'));
      await mkdir(dirname(dest), { recursive: true });
      await pipeline(await entry.open(), createWriteStream(dest));
    }
  } finally {
    await archive.close();
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runChild(method: Method, input: string): RunResult {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, script, '--child', method, input], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${method} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as RunResult;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pad = (s: string, n: number): string => s.padStart(n);

async function parent(input: string, runs: number, methods: Method[]): Promise<void> {
  const info = await stat(input);
  await mkdir(SCRATCH, { recursive: true });
  const tmp = await mkdtemp(join(SCRATCH, 'tlg-decode-'));
  try {
    let folder: string;
    let zip: string;
    if (info.isDirectory()) {
      folder = input;
      zip = join(tmp, `${basename(input)}.zip`);
      if (methods.some((m) => m === 'isoxml' || m === 'furrow-zip')) await zipFolder(input, zip);
    } else {
      zip = input;
      folder = join(tmp, 'extracted');
      if (methods.some((m) => m === 'furrow' || m === 'bare' || m === 'bare-columnar')) await unzipTo(input, folder);
    }
    const bins = (await listFiles(folder).catch(() => [])).filter((f) => /\.BIN$/i.test(f));
    let binTotal = 0;
    for (const f of bins) binTotal += (await stat(f)).size;
    const zipSize = await stat(zip).then((s) => s.size, () => NaN);

    console.log(`input      ${input}`);
    console.log(`folder     ${folder}  (${bins.length} .BIN, ${(binTotal / 1e6).toFixed(1)} MB)`);
    console.log(`zip        ${Number.isNaN(zipSize) ? '(not needed by these methods)' : `${zip}  (${(zipSize / 1e6).toFixed(1)} MB)`}`);
    console.log(`machine    ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}; ${runs} run(s) per method, medians, each run a child process`);
    console.log('');

    const rows = new Map<Method, { records: number; totalMs: number; decodeMs: number; rss: number; latSum: number; units: number; notes: string[] }>();
    for (const method of methods) {
      const results: RunResult[] = [];
      for (let i = 0; i < runs; i++) {
        const r = runChild(method, method === 'isoxml' || method === 'furrow-zip' ? zip : folder);
        results.push(r);
        process.stderr.write(`  ${method} run ${i + 1}: ${fmt(r.totalMs)} ms, ${fmt(r.records)} records, ${r.peakRssMiB} MiB\n`);
      }
      rows.set(method, {
        records: results[0].records,
        totalMs: median(results.map((r) => r.totalMs)),
        decodeMs: median(results.map((r) => r.decodeMs)),
        rss: median(results.map((r) => r.peakRssMiB)),
        latSum: results[0].latSum,
        units: results[0].units,
        notes: results[0].notes,
      });
    }

    console.log(`${'method'.padEnd(14)}${pad('records', 12)}${pad('total ms', 10)}${pad('records/s', 13)}${pad('decode ms', 11)}${pad('decode rec/s', 14)}${pad('peak RSS MiB', 14)}`);
    for (const [method, r] of rows) {
      console.log(
        `${method.padEnd(14)}${pad(fmt(r.records), 12)}${pad(fmt(r.totalMs), 10)}${pad(fmt(r.records / (r.totalMs / 1000)), 13)}${pad(fmt(r.decodeMs), 11)}${pad(fmt(r.records / (r.decodeMs / 1000)), 14)}${pad(String(r.rss), 14)}`,
      );
    }
    console.log('');
    console.log('records/s = records / total time (whole run: reading the input, XML, decoding); decode = after XML, zip directory and headers.');

    const rate = (m: Method, key: 'totalMs' | 'decodeMs'): number | undefined => {
      const r = rows.get(m);
      return r ? r.records / r[key] : undefined;
    };
    const ratio = (a: Method, b: Method, key: 'totalMs' | 'decodeMs'): number | undefined => {
      const x = rate(a, key);
      const y = rate(b, key);
      return x !== undefined && y !== undefined ? x / y : undefined;
    };
    const furrowRecords = rows.get('furrow')?.records ?? 0;
    const bareVsTotal = ratio('furrow', 'bare', 'totalMs');
    const isoVsTotal = ratio('furrow', 'isoxml', 'totalMs');
    if (bareVsTotal !== undefined) {
      console.log(`Furrow / bare    ${(bareVsTotal * 100).toFixed(1)} % (records/s, whole run); decode only ${((ratio('furrow', 'bare', 'decodeMs') ?? NaN) * 100).toFixed(1)} %`);
    }
    const columnarVsTotal = ratio('furrow', 'bare-columnar', 'totalMs');
    if (columnarVsTotal !== undefined) {
      console.log(`Furrow / bare-columnar ${(columnarVsTotal * 100).toFixed(1)} % (records/s, whole run); decode only ${((ratio('furrow', 'bare-columnar', 'decodeMs') ?? NaN) * 100).toFixed(1)} %`);
    }
    if (isoVsTotal !== undefined) {
      console.log(`Furrow / isoxml  ${isoVsTotal.toFixed(1)}× (records/s, whole run); decode only ${(ratio('furrow', 'isoxml', 'decodeMs') ?? NaN).toFixed(1)}×`);
    }
    if (bareVsTotal !== undefined && isoVsTotal !== undefined) {
      // The goal's "bare loop" is read as the libraries.md §3a anchor, a loop producing columnar arrays;
      // the sum-only loop is printed too because it is the absolute ceiling of reading the bytes.
      const against = columnarVsTotal ?? bareVsTotal;
      const ok = against >= 0.5 && isoVsTotal >= 5 && furrowRecords >= 2_000_000;
      console.log(
        `goal (Furrow ≥ 50 % of the columnar bare loop and ≥ 5× isoxml on ≥ 2 M records): ${ok ? 'MET' : 'NOT MET'}` +
          (furrowRecords < 2_000_000 ? ` (only ${fmt(furrowRecords)} records)` : ''),
      );
    }

    // Every method must have decoded the same records.
    const counts = new Set([...rows.values()].map((r) => r.records));
    const sums = [...rows.values()].map((r) => r.latSum);
    const spread = Math.max(...sums) - Math.min(...sums);
    console.log(
      counts.size === 1 && spread <= 1e-6 * Math.max(1, Math.abs(sums[0]))
        ? `check: every method decoded ${fmt([...counts][0])} records with the same latitude sum`
        : `check: MISMATCH: records ${[...rows].map(([m, r]) => `${m}=${r.records}`).join(' ')}; latitude sums ${[...rows].map(([m, r]) => `${m}=${r.latSum}`).join(' ')}`,
    );
    for (const [method, r] of rows) for (const note of r.notes) console.log(`note ${method}: ${note}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { child: { type: 'string' }, runs: { type: 'string', default: '3' }, methods: { type: 'string', default: METHODS.join(',') } },
  });
  const input = positionals[0];
  if (input === undefined) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  if (values.child !== undefined) {
    if (!isMethod(values.child)) throw new Error(`unknown method ${values.child}`);
    await child(values.child, input);
    return;
  }
  const methods = values.methods.split(',').map((m) => m.trim());
  const runs = Number(values.runs);
  const bad = methods.filter((m) => !isMethod(m));
  if (bad.length > 0 || !Number.isInteger(runs) || runs < 1) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  await parent(input, runs, methods.filter(isMethod));
}

await main();
