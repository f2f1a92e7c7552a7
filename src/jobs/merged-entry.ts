import { randomUUID } from 'node:crypto';
import { fileBlobPrefix } from '../store/blob-keys.ts';
import type { FileEntry } from '../store/types.ts';

/**
 * The file entry of a merge before the worker has built it: processing, origin merged, pointing
 * at its sources. The merge job (jobs/merge.ts) fills in the outputs.
 */
export function newMergedEntry(ownerId: string, sources: readonly FileEntry[], now = new Date().toISOString()): FileEntry {
  const first = sources[0]!;
  const id = randomUUID();
  const formats = new Set(sources.map((f) => f.fileFormat));
  return {
    id,
    ownerId,
    leafUserId: first.leafUserId,
    batchId: null,
    origin: 'merged',
    // Leaf marks the files it makes itself with provider "Leaf".
    provider: 'Leaf',
    machineBrand: null,
    fileFormat: formats.size === 1 ? first.fileFormat : 'MIXED',
    fileName: 'merged.geojson',
    status: 'processing',
    statusDetails: null,
    operationType: first.operationType,
    createdTime: now,
    updatedTime: now,
    startTime: null,
    endTime: null,
    sizeInBytes: 0,
    areaM2: null,
    sources: sources.map((f) => f.id),
    summary: null,
    units: null,
    steps: {},
    warnings: [],
    sourceKey: `merge:${id}`,
    blobPrefix: fileBlobPrefix(id),
  };
}
