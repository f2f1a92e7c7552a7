import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ResolvedConfig } from '../config.ts';
import type { Owner } from '../store/types.ts';
import type { ApiDeps } from './deps.ts';
import { LoginThrottle, LoginThrottledError, throttleKeys } from './login-throttle.ts';
import { OwnerCache } from './owners/owner-cache.ts';
import { createPasswordHasher, HashingBusyError, UNKNOWN_USER_HASH, type PasswordHasher } from './passwords.ts';
import { ApiProblem, problemResponse, unauthorized } from './problem.ts';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    // `sub` is the username, as in JHipster's (and so Leaf's) tokens; `oid` saves a lookup by name;
    // `ver` is the owner's token version when signed: a new password or disabling bumps it (revocation).
    payload: { sub: string; oid: string; ver: number };
    user: { sub: string; oid: string; ver: number };
  }
}

const DAY_SECONDS = 24 * 60 * 60;

/** What logins and the token check share: the bounded hasher, the brute-force throttle and the owner cache. */
export interface AccessDeps {
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  owners: OwnerCache;
}

export function createAccess(deps: Pick<ApiDeps, 'store'> & { config: Pick<ResolvedConfig, 'login'> }): AccessDeps {
  const { login } = deps.config;
  return {
    hasher: createPasswordHasher({ concurrency: login.hashConcurrency, maxWaiting: login.hashQueue }),
    throttle: new LoginThrottle({ freeAttempts: login.freeAttempts, maxDelayMs: login.maxDelayMs }),
    owners: new OwnerCache(deps.store),
  };
}

const AuthenticateBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 256 }),
  // Bounded: scrypt's cost grows with the password's length.
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  // Leaf's docs send the string, its Postman collection a boolean.
  rememberMe: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false')])),
});

function retryAfter(reply: FastifyReply, ms: number): void {
  reply.header('Retry-After', String(Math.max(1, Math.ceil(ms / 1000))));
}

/** POST /api/authenticate: JHipster's login, answering `{"id_token"}` valid 24 h, or 30 days with rememberMe. */
export const authRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps; access: AccessDeps }> = async (app, { deps, access }) => {
  app.post(
    '/api/authenticate',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange an API owner username and password for a bearer token',
        description:
          'Failed logins are counted per client address and per username: after FURROW_LOGIN_FREE_ATTEMPTS failures each further one blocks that address or username for 1 s, 2 s, 4 s, … up to FURROW_LOGIN_MAX_DELAY_SECONDS (429 with Retry-After). 503 with Retry-After when too many logins wait for password hashing.',
        operationId: 'authenticate',
        security: [],
        body: AuthenticateBody,
        response: {
          200: Type.Object({ id_token: Type.String() }),
          400: problemResponse('Bad Request'),
          401: problemResponse('Bad credentials, or the owner is disabled'),
          429: problemResponse('Too many failed logins from this address or for this username; see Retry-After'),
          503: problemResponse('Too many logins waiting; see Retry-After'),
        },
      },
    },
    async (request, reply) => {
      const { username, password, rememberMe } = request.body;
      let owner: Owner | undefined;
      let valid: boolean;
      try {
        valid = await access.throttle.attempt(throttleKeys(request.ip, username), async () => {
          owner = await deps.store.findOwnerByUsername(username);
          // An unknown username costs one scrypt too, so response times do not reveal which usernames exist.
          return (await access.hasher.verify(password, owner?.passwordHash ?? UNKNOWN_USER_HASH)) && owner !== undefined;
        });
      } catch (error) {
        if (error instanceof LoginThrottledError) {
          retryAfter(reply, error.retryAfterMs);
          throw new ApiProblem(429, 'Too many failed logins from this address or for this username; try again after Retry-After seconds');
        }
        if (error instanceof HashingBusyError) {
          retryAfter(reply, 1000);
          throw new ApiProblem(503, error.message);
        }
        throw error;
      }
      if (!valid || !owner) throw unauthorized('Bad credentials');
      if (owner.disabled) throw unauthorized('This API owner is disabled');
      const remember = rememberMe === true || rememberMe === 'true';
      const token = app.jwt.sign({ sub: owner.username, oid: owner.id, ver: owner.tokenVersion }, { expiresIn: remember ? 30 * DAY_SECONDS : DAY_SECONDS });
      return { id_token: token };
    },
  );
};

export async function registerJwt(app: FastifyInstance, secret: string): Promise<void> {
  // A token without `exp` would be valid forever; without `ver` it could not be revoked.
  await app.register(fastifyJwt, { secret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'sub', 'oid', 'ver'] } });
}

/**
 * The onRequest hook of every protected route: a valid `Authorization: Bearer` token whose owner
 * still exists, is enabled and has not revoked it (same token version), or 401.
 */
export function tokenCheck(access: AccessDeps): (request: FastifyRequest) => Promise<void> {
  return async function requireToken(request) {
    if (!/^Bearer /i.test(request.headers.authorization ?? '')) throw unauthorized();
    try {
      await request.jwtVerify();
    } catch {
      throw unauthorized('The bearer token is invalid or expired; authenticate again');
    }
    const { oid, ver } = request.user;
    const owner = typeof oid === 'string' ? await access.owners.get(oid) : undefined;
    if (!owner || owner.disabled || owner.tokenVersion !== ver) throw unauthorized('The bearer token was revoked (owner deleted, disabled or its password changed); authenticate again');
  };
}

/** The API owner making the request. */
export function ownerOf(request: FastifyRequest): { id: string; username: string } {
  return { id: request.user.oid, username: request.user.sub };
}
