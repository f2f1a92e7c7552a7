import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

/**
 * A second app on the server's store, data and config (the same tokens work) whose every store call
 * first waits `delayMs`, as over a network to PostgreSQL or from a second API process: the reads and
 * writes of concurrent requests interleave. Against the store itself they never do, since SQLite in
 * this process answers at once and a handler runs to its end before the next request is read.
 */
export async function startSlowApp(server: TestServer, delayMs = 25): Promise<{ url: string; close(): Promise<void> }> {
  const slow = new Proxy(server.store, {
    get: (target, key, receiver) => {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await sleep(delayMs);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const app = await buildApp({ store: slow, blobs: server.blobs, config: server.config });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}
