import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FileEntry } from '../../store/types.ts';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { setPageHeaders } from '../paging.ts';
import { notFound, problemResponses } from '../problem.ts';
import { baseUrl } from '../urls.ts';
import { downloadRoutes, redirectResponse, redirectToBlob } from './downloads.ts';
import { FILES_BASE, fileJson } from './entry.ts';
import { IMAGE_FILES, type ImageEntry } from '../../convert/render/property-rasters.ts';
import { mapRoutes } from './map.ts';
import { startMerge } from './merge.ts';
import { fileQuery } from './query.ts';
import { FileJson, FileListQuery, FileParams, ImageJson, MergeBody, MergeResult, StepsJson } from './schemas.ts';

const tags = ['files'];

/** Converted operations ("files", leaf-api.md §2–§7, §10) under /services/operations/api. */
export const fileRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { store } = deps;

  async function findFile(request: FastifyRequest<{ Params: { id: string } }>): Promise<FileEntry> {
    const file = await store.getFile(ownerOf(request).id, request.params.id);
    if (!file) throw notFound('File');
    return file;
  }

  function unavailable(file: FileEntry, what: string): Error {
    return notFound(`${what} of this file (status ${file.status})`);
  }

  app.get(
    '/files',
    { schema: { tags, summary: 'List files', querystring: FileListQuery, response: { 200: Type.Array(FileJson), ...problemResponses } } },
    async (request, reply) => {
      const owner = ownerOf(request);
      const query = fileQuery(owner.id, request.query);
      // organizationId belongs to John Deere organizations; no Furrow file has one, so the filter matches nothing.
      const { items, total } = request.query.organizationId === undefined ? await store.listFiles(query) : { items: [], total: 0 };
      setPageHeaders(request, reply, query.page, query.size, total);
      const base = baseUrl(request);
      return items.map((f) => fileJson(f, base, owner.username));
    },
  );

  app.get('/files/:id', { schema: { tags, summary: 'Get a file', params: FileParams, response: { 200: FileJson, ...problemResponses } } }, async (request) => {
    return fileJson(await findFile(request), baseUrl(request), ownerOf(request).username);
  });

  app.get(
    '/files/:id/summary',
    { schema: { tags, summary: 'Summary of a file: a GeoJSON Feature', params: FileParams, response: { 200: Type.Unknown({ description: 'GeoJSON Feature' }), ...problemResponses } } },
    async (request) => {
      const file = await findFile(request);
      if (file.summary === null) throw unavailable(file, 'Summary');
      return file.summary;
    },
  );

  app.get(
    '/files/:id/units',
    { schema: { tags, summary: 'Unit of each property of the standard outputs', params: FileParams, response: { 200: Type.Record(Type.String(), Type.String()), ...problemResponses } } },
    async (request) => {
      const file = await findFile(request);
      if (file.units === null) throw unavailable(file, 'Units');
      return file.units;
    },
  );

  app.get(
    '/files/:id/images',
    {
      schema: {
        tags,
        summary: 'PNG map per numeric property (leaf-api.md §6), each with a GDAL .aux.xml georeference and a legend',
        params: FileParams,
        response: { 200: Type.Array(ImageJson), ...problemResponses },
      },
    },
    async (request) => {
      const file = await findFile(request);
      if (file.steps.propertiesPNGs?.status !== 'processed') return [];
      const list = await readImageList(deps, file);
      const base = `${baseUrl(request)}${FILES_BASE}/${file.id}/`;
      // Relative names in images.json become absolute URLs of the route below.
      return list.map((image) => ({ ...image, url: base + image.url, downloadUrl: base + image.url, auxUrl: base + image.auxUrl }));
    },
  );

  app.get(
    '/files/:id/images/:name',
    {
      schema: {
        tags,
        summary: 'One PNG image or its .png.aux.xml georeference',
        params: Type.Object({ id: FileParams.properties.id, name: Type.String({ pattern: '^[A-Za-z]+\\.png(\\.aux\\.xml)?$' }) }),
        response: {
          200: { description: 'the image', content: { 'image/png': { schema: { type: 'string', format: 'binary' } }, 'application/xml': { schema: { type: 'string' } } } },
          ...redirectResponse,
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const file = await findFile(request);
      const key = `${file.blobPrefix}/${IMAGE_FILES.folder}/${request.params.name}`;
      const size = await deps.blobs.size(key);
      if (size === undefined) throw notFound('Image');
      const contentType = request.params.name.endsWith('.png') ? 'image/png' : 'application/xml';
      // Shown inline as today (no Content-Disposition): map viewers load these by URL.
      if (await redirectToBlob(deps, reply, key, { contentType })) return reply;
      reply.type(contentType).header('Content-Length', size);
      return reply.send(await deps.blobs.get(key));
    },
  );

  app.get(
    '/files/:id/status',
    { schema: { tags, summary: 'Status of each processing step', params: FileParams, response: { 200: StepsJson, ...problemResponses } } },
    async (request) => (await findFile(request)).steps,
  );

  app.post(
    '/files/merge',
    { schema: { tags, summary: 'Merge processed files of one Leaf user and operation type', body: MergeBody, response: { 200: MergeResult, ...problemResponses } } },
    async (request) => {
      const merged = await startMerge(deps, ownerOf(request).id, request.body.ids);
      return { id: merged.id, status: 'SENT_TO_MERGE' as const };
    },
  );

  await app.register(downloadRoutes, { deps });
  await app.register(mapRoutes, { deps });
};

async function readImageList(deps: ApiDeps, file: FileEntry): Promise<ImageEntry[]> {
  const key = `${file.blobPrefix}/${IMAGE_FILES.list}`;
  if ((await deps.blobs.size(key)) === undefined) return [];
  const chunks: Buffer[] = [];
  for await (const chunk of await deps.blobs.get(key)) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ImageEntry[];
}
