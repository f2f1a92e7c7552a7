import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { confirmRegistration } from '../alerts/index.ts';
import type { ResolvedConfig } from '../config.ts';
import type { BlobStore, MetadataStore } from '../store/types.ts';
import { alertRoutes } from './alerts/routes.ts';
import { authRoutes, createAccess, registerJwt, tokenCheck } from './auth.ts';
import { batchRoutes } from './batches/routes.ts';
import type { ApiDeps } from './deps.ts';
import { registerDocs } from './docs.ts';
import { fileRoutes } from './files/routes.ts';
import { signedFileRoutes } from './files/signed-routes.ts';
import { installJsonParser } from './json-body.ts';
import { createLinkSigner } from './signed-links.ts';
import { healthRoutes } from './health.ts';
import { ownerRoutes } from './owners/routes.ts';
import { installErrorHandlers } from './problem.ts';
import { userRoutes } from './users/routes.ts';
import { webRoutes } from './web.ts';

export interface BuildAppOptions {
  store: MetadataStore;
  blobs: BlobStore;
  config: ResolvedConfig;
  /** Defaults to Leaf's confirmation call to the new webhook's URL. */
  confirmWebhook?: ApiDeps['confirmWebhook'];
  /** Pino logging (off in tests). */
  logger?: boolean;
}

/** The HTTP API: Leaf-compatible paths under /api and /services, plus /health, /openapi.json and /docs. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { store, blobs, config } = options;
  const deps: ApiDeps = {
    store,
    blobs,
    config,
    confirmWebhook: options.confirmWebhook ?? ((webhook) => confirmRegistration(webhook)),
  };
  const signer = createLinkSigner(config.jwtSecret, config.linkSeconds);
  const app = Fastify({
    logger: options.logger ? { level: config.logLevel } : false,
    trustProxy: config.trustProxy,
    // Uploads stream through multipart; JSON bodies are small.
    bodyLimit: 1024 * 1024,
    // On close: idle keep-alive connections are closed at once and new requests get 503 (closeWhenDone in cli/serve.ts bounds the rest).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Leaf clients write `/files/` and `/batch/` as often as `/files` (Spring answers both).
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const access = createAccess(deps);

  installErrorHandlers(app);
  installJsonParser(app);
  await registerDocs(app);
  await registerJwt(app, config.jwtSecret);
  await app.register(healthRoutes);
  await app.register(webRoutes, { deps });
  await app.register(authRoutes, { deps, access });
  await app.register(signedFileRoutes, { deps, signer, prefix: '/services/operations/api' });
  await app.register(async (secured) => {
    secured.addHook('onRequest', tokenCheck(access));
    await secured.register(ownerRoutes, { deps, access, prefix: '/api' });
    await secured.register(userRoutes, { deps, prefix: '/services/usermanagement/api' });
    await secured.register(batchRoutes, { deps, prefix: '/services/operations/api' });
    await secured.register(fileRoutes, { deps, signer, prefix: '/services/operations/api' });
    await secured.register(alertRoutes, { deps, prefix: '/services/alerts/api/alerts' });
  });
  await app.ready();
  return app;
}
