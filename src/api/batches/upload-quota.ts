import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { ApiProblem } from '../problem.ts';

/*
 * What one API owner's uploads may cost before the service says "later" (429 with Retry-After):
 * a number of uploads per minute (per API process, @fastify/rate-limit), and a number of uploads
 * not yet converted (in the database, so every API process agrees). Both are checked before the
 * body is read: a refused upload is not received for nothing.
 */

/** How long a client over its quota of unfinished uploads is asked to wait; conversions finish in seconds to minutes. */
const QUOTA_RETRY_SECONDS = 60;

export function uploadRateLimit(perMinute: number): RateLimitOptions {
  return {
    max: perMinute,
    timeWindow: 60_000,
    // After the token check (onRequest): the owner is known.
    hook: 'preHandler',
    keyGenerator: (request) => ownerOf(request).id,
    errorResponseBuilder: (_request, context) =>
      new ApiProblem(429, `Too many uploads: an account may send ${context.max} per minute (FURROW_UPLOADS_PER_MINUTE); retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`, {
        errorKey: 'uploadRateLimited',
        entityName: 'batch',
      }),
  };
}

/** A refused upload's body is never read: stop reading the socket and close it after the answer instead of receiving gigabytes for nothing. */
export function closeRefusedUpload(request: FastifyRequest, reply: FastifyReply, error: Error, done: () => void): void {
  if (error instanceof ApiProblem && error.status === 429) reply.header('Connection', 'close');
  done();
}

export async function refuseOverQuota(request: FastifyRequest, reply: FastifyReply, deps: ApiDeps): Promise<void> {
  const limit = deps.config.uploads.maxUnfinished;
  const unfinished = await deps.store.countUnfinishedBatches(ownerOf(request).id);
  if (unfinished < limit) return;
  reply.header('Retry-After', String(QUOTA_RETRY_SECONDS));
  throw new ApiProblem(429, `Too many uploads in progress: this account has ${unfinished} uploads not yet processed, and at most ${limit} may wait (FURROW_MAX_UNFINISHED_UPLOADS); send more once some have finished`, {
    errorKey: 'uploadQuotaExceeded',
    entityName: 'batch',
  });
}
