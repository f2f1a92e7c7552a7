import { emitEvent } from '../alerts/events.ts';
import type { UnitSystem } from '../model/properties.ts';
import { join } from 'node:path';
import { geoJsonViewLength } from '../convert/table/index.ts';
import { OUTPUT_FILES } from '../pipeline.ts';
import type { BlobStore, FileEntry, MetadataStore } from '../store/types.ts';
import { INTERNAL_ERROR } from './convert-batch.ts';
import type { ConvertPool } from './convert-pool.ts';
import { storeOutputs, summaryFacts } from './file-outputs.ts';
import type { MergeSource } from './merge-operations.ts';
import { PermanentJobError, type JobHandler } from './runner.ts';
import { removeJobTempDirs, withJobTempDir } from './temp-dir.ts';

export interface MergeDeps {
  store: MetadataStore;
  blobs: BlobStore;
  dataDir: string;
  pool: ConvertPool;
  units: UnitSystem;
  /** Also store the GeoJSON layers as files (FURROW_STORE_GEOJSON). */
  geojson?: boolean;
}

class Refusal extends Error {}

/** The uploaded files behind a merged entry; a merged source stands for its own sources. */
async function uploadedSources(store: MetadataStore, merged: FileEntry, seen = new Set<string>()): Promise<FileEntry[]> {
  const result: FileEntry[] = [];
  for (const id of merged.sources) {
    if (seen.has(id)) continue;
    seen.add(id);
    const file = await store.getFile(merged.ownerId, id);
    if (!file) throw new Refusal(`Files cannot be merged: file ${id} no longer exists`);
    if (file.origin === 'merged') result.push(...(await uploadedSources(store, file, seen)));
    else if (file.batchId === null) throw new Refusal(`Files cannot be merged: file ${id} has no upload to read its points from`);
    else result.push(file);
  }
  return result;
}

/** Earliest operation first, so the merged points run forward in time; files without a time go last. */
function byStartTime(a: FileEntry, b: FileEntry): number {
  if (a.startTime !== b.startTime) return a.startTime === null ? 1 : b.startTime === null ? -1 : a.startTime < b.startTime ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Runs merge jobs (payload `{fileId}` of the merged entry the API created with status
 * processing): rebuilds one operation from the original operations of the sources, read
 * again from their uploads, and converts it like any other.
 */
export function mergeHandler(deps: MergeDeps): JobHandler {
  const { store, blobs } = deps;

  async function fail(entry: FileEntry, reason: string): Promise<void> {
    await store.updateFile(entry.id, { status: 'failed', statusDetails: reason, updatedTime: new Date().toISOString() });
    await emitEvent(store, entry.ownerId, 'mergedFileProcessingFailed', { fileId: entry.id, leafUserId: entry.leafUserId, message: reason });
  }

  async function locate(file: FileEntry): Promise<MergeSource> {
    const batch = await store.findBatch(file.batchId!);
    if (!batch) throw new Refusal(`Files cannot be merged: the upload of file ${file.id} no longer exists`);
    return { fileId: file.id, zip: await blobs.locate(batch.blobKey), sourceKey: file.sourceKey };
  }

  return {
    async run(job, signal) {
      if (typeof job.payload.fileId !== 'string') throw new PermanentJobError('malformed merge payload: fileId is required');
      const entry = await store.findFile(job.payload.fileId);
      // Gone, or finished by an earlier run of this job.
      if (!entry || entry.origin !== 'merged' || entry.status !== 'processing') return;
      let sources: MergeSource[];
      try {
        const files = (await uploadedSources(store, entry)).sort(byStartTime);
        sources = [];
        for (const file of files) sources.push(await locate(file));
      } catch (error) {
        if (error instanceof Refusal) return fail(entry, error.message);
        throw error;
      }
      await withJobTempDir(deps.dataDir, job, async (dir) => {
        const outcome = await deps.pool.merge({ sources, outDir: dir, units: deps.units, geojson: deps.geojson }, signal);
        if (outcome.refused !== undefined) return fail(entry, outcome.refused);
        const { result } = outcome;
        const outputs = await storeOutputs(blobs, entry.blobPrefix, dir);
        await store.updateFile(entry.id, {
          status: result.status,
          statusDetails: result.status === 'processed' ? null : result.statusDetails,
          updatedTime: new Date().toISOString(),
          ...summaryFacts(outputs.summary),
          // A merged file has no original upload; its size is that of its main output, the standard layer (stored, or the length of its view of the table).
          sizeInBytes: (await blobs.size(`${entry.blobPrefix}/${OUTPUT_FILES.standard}`)) ?? (await geoJsonViewLength(join(dir, OUTPUT_FILES.table), 'standard').catch(() => undefined)) ?? 0,
          summary: outputs.summary,
          units: outputs.units,
          steps: outputs.steps,
          warnings: result.warnings,
        });
        // Deleted with its Leaf user while merging: the purge listed the prefix before these outputs existed.
        if (!(await store.findFile(entry.id))) return blobs.delete(`${entry.blobPrefix}/`);
        const body = { fileId: entry.id, leafUserId: entry.leafUserId };
        if (result.status === 'processed') await emitEvent(store, entry.ownerId, 'mergedFileProcessingFinished', body);
        else await emitEvent(store, entry.ownerId, 'mergedFileProcessingFailed', { ...body, message: result.statusDetails });
      });
    },

    async giveUp(job) {
      await removeJobTempDirs(deps.dataDir, job.id);
      const entry = typeof job.payload.fileId === 'string' ? await store.findFile(job.payload.fileId) : undefined;
      if (entry && entry.status === 'processing') await fail(entry, INTERNAL_ERROR);
    },
  };
}
