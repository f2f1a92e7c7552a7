import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/api/app.ts';
import { hashPassword } from '../../../src/api/passwords.ts';
import { loadConfig, resolveJwtSecret, type ResolvedConfig } from '../../../src/config.ts';
import { startWorker } from '../../../src/jobs/index.ts';
import { openServices } from '../../../src/services.ts';
import { createTestDatabase, TEST_POSTGRES_URL } from '../../helpers/postgres.ts';
import { TEST_REDIS_URL, testQueuePrefix } from '../../helpers/redis.ts';
import { startTestS3 } from '../../helpers/s3.ts';
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
 * FURROW_TEST_SCALE_OUT=1 runs the API tests in the scale-out mode: PostgreSQL (a database per
 * server), BullMQ on Redis (a queue prefix per server) and S3 (a key prefix per server), started
 * by `.ci/run`. Tests that read the embedded mode's files directly skip themselves then.
 */
export const SCALE_OUT = process.env.FURROW_TEST_SCALE_OUT === '1';
/** For tests that look inside the embedded store (the SQLite file, the blob folder). */
export const EMBEDDED_ONLY = SCALE_OUT ? 'reads the embedded mode\'s SQLite file or blob folder directly' : false;

/** Settings of a scale-out test server, and what to remove afterwards. */
async function scaleOutEnv(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  if (!TEST_POSTGRES_URL || !TEST_REDIS_URL) throw new Error('FURROW_TEST_SCALE_OUT=1 needs FURROW_TEST_POSTGRES_URL and FURROW_TEST_REDIS_URL');
  const database = await createTestDatabase();
  const s3 = await startTestS3();
  return {
    env: {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      FURROW_QUEUE_PREFIX: testQueuePrefix(),
      BLOB_URL: `s3://${s3.location.bucket}/${s3.location.prefix}`,
      FURROW_S3_ENDPOINT: s3.location.endpoint!,
      FURROW_JWT_SECRET: 'scale-out-test-secret-that-is-long-enough-for-hs256',
    },
    async cleanup() {
      await s3.close();
      await database.drop();
    },
  };
}

/**
 * The real app, store, blob store and (unless `worker: false`) worker in this process, on a
 * random port of 127.0.0.1 with a fresh data folder; `env` holds FURROW_* settings.
 */
export async function startServer(options: { env?: Record<string, string>; worker?: boolean } = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-api-'));
  const scaleOut = SCALE_OUT ? await scaleOutEnv() : undefined;
  const config = await resolveJwtSecret(loadConfig({ FURROW_DATA_DIR: dir, FURROW_WORKERS: '1', ...scaleOut?.env, ...options.env }));
  const services = await openServices(config);
  const { store, blobs } = services;
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
      await services.close();
      await scaleOut?.cleanup();
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
