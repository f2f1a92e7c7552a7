import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentJobError, RetryJobError, startWorker, type JobHandler, type WorkerLog } from '../../src/jobs/runner.ts';
import type { Job } from '../../src/store/types.ts';
import { jobRow } from '../store/helpers/jobs-table.ts';
import { waitFor } from './helpers/wait.ts';
import { withSqliteStore } from '../helpers/store.ts';

const quiet: WorkerLog = () => {};

const settled = (dbPath: string, id: string) => () => {
  const row = jobRow(dbPath, id);
  return row && (row.state === 'done' || row.state === 'failed') ? row : undefined;
};

test('runs each job with its handler and completes it', () =>
  withSqliteStore(async (store, dbPath) => {
    const seen: unknown[] = [];
    const worker = startWorker({ store, concurrency: 2, pollMs: 10, log: quiet, handlers: { merge: { run: async (job) => void seen.push(job.payload) } } });
    try {
      const a = await store.enqueue('merge', { fileId: 'a' });
      const b = await store.enqueue('merge', { fileId: 'b' });
      const other = await store.enqueue('convertBatch', { batchId: 'x' });
      await waitFor('both merges done', settled(dbPath, b.id));
      await waitFor('first merge done', settled(dbPath, a.id));
      assert.deepEqual(seen.map((p) => (p as { fileId: string }).fileId).sort(), ['a', 'b']);
      assert.equal(jobRow(dbPath, other.id)?.state, 'queued', 'kinds without a handler are left to other workers');
    } finally {
      await worker.stop();
    }
  }));

test('a failing job is retried after its delays, then given up with giveUp called once', () =>
  withSqliteStore(async (store, dbPath) => {
    let runs = 0;
    const gaveUp: Error[] = [];
    const flaky: JobHandler = {
      retryDelaysMs: [20, 40],
      async run() {
        runs++;
        throw new Error(`failure ${runs}`);
      },
      async giveUp(_job, error) {
        gaveUp.push(error);
      },
    };
    const worker = startWorker({ store, concurrency: 1, pollMs: 5, log: quiet, handlers: { convertBatch: flaky } });
    try {
      const job = await store.enqueue('convertBatch', { batchId: 'b' });
      const row = await waitFor('job failed', settled(dbPath, job.id));
      assert.equal(row.state, 'failed');
      assert.equal(row.attempts, 3);
      assert.equal(row.last_error, 'failure 3');
      assert.equal(runs, 3);
      assert.deepEqual(gaveUp.map((e) => e.message), ['failure 3']);
    } finally {
      await worker.stop();
    }
  }));

test('a job that succeeds on a retry is done; RetryJobError and PermanentJobError are obeyed', () =>
  withSqliteStore(async (store, dbPath) => {
    const runs = new Map<string, number>();
    const handler: JobHandler = {
      retryDelaysMs: [10, 10, 10],
      async run(job: Job) {
        const name = String(job.payload.name);
        const n = (runs.get(name) ?? 0) + 1;
        runs.set(name, n);
        if (name === 'second-time-lucky' && n === 1) throw new Error('transient');
        if (name === 'later' && n === 1) throw new RetryJobError('not yet', new Date(Date.now() + 150).toISOString());
        if (name === 'hopeless') throw new PermanentJobError('bad payload');
      },
    };
    const worker = startWorker({ store, concurrency: 3, pollMs: 5, log: quiet, handlers: { merge: handler } });
    try {
      const lucky = await store.enqueue('merge', { name: 'second-time-lucky' });
      const later = await store.enqueue('merge', { name: 'later' });
      const hopeless = await store.enqueue('merge', { name: 'hopeless' });
      const start = Date.now();
      assert.equal((await waitFor('lucky', settled(dbPath, lucky.id))).state, 'done');
      assert.equal((await waitFor('hopeless', settled(dbPath, hopeless.id))).state, 'failed');
      assert.equal(runs.get('hopeless'), 1, 'a permanent error is not retried');
      const laterRow = await waitFor('later', settled(dbPath, later.id));
      assert.equal(laterRow.state, 'done');
      assert.ok(Date.now() - start >= 140, 'a RetryJobError waits for its retryAt');
    } finally {
      await worker.stop();
    }
  }));

test('the heartbeat keeps a long job leased; stop() interrupts it and queues it again', () =>
  withSqliteStore(async (store, dbPath) => {
    let aborted = false;
    const slow: JobHandler = {
      run: (_job, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason as Error);
          });
        }),
    };
    const worker = startWorker({ store, concurrency: 1, leaseMs: 120, pollMs: 5, log: quiet, handlers: { convertBatch: slow } });
    const job = await store.enqueue('convertBatch', { batchId: 'b' });
    await waitFor('job running', () => (jobRow(dbPath, job.id)?.state === 'running' ? true : undefined));
    await sleep(400);
    assert.equal(await store.claimJob(['convertBatch'], 1000), undefined, 'three lease periods later the job is still held');
    await worker.stop();
    assert.equal(aborted, true);
    const row = jobRow(dbPath, job.id);
    assert.equal(row?.state, 'queued');
    assert.equal(row?.last_error, 'interrupted: the worker stopped');
    assert.equal((await store.claimJob(['convertBatch'], 1000))?.id, job.id, 'claimable again at once');
  }));

test('a job claimed more often than its attempts allow (workers dying on it) is given up without running', () =>
  withSqliteStore(async (store, dbPath) => {
    const job = await store.enqueue('merge', { fileId: 'f' });
    // Three claims whose workers "died": each lease expires.
    for (let i = 0; i < 3; i++) {
      assert.ok(await store.claimJob(['merge'], 1));
      await sleep(5);
    }
    let runs = 0;
    let gaveUp = 0;
    const worker = startWorker({
      store,
      concurrency: 1,
      pollMs: 5,
      log: quiet,
      retryDelaysMs: [1, 1],
      handlers: { merge: { run: async () => void runs++, giveUp: async () => void gaveUp++ } },
    });
    try {
      const row = await waitFor('job given up', settled(dbPath, job.id));
      assert.equal(row.state, 'failed');
      assert.match(row.last_error ?? '', /gave up after 3 attempts/);
      assert.equal(runs, 0);
      assert.equal(gaveUp, 1);
    } finally {
      await worker.stop();
    }
  }));

test('a worker process killed with SIGKILL mid-job: the job is claimed again after its lease and completed exactly once', { timeout: 30_000 }, () =>
  withSqliteStore(async (store, dbPath) => {
    const job = await store.enqueue('convertBatch', { batchId: 'crash' });
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'helpers/hanging-worker.ts'), dbPath, '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor('the child to claim the job', () => (output.includes(`claimed ${job.id}`) ? true : undefined));
      // Past two lease periods the child's heartbeat still holds it.
      await sleep(700);
      assert.equal(await store.claimJob(['convertBatch'], 1000), undefined);
      child.kill('SIGKILL');
      await once(child, 'exit');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }

    const runs: number[] = [];
    const worker = startWorker({ store, concurrency: 2, leaseMs: 300, pollMs: 20, log: quiet, handlers: { convertBatch: { run: async (j) => void runs.push(j.attempts) } } });
    try {
      const row = await waitFor('the job done after the crash', settled(dbPath, job.id));
      assert.equal(row.state, 'done');
      await sleep(400);
      assert.deepEqual(runs, [2], 'run once more, as the second attempt');
      assert.equal(jobRow(dbPath, job.id)?.state, 'done');
    } finally {
      await worker.stop();
    }
  }));
