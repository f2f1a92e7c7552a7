import { OUTPUT_FILES } from '../../pipeline.ts';
import type { FileEntry } from '../../store/types.ts';
import { uploadKey } from '../../store/blob-keys.ts';
import { LINKED_OUTPUTS, type Download, type FileJsonType } from './schemas.ts';

export const FILES_BASE = '/services/operations/api/files';

/** Where each download of a file lives in the blob store; undefined when the file has none. */
export function downloadKey(file: FileEntry, what: Download): string | undefined {
  switch (what) {
    case 'originalFile':
      return file.batchId ? uploadKey(file.batchId) : undefined;
    case 'rawGeojson':
      return `${file.blobPrefix}/${OUTPUT_FILES.raw}`;
    case 'normalizedGeojson':
      return `${file.blobPrefix}/${OUTPUT_FILES.normalized}`;
    case 'standardGeojson':
      return `${file.blobPrefix}/${OUTPUT_FILES.standard}`;
    case 'summary':
      return `${file.blobPrefix}/${OUTPUT_FILES.summary}`;
    case 'filteredGeojson':
      return `${file.blobPrefix}/${OUTPUT_FILES.filtered}`;
    case 'annotatedGeojson':
      return `${file.blobPrefix}/${OUTPUT_FILES.annotated}`;
    case 'coverageGeojson':
      return `${file.blobPrefix}/${OUTPUT_FILES.coverage}`;
    case 'coverageFlatGeobuf':
      return `${file.blobPrefix}/${OUTPUT_FILES.coverageFlatGeobuf}`;
    case 'zippedPNGs':
      return `${file.blobPrefix}/${OUTPUT_FILES.imagesZip}`;
  }
}

export function downloadUrl(base: string, fileId: string, what: Download): string {
  return `${base}${FILES_BASE}/${fileId}/download/${what}`;
}

/** A link is listed once its step has produced the output; the original upload always exists. */
function produced(file: FileEntry, what: (typeof LINKED_OUTPUTS)[number]): boolean {
  if (what === 'originalFile') return file.batchId !== null;
  return file.steps[what]?.status === 'processed';
}

/** Leaf's file entry (leaf-api.md §2) with absolute links under `base`. */
export function fileJson(file: FileEntry, base: string, apiOwnerUsername: string): FileJsonType {
  const json: FileJsonType = {
    id: file.id,
    leafUserId: file.leafUserId,
    apiOwnerUsername,
    provider: file.provider,
    fileName: file.fileName,
    fileFormat: file.fileFormat,
    sizeInBytes: file.sizeInBytes,
    origin: file.origin,
    status: file.status,
    createdTime: file.createdTime,
    updatedTime: file.updatedTime,
    sources: file.sources,
    operationType: file.operationType,
    fields: [],
    summary: file.summary,
    warnings: file.warnings,
  };
  if (file.statusDetails) json.statusDetails = file.statusDetails;
  if (file.batchId) json.batchId = file.batchId;
  for (const what of LINKED_OUTPUTS) {
    if (!produced(file, what)) continue;
    const url = downloadUrl(base, file.id, what);
    json[what] = url;
    json[`download${what[0]!.toUpperCase()}${what.slice(1)}`] = url;
  }
  return json;
}
