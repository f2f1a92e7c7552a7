import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { FURROW_VERSION } from '../version.ts';
import { baseUrl } from './urls.ts';

/** OpenAPI 3 built from the route schemas (the same ones that validate), served at /openapi.json and browsable at /docs. Must be registered before the routes. */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Furrow',
        version: FURROW_VERSION,
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
        description: 'Machine-file conversion API compatible with Leaf Agriculture’s operations, user-management and alerts APIs.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearerAuth: [] }],
    },
    // Components named after the schemas' $id ("Problem") rather than def-0.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  // The server is named as the client reached it (X-Forwarded-* behind a trusted proxy), so that generated clients and /docs call it there.
  app.get('/openapi.json', { schema: { hide: true } }, async (request) => ({ ...app.swagger(), servers: [{ url: baseUrl(request), description: 'this Furrow server' }] }));
}
