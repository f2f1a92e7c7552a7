import { createHash } from 'node:crypto';
import { emitEvent } from '../alerts/events.ts';
import type { UnitSystem } from '../model/properties.ts';
import { fileBlobPrefix } from '../store/blob-keys.ts';
import type { Batch, BatchFailure, BatchProgress, BlobStore, FileEntry, Job, MetadataStore } from '../store/types.ts';
import { DEFAULT_SLICE_BUDGET, type ConvertedOperation, type SliceBudget } from './batch-conversion.ts';
import { batchProgress, ProgressWriter } from './batch-progress.ts';
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
  /** Also store the GeoJSON layers as files (FURROW_STORE_GEOJSON); by default they are views of the table. */
  geojson?: boolean;
  zipLimits: ZipLimits;
  /** Most operations one upload converts; the rest are reported as one failure (FURROW_MAX_UPLOAD_OPERATIONS). */
  maxOperations?: number;
  /** How much a slice converts before the thread goes to the next job in turn. */
  sliceBudget?: SliceBudget;
}

export const DEFAULT_MAX_UPLOAD_OPERATIONS = 2000;

/** Where a run of a batch stands: which slice this job is, from which dataset on, how many operations earlier slices converted. */
interface Slice {
  /** The id of the run's first job: names the run's later slices (so a slice queued twice is one job). */
  run: string;
  index: number;
  from: number;
  operations: number;
}

function batchIdOf(payload: Record<string, unknown>): string {
  if (typeof payload.batchId !== 'string') throw new PermanentJobError('malformed convertBatch payload: batchId is required');
  return payload.batchId;
}

function sliceOf(job: Job): Slice {
  const slice = job.payload.slice as Partial<Slice> | undefined;
  if (slice === undefined) return { run: job.id, index: 0, from: 0, operations: 0 };
  const { run, index, from, operations } = slice;
  if (typeof run !== 'string' || !Number.isSafeInteger(index) || !Number.isSafeInteger(from) || !Number.isSafeInteger(operations)) {
    throw new PermanentJobError('malformed convertBatch payload: slice needs run, index, from and operations');
  }
  return { run, index: index!, from: from!, operations: operations! };
}

/** The id of a run's n-th slice: a UUID (job ids are) named by the run and the index. */
function sliceJobId(run: string, index: number): string {
  const hex = createHash('sha1').update(`${run}\nslice ${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Runs convertBatch jobs (payload `{batchId, retry?, slice?}`): converts the batch's upload and
 * records one file entry per operation. An upload is converted in slices (batch-conversion.ts):
 * each job converts a slice, records it and queues the next slice as a job of its own, which
 * waits its turn behind other owners' and uploads' jobs (store/job-queue.ts): a zip of 30,000
 * folders cannot hold a conversion thread for minutes while a small upload waits. The last slice
 * gives the batch its status. Operations whose entry is already processed are not converted
 * again, so a retry redoes only the failed ones and a run resumed after a crash only what was
 * left; entries are keyed by (batch, operation), so nothing is ever listed twice.
 */
export function convertBatchHandler(deps: ConvertBatchDeps): JobHandler {
  const { store, blobs } = deps;
  const maxOperations = deps.maxOperations ?? DEFAULT_MAX_UPLOAD_OPERATIONS;
  const sliceBudget = deps.sliceBudget ?? DEFAULT_SLICE_BUDGET;

  async function finish(batch: Batch, status: 'PROCESSED' | 'FAILED', statusDetails: string | null, failures: BatchFailure[] = [], progress?: BatchProgress): Promise<void> {
    await store.addBatchFailures(batch.id, failures);
    await store.updateBatch(batch.id, { status, statusDetails, updatedTime: new Date().toISOString(), ...(progress ? { progress } : {}) });
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
      const slice = sliceOf(job);
      // A run starts its list of failures afresh (a retry's first slice); later slices add to it.
      if (slice.index === 0) await store.updateBatch(batch.id, { status: 'PROCESSING', failures: [], progress: null, updatedTime: new Date().toISOString() });
      const done = (await store.fileStatesOfBatch(batch.id)).filter((f) => f.status === 'processed');
      await withJobTempDir(deps.dataDir, job, async (dir) => {
        let zip;
        try {
          zip = await blobs.locate(batch.blobKey);
        } catch (error) {
          if (!(await store.findBatch(batch.id))) return; // deleted, upload and all, since the job started
          throw error;
        }
        // The thread's reports, at most one a second, into the batch row (GET /batch/{id}).
        const writer = new ProgressWriter(store, batch.id);
        const result = await deps.pool.convertBatch(
          {
            zip,
            outDir: dir,
            units: deps.units,
            geojson: deps.geojson,
            provider: batch.provider,
            skip: done.map((f) => f.sourceKey),
            limits: deps.zipLimits,
            from: slice.from,
            budget: sliceBudget,
            maxOperations,
            allowance: Math.max(0, maxOperations - slice.operations),
          },
          signal,
          (progress) => writer.report(batchProgress(progress, slice.operations)),
        ).finally(() => writer.stop());
        if (result.rejected) return finish(batch, 'FAILED', result.rejected, result.failures);
        const progress = batchProgress(result.progress, slice.operations, result.next === undefined ? 'done' : 'queued');
        for (const operation of result.operations) {
          signal.throwIfAborted();
          if (!(await record(batch, operation))) return; // the batch is gone: nothing left to finish
        }
        if (result.next !== undefined) {
          await store.addBatchFailures(batch.id, result.failures);
          await store.updateBatch(batch.id, { progress });
          const next: Slice = { run: slice.run, index: slice.index + 1, from: result.next, operations: slice.operations + result.operations.length };
          await store.enqueue('convertBatch', { ...job.payload, slice: next }, undefined, { ownerId: batch.ownerId, id: sliceJobId(slice.run, next.index) });
          return;
        }
        const processed = (await store.fileStatesOfBatch(batch.id)).some((f) => f.status === 'processed');
        if (processed) return finish(batch, 'PROCESSED', null, result.failures, progress);
        return finish(batch, 'FAILED', result.datasets === 0 ? NO_VALID_FILES : UNABLE_TO_READ, result.failures, progress);
      });
    },

    async giveUp(job, error) {
      await removeJobTempDirs(deps.dataDir, job.id);
      const batch = typeof job.payload.batchId === 'string' ? await store.findBatch(job.payload.batchId) : undefined;
      if (!batch) return;
      const processed = (await store.fileStatesOfBatch(batch.id)).some((f) => f.status === 'processed');
      // Stopped for good: its progress says it is over, with the figures it reached.
      await finish(batch, processed ? 'PROCESSED' : 'FAILED', processed ? null : INTERNAL_ERROR, [{ path: '', reason: error.message }], batch.progress && { ...batch.progress, stage: 'done' });
    },
  };
}
