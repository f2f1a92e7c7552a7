import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiDeps } from './deps.ts';
import { UNKNOWN_USER_HASH, verifyPassword } from './passwords.ts';
import { problemResponse, unauthorized } from './problem.ts';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    // `sub` is the username, as in JHipster's (and so Leaf's) tokens; `oid` saves a lookup per request.
    payload: { sub: string; oid: string };
    user: { sub: string; oid: string };
  }
}

const DAY_SECONDS = 24 * 60 * 60;

const AuthenticateBody = Type.Object({
  username: Type.String({ minLength: 1 }),
  password: Type.String({ minLength: 1 }),
  // Leaf's docs send the string, its Postman collection a boolean.
  rememberMe: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false')])),
});

/** POST /api/authenticate: JHipster's login, answering `{"id_token"}` valid 24 h, or 30 days with rememberMe. */
export const authRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.post(
    '/api/authenticate',
    {
      schema: {
        tags: ['auth'],
        operationId: 'authenticate', summary: 'Exchange an API owner username and password for a bearer token',
        security: [],
        body: AuthenticateBody,
        response: { 200: Type.Object({ id_token: Type.String() }), 400: problemResponse('Bad Request'), 401: problemResponse('Bad credentials') },
      },
    },
    async (request) => {
      const { username, password, rememberMe } = request.body;
      const owner = await deps.store.findOwnerByUsername(username);
      // An unknown username costs one scrypt too, so response times do not reveal which usernames exist.
      const valid = await verifyPassword(password, owner?.passwordHash ?? UNKNOWN_USER_HASH);
      if (!owner || !valid) throw unauthorized('Bad credentials');
      const remember = rememberMe === true || rememberMe === 'true';
      const token = app.jwt.sign({ sub: owner.username, oid: owner.id }, { expiresIn: remember ? 30 * DAY_SECONDS : DAY_SECONDS });
      return { id_token: token };
    },
  );
};

export async function registerJwt(app: FastifyInstance, secret: string): Promise<void> {
  await app.register(fastifyJwt, { secret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });
}

/** onRequest hook of every protected route: a valid `Authorization: Bearer` token or 401. */
export async function requireToken(request: FastifyRequest): Promise<void> {
  if (!/^Bearer /i.test(request.headers.authorization ?? '')) throw unauthorized();
  try {
    await request.jwtVerify();
  } catch {
    throw unauthorized('The bearer token is invalid or expired; authenticate again');
  }
}

/** The API owner making the request. */
export function ownerOf(request: FastifyRequest): { id: string; username: string } {
  return { id: request.user.oid, username: request.user.sub };
}
