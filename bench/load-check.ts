/**
 * A load check of `furrow serve` over real HTTP: concurrent uploads, then concurrent file listings
 * while those uploads convert, then the time until every batch has finished.
 *
 *   node --import tsx bench/load-check.ts [--uploads 20] [--lists 200] [--zip <path>] [--timeout 600]
 *
 * Starts `node bin/furrow.mjs serve` as a child process (fresh FURROW_DATA_DIR under
 * $FURROW_BENCH_DIR/load, PORT=0 on 127.0.0.1, an owner from FURROW_OWNER_USERNAME/PASSWORD,
 * every other FURROW_* setting at its default, so FURROW_WORKERS = cores − 1), logs in, creates
 * one Leaf user, then:
 *   1. `--uploads` POST /services/operations/api/batch at once, each streaming the zip from disk
 *      (FormData + fs.openAsBlob: undici reads the file as it sends it);
 *   2. as soon as they are all answered, `--lists` GET /services/operations/api/files?page=0&size=100
 *      at once, while the batches convert;
 *   3. polls GET /batch/{id} until every batch is PROCESSED or FAILED (at most `--timeout` seconds);
 *   4. `--lists` GET /files again, at once, now that the entries exist (pages of up to 100 entries:
 *      file entries are only written when a conversion ends, so the listings of step 2 may see none).
 * Prints a table (throughput, p50/p99 latencies, conversions per minute, file entries, the
 * server's peak RSS = VmHWM of its /proc status, read before it is stopped) and one JSON line.
 * Stops the server with SIGTERM and deletes its scratch folder. Exit code 1 when a request failed
 * or a batch did not finish in time.
 *
 * Without --zip it packs the real CCI forage-harvester TASKDATA of the shared samples (19 tasks,
 * 21 timelogs, 61 314 records, 6 MB) into a deflated zip with yazl, as a user zipping a
 * controller's export would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import yazl from 'yazl';

const DEFAULT_SAMPLE = '/work/shared/samples/isoxml/cci-forage-harvester/TASKDATA';
const POLL_MS = 250;
const START_TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 300_000;
const REQUEST_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
/** Beyond this the script kills the server and gives up, whatever it was doing. */
const WATCHDOG_EXTRA_MS = 300_000;

const { values: args } = parseArgs({
  options: {
    uploads: { type: 'string', default: '20' },
    lists: { type: 'string', default: '200' },
    zip: { type: 'string' },
    timeout: { type: 'string', default: '600' },
  },
});

