import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FileEntry } from '../../store/types.ts';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { setPageHeaders } from '../paging.ts';
import { notFound, problemResponses } from '../problem.ts';
import { baseUrl } from '../urls.ts';
import { downloadRoutes } from './downloads.ts';
import { fileJson } from './entry.ts';
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
    { schema: { tags, summary: 'PNG images per property (none yet: Furrow does not render images)', params: FileParams, response: { 200: Type.Array(ImageJson), ...problemResponses } } },
    async (request) => {
      await findFile(request);
      return [];
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
};
