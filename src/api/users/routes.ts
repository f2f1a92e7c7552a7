import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { PagingQuery, paging, setPageHeaders } from '../paging.ts';
import { badRequest, notFound, problemResponses } from '../problem.ts';
import { NewUser, User, UserId, UserListQuery, UserUpdate, credentialsOf, userJson } from './schemas.ts';

const tags = ['users'];

/** Leaf users (growers) of the calling API owner, under /services/usermanagement/api. */
export const userRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { store } = deps;

  app.get(
    '/users',
    { schema: { tags, operationId: 'listUsers', summary: 'List Leaf users', querystring: Type.Object({ ...UserListQuery, ...PagingQuery }), response: { 200: Type.Array(User), ...problemResponses } } },
    async (request, reply) => {
      const { page, size } = paging(request.query);
      const { email, name, externalId } = request.query;
      const { items, total } = await store.listUsers(ownerOf(request).id, { email, name, externalId, page, size });
      setPageHeaders(request, reply, page, size, total);
      return items.map(userJson);
    },
  );

  app.get(
    '/users/:id',
    { schema: { tags, operationId: 'getUser', summary: 'Get a Leaf user', params: Type.Object({ id: UserId }), response: { 200: User, ...problemResponses } } },
    async (request) => {
      const user = await store.getUser(ownerOf(request).id, request.params.id);
      if (!user) throw notFound('Leaf user');
      return userJson(user);
    },
  );

  app.post(
    '/users',
    { schema: { tags, operationId: 'createUser', summary: 'Create a Leaf user', body: NewUser, response: { 201: User, ...problemResponses } } },
    async (request, reply) => {
      // JHipster refuses a client-chosen id on create; removeAdditional would drop it silently otherwise.
      if ('id' in (request.body as object)) throw badRequest('A new Leaf user cannot already have an id', 'idexists', 'leafUser');
      const body = request.body;
      const user = await store.createUser({
        ownerId: ownerOf(request).id,
        name: body.name ?? null,
        email: body.email ?? null,
        phone: body.phone ?? null,
        address: body.address ?? null,
        externalId: body.externalId ?? null,
        credentials: credentialsOf(body),
      });
      reply.code(201).header('Location', `${request.url.split('?')[0]}/${user.id}`);
      return userJson(user);
    },
  );

  app.put(
    '/users',
    { schema: { tags, operationId: 'replaceUser', summary: 'Replace a Leaf user (body carries the id)', body: UserUpdate, response: { 200: User, ...problemResponses } } },
    async (request) => {
      const body = request.body;
      const existing = await store.getUser(ownerOf(request).id, body.id);
      if (!existing) throw notFound('Leaf user');
      const replaced = await store.replaceUser({
        ...existing,
        name: body.name ?? null,
        email: body.email ?? null,
        phone: body.phone ?? null,
        address: body.address ?? null,
        externalId: body.externalId ?? null,
        credentials: credentialsOf(body),
      });
      if (!replaced) throw notFound('Leaf user');
      return userJson(replaced);
    },
  );

  app.delete(
    '/users/:id',
    { schema: { tags, operationId: 'deleteUser', summary: 'Delete a Leaf user', params: Type.Object({ id: UserId }), response: { 204: Type.Null({ description: 'deleted' }), ...problemResponses } } },
    async (request, reply) => {
      if (!(await store.deleteUser(ownerOf(request).id, request.params.id))) throw notFound('Leaf user');
      return reply.code(204).send(null);
    },
  );
};
