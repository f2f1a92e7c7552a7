import { hostname } from 'node:os';
import { DelayedError, Queue, UnrecoverableError, Worker as BullWorker, type ConnectionOptions, type Job as BullJob } from 'bullmq';
import type { Job, JobKind, MetadataStore } from '../store/types.ts';
import { DEFAULT_LEASE_MS, DEFAULT_POLL_MS, DEFAULT_RETRY_DELAYS_MS, PermanentJobError, type JobHandler, type Worker, type WorkerLog } from './runner.ts';

/*
 * Jobs on BullMQ (Redis) for the scale-out mode. Records and their jobs are still written together
 * in the metadata database (the transactional outbox of the embedded mode); a relay in every worker
 * process hands due outbox rows to BullMQ under the row's id, so a crash between the database
 * commit and the hand-over loses nothing: the row is still queued and is handed over again, and
 * BullMQ ignores a job id it already holds. From then on BullMQ owns retries, backoff and the
 * visibility timeout (a lock renewed while the job runs; a dead worker's job is stalled and moved
 * back to the wait list by another worker's stalled-job check).
 *
 * Fairness stays with the database: BullMQ takes its wait list first in, first out, so for the
 * conversions the relay keeps that list short (`window` jobs) and refills it, whenever a worker
 * takes or finishes a job, from the head of the database's fair order (store/job-queue.ts). An
 * owner's 7,000 uploads then wait in the database, where a newcomer's upload is ordered before
 * most of them, not in Redis behind all of them.
 */

export interface BullRunnerOptions {
  store: MetadataStore;
  handlers: Partial<Record<JobKind, JobHandler>>;
  concurrency: number;
  redisUrl: string;
  /** Key prefix in Redis, so several Furrow installations can share one server. */
  prefix: string;
  /** One BullMQ queue per group of job kinds that share a concurrency (conversions, deliveries). */
  queueName: string;
  /** Visibility timeout: the lock BullMQ renews while a job runs; a dead worker's job returns after it. */
  lockMs?: number;
  /** Pause between two looks at the outbox. */
  relayMs?: number;
  /** At most this many jobs waiting in BullMQ (the rest wait in the database, in fair order); unbounded when undefined. */
  window?: number;
  retryDelaysMs?: readonly number[];
  log?: WorkerLog;
}

interface JobData {
  kind: JobKind;
  payload: Record<string, unknown>;
  runAfter: string;
  ownerId?: string | null;
}

/** A job that a dead worker left behind more often than this is failed for good (it probably kills its worker). */
const MAX_STALLED = 2;
const RELAY_BATCH = 100;
const DAY_S = 86_400;

/** ioredis options from a redis:// URL (BullMQ wants options or a client, not a URL). */
export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port === '' ? 6379 : Number(u.port),
    username: u.username === '' ? undefined : decodeURIComponent(u.username),
    password: u.password === '' ? undefined : decodeURIComponent(u.password),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ's blocking commands must wait as long as they need.
    maxRetriesPerRequest: null,
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

const stderrLog: WorkerLog = (level, message, details) => console.error(`furrow worker ${level}: ${message}`, details);