function count(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`load-check: --${name} must be a whole number from 1 to ${max}, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const uploads = count('uploads', args.uploads, 500);
const lists = count('lists', args.lists, 5000);
const timeoutS = count('timeout', args.timeout, 3600);

const repoRoot = resolve(import.meta.dirname, '..');
const benchRoot = resolve(process.env.FURROW_BENCH_DIR ?? '/tmp/furrow-bench');
const loadRoot = join(benchRoot, 'load');

// ---------------------------------------------------------------------------------------------
// Small helpers

const now = () => performance.now();

/** Nearest-rank percentile of latencies in ms (p99 of 20 samples is the slowest one). */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function stats(latencies: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

const MIB = 1024 * 1024;
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads one field (in kB) of /proc/<pid>/status, e.g. VmHWM (peak RSS) or VmRSS. */
async function procStatusKb(pid: number, field: string): Promise<number | undefined> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = text?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : undefined;
}

/** Packs a folder (files only, one level, as a TASKDATA export is) into a deflated zip under TASKDATA/. */
async function packFolder(dir: string, zipPath: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  if (names.length === 0) throw new Error(`${dir} holds no files`);
  for (const name of names) zip.addFile(join(dir, name), `${basename(dir)}/${name}`, { compress: true, mtime: new Date('2024-01-01T00:00:00Z'), mode: 0o100644 });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

// ---------------------------------------------------------------------------------------------
// The server

interface Server {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Last lines the server wrote, for error messages. */
  tail: string[];
  exited: Promise<number | null>;
}

async function startServer(dataDir: string, username: string, password: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = {};
  // Default settings: nothing FURROW_* of the caller's shell leaks in (FURROW_WORKERS in particular).
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('FURROW_') && key !== 'PORT' && key !== 'HOST') env[key] = value;
  Object.assign(env, { FURROW_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', FURROW_OWNER_USERNAME: username, FURROW_OWNER_PASSWORD: password });
  const child = spawn(process.execPath, [join(repoRoot, 'bin/furrow.mjs'), 'serve'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  // Both pipes are read to the end: a full pipe would block the server's logger.
  createInterface({ input: child.stderr! }).on('line', keep);
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${START_TIMEOUT_MS} ms:\n${tail.join('\n')}`)), START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const match = line.match(/^furrow: listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code} before listening:\n${tail.join('\n')}`));
    });
  });
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`the server listens on ${url}, not on 127.0.0.1`);
  return { child, pid: child.pid!, url, tail, exited };
}

/** SIGTERM, then SIGKILL if the server has not stopped after STOP_TIMEOUT_MS. Returns the exit code and how long it took. */
async function stopServer(server: Server): Promise<{ code: number | null; ms: number }> {
  const t0 = now();
  if (server.child.exitCode !== null || server.child.signalCode !== null) return { code: server.child.exitCode, ms: 0 };
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const code = await server.exited;
  clearTimeout(timer);
  return { code, ms: now() - t0 };
}

// ---------------------------------------------------------------------------------------------
// HTTP

class Api {
  token = '';
  constructor(readonly base: string) {}

  async json<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const response = await fetch(this.base + path, {
      method,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
}

interface Timed {
  ok: boolean;
  ms: number;
  status: number;
  error?: string;
}

interface BatchAnswer {
  id: string;
  status: 'RECEIVED' | 'PROCESSING' | 'PROCESSED' | 'FAILED';
  statusDetails?: string;
  leafFiles?: string[];
}

async function upload(api: Api, zipPath: string, leafUserId: string): Promise<Timed & { batch?: BatchAnswer }> {
  const t0 = now();
  try {
    // A file-backed Blob: undici's FormData body reads it chunk by chunk while sending.
    const form = new FormData();
    form.append('file', await openAsBlob(zipPath, { type: 'application/zip' }), basename(zipPath));
    const query = new URLSearchParams({ leafUserId, provider: 'Other' });
    const response = await fetch(`${api.base}/services/operations/api/batch?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}` },
      body: form,
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
    const text = await response.text();
    const ms = now() - t0;
    if (response.status !== 201) return { ok: false, ms, status: response.status, error: text.slice(0, 300) };
    return { ok: true, ms, status: 201, batch: JSON.parse(text) as BatchAnswer };
  } catch (error) {
    return { ok: false, ms: now() - t0, status: 0, error: String(error) };
  }
}

async function listFiles(api: Api): Promise<Timed & { entries: number; bytes: number }> {
  const t0 = now();
  try {
    const response = await fetch(`${api.base}/services/operations/api/files?page=0&size=100`, {
      headers: { authorization: `Bearer ${api.token}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const ms = now() - t0;
    if (response.status !== 200) return { ok: false, ms, status: response.status, entries: 0, bytes: text.length, error: text.slice(0, 300) };
    return { ok: true, ms, status: 200, entries: (JSON.parse(text) as { operations: unknown[] }).operations.length, bytes: Buffer.byteLength(text) };
  } catch (error) {
    return { ok: false, ms: now() - t0, status: 0, entries: 0, bytes: 0, error: String(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// The run

async function main(): Promise<number> {
  await mkdir(loadRoot, { recursive: true });
  const scratch = await mkdtemp(join(loadRoot, 'run-'));
  let server: Server | undefined;
  const watchdog = setTimeout(
    () => {
      console.error('load-check: watchdog fired, killing the server');
      server?.child.kill('SIGKILL');
      void rm(scratch, { recursive: true, force: true }).finally(() => process.exit(1));
    },
    timeoutS * 1000 + WATCHDOG_EXTRA_MS,
  );
  watchdog.unref();
  const onSignal = () => {
    server?.child.kill('SIGKILL');
    void rm(scratch, { recursive: true, force: true }).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);

  try {
    // The upload.
    let zipPath: string;
    let zipLabel: string;
    if (args.zip) {
      zipPath = resolve(args.zip);
      zipLabel = zipPath;
    } else {
      zipPath = join(scratch, 'cci-forage-harvester.zip');
      await packFolder(DEFAULT_SAMPLE, zipPath);
      zipLabel = `${DEFAULT_SAMPLE} (deflated by yazl)`;
    }
    const zipBytes = (await stat(zipPath)).size;

    // The server.
    const username = 'load-check';
    const password = randomBytes(18).toString('base64url');
    const workers = Math.max(1, availableParallelism() - 1);
    server = await startServer(join(scratch, 'data'), username, password);
    const rssAtStartKb = await procStatusKb(server.pid, 'VmRSS');
    const api = new Api(server.url);
    api.token = (await api.json<{ id_token: string }>('POST', '/api/authenticate', { username, password, rememberMe: false })).id_token;
    const user = await api.json<{ id: string }>('POST', '/services/usermanagement/api/users', { name: 'Load Check', email: 'load-check@example.com' }, 201);

    console.error(`load-check: server pid ${server.pid} on ${server.url}, ${workers} conversion worker(s); ${uploads} uploads of ${zipLabel} (${zipBytes} bytes), then ${lists} listings`);

    // 1. Concurrent uploads.
    const runStart = now();
    const uploadResults = await Promise.all(Array.from({ length: uploads }, () => upload(api, zipPath, user.id)));
    const uploadWallMs = now() - runStart;
    const batches = uploadResults.flatMap((r) => (r.batch ? [r.batch.id] : []));

    // 2. Concurrent listings while the batches convert.
    const listStart = now();
    const listResults = await Promise.all(Array.from({ length: lists }, () => listFiles(api)));
    const listWallMs = now() - listStart;
    const statusesAfterLists = await Promise.all(batches.map((id) => api.json<BatchAnswer>('GET', `/services/operations/api/batch/${id}`)));
    const unfinishedAfterLists = statusesAfterLists.filter((b) => b.status === 'RECEIVED' || b.status === 'PROCESSING').length;

    // 3. Until every batch has finished.
    const finished = new Map<string, BatchAnswer>();
    const deadline = Date.now() + timeoutS * 1000;
    let allDoneMs = NaN;
    for (;;) {
      const pending = batches.filter((id) => !finished.has(id));
      const answers = await Promise.all(pending.map((id) => api.json<BatchAnswer>('GET', `/services/operations/api/batch/${id}`)));
      for (const b of answers) if (b.status === 'PROCESSED' || b.status === 'FAILED') finished.set(b.id, b);
      if (finished.size === batches.length) {
        allDoneMs = now() - runStart;
        break;
      }
      if (Date.now() > deadline) break;
      await sleep(POLL_MS);
    }
    const timedOut = finished.size < batches.length;

    // The same listings once the entries exist (during the conversions the list may still be empty): full pages.
    const alone = await listFiles(api);
    const fullStart = now();
    const fullResults = await Promise.all(Array.from({ length: lists }, () => listFiles(api)));
    const fullWallMs = now() - fullStart;

    const entriesResponse = await fetch(`${api.base}/services/operations/api/files?page=0&size=1`, { headers: { authorization: `Bearer ${api.token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await entriesResponse.arrayBuffer();
    const fileEntries = Number(entriesResponse.headers.get('x-total-count'));
    const processedResponse = await fetch(`${api.base}/services/operations/api/files?page=0&size=1&status=processed`, { headers: { authorization: `Bearer ${api.token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await processedResponse.arrayBuffer();
    const processedEntries = Number(processedResponse.headers.get('x-total-count'));

    // Peak RSS of the server (its worker threads included), before it is stopped.
    const peakRssKb = await procStatusKb(server.pid, 'VmHWM');
    const stopped = await stopServer(server);

    // Figures.
    const up = stats(uploadResults.map((r) => r.ms));
    const ls = stats(listResults.map((r) => r.ms));
    const fl = stats(fullResults.map((r) => r.ms));
    const okFull = fullResults.filter((r) => r.ok).length;
    const okUploads = uploadResults.filter((r) => r.ok).length;
    const okLists = listResults.filter((r) => r.ok).length;
    const processed = [...finished.values()].filter((b) => b.status === 'PROCESSED').length;
    const failed = [...finished.values()].filter((b) => b.status === 'FAILED').length;
    const entriesSeen = listResults.reduce((sum, r) => sum + r.entries, 0);
    const figures = {
      zip: zipLabel,
      zipBytes,
      uploads,
      lists,
      workers,
      uploadsOk: okUploads,
      uploadMBps: (okUploads * zipBytes) / MIB / (uploadWallMs / 1000),
      uploadsPerS: okUploads / (uploadWallMs / 1000),
      uploadP50Ms: up.p50,
      uploadP99Ms: up.p99,
      listsOk: okLists,
      listP50Ms: ls.p50,
      listP99Ms: ls.p99,
      listsPerS: okLists / (listWallMs / 1000),
      listMeanEntries: entriesSeen / Math.max(1, okLists),
      fullListsOk: okFull,
      fullListP50Ms: fl.p50,
      fullListP99Ms: fl.p99,
      fullListsPerS: okFull / (fullWallMs / 1000),
      fullListAloneMs: alone.ms,
      fullListMeanBytes: fullResults.reduce((sum, r) => sum + r.bytes, 0) / Math.max(1, okFull),
      fullListMeanEntries: fullResults.reduce((sum, r) => sum + r.entries, 0) / Math.max(1, okFull),
      batchesUnfinishedAfterLists: unfinishedAfterLists,
      batchesProcessed: processed,
      batchesFailed: failed,
      allFinishedS: allDoneMs / 1000,
      conversionsPerMin: batches.length / (allDoneMs / 60_000),
      fileEntries: fileEntries,
      fileEntriesProcessed: processedEntries,
      serverRssAtStartMiB: (rssAtStartKb ?? NaN) / 1024,
      serverPeakRssMiB: (peakRssKb ?? NaN) / 1024,
      serverExitCode: stopped.code,
      serverStopMs: stopped.ms,
    };

    const rows: [string, string][] = [
      ['upload', `${zipLabel}, ${zipBytes} bytes`],
      ['conversion workers (default)', String(workers)],
      [`uploads OK (${uploads} concurrent)`, `${okUploads}/${uploads}`],
      ['upload throughput', `${fmt(figures.uploadMBps, 2)} MiB/s, ${fmt(figures.uploadsPerS, 2)} uploads/s (${fmt(uploadWallMs, 0)} ms wall)`],
      ['upload latency p50 / p99', `${fmt(up.p50, 0)} ms / ${fmt(up.p99, 0)} ms`],
      [`GET /files OK (${lists} concurrent)`, `${okLists}/${lists}`],
      ['GET /files latency p50 / p99', `${fmt(ls.p50, 0)} ms / ${fmt(ls.p99, 0)} ms`],
      ['GET /files throughput', `${fmt(figures.listsPerS, 0)} requests/s (${fmt(listWallMs, 0)} ms wall), ${fmt(figures.listMeanEntries, 1)} entries per answer`],
      ['batches unfinished after the listings', `${unfinishedAfterLists}/${batches.length}`],
      ['batches PROCESSED / FAILED', `${processed} / ${failed}${timedOut ? ` (${batches.length - finished.size} unfinished after ${timeoutS} s)` : ''}`],
      ['all batches finished after', `${fmt(figures.allFinishedS, 1)} s from the first upload (${fmt(figures.conversionsPerMin, 1)} conversions/min)`],
      [`GET /files after the conversions (${lists} concurrent)`, `${okFull}/${lists} OK, p50 ${fmt(fl.p50, 0)} ms / p99 ${fmt(fl.p99, 0)} ms, ${fmt(figures.fullListsPerS, 0)} requests/s, ${fmt(figures.fullListMeanEntries, 1)} entries (${fmt(figures.fullListMeanBytes / 1024, 0)} KiB) per answer; one request alone before them: ${fmt(alone.ms, 0)} ms`],
      ['file entries created', `${fileEntries} (${processedEntries} processed)`],
      ['server RSS after start / peak (VmHWM)', `${fmt(figures.serverRssAtStartMiB, 0)} MiB / ${fmt(figures.serverPeakRssMiB, 0)} MiB`],
      ['server stop (SIGTERM)', `exit ${stopped.code} after ${fmt(stopped.ms, 0)} ms`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`| ${'figure'.padEnd(width)} | value |`);
    console.log(`| ${'-'.repeat(width)} | --- |`);
    for (const [key, value] of rows) console.log(`| ${key.padEnd(width)} | ${value} |`);
    console.log(JSON.stringify(figures));

    const errors = [...uploadResults, ...listResults, alone, ...fullResults].filter((r) => !r.ok);
    for (const e of errors.slice(0, 5)) console.error(`load-check: failed request (${e.status}): ${e.error}`);
    for (const b of [...finished.values()].filter((x) => x.status === 'FAILED').slice(0, 5)) console.error(`load-check: batch ${b.id} FAILED: ${b.statusDetails ?? ''}`);
    if (timedOut) console.error(`load-check: ${batches.length - finished.size} batch(es) did not finish within ${timeoutS} s`);
    return errors.length > 0 || timedOut || batches.length === 0 ? 1 : 0;
  } catch (error) {
    if (server) console.error(`load-check: server output (last lines):\n${server.tail.join('\n')}`);
    throw error;
  } finally {
    if (server) await stopServer(server);
    clearTimeout(watchdog);
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await rm(scratch, { recursive: true, force: true });
    // The shared folders only when nothing else is in them.
    await rmdir(loadRoot).catch(() => {});
    await rmdir(benchRoot).catch(() => {});
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`load-check: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
});
