/**
 * Scale-out figures on this machine (issue 6):
 *
 *   FURROW_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres \
 *   FURROW_BENCH_REDIS_URL=redis://127.0.0.1:PORT \
 *   node --import tsx bench/scale-out.ts workers [--counts 1,2,4] [--uploads 12]
 *   node --import tsx bench/scale-out.ts list [--files 100000] [--requests 400] [--concurrency 20] [--summary-vertices 0]
 *
 * `workers`: for each worker count N, a fresh PostgreSQL database, BullMQ prefix and S3 prefix
 * (s3rver in this process on 127.0.0.1), one `furrow serve --no-worker` and N `furrow worker`
 * processes (FURROW_WORKERS=1 each, one conversion thread per process); `--uploads` copies of the
 * CCI forage-harvester card (19 operations each) are uploaded at once and the clock runs until
 * every batch is finished. Prints operations converted per minute per N.
 *
 * `list`: a fresh database filled with `--files` file entries of one owner (in 1,000-row
 * transactions through the store), then `furrow serve --no-worker` answers `--requests`
 * GET /files pages (100 entries, default sort, filtered by status, sorted by size, deep pages)
 * at `--concurrency`; prints p50/p95/p99 latency, the API process's CPU time per request (what the
 * latencies come from when the 2 cores are shared) and the machine's load average.
 * `--summary-vertices N` gives each summary an outline of N vertices (the CCI card's is ~600).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import S3rver from 's3rver';
import yazl from 'yazl';
import { hashPassword } from '../src/api/passwords.ts';
import { createPostgresStore } from '../src/store/postgres.ts';
import type { FileEntry } from '../src/store/types.ts';

const BIN = resolve(import.meta.dirname, '../bin/furrow.mjs');
const CCI = '/work/shared/samples/isoxml/cci-forage-harvester/TASKDATA';
const OWNER = { username: 'bench@example.com', password: 'bench-password' };
const PG_URL = process.env.FURROW_BENCH_POSTGRES_URL;
const REDIS_URL = process.env.FURROW_BENCH_REDIS_URL;

if (!PG_URL || !REDIS_URL) {
  console.error('set FURROW_BENCH_POSTGRES_URL and FURROW_BENCH_REDIS_URL');
  process.exit(2);
}

async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `furrow_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function start(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolvePromise({ child, match });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

async function zipOf(folder: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const name of await readdir(folder)) zip.addBuffer(await readFile(join(folder, name)), `TASKDATA/${name}`);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function json<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}) } });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface Stack {
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

async function stack(): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-bench-s3-'));
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'furrow-bench', configs: [] }] });
  const { port } = (await s3.run()) as { port: number };
  const database = await createDatabase();
  return {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL,
      FURROW_QUEUE_PREFIX: `furrow-bench-${randomBytes(4).toString('hex')}`,
      BLOB_URL: 's3://furrow-bench/data',
      FURROW_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      FURROW_JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-keys',
      FURROW_OWNER_USERNAME: OWNER.username,
      FURROW_OWNER_PASSWORD: OWNER.password,
      FURROW_LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
    },
    async close() {
      await database.drop();
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function login(api: string): Promise<string> {
  return (await json<{ id_token: string }>(`${api}/api/authenticate`, { method: 'POST', body: JSON.stringify({ ...OWNER, rememberMe: false }) })).id_token;
}

async function benchWorkers(counts: number[], uploads: number): Promise<void> {
  const zip = await zipOf(CCI);
  const rows: string[] = [];
  for (const count of counts) {
    const s = await stack();
    const children: ChildProcess[] = [];
    try {
      const dir = await mkdtemp(join(tmpdir(), 'furrow-bench-'));
      const api = await start(['serve', '--no-worker'], { ...s.env, FURROW_DATA_DIR: join(dir, 'api') }, /listening on (http:\/\/\S+)/);
      children.push(api.child);
      const workers = await Promise.all(Array.from({ length: count }, (_, n) => start(['worker'], { ...s.env, FURROW_WORKERS: '1', FURROW_DATA_DIR: join(dir, `w${n}`) }, /worker running/)));
      children.push(...workers.map((w) => w.child));
      const url = api.match[1]!;
      const token = await login(url);
      const user = await json<{ id: string }>(`${url}/services/usermanagement/api/users`, { method: 'POST', token, body: JSON.stringify({ name: 'Bench', email: 'bench@example.com' }) });
      const started = Date.now();
      const ids = await Promise.all(
        Array.from({ length: uploads }, async () => {
          const form = new FormData();
          form.append('file', new Blob([zip], { type: 'application/zip' }), 'cci.zip');
          return (await json<{ id: string }>(`${url}/services/operations/api/batch?leafUserId=${user.id}&provider=Other`, { method: 'POST', token, body: form })).id;
        }),
      );
      for (;;) {
        const states = await Promise.all(ids.map((id) => json<{ status: string }>(`${url}/services/operations/api/batch/${id}`, { token })));
        if (states.every((st) => st.status === 'PROCESSED' || st.status === 'FAILED')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const seconds = (Date.now() - started) / 1000;
      const operations = uploads * 19;
      rows.push(`| ${count} | ${uploads} | ${operations} | ${seconds.toFixed(1)} s | ${((operations / seconds) * 60).toFixed(0)} |`);
      console.error(rows.at(-1));
      await rm(dir, { recursive: true, force: true });
    } finally {
      for (const c of children) c.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1500));
      await s.close();
    }
  }
  console.log('| worker processes | uploads | operations | wall time | operations / min |\n| --- | --- | --- | --- | --- |\n' + rows.join('\n'));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A summary outline as the conversion writes one: a ring of `vertices` points at 7 decimals (0 = no geometry). */
