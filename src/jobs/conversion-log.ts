import type { FileEntry, MetadataStore } from '../store/types.ts';
import type { JobHandler } from './runner.ts';

/** Where the conversion lines go: pino's `info(details, message)` (fastify's `app.log`, or a pino logger of its own). */
export interface InfoLog {
  info(details: Record<string, unknown>, message: string): void;
}

/** Points an operation was read with: kept by the filters plus those any rule or filter removed (the summary's `filters` figures). */
function pointsOf(file: FileEntry): number | undefined {
  const filters = (file.summary as { properties?: { filters?: { kept?: unknown; removedBy?: Record<string, unknown> } } } | null)?.properties?.filters;
  if (typeof filters?.kept !== 'number') return undefined;
  let removed = 0;
  for (const n of Object.values(filters.removedBy ?? {})) if (typeof n === 'number') removed += n;
  return filters.kept + removed;
}

/**
 * Wraps the convertBatch handler so that each conversion leaves one `info` line when it starts,
 * one when it finishes (operations converted and failed, points, seconds) and one when it fails
 * (the batch's reason, or the error that will be retried): what support needs to follow an upload
 * through the log without reading the database. The figures are read back from the store, so the
 * handler itself stays as it is.
 */
export function logConversions(handler: JobHandler, store: MetadataStore, log: InfoLog): JobHandler {
  return {
    ...handler,
    async run(job, signal) {
      const batchId = typeof job.payload.batchId === 'string' ? job.payload.batchId : undefined;
      const started = performance.now();
      const batch = batchId === undefined ? undefined : await store.findBatch(batchId);
      const context = { batchId, jobId: job.id, attempt: job.attempts, ...(batch ? { fileName: batch.fileName, provider: batch.provider, bytes: batch.size } : {}) };
      log.info(context, 'conversion started');
      const seconds = () => Math.round((performance.now() - started) / 10) / 100;
      try {
        await handler.run(job, signal);
      } catch (error) {
        log.info({ ...context, seconds: seconds(), reason: (error as Error).message, retried: !signal.aborted }, 'conversion failed');
        throw error;
      }
      const after = batchId === undefined ? undefined : await store.findBatch(batchId);
      if (!after) return; // deleted with its Leaf user meanwhile
      const files = await store.filesOfBatch(after.id);
      const processed = files.filter((f) => f.status === 'processed');
      let points = 0;
      for (const file of processed) points += pointsOf(file) ?? 0;
      const figures = { ...context, status: after.status, operations: processed.length, failedOperations: files.length - processed.length, points, seconds: seconds() };
      if (after.status === 'FAILED') {
        const reasons = [...after.failures.map((f) => (f.path ? `${f.path}: ${f.reason}` : f.reason)), ...files.filter((f) => f.status === 'failed').map((f) => f.statusDetails ?? 'failed')];
        log.info({ ...figures, reason: after.statusDetails, details: reasons.slice(0, 5) }, 'conversion failed');
      } else {
        log.info(figures, 'conversion finished');
      }
    },
  };
}
