import type { FastifyRequest } from 'fastify';

/**
 * The scheme and host the client used, so that links in responses work from where the client
 * stands (X-Forwarded-* only count when FURROW_TRUST_PROXY is on, through fastify's trustProxy).
 */
export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
