import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IMAGE_FILES } from '../../convert/render/property-rasters.ts';
import type { FileEntry } from '../../store/types.ts';
import { Type } from 'typebox';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { notFound, problemResponse, problemResponses, sendProblem } from '../problem.ts';
import { DOWNLOADS, FileParams, type Download } from './schemas.ts';
import { downloadKey } from './entry.ts';
import { parseRange } from './range.ts';

const CONTENT_TYPES: Record<Download, string> = {
  originalFile: 'application/zip',
  rawGeojson: 'application/geo+json',
  normalizedGeojson: 'application/geo+json',
  standardGeojson: 'application/geo+json',
  summary: 'application/geo+json',
  filteredGeojson: 'application/geo+json',
  annotatedGeojson: 'application/geo+json',
  coverageGeojson: 'application/geo+json',
  coverageFlatGeobuf: 'application/flatgeobuf',
  zippedPNGs: 'application/zip',
};

const EXTENSIONS: Partial<Record<Download, string>> = { summary: 'json', coverageFlatGeobuf: 'fgb', zippedPNGs: 'zip' };

function attachmentName(fileName: string, fileId: string, what: Download): string {
  if (what === 'originalFile') return fileName;
  return `${fileId}-${what}.${EXTENSIONS[what] ?? 'geojson'}`;
}

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The 302 of a download or image when FURROW_S3_PRESIGN_SECONDS is on, for the OpenAPI document. */
export const redirectResponse = {
  302: {
    description: 'Found: with FURROW_S3_PRESIGN_SECONDS set, the bytes are at a short-lived pre-signed S3 URL (Range honoured there)',
    type: 'null',
    headers: { Location: { type: 'string', format: 'uri', description: 'pre-signed S3 GET URL' } },
  },
};

/**
 * Answers 302 to a pre-signed URL of the blob when the deployment turned redirects on and the store
 * can sign one: the bytes then go from S3 to the client, not through this process. False when the
 * caller must stream them itself. Call it once the blob is known to exist, so a missing one stays
 * this API's 404 rather than S3's error behind a redirect.
 */
export async function redirectToBlob(deps: ApiDeps, reply: FastifyReply, key: string, headers: { contentDisposition?: string; contentType: string }): Promise<boolean> {
  const expiresSeconds = deps.config.s3PresignSeconds;
  if (expiresSeconds <= 0 || !deps.blobs.presignedUrl) return false;
  const url = await deps.blobs.presignedUrl(key, { expiresSeconds, ...headers });
  if (url === undefined) return false;
  // The Location stops working after expiresSeconds: nothing on the way may keep the redirect.
  reply.header('Cache-Control', 'no-store').redirect(url, 302);
  return true;
}

/** Streams an output of `file` (or redirects to S3), honouring one byte range: what the download route and the signed links answer. */
export async function sendDownload(deps: ApiDeps, request: FastifyRequest, reply: FastifyReply, file: FileEntry, what: Download): Promise<FastifyReply> {
  const key = downloadKey(file, what);
  const size = key === undefined ? undefined : await deps.blobs.size(key);
  if (key === undefined || size === undefined) throw notFound(`${what} of this file`);
  const disposition = contentDisposition(attachmentName(file.fileName, file.id, what));
  const range = parseRange(request.headers.range, size);
  // An unsatisfiable range is answered here even when redirecting: the size is known already, and the client gets the API's problem, not S3's XML.
  if (range.kind !== 'unsatisfiable' && (await redirectToBlob(deps, reply, key, { contentDisposition: disposition, contentType: CONTENT_TYPES[what] }))) return reply;
  reply.header('Accept-Ranges', 'bytes').header('Content-Disposition', disposition);
  if (range.kind === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${size}`);
    return sendProblem(request, reply, 416, `The file has ${size} bytes`);
  }
  reply.type(CONTENT_TYPES[what]);
  if (range.kind === 'partial') {
    reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`).header('Content-Length', range.end - range.start + 1);
    return reply.send(await deps.blobs.get(key, { start: range.start, end: range.end }));
  }
  reply.header('Content-Length', size);
  return reply.send(await deps.blobs.get(key));
}

/** Image file names: `<property>.png` and its `.png.aux.xml` georeference. */
export const ImageName = Type.String({ pattern: '^[A-Za-z]+\\.png(\\.aux\\.xml)?$' });

/** The 200 of an image route, for the OpenAPI document. */
export const imageResponse = { description: 'the image', content: { 'image/png': { schema: { type: 'string', format: 'binary' } }, 'application/xml': { schema: { type: 'string' } } } };

/** Sends one PNG map of `file` or its georeference (or redirects to S3). */
export async function sendImage(deps: ApiDeps, reply: FastifyReply, file: FileEntry, name: string): Promise<FastifyReply> {
  const key = `${file.blobPrefix}/${IMAGE_FILES.folder}/${name}`;
  const size = await deps.blobs.size(key);
  if (size === undefined) throw notFound('Image');
  const contentType = name.endsWith('.png') ? 'image/png' : 'application/xml';
  // Shown inline (no Content-Disposition): map viewers load these by URL.
  if (await redirectToBlob(deps, reply, key, { contentType })) return reply;
  reply.type(contentType).header('Content-Length', size);
  return reply.send(await deps.blobs.get(key));
}

/** The parameters of the download route. */
export const DownloadParams = Type.Object({ id: FileParams.properties.id, what: Type.Enum([...DOWNLOADS]) });

/** The answers of a download, for the OpenAPI document. */
export const downloadResponses = {
  200: { description: 'the whole file', content: { 'application/geo+json': { schema: { type: 'string', format: 'binary' } }, 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
  206: { description: 'the requested byte range', content: { 'application/geo+json': { schema: { type: 'string', format: 'binary' } } } },
  ...redirectResponse,
  416: problemResponse('Range Not Satisfiable: the range starts past the end'),
};

/** GET /files/{id}/download/{what}: outputs streamed from the blob store, byte ranges honoured (resumable downloads of large GeoJSON), or a redirect to S3 (redirectToBlob). */
export const downloadRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    '/files/:id/download/:what',
    {
      schema: {
        tags: ['files'],
        operationId: 'downloadFileOutput',
        summary: 'Download an output or the original upload',
        description:
          'Needs the bearer token (the entry\'s `download*` links). Supports a single `Range: bytes=…` request (206, or 416 when it starts past the end). With FURROW_S3_PRESIGN_SECONDS set, answers 302 to a pre-signed S3 URL instead (Range requests too: S3 honours the Range header there).',
        params: DownloadParams,
        response: { ...downloadResponses, ...problemResponses },
      },
    },
    async (request, reply) => {
      const file = await deps.store.getFile(ownerOf(request).id, request.params.id);
      if (!file) throw notFound('File');
      return sendDownload(deps, request, reply, file, request.params.what);
    },
  );
};
