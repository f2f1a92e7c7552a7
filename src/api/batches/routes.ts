import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { PagingQuery, paging, setPageHeaders } from '../paging.ts';
import { ApiProblem, notFound, problemResponse, problemResponses } from '../problem.ts';
import { BatchFailureJson, BatchJson, BatchStatusJson, BatchUploadQuery, UploadForm, Uuid, batchJson, batchStatusJson } from './schemas.ts';
import { receiveBatch } from './upload.ts';
import { closeRefusedUpload, refuseOverQuota, uploadRateLimit } from './upload-quota.ts';

const tags = ['batches'];
const IdParams = Type.Object({ id: Uuid });

/** Zip uploads and their processing state, under /services/operations/api (leaf-api.md §8). */
export const batchRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { store } = deps;
  // The default fileSize limit is 1 MiB with silent truncation; one byte over our own limit lets the upload guard see the overflow and refuse it.
  await app.register(fastifyMultipart, { limits: { fileSize: deps.config.maxUploadBytes + 1, files: 1, fields: 20, fieldSize: 1024 } });
  // Only the routes that ask for it (the upload) are limited; the count is kept per API process.
  await app.register(fastifyRateLimit, { global: false });

  app.post(
    '/batch',
    {
      schema: {
        tags,
        operationId: 'uploadBatch', summary: 'Upload a zip of machine data',
        description:
          'multipart/form-data with the zip in the part `file`. `leafUserId` and `provider` come as query parameters, or as form fields placed before the file part. The zip is stored durably before the answer; conversion runs in the background.',
        consumes: ['multipart/form-data'],
        querystring: BatchUploadQuery,
        response: { 201: BatchJson, ...problemResponses, 429: problemResponse('Too Many Requests: the account sent too many uploads this minute, or has too many not yet processed (see Retry-After)') },
      },
      config: {
        // The body is read as a stream in the handler, so its schema is for the document only.
        swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, body: UploadForm }, url }),
        ...(deps.config.uploads.perMinute > 0 ? { rateLimit: uploadRateLimit(deps.config.uploads.perMinute) } : {}),
      },
      onError: closeRefusedUpload,
    },
    async (request, reply) => {
      await refuseOverQuota(request, reply, deps);
      const batch = await receiveBatch(request, reply, request.query, deps);
      return reply.code(201).send(batchJson(batch));
    },
  );

  app.get(
    '/batch',
    { schema: { tags, operationId: 'listBatches', summary: 'List uploads', querystring: Type.Object(PagingQuery), response: { 200: Type.Array(BatchJson), ...problemResponses } } },
    async (request, reply) => {
      const { page, size } = paging(request.query);
      const { items, total } = await store.listBatches(ownerOf(request).id, page, size);
      setPageHeaders(request, reply, page, size, total);
      return items.map((b) => batchJson(b));
    },
  );

  app.get('/batch/:id', { schema: { tags, operationId: 'getBatch', summary: 'Get an upload and its file ids', params: IdParams, response: { 200: BatchJson, ...problemResponses } } }, async (request) => {
    const batch = await store.getBatch(ownerOf(request).id, request.params.id);
    if (!batch) throw notFound('Batch');
    return batchJson(batch, { files: await store.filesOfBatch(batch.id) });
  });

  app.get(
    '/batch/:id/failures',
    {
      schema: {
        tags,
        operationId: 'listBatchFailures',
        summary: 'Every part of an upload that could not be read, paged',
        description: 'GET /batch/{id} carries the first failures and their count; this lists all of them in the order found, with `X-Total-Count` and `Link` headers.',
        params: IdParams,
        querystring: Type.Object(PagingQuery),
        response: { 200: Type.Array(BatchFailureJson), ...problemResponses },
      },
    },
    async (request, reply) => {
      const batch = await store.getBatch(ownerOf(request).id, request.params.id);
      if (!batch) throw notFound('Batch');
      const { page, size } = paging(request.query);
      const { items, total } = await store.listBatchFailures(batch.id, page, size);
      setPageHeaders(request, reply, page, size, total);
      return items;
    },
  );

  app.get(
    '/batch/:id/status',
    { schema: { tags, operationId: 'getBatchStatus', summary: 'File ids of an upload grouped by processing state', params: IdParams, response: { 200: BatchStatusJson, ...problemResponses } } },
    async (request) => {
      const batch = await store.getBatch(ownerOf(request).id, request.params.id);
      if (!batch) throw notFound('Batch');
      return batchStatusJson(await store.filesOfBatch(batch.id));
    },
  );

  app.put(
    '/batch/:id/retry',
    { schema: { tags, operationId: 'retryBatch', summary: 'Process an upload again', params: IdParams, response: { 200: BatchJson, ...problemResponses } } },
    async (request) => {
      const ownerId = ownerOf(request).id;
      // The store resets the status and queues the job in one transaction, and only for a finished batch:
      // a second job over a batch still queued or running (e.g. two retries at once) would race the first one.
      const retried = await store.retryBatch(ownerId, request.params.id);
      if (retried) return batchJson(retried);
      const batch = await store.getBatch(ownerId, request.params.id);
      if (!batch) throw notFound('Batch');
      throw new ApiProblem(400, `Batch is ${batch.status}; retry it once it is PROCESSED or FAILED`, { errorKey: 'batchInProgress', entityName: 'batch' });
    },
  );
};
