/*
 * A login flood against `furrow serve` (a child process) while one client downloads a 40 KB output
 * and polls /health: their latencies before and during the flood, and what the flood got back.
 *
 *   node --import tsx bench/login-flood.ts [--seconds 10] [--clients 32]
 *
 * Scenarios: `unbounded` (hashing as before issue 13: every login's scrypt at once on libuv's
 * pool, no throttle), `bounded` (the defaults for hashing, throttle out of the way: each client on
 * its own loopback address and a huge free-attempt count), `defaults` (everything as shipped, all
 * clients on 127.0.0.1). Loopback only: clients bind 127.0.1.x source addresses.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { hashPassword } from '../src/api/passwords.ts';
import { createLocalBlobStore } from '../src/store/local-blobs.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, clients: { type: 'string', default: '32' } } });
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const BIN = resolve(import.meta.dirname, '../bin/furrow.mjs');
const OWNER = { username: 'bench@example.com', password: 'bench-password' };

interface Answer {
  status: number;
  ms: number;
  body: string;
}

function send(base: string, method: string, path: string, options: { body?: unknown; from?: string; token?: string } = {}): Promise<Answer> {
  const started = performance.now();
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolvePromise, reject) => {
    const req = request(`${base}${path}`, {
      method,
      localAddress: options.from ?? '127.0.0.1',
      agent: false,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString('latin1')));
      res.on('end', () => resolvePromise({ status: res.statusCode!, ms: performance.now() - started, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An owner, a user, a batch and a file whose standardGeojson is 40 KB, written before the server starts. */
async function seed(dataDir: string): Promise<string> {
  const store = createSqliteStore(join(dataDir, 'furrow.db'));
  await store.migrate();
  const owner = await store.createOwner(OWNER.username, await hashPassword(OWNER.password), { admin: true });
  const user = await store.createUser({ ownerId: owner.id, name: 'b', email: null, phone: null, address: null, externalId: null, credentials: {} });
  const now = new Date().toISOString();
  const batchId = randomUUID();
  await store.createBatch({ id: batchId, ownerId: owner.id, leafUserId: user.id, fileName: 'u.zip', size: 1, provider: 'Other', status: 'PROCESSED', statusDetails: null, uploadTimestamp: now, updatedTime: now, blobKey: `batches/${batchId}/upload.zip`, failures: [] });
  const fileId = randomUUID();
  await store.upsertFile({
    id: fileId, ownerId: owner.id, leafUserId: user.id, batchId, origin: 'uploaded', provider: 'Other', machineBrand: null, fileFormat: 'ISO11783', fileName: 'u.zip', status: 'processed', statusDetails: null,
    operationType: 'harvested', createdTime: now, updatedTime: now, startTime: null, endTime: null, sizeInBytes: 40960, areaM2: null, sources: [], summary: null, units: null, steps: {},
    warnings: [], sourceKey: 'k', blobPrefix: `files/${fileId}`,
  });
  await createLocalBlobStore(join(dataDir, 'blobs')).put(`files/${fileId}/standard.geojson`, Readable.from([Buffer.alloc(40 * 1024, 0x20)]));
  await store.close();
  return `/services/operations/api/files/${fileId}/download/standardGeojson`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const figures = (values: number[]) => `p50 ${percentile(values, 50).toFixed(0)} ms, p99 ${percentile(values, 99).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms (n=${values.length})`;

async function scenario(name: string, env: Record<string, string>, spread: boolean): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'furrow-bench-login-'));
  const download = await seed(dataDir);
  const child = spawn(process.execPath, [BIN, 'serve', '--no-worker'], { env: { ...process.env, FURROW_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', FURROW_LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolvePromise) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolvePromise(match[1]!);
    });
  });
  try {
    const token = (JSON.parse((await send(base, 'POST', '/api/authenticate', { body: OWNER })).body) as { id_token: string }).id_token;
    const measure = async (count: number, pauseMs: number) => {
      const downloads: number[] = [];
      const health: number[] = [];
      for (let i = 0; i < count; i++) {
        downloads.push((await send(base, 'GET', download, { token })).ms);
        health.push((await send(base, 'GET', '/health')).ms);
        await new Promise((r) => setTimeout(r, pauseMs));
      }
      return { downloads, health };
    };
    const quiet = await measure(20, 20);
    const statuses = new Map<number, number>();
    let flooding = true;
    const flood = Array.from({ length: CLIENTS }, async (_, i) => {
      for (let n = 0; flooding; n++) {
        const answer = await send(base, 'POST', '/api/authenticate', { body: { username: `guess-${i}-${n % 50}@example.com`, password: 'wrong' }, from: spread ? `127.0.1.${i + 1}` : '127.0.0.1' });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    });
    const started = Date.now();
    const loaded: { downloads: number[]; health: number[] } = { downloads: [], health: [] };
    await new Promise((r) => setTimeout(r, 200));
    while (Date.now() - started < SECONDS * 1000) {
      const round = await measure(1, 100);
      loaded.downloads.push(...round.downloads);
      loaded.health.push(...round.health);
    }
    flooding = false;
    await Promise.all(flood);
    const total = [...statuses.values()].reduce((s, n) => s + n, 0);
    console.log(`\n${name}: ${CLIENTS} login clients ${spread ? `on ${CLIENTS} addresses` : 'on one address'} for ${SECONDS} s`);
    console.log(`  quiet:   download ${figures(quiet.downloads)}; /health ${figures(quiet.health)}`);
    console.log(`  flooded: download ${figures(loaded.downloads)}; /health ${figures(loaded.health)}`);
    console.log(`  logins answered: ${total} (${(total / SECONDS).toFixed(1)}/s): ${[...statuses.entries()].sort().map(([s, n]) => `${s} × ${n}`).join(', ')}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const noThrottle = { FURROW_LOGIN_FREE_ATTEMPTS: '1000000' };
await scenario('unbounded (hashing as before: 64 at once, no throttle)', { ...noThrottle, FURROW_PASSWORD_HASH_CONCURRENCY: '64', FURROW_PASSWORD_HASH_QUEUE: '100000' }, true);
await scenario('bounded (default hashing: 1 at a time, 32 in line; throttle off)', noThrottle, true);
await scenario('defaults (hashing bound and throttle)', {}, false);
