import { emitEvent } from '../alerts/events.ts';
import type { UnitSystem } from '../model/properties.ts';
import { fileBlobPrefix } from '../store/blob-keys.ts';
import type { Batch, BlobStore, FileEntry, MetadataStore } from '../store/types.ts';
import type { ConvertedOperation } from './batch-conversion.ts';
import type { ConvertPool } from './convert-pool.ts';
import { storeOutputs, summaryFacts } from './file-outputs.ts';
import { entryProvider } from './file-provider.ts';
import { PermanentJobError, type JobHandler } from './runner.ts';
import { fileIdFor } from './source-key.ts';
import { removeJobTempDirs, withJobTempDir } from './temp-dir.ts';
import type { ZipLimits } from './zip-guard.ts';

/** Leaf's batch statusDetails (leaf-api.md §8). */
export const NO_VALID_FILES = 'No valid files found';
export const UNABLE_TO_READ = 'Files found but unable to read. Please check file format before re-trying or contact Support';
export const INTERNAL_ERROR = 'Leaf internal error. Please contact Support';

export interface ConvertBatchDeps {
  store: MetadataStore;
  blobs: BlobStore;
  dataDir: string;
  pool: ConvertPool;
  units: UnitSystem;
  zipLimits: ZipLimits;
}

function batchIdOf(payload: Record<string, unknown>): string {
  if (typeof payload.batchId !== 'string') throw new PermanentJobError('malformed convertBatch payload: batchId is required');
  return payload.batchId;
}

/**
 * Runs convertBatch jobs (payload `{batchId, retry?}`): converts the batch's upload and records
 * one file entry per operation. Operations whose entry is already processed are not converted
 * again, so a retry redoes only the failed ones and a run resumed after a crash only what was
 * left; entries are keyed by (batch, operation), so nothing is ever listed twice.
 */
export function convertBatchHandler(deps: ConvertBatchDeps): JobHandler {
  const { store, blobs } = deps;

  async function finish(batch: Batch, status: 'PROCESSED' | 'FAILED', statusDetails: string | null, failures: Batch['failures']): Promise<void> {
    await store.updateBatch(batch.id, { status, statusDetails, failures, updatedTime: new Date().toISOString() });
    await emitEvent(store, batch.ownerId, 'batchUploadProcessingFinished', { batchId: batch.id, leafUserId: batch.leafUserId });
  }

  /**
   * Records an entry, unless its batch was deleted (with its Leaf user) while the job ran: the
   * insert then fails on the missing batch, and the outputs just stored would be left behind
   * (the user's purge jobs listed only what existed then), so they are removed here.
   */
  async function upsertUnlessGone(batch: Batch, prefix: string, entry: FileEntry): Promise<FileEntry | undefined> {
    try {
      return await store.upsertFile(entry);
    } catch (error) {
      if (await store.findBatch(batch.id)) throw error;
      await blobs.delete(`${prefix}/`);
      return undefined;
    }
  }

  async function record(batch: Batch, operation: ConvertedOperation): Promise<FileEntry | undefined> {
    const id = fileIdFor(batch.id, operation.sourceKey);
    const prefix = fileBlobPrefix(id);
    // Outputs first: an entry that says processed always has its files.
    const outputs = await storeOutputs(blobs, prefix, operation.dir);
    const now = new Date().toISOString();
    const entry = await upsertUnlessGone(batch, prefix, {
      id,
      ownerId: batch.ownerId,
      leafUserId: batch.leafUserId,
      batchId: batch.id,
      origin: 'uploaded',
      ...entryProvider(batch.provider, operation.provider),
      fileFormat: operation.fileFormat,
      fileName: batch.fileName,
      status: operation.status,
      statusDetails: operation.status === 'processed' ? null : operation.statusDetails,
      operationType: operation.operationType,
      createdTime: now,
      updatedTime: now,
      ...summaryFacts(outputs.summary),
      // Leaf's sizeInBytes is the size of the original file, which for an upload is the zip.
      sizeInBytes: batch.size,
      sources: [],
      summary: outputs.summary,
      units: outputs.units,
      steps: outputs.steps,
      warnings: operation.warnings,
      sourceKey: operation.sourceKey,
      blobPrefix: prefix,
    });
    if (!entry) return undefined;
    const body = { fileId: entry.id, leafUserId: entry.leafUserId };
    if (entry.status === 'processed') await emitEvent(store, batch.ownerId, 'uploadedFileProcessingFinished', body);
    else await emitEvent(store, batch.ownerId, 'uploadedFileProcessingFailed', { ...body, message: entry.statusDetails ?? '' });
    return entry;
  }

  return {
    async run(job, signal) {
      const batch = await store.findBatch(batchIdOf(job.payload));
      if (!batch) return; // deleted with its Leaf user since it was queued
      await store.updateBatch(batch.id, { status: 'PROCESSING', updatedTime: new Date().toISOString() });
      const done = (await store.filesOfBatch(batch.id)).filter((f) => f.status === 'processed');
      await withJobTempDir(deps.dataDir, job, async (dir) => {
        let zip;
        try {
          zip = await blobs.locate(batch.blobKey);
        } catch (error) {
          if (!(await store.findBatch(batch.id))) return; // deleted, upload and all, since the job started
          throw error;
        }
        const result = await deps.pool.convertBatch({ zip, outDir: dir, units: deps.units, provider: batch.provider, skip: done.map((f) => f.sourceKey), limits: deps.zipLimits }, signal);
        if (result.rejected) return finish(batch, 'FAILED', result.rejected, result.failures);
        let processed = done.length;
        for (const operation of result.operations) {
          signal.throwIfAborted();
          const entry = await record(batch, operation);
          if (!entry) return; // the batch is gone: nothing left to finish
          if (entry.status === 'processed') processed++;
        }
        if (processed > 0) return finish(batch, 'PROCESSED', null, result.failures);
        return finish(batch, 'FAILED', result.datasets === 0 ? NO_VALID_FILES : UNABLE_TO_READ, result.failures);
      });
    },

    async giveUp(job, error) {
      await removeJobTempDirs(deps.dataDir, job.id);
      const batch = typeof job.payload.batchId === 'string' ? await store.findBatch(job.payload.batchId) : undefined;
      if (!batch) return;
      const processed = (await store.filesOfBatch(batch.id)).some((f) => f.status === 'processed');
      await finish(batch, processed ? 'PROCESSED' : 'FAILED', processed ? null : INTERNAL_ERROR, [...batch.failures, { path: '', reason: error.message }]);
    },
  };
}
