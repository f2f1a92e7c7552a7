import type { Kysely } from 'kysely';
import { orderedId } from './ordered-id.ts';
import { isoTime, jobFromRow, jobPayloadToText } from './rows.ts';
import type { Database } from './schema.ts';
import type { EnqueueOptions, Job, JobKind } from './types.ts';

/*
 * The durable job queue over the `jobs` table. A claim is one UPDATE of the row picked by a
 * sub-select, an atomic transaction of its own: on SQLite the statement takes the write lock
 * before it reads, so two processes cannot pick the same row; on PostgreSQL the sub-select gets
 * `FOR UPDATE SKIP LOCKED` (the only dialect-specific part): concurrent claims lock different rows
 * instead of waiting on, then re-checking, the same one.
 *
 * Conversions are taken fairly, not first come first served: each gets a `turn` when queued, and
 * claims take the lowest turn first (then the oldest). The turn of the last job taken is the
 * round the queue is in; an owner's new job gets the turn after its own last pending one, but
 * never one before the current round. So with owner A's 7,000 uploads queued at turns 0…6,999
 * and the one of turn 99 running, owner B's upload gets turn 99 and is taken next, not after
 * 6,900 others; B's second upload gets turn 100, beside A's next. An upload
 * converted in slices (convert-batch.ts) queues each next slice as a new job of its owner, so
 * within an owner uploads take turns too. The order lives in the database: the embedded worker
 * claims by it, the BullMQ relay hands jobs over in it, a few at a time (bullmq-runner.ts).
 */

export type Dialect = 'sqlite' | 'postgres';

/** The kinds taken in turns; the others (deliveries, purges) run in their own worker slots, oldest first. */
export const FAIR_KINDS: readonly JobKind[] = ['convertBatch', 'merge'];
const PENDING_STATES = ['queued', 'dispatched', 'running'];
const TAKEN_STATES = ['running', 'dispatched', 'done', 'failed'];

function later(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/** The round the queue is in: the highest turn taken so far (non-fair jobs all have turn 0). One query per state, each an index lookup. */
async function currentRound(db: Kysely<Database>): Promise<number> {
  let round = 0;
  for (const state of TAKEN_STATES) {
    const row = await db.selectFrom('jobs').select((eb) => eb.fn.max('turn').as('turn')).where('state', '=', state).executeTakeFirst();
    if (row?.turn !== null && row?.turn !== undefined) round = Math.max(round, Number(row.turn));
  }
  return round;
}

/** The turn of a new fair job of `ownerId`, read in the transaction that inserts it. */
async function nextTurn(db: Kysely<Database>, ownerId: string | undefined): Promise<number> {
  const floor = await currentRound(db);
  if (ownerId === undefined) return floor;
  const own = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.max('turn').as('turn'))
    .where('owner_id', '=', ownerId)
    .where('state', 'in', PENDING_STATES)
    .where('kind', 'in', [...FAIR_KINDS])
    .executeTakeFirst();
  return own?.turn === null || own?.turn === undefined ? floor : Math.max(floor, Number(own.turn) + 1);
}

/** Queues a job; `db` may be a transaction, so that a record and the job that goes with it are written together. */
export async function enqueue(db: Kysely<Database>, kind: JobKind, payload: Record<string, unknown>, options: EnqueueOptions = {}): Promise<Job> {
  const now = new Date().toISOString();
  if (options.id !== undefined) {
    const existing = await findJob(db, options.id);
    if (existing) return existing;
  }
  const row = {
    id: options.id ?? orderedId(),
    kind,
    payload: jobPayloadToText(payload),
    state: 'queued',
    attempts: 0,
    run_after: options.runAfter === undefined ? now : isoTime(options.runAfter),
    lease_until: null,
    last_error: null,
    created_time: now,
    updated_time: now,
    owner_id: options.ownerId ?? null,
    turn: FAIR_KINDS.includes(kind) ? await nextTurn(db, options.ownerId) : 0,
  };
  // A concurrent queuing of the same id (two workers resuming one slice) inserts nothing: the first one stands.
  await db
    .insertInto('jobs')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await findJob(db, row.id)) ?? jobFromRow(row);
}

export async function findJob(db: Kysely<Database>, id: string): Promise<Job | undefined> {
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && jobFromRow(row);
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
    .orderBy('turn')
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
    .orderBy('turn')
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
