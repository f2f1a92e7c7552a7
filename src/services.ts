import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.ts';
import { createLocalBlobStore } from './store/local-blobs.ts';
import { createPostgresStore } from './store/postgres.ts';
import { createS3BlobStore } from './store/s3-blobs.ts';
import { createSqliteStore } from './store/sqlite.ts';
import type { BlobStore, MetadataStore } from './store/types.ts';

export interface Services {
  store: MetadataStore;
  blobs: BlobStore;
  close(): Promise<void>;
}

/**
 * The stores the configuration names: SQLite + a local folder by default (embedded mode), or
 * PostgreSQL and S3 (scale-out mode; the queue, BullMQ on Redis, is the worker's business).
 * Migrations run here, so every process, API or worker, finds the schema it expects.
 */
export async function openServices(config: Config): Promise<Services> {
  await mkdir(config.dataDir, { recursive: true });
  const store = config.database.kind === 'postgres' ? createPostgresStore(config.database.url) : createSqliteStore(config.database.path);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  const blobs = config.blobs.kind === 's3' ? createS3BlobStore(config.blobs, { cacheDir: join(config.dataDir, 'blob-cache') }) : createLocalBlobStore(config.blobs.root);
  return { store, blobs, close: () => store.close() };
}
