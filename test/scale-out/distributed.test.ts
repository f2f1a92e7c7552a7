import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { redisConnection } from '../../src/jobs/bullmq-runner.ts';
import { startReceiver } from '../alerts/helpers/receiver.ts';
import { ApiClient, waitFor } from '../api/helpers/http.ts';
import { createTestDatabase, NO_POSTGRES } from '../helpers/postgres.ts';
import { NO_REDIS, TEST_REDIS_URL, testQueuePrefix } from '../helpers/redis.ts';
import { startTestS3 } from '../helpers/s3.ts';
import { sample } from '../helpers/samples.ts';
import { zipBuffer } from '../helpers/zip.ts';

/*
 * The scale-out mode as deployed: 2 API processes (`serve --no-worker`) and 3 worker processes
 * (`furrow worker`) on one PostgreSQL database, one BullMQ queue on Redis and one S3 bucket.
 * 30 uploads are spread across the two APIs; one worker is killed with SIGKILL while it converts.
 * Every batch must end PROCESSED or FAILED exactly once (one batchUploadProcessingFinished
 * delivery each), with one file entry per operation (no duplicates) and no upload lost.
 */

const BIN = resolve(import.meta.dirname, '../../bin/furrow.mjs');
const OWNER = { FURROW_OWNER_USERNAME: 'ops@example.com', FURROW_OWNER_PASSWORD: 'distributed-password' };
const BASE = '/services/operations/api';
const UPLOADS = 30;

interface Process {
  child: ChildProcess;
  output: () => string;
}

function start(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Process & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolvePromise({ child, output: () => output, match });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`furrow ${args.join(' ')} exited with ${code} before it was ready:\n${output}`)));
  });
}

/** The CCI card (19 operations, seconds of work) zipped, and the small Kverneland upload (1 operation). */
async function uploads(): Promise<{ long: Buffer; short: Buffer; longOperations: number }> {
  const folder = sample('isoxml', 'cci-forage-harvester', 'TASKDATA');
  const files: Record<string, Buffer> = {};
  for (const name of await readdir(folder)) files[`TASKDATA/${name}`] = await readFile(join(folder, name));
  return { long: await zipBuffer(files), short: await readFile(sample('isoxml', 'kverneland-spreader', 'single-dpd.zip')), longOperations: 19 };
}

test('2 API and 3 worker processes: 30 uploads, a worker killed mid-conversion, every batch finished once, no duplicates', { skip: NO_POSTGRES || NO_REDIS, timeout: 400_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-distributed-'));
  const database = await createTestDatabase();
  const s3 = await startTestS3();
  const prefix = testQueuePrefix();
  const receiver = await startReceiver();
  const processes: Process[] = [];
  try {
    const common: NodeJS.ProcessEnv = {
      ...process.env,
      ...OWNER,
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      FURROW_QUEUE_PREFIX: prefix,
      BLOB_URL: `s3://${s3.location.bucket}/${s3.location.prefix}`,
      FURROW_S3_ENDPOINT: s3.location.endpoint,
      FURROW_JWT_SECRET: 'distributed-test-secret-long-enough-for-hs256!',
      FURROW_WORKERS: '1',
      FURROW_JOB_LEASE_SECONDS: '4',
      FURROW_LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
    };
    // The first API creates the owner before the second starts, so they do not race to create it.
    const apis: string[] = [];
    for (let n = 0; n < 2; n++) {
      const api = await start(['serve', '--no-worker'], { ...common, FURROW_DATA_DIR: join(dir, `api-${n}`) }, /listening on (http:\/\/\S+)/);
      processes.push(api);
      apis.push(api.match[1]!);
    }
    const workers = await Promise.all([0, 1, 2].map((n) => start(['worker'], { ...common, FURROW_DATA_DIR: join(dir, `worker-${n}`) }, /worker running/)));
    processes.push(...workers);

    const clients = apis.map((url) => new ApiClient(url));
    for (const client of clients) await client.login(OWNER.FURROW_OWNER_USERNAME, OWNER.FURROW_OWNER_PASSWORD);
    const { id: leafUserId } = await clients[0]!.createUser('Distributed');
    await clients[1]!.json('POST', '/services/alerts/api/alerts/webhooks', { events: ['batchUploadProcessingFinished'], name: 'finished', secret: 'k', url: receiver.url });

    const { long, short, longOperations } = await uploads();
    const isLong = (i: number) => i % 6 === 0;
    const batches = await Promise.all(
      Array.from({ length: UPLOADS }, async (_, i) => {
        const response = await clients[i % 2]!.upload(isLong(i) ? long : short, { query: { leafUserId, provider: 'Other' }, fileName: `upload-${i}.zip` });
        assert.equal(response.status, 201, await response.clone().text());
        return { id: ((await response.json()) as { id: string }).id, operations: isLong(i) ? longOperations : 1 };
      }),
    );

    // Kill the worker that BullMQ says is converting a job (its name is host:pid).
    const queue = new Queue('conversions', { connection: redisConnection(TEST_REDIS_URL!), prefix });
    let killed: number;
    try {
      killed = await waitFor(
        'a worker converting',
        async () => {
          const active = await queue.getActive();
          const pid = Number(active.find((job) => job.processedBy)?.processedBy?.split(':').pop());
          return workers.some((w) => w.child.pid === pid) ? pid : undefined;
        },
        60_000,
        50,
      );
    } finally {
      await queue.close();
    }
    const victim = workers.find((w) => w.child.pid === killed)!;
    victim.child.kill('SIGKILL');
    await once(victim.child, 'exit');

    // Every batch reaches a final state through the two surviving workers.
    const finals = await waitFor(
      'every batch finished',
      async () => {
        const states = await Promise.all(batches.map((b, i) => clients[i % 2]!.json<{ status: string; leafFiles?: string[] }>('GET', `${BASE}/batch/${b.id}`)));
        return states.every((s) => s.status === 'PROCESSED' || s.status === 'FAILED') ? states : undefined;
      },
      300_000,
      500,
    );
    assert.deepEqual(finals.map((s) => s.status), batches.map(() => 'PROCESSED'), 'each upload is a valid sample: all convert');

    // One file entry per operation of each upload, with distinct ids.
    for (const [i, batch] of batches.entries()) {
      const { operations: files } = await clients[(i + 1) % 2]!.json<{ operations: { id: string; batchId: string }[] }>('GET', `${BASE}/files?batchId=${batch.id}&size=100`);
      assert.equal(files.length, batch.operations, `batch ${i}: ${files.length} entries for ${batch.operations} operations`);
      assert.equal(new Set(files.map((f) => f.id)).size, files.length);
    }
    const { operations: all } = await clients[0]!.json<{ operations: unknown[] }>('GET', `${BASE}/files?size=100&page=0`);
    const total = batches.reduce((n, b) => n + b.operations, 0);
    assert.ok(all.length === Math.min(100, total));

    // Exactly one "finished" event per batch.
    await waitFor('one delivery per batch', async () => (receiver.received.length >= UPLOADS ? true : undefined), 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // a late duplicate would arrive now
    const finished = receiver.received.map((call) => (JSON.parse(call.body) as { batchId: string }).batchId).filter(Boolean);
    assert.deepEqual([...finished].sort(), batches.map((b) => b.id).sort());
  } finally {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => (p.child.exitCode === null && p.child.signalCode === null ? once(p.child, 'exit') : undefined)));
    await receiver.close();
    await s3.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
});
