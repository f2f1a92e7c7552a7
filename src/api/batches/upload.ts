import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { PROVIDERS, type Batch, type Provider } from '../../store/types.ts';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { ApiProblem, badRequest, notFound } from '../problem.ts';
import { UploadGuard } from './upload-guard.ts';
import { batchBlobPrefix, uploadKey } from '../../store/blob-keys.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELDS = ['leafUserId', 'provider'] as const;
type FieldName = (typeof FIELDS)[number];
type UploadParams = Partial<Record<FieldName, string>>;

/** What @fastify/multipart's limits mean for this route, said to the client. */
const LIMIT_MESSAGES: Record<string, string> = {
  FST_FILES_LIMIT: 'Send one file: a second file part is refused',
  FST_FIELDS_LIMIT: 'Too many form fields: only leafUserId and provider are read',
  FST_PARTS_LIMIT: 'Too many parts in the multipart body',
  FST_PROTO_VIOLATION: 'A form field name is not allowed',
};

/**
 * Reads a `POST /batch` multipart body: the form fields `leafUserId` and `provider` (optional,
 * before the file), the zip in the part `file`, streamed into the blob store, then the end of the
 * body, which must hold nothing else. Anything wrong with the body (no boundary, garbage, a part
 * cut short by a client abort, a second file, fields we do not read) is the client's: 400, and
 * nothing is kept. A refused request whose body is not read to its end also closes its connection
 * once answered: its unread bytes are never read, and no keep-alive holds a stopping server.
 */
export async function receiveBatch(request: FastifyRequest, reply: FastifyReply, query: UploadParams, deps: ApiDeps): Promise<Batch> {
  try {
    return await readUpload(request, query, deps);
  } catch (error) {
    if (!request.raw.complete) reply.header('Connection', 'close');
    throw error;
  }
}

async function readUpload(request: FastifyRequest, query: UploadParams, deps: ApiDeps): Promise<Batch> {
  const fields: UploadParams = {};
  const parts = request.parts()[Symbol.asyncIterator]();
  for (let part = await nextPart(parts); part; part = await nextPart(parts)) {
    if (part.type === 'field') {
      const name = part.fieldname;
      if (!(FIELDS as readonly string[]).includes(name)) throw badRequest(`Unexpected form field "${name}": only leafUserId and provider are read, before the file`);
      if (fields[name as FieldName] !== undefined) throw badRequest(`The form field "${name}" is given twice`);
      if (typeof part.value !== 'string') throw badRequest(`The form field "${name}" must be text`);
      fields[name as FieldName] = part.value.trim();
      continue;
    }
    if (part.fieldname !== 'file') throw badRequest(`Unexpected file part "${part.fieldname}": send the zip in the part named "file"`);
    const params = mergeParams(query, fields);
    const stored = await storeUpload(request, part, params, deps);
    try {
      // Nothing may follow the file: a second file or more fields would be dropped unread.
      const extra = await nextPart(parts);
      if (extra) {
        if (extra.type === 'file') throw badRequest(`Send one file: a second file part ("${extra.fieldname}") is refused`);
        throw badRequest(`Unexpected form field "${extra.fieldname}" after the file: send form fields before the file part`);
      }
    } catch (error) {
      await removeUpload(request, deps, stored.id);
      throw error;
    }
    return deps.store.createBatchWithJob(stored);
  }
  throw badRequest('No file: send the zip as the multipart part "file"');
}

/** The next part, with the parser's errors (no boundary, malformed headers, cut short) as the client's 400. */
async function nextPart(parts: AsyncIterator<Multipart>): Promise<Multipart | undefined> {
  try {
    const { value, done } = await parts.next();
    return done ? undefined : value;
  } catch (error) {
    throw asClientError(error);
  }
}

function asClientError(error: unknown): Error {
  if (error instanceof ApiProblem) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && LIMIT_MESSAGES[code]) return badRequest(LIMIT_MESSAGES[code]);
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return badRequest('The request is not multipart/form-data');
  // busboy's own messages ("Multipart: Boundary not found", "Unexpected end of form", "Malformed part header") name the fault and nothing of the server.
  return badRequest(`The multipart body is malformed: ${(error as Error).message ?? String(error)}`);
}

function mergeParams(query: UploadParams, fields: UploadParams): UploadParams {
  const params: UploadParams = {};
  for (const name of FIELDS) {
    const fromQuery = query[name];
    const fromForm = fields[name];
    if (fromQuery !== undefined && fromForm !== undefined && fromQuery !== fromForm) throw badRequest(`${name} is given twice with different values (query "${fromQuery}", form "${fromForm}")`);
    params[name] = fromQuery ?? fromForm;
  }
  return params;
}

async function removeUpload(request: FastifyRequest, deps: ApiDeps, id: string): Promise<void> {
  await deps.blobs.delete(`${batchBlobPrefix(id)}/`).catch((cleanup: unknown) => request.log.warn({ err: cleanup }, 'could not remove a refused upload'));
}

/** Streams the file into the blob store and returns the batch to create (not yet written). */
async function storeUpload(request: FastifyRequest, part: MultipartFile, params: UploadParams, deps: ApiDeps): Promise<Batch> {
  const owner = ownerOf(request);
  const { leafUserId } = params;
  if (!leafUserId) throw badRequest('leafUserId is required: pass it as a query parameter, or as a form field before the file');
  if (!UUID.test(leafUserId)) throw badRequest(`leafUserId "${leafUserId}" is not a UUID`);
  const provider = (params.provider ?? 'Other') as Provider;
  if (!PROVIDERS.includes(provider)) throw badRequest(`provider must be one of ${PROVIDERS.join(', ')}`);
  if (!(await deps.store.getUser(owner.id, leafUserId))) throw notFound('Leaf user');

  const id = randomUUID();
  const key = uploadKey(id);
  const guard = new UploadGuard(deps.config.maxUploadBytes);
  // What went wrong on the client's side of the stream: the file part ended early or the request was aborted.
  let sourceError: Error | undefined;
  part.file.once('error', (error: Error) => (sourceError ??= error));
  // pipeline() carries an aborted or broken upload into the guard, and so into put().
  pipeline(part.file, guard, () => {});
  let size: number;
  try {
    size = await deps.blobs.put(key, guard, { maxBytes: deps.config.maxUploadBytes });
  } catch (error) {
    await removeUpload(request, deps, id);
    if (guard.rejection?.reason === 'notZip') throw badRequest('The upload is not a zip file');
    if (guard.rejection?.reason === 'tooLarge' || part.file.truncated) throw badRequest(`The upload is larger than the limit of ${deps.config.maxUploadBytes} bytes`);
    if (sourceError || request.raw.destroyed) throw badRequest(`The upload was cut short before its end (${sourceError?.message ?? 'connection closed'}); nothing was kept`);
    throw error;
  }
  const now = new Date().toISOString();
  // The batch and its conversion job are written in one transaction by the caller: a crash cannot leave a batch RECEIVED forever.
  return {
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
    failureCount: 0,
  };
}
