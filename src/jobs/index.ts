import { deliverWebhookHandler } from '../alerts/deliver.ts';
import type { Config } from '../config.ts';
import type { BlobStore, MetadataStore } from '../store/types.ts';
import { convertBatchHandler } from './convert-batch.ts';
import { logConversions, type InfoLog } from './conversion-log.ts';
import { createConvertPool } from './convert-pool.ts';
import { mergeHandler } from './merge.ts';
import { purgeBlobsHandler } from './purge-blobs.ts';
import { startBullWorker } from './bullmq-runner.ts';
import { startWorker as startRunner, type JobHandler, type Worker, type WorkerLog } from './runner.ts';
import type { JobKind } from '../store/types.ts';
import { DEFAULT_ZIP_LIMITS } from './zip-guard.ts';
import type { SliceBudget } from './batch-conversion.ts';
import { sweepJobTempDirs } from './temp-dir.ts';

/** A partial blob untouched this long belongs to a process that died (an upload in progress writes all the time). */
const STALE_PARTIAL_MS = 60 * 60 * 1000;

export { RetryJobError, PermanentJobError, type JobHandler, type RunnerOptions, type Worker, type WorkerLog } from './runner.ts';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip-guard.ts';

export interface ServiceWorkerOptions {
  store: MetadataStore;
  blobs: BlobStore;
  config: Pick<Config, 'dataDir' | 'workers' | 'units' | 'webhookRetryMinutes' | 'zip' | 'queue'> & Partial<Pick<Config, 'jobLeaseMs' | 'uploads' | 'storeGeojson'>>;
  leaseMs?: number;
  pollMs?: number;
  /** How much of an upload one conversion job converts (tests make slices small). */
  sliceBudget?: SliceBudget;
  log?: WorkerLog;
  /** Where a line per conversion start, finish and failure goes (`furrow serve` passes its pino logger); none when absent. */
  conversionLog?: InfoLog;
}

/** Webhook deliveries wait on the network, not the CPU: a few at a time, apart from the conversion slots so a slow receiver never delays a conversion. */
const DELIVERY_CONCURRENCY = 4;

/**
 * The worker of `furrow serve` / `furrow worker`: conversions and merges in a thread pool of
 * `config.workers` threads (one job per thread), webhook deliveries beside them.
 */
export async function startWorker(options: ServiceWorkerOptions): Promise<Worker> {
  const { store, blobs, config } = options;
  const pool = createConvertPool(config.workers);
  const zipLimits = { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: config.zip.maxTotalBytes, maxRatio: config.zip.maxRatio };
  const queue = config.queue;
  const leaseMs = options.leaseMs ?? config.jobLeaseMs;
  const withLog = (handler: JobHandler): JobHandler => (options.conversionLog ? logConversions(handler, store, options.conversionLog) : handler);
  // The embedded mode claims from the database's jobs table; the scale-out mode runs the same handlers on BullMQ.
  const log = options.log ?? ((level, message, details) => console.error(`furrow worker ${level}: ${message}`, details));
  // What a killed process left behind: scratch folders of jobs no longer running, partial blobs.
  void sweepJobTempDirs(config.dataDir, store).catch((error: unknown) => log('warn', 'could not sweep job scratch folders', { error: (error as Error).message }));
  void blobs.sweepPartial?.(STALE_PARTIAL_MS).catch((error: unknown) => log('warn', 'could not sweep partial uploads', { error: (error as Error).message }));
  // `window`: conversions wait in the database, in fair order, until a worker is about to be free (bullmq-runner.ts).
  const run = (queueName: string, concurrency: number, handlers: Partial<Record<JobKind, JobHandler>>, window?: number): Worker =>
    queue.kind === 'bullmq'
      ? startBullWorker({ store, handlers, concurrency, redisUrl: queue.redisUrl, prefix: queue.prefix, queueName, lockMs: leaseMs, relayMs: options.pollMs, window, log })
      : startRunner({ store, handlers, concurrency, leaseMs, pollMs: options.pollMs, log });
  const conversions = run('conversions', config.workers, {
    convertBatch: withLog(convertBatchHandler({ store, blobs, dataDir: config.dataDir, pool, units: config.units, geojson: config.storeGeojson === true, zipLimits, maxOperations: config.uploads?.maxOperations, sliceBudget: options.sliceBudget })),
    merge: mergeHandler({ store, blobs, dataDir: config.dataDir, pool, units: config.units, geojson: config.storeGeojson === true }),
  }, config.workers);
  // Purges wait on the disk or the object store, like deliveries on the network: they share those slots.
  const deliveries = run('deliveries', DELIVERY_CONCURRENCY, {
    deliverWebhook: deliverWebhookHandler({ store, retryMinutes: config.webhookRetryMinutes }),
    purgeBlobs: purgeBlobsHandler(blobs),
  });
  return {
    async stop() {
      await Promise.all([conversions.stop(), deliveries.stop()]);
      await pool.close();
    },
  };
}
