import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { LastAdminError, type Owner } from '../../store/types.ts';
import { ownerOf, type AccessDeps } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { LoginThrottledError, throttleKeys } from '../login-throttle.ts';
import { HashingBusyError } from '../passwords.ts';
import { ApiProblem, badRequest, notFound, problemResponse, problemResponses, unauthorized } from '../problem.ts';
import { NewOwner, OwnerJson, OwnerParams, OwnerUpdate, PasswordChange, ownerJson } from './schemas.ts';

const tags = ['owners'];
const responses = { ...problemResponses, 403: problemResponse('Forbidden: only an administrator may do this') };

/** A unique violation on SQLite (better-sqlite3) or PostgreSQL (SQLSTATE 23505): the username is taken. */
function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

const lastAdmin = () => badRequest('At least one enabled administrator must remain: make another owner an administrator first', 'lastAdmin', 'owner');

/**
 * API owners, under /api/owners: an administrator creates, lists, disables, deletes owners and
 * sets their passwords; every owner reads itself and changes its own password (with the current
 * one). Another owner's id answers 404 to an owner that is not an administrator, as everything of
 * another owner does.
 */
export const ownerRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps; access: AccessDeps }> = async (app, { deps, access }) => {
  const { store } = deps;

  /** The caller as stored now (the token check has just read it through the cache). */
  async function caller(request: FastifyRequest): Promise<Owner> {
    const owner = await access.owners.get(ownerOf(request).id);
    if (!owner) throw unauthorized();
    return owner;
  }
  async function requireAdmin(request: FastifyRequest): Promise<Owner> {
    const owner = await caller(request);
    if (!owner.admin) throw new ApiProblem(403, 'Only an administrator may manage API owners');
    return owner;
  }
  /** The owner `id` if the caller may see it: itself, or anyone for an administrator. */
  async function visibleOwner(request: FastifyRequest, id: string): Promise<{ me: Owner; target: Owner }> {
    const me = await caller(request);
    const target = me.id === id ? me : me.admin ? await store.getOwner(id) : undefined;
    if (!target) throw notFound('Owner');
    return { me, target };
  }
  async function hashed(password: string): Promise<string> {
    try {
      return await access.hasher.hash(password);
    } catch (error) {
      if (error instanceof HashingBusyError) throw new ApiProblem(503, error.message);
      throw error;
    }
  }

  app.get('/owners', { schema: { tags, operationId: 'listOwners', summary: 'List API owners (administrators)', response: { 200: Type.Array(OwnerJson), ...responses } } }, async (request) => {
    await requireAdmin(request);
    return (await store.listOwners()).map(ownerJson);
  });

  app.post(
    '/owners',
    { schema: { tags, operationId: 'createOwner', summary: 'Create an API owner (administrators)', body: NewOwner, response: { 201: OwnerJson, ...responses } } },
    async (request, reply) => {
      await requireAdmin(request);
      const { username, password, admin } = request.body;
      let owner: Owner;
      try {
        owner = await store.createOwner(username, await hashed(password), { admin: admin === true });
      } catch (error) {
        if (isUniqueViolation(error)) throw badRequest(`The username "${username}" is taken`, 'userexists', 'owner');
        throw error;
      }
      reply.code(201).header('Location', `${request.url.split('?')[0]}/${owner.id}`);
      return ownerJson(owner);
    },
  );

  app.get('/owners/me', { schema: { tags, operationId: 'getCurrentOwner', summary: 'The API owner of the token', response: { 200: OwnerJson, ...responses } } }, async (request) =>
    ownerJson(await caller(request)),
  );

  app.get(
    '/owners/:id',
    { schema: { tags, operationId: 'getOwner', summary: 'Get an API owner (administrators; any owner for itself)', params: OwnerParams, response: { 200: OwnerJson, ...responses } } },
    async (request) => ownerJson((await visibleOwner(request, request.params.id)).target),
  );

  app.patch(
    '/owners/:id',
    {
      schema: {
        tags,
        operationId: 'updateOwner',
        summary: 'Disable, enable, promote or demote an API owner (administrators)',
        params: OwnerParams,
        body: OwnerUpdate,
        response: { 200: OwnerJson, ...responses },
      },
    },
    async (request) => {
      await requireAdmin(request);
      const { admin, disabled } = request.body;
      let owner: Owner | undefined;
      try {
        owner = await store.updateOwner(request.params.id, { admin, disabled });
      } catch (error) {
        if (error instanceof LastAdminError) throw lastAdmin();
        throw error;
      }
      access.owners.invalidate(request.params.id);
      if (!owner) throw notFound('Owner');
      return ownerJson(owner);
    },
  );

  app.put(
    '/owners/:id/password',
    {
      schema: {
        tags,
        operationId: 'changeOwnerPassword',
        summary: 'Change an API owner’s password (administrators; any owner its own, with the current one)',
        description: 'Every token of the owner issued before stops working (the caller’s own too when it changes its own password): authenticate again.',
        params: OwnerParams,
        body: PasswordChange,
        response: { 204: Type.Null({ description: 'changed' }), 429: problemResponse('Too many wrong current passwords; see Retry-After'), ...responses },
      },
    },
    async (request, reply) => {
      const { me, target } = await visibleOwner(request, request.params.id);
      const { password, currentPassword } = request.body;
      if (me.id === target.id) {
        if (currentPassword === undefined) throw badRequest('currentPassword is required to change your own password');
        // A stolen token must not become a way to guess the password: the same throttle as logins.
        let valid: boolean;
        try {
          valid = await access.throttle.attempt(throttleKeys(request.ip, me.username), () => access.hasher.verify(currentPassword, me.passwordHash));
        } catch (error) {
          if (error instanceof LoginThrottledError) {
            reply.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
            throw new ApiProblem(429, 'Too many wrong passwords; try again after Retry-After seconds');
          }
          if (error instanceof HashingBusyError) throw new ApiProblem(503, error.message);
          throw error;
        }
        if (!valid) throw badRequest('currentPassword is wrong', 'wrongPassword', 'owner');
      }
      const changed = await store.updateOwner(target.id, { passwordHash: await hashed(password) });
      access.owners.invalidate(target.id);
      if (!changed) throw notFound('Owner');
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/owners/:id',
    {
      schema: {
        tags,
        operationId: 'deleteOwner',
        summary: 'Delete an API owner with all its Leaf users, uploads, files and webhooks (administrators)',
        description: 'The stored uploads and outputs are purged by background jobs queued with the deletion. The last enabled administrator cannot be deleted.',
        params: OwnerParams,
        response: { 204: Type.Null({ description: 'deleted' }), ...responses },
      },
    },
    async (request, reply) => {
      await requireAdmin(request);
      let deleted: boolean;
      try {
        deleted = await store.deleteOwner(request.params.id);
      } catch (error) {
        if (error instanceof LastAdminError) throw lastAdmin();
        throw error;
      }
      access.owners.invalidate(request.params.id);
      if (!deleted) throw notFound('Owner');
      return reply.code(204).send(null);
    },
  );
};
