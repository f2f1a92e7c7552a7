import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/api/app.ts';
import { hashPassword } from '../../../src/api/passwords.ts';
import { loadConfig, resolveJwtSecret, type ResolvedConfig } from '../../../src/config.ts';
import { startWorker } from '../../../src/jobs/index.ts';
import { createLocalBlobStore } from '../../../src/store/local-blobs.ts';
import { createSqliteStore } from '../../../src/store/sqlite.ts';
import type { BlobStore, MetadataStore } from '../../../src/store/types.ts';
import { ApiClient } from './http.ts';

export interface TestServer {
  url: string;
  dir: string;
  app: FastifyInstance;
  store: MetadataStore;
  blobs: BlobStore;
  config: ResolvedConfig;
  /** Starts the conversion worker (when the server was started without it). */
  startWorker(): Promise<void>;
  /** An API owner with a logged-in client. */
  owner(username: string, password?: string): Promise<ApiClient>;
  close(): Promise<void>;
}

/**
 * The real app, store, blob store and (unless `worker: false`) worker in this process, on a
 * random port of 127.0.0.1 with a fresh data folder; `env` holds FURROW_* settings.
 */
export async function startServer(options: { env?: Record<string, string>; worker?: boolean } = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-api-'));
  const config = await resolveJwtSecret(loadConfig({ FURROW_DATA_DIR: dir, FURROW_WORKERS: '1', ...options.env }));
  const store = createSqliteStore(config.databasePath);
  await store.migrate();
  const blobs = createLocalBlobStore(config.blobRoot);
  const app = await buildApp({ store, blobs, config });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  let worker: { stop(): Promise<void> } | undefined;
  const server: TestServer = {
    url,
    dir,
    app,
    store,
    blobs,
    config,
    async startWorker() {
      worker ??= await startWorker({ store, blobs, config });
    },
    async owner(username, password = 'test-password') {
      if (!(await store.findOwnerByUsername(username))) await store.createOwner(username, await hashPassword(password));
      const client = new ApiClient(url);
      await client.login(username, password);
      return client;
    },
    async close() {
      await app.close();
      await worker?.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  if (options.worker !== false) await server.startWorker();
  return server;
}