export function startBullWorker(options: BullRunnerOptions): Worker {
  const { store, handlers } = options;
  const log = options.log ?? stderrLog;
  const kinds = (Object.keys(handlers) as JobKind[]).filter((k) => handlers[k]);
  const connection = redisConnection(options.redisUrl);
  const lockMs = options.lockMs ?? DEFAULT_LEASE_MS;
  const delaysOf = (kind: JobKind) => handlers[kind]?.retryDelaysMs ?? options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const queue = new Queue<JobData>(options.queueName, { connection, prefix: options.prefix });

  async function giveUp(job: Job, error: Error): Promise<void> {
    try {
      await handlers[job.kind]?.giveUp?.(job, error);
    } catch (cleanup) {
      log('error', 'could not record the failure of a job', { jobId: job.id, kind: job.kind, error: asError(cleanup).message });
    }
    await store.finishDispatched(job.id, { state: 'failed', error: error.message }, job.attempts);
    log('error', 'job failed for good', { jobId: job.id, kind: job.kind, attempts: job.attempts, error: error.message });
  }

  function recordOf(bullJob: BullJob<JobData>, attempts: number): Job {
    return {
      id: bullJob.id!,
      kind: bullJob.data.kind,
      payload: bullJob.data.payload,
      state: 'running',
      attempts,
      runAfter: bullJob.data.runAfter,
      leaseUntil: null,
      lastError: bullJob.failedReason ?? null,
      ownerId: bullJob.data.ownerId ?? null,
    };
  }

  const worker = new BullWorker<JobData>(
    options.queueName,
    async (bullJob, token, signal) => {
      const handler = handlers[bullJob.data.kind];
      const attempts = bullJob.attemptsMade + 1;
      const job = recordOf(bullJob, attempts);
      if (!handler) throw new UnrecoverableError(`no handler for job kind ${bullJob.data.kind}`);
      const controller = new AbortController();
      signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
      try {
        await handler.run(job, controller.signal);
        await store.finishDispatched(job.id, { state: 'done' }, attempts);
      } catch (thrown) {
        const error = asError(thrown);
        if (controller.signal.aborted) {
          // The worker is stopping: back to the queue at once, without using up an attempt.
          await bullJob.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        if (error instanceof PermanentJobError || attempts >= delaysOf(job.kind).length + 1) {
          await giveUp(job, error);
          throw new UnrecoverableError(error.message);
        }
        log('warn', 'job failed; it will be retried', { jobId: job.id, kind: job.kind, attempts, error: error.message });
        throw error;
      }
    },
    {
      connection,
      prefix: options.prefix,
      // Recorded on each job it takes (processedBy): operators, and the distributed test, can tell which process runs what.
      name: `${hostname()}:${process.pid}`,
      concurrency: Math.max(1, options.concurrency),
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: MAX_STALLED,
      settings: { backoffStrategy: (attemptsMade, _type, _error, job) => delaysOf((job?.data as JobData | undefined)?.kind ?? 'convertBatch')[attemptsMade - 1] ?? 0 },
    },
  );
  worker.on('failed', (bullJob, error) => {
    // A job whose workers kept dying never reached the processor's own give-up: record it here.
    if (!bullJob || !/stalled/i.test(error.message)) return;
    void giveUp(recordOf(bullJob, bullJob.attemptsMade), error).catch((e: unknown) => log('error', 'could not record a stalled job', { error: asError(e).message }));
  });
  worker.on('error', (error) => log('error', 'BullMQ worker error', { error: error.message }));

  let stopping = false;
  let sleeping: (() => void) | undefined;
  let woken = false;
  const wake = () => {
    woken = true;
    sleeping?.();
  };
  // A job taken or finished makes room in the window: refill it at once rather than at the next look.
  if (options.window !== undefined) for (const event of ['active', 'completed', 'failed'] as const) worker.on(event, wake);
  async function relay(): Promise<void> {
    while (!stopping) {
      let moved = 0;
      let limit = RELAY_BATCH;
      try {
        if (options.window !== undefined) limit = Math.max(0, Math.min(RELAY_BATCH, options.window - (await queue.getWaitingCount())));
        const due = limit === 0 ? [] : await store.dueJobs(kinds, limit);
        if (due.length > 0) {
          await queue.addBulk(
            due.map((job) => ({
              name: job.kind,
              data: { kind: job.kind, payload: job.payload, runAfter: job.runAfter, ownerId: job.ownerId },
              opts: {
                jobId: job.id,
                attempts: delaysOf(job.kind).length + 1,
                backoff: { type: 'custom' },
                removeOnComplete: { age: DAY_S },
                removeOnFail: { age: 7 * DAY_S },
              },
            })),
          );
          moved = await store.markDispatched(due.map((j) => j.id));
        }
      } catch (error) {
        log('error', 'outbox relay error', { error: asError(error).message });
      }
      if ((moved === 0 || moved < limit) && !stopping && !woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.relayMs ?? DEFAULT_POLL_MS);
          sleeping = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        sleeping = undefined;
      }
      woken = false;
    }
  }
  const relaying = kinds.length > 0 ? relay() : Promise.resolve();

  return {
    async stop() {
      stopping = true;
      wake();
      await relaying;
      worker.cancelAllJobs('the worker is stopping');
      await worker.close();
      await queue.close();
    },
  };
}
