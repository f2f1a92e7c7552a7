import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createConvertPool, type ConvertPool } from '../../../src/jobs/convert-pool.ts';
import type { JobHandler } from '../../../src/jobs/runner.ts';
import { createLocalBlobStore } from '../../../src/store/local-blobs.ts';
import { createSqliteStore } from '../../../src/store/sqlite.ts';
import type { Batch, BlobStore, JobKind, LeafUser, MetadataStore, Owner, WebhookEvent } from '../../../src/store/types.ts';
import { WEBHOOK_EVENTS } from '../../../src/store/types.ts';
import { batchRecord, ownerWithUser } from '../../store/helpers/records.ts';
import { jobRows } from '../../store/helpers/jobs-table.ts';
import { withTempDir } from '../../helpers/temp.ts';

/** A data folder with a real SQLite store, blob store and conversion pool, and one owner with a Leaf user. */
export interface JobsEnv {
  dir: string;
  dbPath: string;
  store: MetadataStore;
  blobs: BlobStore;
  pool: ConvertPool;
  owner: Owner;
  user: LeafUser;
  close(): Promise<void>;
}

export async function jobsEnv(dir: string): Promise<JobsEnv> {
  const dbPath = join(dir, 'furrow.db');
  const store = createSqliteStore(dbPath);
  await store.migrate();
  const blobs = createLocalBlobStore(join(dir, 'blobs'));
  const pool = createConvertPool(1);
  const { owner, user } = await ownerWithUser(store, 'grower-co');
  return {
    dir,
    dbPath,
    store,
    blobs,
    pool,
    owner,
    user,
    async close() {
      await pool.close();
      await store.close();
    },
  };
}

/** What the API does on POST /batch: the zip into the blob store, then the batch record. */
/** Runs `fn` with a fresh environment in a temporary folder, closed and removed afterwards. */
export async function withJobsEnv(fn: (env: JobsEnv) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const env = await jobsEnv(dir);
    try {
      await fn(env);
    } finally {
      await env.close();
    }
  });
}

export async function uploadBatch(env: JobsEnv, zip: string | Buffer, changes: Partial<Batch> = {}): Promise<Batch> {
  const id = randomUUID();
  const blobKey = `batches/${id}/upload.zip`;
  const size = await env.blobs.put(blobKey, typeof zip === 'string' ? createReadStream(zip) : Readable.from([zip]));
  return env.store.createBatch(batchRecord(env.owner.id, env.user.id, { id, blobKey, size, ...changes }));
}

/** Enqueues, claims and runs one job with `handler`, as the worker loop would. */
export async function runJob(env: JobsEnv, handler: JobHandler, kind: JobKind, payload: Record<string, unknown>): Promise<void> {
  await env.store.enqueue(kind, payload);
  const job = await env.store.claimJob([kind], 60_000);
  if (!job) throw new Error('no job to claim');
  await handler.run(job, new AbortController().signal);
  await env.store.completeJob(job.id, job.attempts);
}

/** A webhook subscribed to every event, so that each emitted event leaves a deliverWebhook job. */
export async function subscribeAll(env: JobsEnv): Promise<void> {
  await env.store.createWebhook({ id: randomUUID(), ownerId: env.owner.id, name: 'all', url: 'http://127.0.0.1:9/', secret: 's', events: [...WEBHOOK_EVENTS], createdTime: new Date().toISOString() });
}

/** Events queued for delivery so far, oldest first, with their parsed bodies. */
export function queuedEvents(env: JobsEnv): { event: WebhookEvent; body: Record<string, unknown> }[] {
  return jobRows(env.dbPath)
    .filter((j) => j.kind === 'deliverWebhook')
    .map((j) => JSON.parse(j.payload) as { event: WebhookEvent; body: string })
    .map((p) => ({ event: p.event, body: JSON.parse(p.body) as Record<string, unknown> }));
}
