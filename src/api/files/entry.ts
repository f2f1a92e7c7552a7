import { OUTPUT_FILES } from '../../pipeline.ts';
import type { FileEntry, FileListing } from '../../store/types.ts';
import { uploadKey } from '../../store/blob-keys.ts';
import type { LinkSigner } from '../signed-links.ts';
import { LINKED_OUTPUTS, downloadName, type Download, type LinkedOutput } from './schemas.ts';

export const FILES_BASE = '/services/operations/api/files';

/** Where each download of a file lives in the blob store; undefined when the file has none. */
export function downloadKey(file: Pick<FileEntry, 'batchId' | 'blobPrefix'>, what: Download): string | undefined {
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

/** The path prefix a file's signed links share: one grant (and one HMAC) covers its outputs and images. */
export function fileLinkScope(fileId: string): string {
  return `${FILES_BASE}/${fileId}`;
}

/** Absolute URL of a file's resource (`standardGeojson`, `images/wetMass.png`) that opens without a token until the signer's lifetime ends. */
export function signedFileUrl(base: string, signer: LinkSigner, fileId: string, rest: string, nowMs?: number): string {
  return `${base}${signer.signedPrefix(fileLinkScope(fileId), nowMs)}/${rest}`;
}

/** A link is listed once its step has produced the output; the original upload always exists. */
function produced(file: FileListing['entry'], what: LinkedOutput): boolean {
  if (what === 'originalFile') return file.batchId !== null;
  return file.steps[what]?.status === 'processed';
}

/** What the links of an entry are built from: the scheme and host the client used, and the signer of the plain links. */
export interface LinkContext {
  base: string;
  signer: LinkSigner;
  nowMs?: number;
}

/**
 * Leaf's file entry (leaf-api.md §2) as JSON text, with absolute links under `base`. The summary is
 * spliced in as the text the store holds: a page of 100 entries is then written without parsing
 * and re-encoding 100 summaries (their geometry is most of a page's bytes).
 */
export function fileEntryJson(listing: FileListing, apiOwnerUsername: string, links: LinkContext): string {
  const file = listing.entry;
  const json: Record<string, unknown> = {
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
    warnings: file.warnings,
  };
  if (file.machineBrand !== null) json.machineBrand = file.machineBrand;
  if (file.statusDetails) json.statusDetails = file.statusDetails;
  if (file.batchId) json.batchId = file.batchId;
  const outputs = LINKED_OUTPUTS.filter((what) => produced(file, what));
  if (outputs.length > 0) {
    const signed = `${links.base}${links.signer.signedPrefix(fileLinkScope(file.id), links.nowMs)}/`;
    for (const what of outputs) {
      json[what] = signed + what;
      json[downloadName(what)] = downloadUrl(links.base, file.id, what);
    }
  }
  const members = JSON.stringify(json);
  return `${members.slice(0, -1)},"summary":${listing.summaryJson ?? 'null'}}`;
}

/** A whole entry as fileEntryJson serves it. */
export function listingOf(file: FileEntry): FileListing {
  const { summary, units: _units, ownerId: _owner, sourceKey: _key, blobPrefix: _prefix, startTime: _start, endTime: _end, areaM2: _area, ...entry } = file;
  return { entry, summaryJson: summary === null ? null : JSON.stringify(summary) };
}
