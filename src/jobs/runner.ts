import type { Job, JobKind, MetadataStore } from '../store/types.ts';

/** What a job kind does. Handlers are idempotent: a job may run again after a crash or a lost lease. */
export interface JobHandler {
  /** `signal` aborts when the worker stops or the job's lease was lost; the job is then run again later. */
  run(job: Job, signal: AbortSignal): Promise<void>;
  /** Delay after each failed attempt before the next; one more attempt than delays. Defaults to the worker's. */
  retryDelaysMs?: readonly number[];
  /** Leaves the job's records in a final state once it failed for good (e.g. the batch FAILED). */
  giveUp?(job: Job, error: Error): Promise<void>;
}

/** Thrown by a handler to be run again at `retryAt`, outside the attempt count's backoff (webhook schedule). */
export class RetryJobError extends Error {
  constructor(
    message: string,
    readonly retryAt: string,
  ) {
    super(message);
    this.name = 'RetryJobError';
  }
}

/** Thrown by a handler when running again cannot help (a malformed payload, retries used up). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export type WorkerLog = (level: 'warn' | 'error', message: string, details: Record<string, unknown>) => void;

export interface RunnerOptions {
  store: MetadataStore;
  /** The kinds this worker claims and how it runs them. */
  handlers: Partial<Record<JobKind, JobHandler>>;
  /** Jobs run at the same time. */
  concurrency: number;
  /** A claim lasts this long unless renewed; a dead worker's job is claimed again once it expires. */
  leaseMs?: number;
  /** Pause between claims when nothing is due. */
  pollMs?: number;
  retryDelaysMs?: readonly number[];
  log?: WorkerLog;
}

export interface Worker {
  /** Stops claiming, interrupts running jobs (they are queued again at once) and resolves when every slot is idle. */
  stop(): Promise<void>;
}

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_POLL_MS = 500;
/** Conversion and merge failures that are not the input's fault (disk full, a crash) get two more tries: after 30 s, then 5 min. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [30_000, 300_000];

const stderrLog: WorkerLog = (level, message, details) => console.error(`furrow worker ${level}: ${message}`, details);

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The job loop: `concurrency` slots, each claiming a due job, running its handler under a renewed lease, then completing, retrying or failing it. */
export function startWorker(options: RunnerOptions): Worker {
  const { store, handlers } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const log = options.log ?? stderrLog;
  const kinds = (Object.keys(handlers) as JobKind[]).filter((k) => handlers[k]);
  const running = new Set<AbortController>();
  const sleepers = new Set<() => void>();
  let stopping = false;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });

  async function giveUp(job: Job, handler: JobHandler, error: Error): Promise<void> {
    try {
      await handler.giveUp?.(job, error);
    } catch (cleanup) {
      log('error', 'could not record the failure of a job', { jobId: job.id, kind: job.kind, error: asError(cleanup).message });
    }
    await store.failJob(job.id, error.message, undefined, job.attempts);
    log('error', 'job failed for good', { jobId: job.id, kind: job.kind, attempts: job.attempts, error: error.message });
  }

  async function execute(job: Job): Promise<void> {
    const handler = handlers[job.kind]!;
    const delays = handler.retryDelaysMs ?? options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    // Claimed more often than allowed: earlier workers died on it (a crash, out of memory); running it again would only repeat that.
    if (job.attempts > delays.length + 1) {
      await giveUp(job, handler, new Error(`gave up after ${delays.length + 1} attempts: ${job.lastError ?? 'the worker running it stopped'}`));
      return;
    }
    const controller = new AbortController();
    running.add(controller);
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      store.renewLease(job.id, leaseMs, job.attempts).then(
        (held) => {
          if (held) return;
          leaseLost = true;
          controller.abort(new Error('the job lease was lost to another worker'));
        },
        (error: unknown) => log('warn', 'could not renew a job lease', { jobId: job.id, error: asError(error).message }),
      );
    }, Math.max(10, Math.floor(leaseMs / 3)));
    try {
      await handler.run(job, controller.signal);
      await store.completeJob(job.id, job.attempts);
    } catch (thrown) {
      const error = asError(thrown);
      if (leaseLost) {
        log('warn', 'job lease lost while running; another worker runs it', { jobId: job.id, kind: job.kind });
      } else if (controller.signal.aborted) {
        await store.failJob(job.id, 'interrupted: the worker stopped', new Date().toISOString(), job.attempts);
      } else if (error instanceof RetryJobError) {
        await store.failJob(job.id, error.message, error.retryAt, job.attempts);
      } else if (!(error instanceof PermanentJobError) && job.attempts <= delays.length) {
        await store.failJob(job.id, error.message, new Date(Date.now() + delays[job.attempts - 1]!).toISOString(), job.attempts);
        log('warn', 'job failed; it will be retried', { jobId: job.id, kind: job.kind, attempts: job.attempts, error: error.message });
      } else {
        await giveUp(job, handler, error);
      }
    } finally {
      clearInterval(heartbeat);
      running.delete(controller);
    }
  }

  async function slot(): Promise<void> {
    while (!stopping) {
      let job: Job | undefined;
      try {
        job = await store.claimJob(kinds, leaseMs);
        if (job) await execute(job);
      } catch (error) {
        log('error', 'job loop error', { jobId: job?.id, error: asError(error).message });
        job = undefined;
      }
      if (!job && !stopping) await pause(pollMs);
    }
  }

  const slots = Array.from({ length: kinds.length === 0 ? 0 : Math.max(1, options.concurrency) }, () => slot());

  return {
    async stop() {
      stopping = true;
      for (const done of [...sleepers]) done();
      for (const controller of running) controller.abort(new Error('the worker is stopping'));
      await Promise.all(slots);
    },
  };
}