function summaryGeometry(vertices: number): object | null {
  if (vertices === 0) return null;
  const ring = Array.from({ length: vertices }, (_, i) => [Number((-93.5 + 0.004 * Math.cos((2 * Math.PI * i) / vertices)).toFixed(7)), Number((42.1 + 0.003 * Math.sin((2 * Math.PI * i) / vertices)).toFixed(7))]);
  return { type: 'MultiPolygon', coordinates: [[[...ring, ring[0]]]] };
}

/** User + system CPU time of a process so far (Linux /proc; clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function benchList(files: number, requests: number, concurrency: number, summaryVertices: number): Promise<void> {
  const s = await stack();
  const children: ChildProcess[] = [];
  try {
    const store = createPostgresStore(s.env.DATABASE_URL!);
    await store.migrate();
    const owner = await store.createOwner(OWNER.username, await hashPassword(OWNER.password));
    const user = await store.createUser({ ownerId: owner.id, name: 'Bench', email: null, phone: null, address: null, externalId: null, credentials: {} });
    const summary = { type: 'Feature', properties: { totalArea: { value: 12345.6, unit: 'm2' } }, geometry: summaryGeometry(summaryVertices) };
    const t0 = Date.now();
    const base = Date.UTC(2024, 0, 1);
    for (let done = 0; done < files; ) {
      const n = Math.min(1000, files - done);
      await Promise.all(
        Array.from({ length: n }, (_, i) => {
          const k = done + i;
          const time = new Date(base + k * 60_000).toISOString();
          const entry: FileEntry = {
            id: randomUUID(), ownerId: owner.id, leafUserId: user.id, batchId: null, origin: 'uploaded', provider: k % 3 === 0 ? 'JohnDeere' : 'Other', machineBrand: null, fileFormat: 'ISO11783',
            fileName: `f${k}.zip`, status: k % 10 === 0 ? 'failed' : 'processed', statusDetails: null, operationType: ['planted', 'applied', 'harvested', 'tillage'][k % 4]!,
            createdTime: time, updatedTime: time, startTime: time, endTime: time, sizeInBytes: 1000 + (k % 977), areaM2: k % 5000, sources: [], summary, units: { area: 'm2' }, steps: {}, warnings: [], sourceKey: `k${k}`, blobPrefix: `files/${k}`,
          };
          return store.upsertFile(entry);
        }),
      );
      done += n;
    }
    const loadSeconds = (Date.now() - t0) / 1000;
    await store.close();
    // What autovacuum does to a table that has settled: visibility map (index-only scans) and planner statistics.
    const maintenance = new pg.Client({ connectionString: s.env.DATABASE_URL });
    await maintenance.connect();
    await maintenance.query('VACUUM ANALYZE files');
    await maintenance.end();
    const dir = await mkdtemp(join(tmpdir(), 'furrow-bench-'));
    const api = await start(['serve', '--no-worker'], { ...s.env, FURROW_DATA_DIR: dir }, /listening on (http:\/\/\S+)/);
    children.push(api.child);
    const url = api.match[1]!;
    const token = await login(url);
    const queries = ['page=0&size=100', 'status=failed&page=3&size=100', 'sort=sizeInBytes,desc&page=0&size=100', `page=${Math.floor(files / 100) - 1}&size=100`, 'operationType=harvested&page=10&size=100', 'provider=JohnDeere&sort=createdTime,desc&page=0&size=100'];
    // JIT and connection warm-up, not measured.
    for (const q of queries) for (let i = 0; i < 10; i++) await (await fetch(`${url}/services/operations/api/files?${q}`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
    const latencies: number[] = [];
    let next = 0;
    const cpu0 = processCpuMs(api.child.pid!);
    const load0 = loadavg()[0]!;
    const t1 = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const q = queries[next++ % queries.length]!;
          const start = performance.now();
          const response = await fetch(`${url}/services/operations/api/files?${q}`, { headers: { authorization: `Bearer ${token}` } });
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`${q}: ${response.status}`);
          latencies.push(performance.now() - start);
        }
      }),
    );
    const seconds = (Date.now() - t1) / 1000;
    const cpuPerRequest = (processCpuMs(api.child.pid!) - cpu0) / requests;
    latencies.sort((a, b) => a - b);
    console.log(
      `${files} files (summaries of ${summaryVertices} vertices) loaded in ${loadSeconds.toFixed(0)} s; ${requests} GET /files (100 per page, ${queries.length} query shapes) at concurrency ${concurrency}: ` +
        `${(requests / seconds).toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms; ` +
        `API process CPU ${cpuPerRequest.toFixed(2)} ms per request; machine load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
    );
    await rm(dir, { recursive: true, force: true });
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await s.close();
  }
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { counts: { type: 'string', default: '1,2,4' }, uploads: { type: 'string', default: '12' }, files: { type: 'string', default: '100000' }, requests: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '20' }, 'summary-vertices': { type: 'string', default: '0' } } });
if (positionals[0] === 'workers') await benchWorkers(values.counts.split(',').map(Number), Number(values.uploads));
else if (positionals[0] === 'list') await benchList(Number(values.files), Number(values.requests), Number(values.concurrency), Number(values['summary-vertices']));
else {
  console.error('usage: bench/scale-out.ts workers|list [options]');
  process.exitCode = 2;
}
