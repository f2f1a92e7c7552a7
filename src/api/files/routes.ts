import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FileEntry } from '../../store/types.ts';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { setPageHeaders } from '../paging.ts';
import { notFound, problemResponses } from '../problem.ts';
import { baseUrl } from '../urls.ts';
import type { LinkSigner } from '../signed-links.ts';
import { ImageName, downloadRoutes, imageResponse, redirectResponse, sendImage } from './downloads.ts';
import { FILES_BASE, fileEntryJson, listingOf, signedFileUrl, type LinkContext } from './entry.ts';
import { IMAGE_FILES, type ImageEntry } from '../../convert/render/property-rasters.ts';
import { mapRoutes } from './map.ts';
import { startMerge } from './merge.ts';
import { fileQuery } from './query.ts';
import { FileJson, FileList, FileListQuery, FileParams, ImageJson, MergeBody, MergeResult, StepsJson } from './schemas.ts';

const tags = ['files'];

/** Converted operations ("files", leaf-api.md §2–§7, §10) under /services/operations/api. */
export const fileRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps; signer: LinkSigner }> = async (app, { deps, signer }) => {
  const { store } = deps;
  const bareArray = deps.config.filesListFormat === 'array';
  const links = (request: FastifyRequest): LinkContext => ({ base: baseUrl(request), signer });

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
    {
      schema: {
        tags,
        operationId: 'listFiles',
        summary: 'List files',
        description:
          'Leaf’s documented body: the entries under `operations`. With FURROW_FILES_LIST_FORMAT=array the server answers the bare array instead (for clients of the older form). Paging in the `X-Total-Count` and `Link` headers.',
        querystring: FileListQuery,
        response: {
          200: {
            description: 'a page of file entries',
            headers: {
              'X-Total-Count': { type: 'integer', description: 'entries matching the filters, all pages' },
              Link: { type: 'string', description: 'RFC 5988 links rel="next", "prev", "last", "first"' },
            },
            content: { 'application/json': { schema: FileList } },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const owner = ownerOf(request);
      const query = fileQuery(owner.id, request.query);
      // organizationId belongs to John Deere organizations; no Furrow file has one, so the filter matches nothing.
      const { items, total } = request.query.organizationId === undefined ? await store.listFileListings(query) : { items: [], total: 0 };
      setPageHeaders(request, reply, query.page, query.size, total);
      const context = links(request);
      const entries = items.map((f) => fileEntryJson(f, owner.username, context)).join(',');
      // Written as text: the summaries are spliced in as stored (entry.ts), never parsed and re-encoded.
      return reply.type('application/json; charset=utf-8').send(bareArray ? `[${entries}]` : `{"operations":[${entries}]}`);
    },
  );

  app.get('/files/:id', { schema: { tags, operationId: 'getFile', summary: 'Get a file', params: FileParams, response: { 200: FileJson, ...problemResponses } } }, async (request, reply) => {
    const json = fileEntryJson(listingOf(await findFile(request)), ownerOf(request).username, links(request));
    return reply.type('application/json; charset=utf-8').send(json);
  });

  app.get(
    '/files/:id/summary',
    { schema: { tags, operationId: 'getFileSummary', summary: 'Summary of a file: a GeoJSON Feature', params: FileParams, response: { 200: Type.Unknown({ description: 'GeoJSON Feature' }), ...problemResponses } } },
    async (request) => {
      const file = await findFile(request);
      if (file.summary === null) throw unavailable(file, 'Summary');
      return file.summary;
    },
  );

  app.get(
    '/files/:id/units',
    { schema: { tags, operationId: 'getFileUnits', summary: 'Unit of each property of the standard outputs', params: FileParams, response: { 200: Type.Record(Type.String(), Type.String()), ...problemResponses } } },
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
        operationId: 'listFileImages',
        summary: 'PNG map per numeric property (leaf-api.md §6), each with a GDAL .aux.xml georeference and a legend',
        description: '`url` and `auxUrl` are signed links that open without a token until they expire (FURROW_LINK_SECONDS); `downloadUrl` needs the bearer token.',
        params: FileParams,
        response: { 200: Type.Array(ImageJson), ...problemResponses },
      },
    },
    async (request) => {
      const file = await findFile(request);
      if (file.steps.propertiesPNGs?.status !== 'processed') return [];
      const list = await readImageList(deps, file);
      const base = baseUrl(request);
      const now = Date.now();
      // Relative names in images.json (`images/<property>.png`) become a signed URL and the bearer route's.
      return list.map((image) => ({
        ...image,
        url: signedFileUrl(base, signer, file.id, image.url, now),
        downloadUrl: `${base}${FILES_BASE}/${file.id}/${image.url}`,
        auxUrl: signedFileUrl(base, signer, file.id, image.auxUrl, now),
      }));
    },
  );

  app.get(
    '/files/:id/images/:name',
    {
      schema: {
        tags,
        operationId: 'getFileImage',
        summary: 'One PNG image or its .png.aux.xml georeference (bearer token; the signed `url` needs none)',
        params: Type.Object({ id: FileParams.properties.id, name: ImageName }),
        response: { 200: imageResponse, ...redirectResponse, ...problemResponses },
      },
    },
    async (request, reply) => sendImage(deps, reply, await findFile(request), request.params.name),
  );

  app.get(
    '/files/:id/status',
    { schema: { tags, operationId: 'getFileStatus', summary: 'Status of each processing step', params: FileParams, response: { 200: StepsJson, ...problemResponses } } },
    async (request) => (await findFile(request)).steps,
  );

  app.post(
    '/files/merge',
    { schema: { tags, operationId: 'mergeFiles', summary: 'Merge processed files of one Leaf user and operation type', body: MergeBody, response: { 200: MergeResult, ...problemResponses } } },
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
