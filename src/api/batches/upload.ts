import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { PROVIDERS, type Batch, type Provider } from '../../store/types.ts';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { badRequest, notFound } from '../problem.ts';
import { UploadGuard } from './upload-guard.ts';
import { batchBlobPrefix, uploadKey } from '../../store/blob-keys.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface UploadParams {
  leafUserId?: string;
  provider?: string;
}

/**
 * Reads a `POST /batch` multipart body: form fields up to the `file` part, then the file itself,
 * streamed into the blob store. Fields after the file are never read: the file has to be stored
 * before them, and Leaf's clients send `leafUserId` and `provider` as query parameters anyway.
 */
export async function receiveBatch(request: FastifyRequest, reply: FastifyReply, query: UploadParams, deps: ApiDeps): Promise<Batch> {
  const fields: UploadParams = {};
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if ((part.fieldname === 'leafUserId' || part.fieldname === 'provider') && typeof part.value === 'string') fields[part.fieldname] = part.value.trim();
      continue;
    }
    if (part.fieldname !== 'file') throw badRequest(`Unexpected file part "${part.fieldname}": send the zip in the part named "file"`);
    return storeUpload(request, reply, part, { leafUserId: query.leafUserId ?? fields.leafUserId, provider: query.provider ?? fields.provider }, deps);
  }
  throw badRequest('No file: send the zip as the multipart part "file"');
}

async function storeUpload(request: FastifyRequest, reply: FastifyReply, part: MultipartFile, params: UploadParams, deps: ApiDeps): Promise<Batch> {
  // Refusing before the file is read: stop reading the socket and close it after the answer instead of receiving gigabytes for nothing.
  const refuse = (error: Error) => {
    reply.header('Connection', 'close');
    return error;
  };
  const owner = ownerOf(request);
  const { leafUserId } = params;
  if (!leafUserId) throw refuse(badRequest('leafUserId is required: pass it as a query parameter, or as a form field before the file'));
  if (!UUID.test(leafUserId)) throw refuse(badRequest(`leafUserId "${leafUserId}" is not a UUID`));
  const provider = (params.provider ?? 'Other') as Provider;
  if (!PROVIDERS.includes(provider)) throw refuse(badRequest(`provider must be one of ${PROVIDERS.join(', ')}`));
  if (!(await deps.store.getUser(owner.id, leafUserId))) throw refuse(notFound('Leaf user'));

  const id = randomUUID();
  const key = uploadKey(id);
  const guard = new UploadGuard(deps.config.maxUploadBytes);
  // pipeline() carries an aborted or broken upload into the guard, and so into put().
  pipeline(part.file, guard, () => {});
  let size: number;
  try {
    size = await deps.blobs.put(key, guard, { maxBytes: deps.config.maxUploadBytes });
  } catch (error) {
    await deps.blobs.delete(`${batchBlobPrefix(id)}/`).catch((cleanup: unknown) => request.log.warn({ err: cleanup }, 'could not remove a refused upload'));
    if (guard.rejection?.reason === 'notZip') throw refuse(badRequest('The upload is not a zip file'));
    if (guard.rejection?.reason === 'tooLarge' || part.file.truncated) throw refuse(badRequest(`The upload is larger than the limit of ${deps.config.maxUploadBytes} bytes`));
    throw error;
  }
  const now = new Date().toISOString();
  // The batch and its conversion job in one transaction: a crash cannot leave a batch RECEIVED forever.
  return deps.store.createBatchWithJob({
    id,
    ownerId: owner.id,
    leafUserId,
    fileName: part.filename || 'upload.zip',
    size,
    provider,
    status: 'RECEIVED',
    statusDetails: null,
    uploadTimestamp: now,
    updatedTime: now,
    blobKey: key,
    failures: [],
  });
}
