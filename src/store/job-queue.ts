import type { Kysely } from 'kysely';
import { orderedId } from './ordered-id.ts';
import { isoTime, jobFromRow, jobPayloadToText } from './rows.ts';
import type { Database } from './schema.ts';
import type { Job, JobKind } from './types.ts';

/*
 * The durable job queue over the `jobs` table. A claim is one UPDATE of the row picked by a
 * sub-select, an atomic transaction of its own: on SQLite the statement takes the write lock
 * before it reads, so two processes cannot pick the same row; on PostgreSQL the sub-select gets
 * `FOR UPDATE SKIP LOCKED` (the only dialect-specific part): concurrent claims lock different rows
 * instead of waiting on, then re-checking, the same one.
 */

export type Dialect = 'sqlite' | 'postgres';

function later(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/** Queues a job; `db` may be a transaction, so that a record and the job that goes with it are written together. */
export async function enqueue(db: Kysely<Database>, kind: JobKind, payload: Record<string, unknown>, runAfter?: string): Promise<Job> {
  const now = new Date().toISOString();
  const row = {
    id: orderedId(),
    kind,
    payload: jobPayloadToText(payload),
    state: 'queued',
    attempts: 0,
    run_after: runAfter === undefined ? now : isoTime(runAfter),
    lease_until: null,
    last_error: null,
    created_time: now,
    updated_time: now,
  };
  await db.insertInto('jobs').values(row).execute();
  return jobFromRow(row);
}

export async function claimJob(db: Kysely<Database>, kinds: readonly JobKind[], leaseMs: number, dialect: Dialect = 'sqlite'): Promise<Job | undefined> {
  if (kinds.length === 0) return undefined;
  const now = new Date().toISOString();
  // One statement is one transaction: no lock is held across an await, where another connection of this process could wait on it forever.
  let next = db
    .selectFrom('jobs')
    .select('id')
    .where('kind', 'in', [...kinds])
    .where((eb) => eb.or([eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]), eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)])]))
    .orderBy('run_after')
    .orderBy('created_time')
    .orderBy('id')
    .limit(1);
  if (dialect === 'postgres') next = next.forUpdate().skipLocked();
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({ state: 'running', lease_until: later(leaseMs), attempts: eb('attempts', '+', 1), updated_time: now }))
    .where('id', '=', next)
    .returningAll()
    .executeTakeFirst();
  return row && jobFromRow(row);
}

export async function renewLease(db: Kysely<Database>, jobId: string, leaseMs: number, attempt?: number): Promise<boolean> {
  let query = db
    .updateTable('jobs')
    .set({ lease_until: later(leaseMs), updated_time: new Date().toISOString() })
    .where('id', '=', jobId)
    .where('state', '=', 'running');
  if (attempt !== undefined) query = query.where('attempts', '=', attempt);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function completeJob(db: Kysely<Database>, jobId: string, attempt?: number): Promise<void> {
  let query = db.updateTable('jobs').set({ state: 'done', lease_until: null, updated_time: new Date().toISOString() }).where('id', '=', jobId);
  if (attempt !== undefined) query = query.where('attempts', '=', attempt).where('state', '=', 'running');
  await query.execute();
}

export async function failJob(db: Kysely<Database>, jobId: string, error: string, retryAt?: string, attempt?: number): Promise<void> {
  const now = new Date().toISOString();
  const changes =
    retryAt === undefined
      ? { state: 'failed', lease_until: null, last_error: error, updated_time: now }
      : { state: 'queued', run_after: isoTime(retryAt), lease_until: null, last_error: error, updated_time: now };
  let query = db.updateTable('jobs').set(changes).where('id', '=', jobId);
  if (attempt !== undefined) query = query.where('attempts', '=', attempt).where('state', '=', 'running');
  await query.execute();
}

export async function dueJobs(db: Kysely<Database>, kinds: readonly JobKind[], limit: number): Promise<Job[]> {
  if (kinds.length === 0) return [];
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .where('kind', 'in', [...kinds])
    .where('state', '=', 'queued')
    .where('run_after', '<=', new Date().toISOString())
    .orderBy('run_after')
    .orderBy('created_time')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(jobFromRow);
}

export async function markDispatched(db: Kysely<Database>, jobIds: readonly string[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  const result = await db
    .updateTable('jobs')
    .set({ state: 'dispatched', updated_time: new Date().toISOString() })
    .where('id', 'in', [...jobIds])
    .where('state', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function finishDispatched(db: Kysely<Database>, jobId: string, outcome: { state: 'done' } | { state: 'failed'; error: string }, attempts: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ state: outcome.state, attempts, last_error: outcome.state === 'failed' ? outcome.error : null, lease_until: null, updated_time: new Date().toISOString() })
    .where('id', '=', jobId)
    .execute();
}
