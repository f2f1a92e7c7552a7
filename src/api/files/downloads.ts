import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
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

/** GET /files/{id}/download/{what}: outputs streamed from the blob store, byte ranges honoured (resumable downloads of large GeoJSON). */
export const downloadRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    '/files/:id/download/:what',
    {
      schema: {
        tags: ['files'],
        summary: 'Download an output or the original upload',
        description: 'Supports a single `Range: bytes=…` request (206, or 416 when it starts past the end).',
        params: Type.Object({ id: FileParams.properties.id, what: Type.Enum([...DOWNLOADS]) }),
        response: {
          200: { description: 'the whole file', content: { 'application/geo+json': { schema: { type: 'string', format: 'binary' } }, 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
          206: { description: 'the requested byte range', content: { 'application/geo+json': { schema: { type: 'string', format: 'binary' } } } },
          416: problemResponse('Range Not Satisfiable: the range starts past the end'),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { id, what } = request.params;
      const file = await deps.store.getFile(ownerOf(request).id, id);
      if (!file) throw notFound('File');
      const key = downloadKey(file, what);
      const size = key === undefined ? undefined : await deps.blobs.size(key);
      if (key === undefined || size === undefined) throw notFound(`${what} of this file`);
      reply.header('Accept-Ranges', 'bytes').header('Content-Disposition', contentDisposition(attachmentName(file.fileName, file.id, what)));
      const range = parseRange(request.headers.range, size);
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
    },
  );
};
