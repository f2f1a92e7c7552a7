import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { baseUrl } from './urls.ts';

/** Leaf's (Spring Data's) paging parameters: 0-based page, size 20 by default and at most 100. */
export const PagingQuery = {
  page: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: '0-based page number' })),
  size: Type.Optional(Type.Integer({ minimum: 1, default: 20, description: 'page size; values above 100 are read as 100' })),
};

export const MAX_PAGE_SIZE = 100;

export function paging(query: { page?: number; size?: number }): { page: number; size: number } {
  // Spring Data clamps an oversized page instead of refusing it; Leaf clients may rely on that.
  return { page: query.page ?? 0, size: Math.min(query.size ?? 20, MAX_PAGE_SIZE) };
}

/**
 * Sets `X-Total-Count` and an RFC 5988 `Link` header (rel next/prev/last/first, as JHipster's
 * PaginationUtil does), keeping every other query parameter of the request.
 */
export function setPageHeaders(request: FastifyRequest, reply: FastifyReply, page: number, size: number, total: number): void {
  const url = new URL(request.url, baseUrl(request));
  const lastPage = Math.max(0, Math.ceil(total / size) - 1);
  const link = (p: number, rel: string) => {
    url.searchParams.set('page', String(p));
    url.searchParams.set('size', String(size));
    return `<${url.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < lastPage) links.push(link(page + 1, 'next'));
  if (page > 0) links.push(link(Math.min(page - 1, lastPage), 'prev'));
  links.push(link(lastPage, 'last'), link(0, 'first'));
  reply.header('X-Total-Count', String(total));
  reply.header('Link', links.join(','));
}
