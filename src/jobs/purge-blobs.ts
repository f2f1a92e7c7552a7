import type { BlobStore } from '../store/types.ts';
import { PermanentJobError, type JobHandler } from './runner.ts';

function prefixesOf(payload: Record<string, unknown>): string[] {
  const { prefixes } = payload;
  if (!Array.isArray(prefixes) || !prefixes.every((p): p is string => typeof p === 'string' && p.endsWith('/'))) {
    throw new PermanentJobError('malformed purgeBlobs payload: prefixes must be a list of blob prefixes ending in "/"');
  }
  return prefixes;
}

/**
 * Runs purgeBlobs jobs (payload `{prefixes}`, queued with the deletion of the records that owned
 * them): removes every blob under each prefix. Deleting what is already gone succeeds, so a job
 * run twice (a worker lost mid-job) does no harm.
 */
export function purgeBlobsHandler(blobs: BlobStore): JobHandler {
  return {
    async run(job, signal) {
      for (const prefix of prefixesOf(job.payload)) {
        signal.throwIfAborted();
        await blobs.delete(prefix);
      }
    },
  };
}
