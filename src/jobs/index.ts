import { deliverWebhookHandler } from '../alerts/deliver.ts';
import type { Config } from '../config.ts';
import type { BlobStore, MetadataStore } from '../store/types.ts';
import { convertBatchHandler } from './convert-batch.ts';
import { createConvertPool } from './convert-pool.ts';
import { mergeHandler } from './merge.ts';
import { startWorker as startRunner, type Worker, type WorkerLog } from './runner.ts';
import { DEFAULT_ZIP_LIMITS } from './zip-guard.ts';

export { RetryJobError, PermanentJobError, type JobHandler, type RunnerOptions, type Worker, type WorkerLog } from './runner.ts';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip-guard.ts';

export interface ServiceWorkerOptions {
  store: MetadataStore;
  blobs: BlobStore;
  config: Pick<Config, 'dataDir' | 'workers' | 'units' | 'webhookRetryMinutes' | 'zip'>;
  leaseMs?: number;
  pollMs?: number;
  log?: WorkerLog;
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
  const common = { store, leaseMs: options.leaseMs, pollMs: options.pollMs, log: options.log };
  const zipLimits = { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: config.zip.maxTotalBytes, maxRatio: config.zip.maxRatio };
  const conversions = startRunner({
    ...common,
    concurrency: config.workers,
    handlers: {
      convertBatch: convertBatchHandler({ store, blobs, dataDir: config.dataDir, pool, units: config.units, zipLimits }),
      merge: mergeHandler({ store, blobs, dataDir: config.dataDir, pool, units: config.units }),
    },
  });
  const deliveries = startRunner({ ...common, concurrency: DELIVERY_CONCURRENCY, handlers: { deliverWebhook: deliverWebhookHandler({ store, retryMinutes: config.webhookRetryMinutes }) } });
  return {
    async stop() {
      await Promise.all([conversions.stop(), deliveries.stop()]);
      await pool.close();
    },
  };
}
