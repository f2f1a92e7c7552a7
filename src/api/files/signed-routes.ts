import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiDeps } from '../deps.ts';
import { ApiProblem, notFound, problemResponse } from '../problem.ts';
import type { LinkSigner } from '../signed-links.ts';
import { DownloadParams, ImageName, downloadResponses, imageResponse, sendDownload, sendImage } from './downloads.ts';
import { fileLinkScope } from './entry.ts';
import { FileParams } from './schemas.ts';

const Grant = {
  expires: Type.String({ pattern: '^\\d{1,12}$', description: 'Unix time (seconds) the link expires at' }),
  signature: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'base64url HMAC-SHA256 of the file’s path prefix and the expiry' }),
};

const signedResponses = {
  403: problemResponse('Forbidden: the link was altered or has expired; read the file entry again for a fresh one'),
  404: problemResponse('Not Found: the file (or this output of it) no longer exists'),
};

/**
 * The plain links of file entries and image lists (`standardGeojson`, image `url`, …): the same
 * bytes as the bearer-protected routes, opened with the signature in the path instead of a token
 * (signed-links.ts), so browsers, `<img>` tags and GDAL open them as they open Leaf's. Registered
 * outside the token check. A link names its file by id and grants nothing about any other file.
 */
export const signedFileRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps; signer: LinkSigner }> = async (app, { deps, signer }) => {
  async function granted(params: { id: string; expires: string; signature: string }) {
    const check = signer.check(fileLinkScope(params.id), params.expires, params.signature);
    if (check === 'tampered') throw new ApiProblem(403, 'This link is not valid: it was altered or signed by another server', { errorKey: 'invalidSignature', entityName: 'file' });
    if (check === 'expired') throw new ApiProblem(403, 'This link has expired; read the file entry (or its images) again for a fresh one', { errorKey: 'linkExpired', entityName: 'file' });
    // The signature was issued for the owner of this file, so the file is looked up by id alone.
    const file = await deps.store.findFile(params.id);
    if (!file) throw notFound('File');
    return file;
  }

  app.get(
    '/files/:id/signed/:expires/:signature/:what',
    {
      schema: {
        tags: ['files'],
        operationId: 'openSignedFileOutput',
        summary: 'An output by signed link (no token): the plain links of a file entry',
        security: [],
        params: Type.Object({ ...DownloadParams.properties, ...Grant }),
        response: { ...downloadResponses, ...signedResponses },
      },
    },
    async (request, reply) => sendDownload(deps, request, reply, await granted(request.params), request.params.what),
  );

  app.get(
    '/files/:id/signed/:expires/:signature/images/:name',
    {
      schema: {
        tags: ['files'],
        operationId: 'openSignedFileImage',
        summary: 'A PNG map or its .aux.xml by signed link (no token): the `url` of GET /files/{id}/images',
        security: [],
        params: Type.Object({ id: FileParams.properties.id, ...Grant, name: ImageName }),
        response: { 200: imageResponse, ...signedResponses },
      },
    },
    async (request, reply) => sendImage(deps, reply, await granted(request.params), request.params.name),
  );
};
