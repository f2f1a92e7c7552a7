import { Migrator, type Kysely } from 'kysely';
import { batchBlobPrefix } from './blob-keys.ts';
import { listFileListings, listFiles } from './file-query.ts';
import * as queue from './job-queue.ts';
import { migrationProvider } from './migrations/index.ts';
import { orderedId } from './ordered-id.ts';
import {
  batchChangesToRow,
  batchFromRow,
  batchToRow,
  failedCallFromRow,
  failedCallToRow,
  fileChangesToRow,
  fileFromRow,
  fileListingFromRow,
  fileToRow,
  ownerFromRow,
  userFromRow,
  userToRow,
  webhookFromRow,
  webhookToRow,
} from './rows.ts';
import type { Database } from './schema.ts';
import type { Transaction } from 'kysely';
import { EventRegisteredTwiceError, FAILURE_PREVIEW, LastAdminError, type BatchFailure, type FileEntry, type FileStatus, type MetadataStore, type Owner, type OwnerChanges } from './types.ts';

/** A unique or primary key violation: SQLite (better-sqlite3) or PostgreSQL (SQLSTATE 23505). */
function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/**
 * The metadata store over any Kysely database: queries use only what SQLite and PostgreSQL
 * share, so a PostgreSQL store is this function with another dialect. Every getter that takes an
 * owner filters by it: another owner's id reads as missing.
 */
/** Failures inserted per statement (SQLite allows 32,766 bound values). */
const FAILURE_CHUNK = 500;

async function insertFailures(db: Kysely<Database>, batchId: string, from: number, failures: readonly BatchFailure[]): Promise<void> {
  for (let i = 0; i < failures.length; i += FAILURE_CHUNK) {
    await db
      .insertInto('batch_failures')
      .values(failures.slice(i, i + FAILURE_CHUNK).map((f, j) => ({ batch_id: batchId, position: from + i + j, path: f.path, reason: f.reason })))
      .execute();
  }
}

/** Blob prefixes per purgeBlobs job: a user with 100 k files is purged by many small jobs, not one huge payload. */
const PURGE_CHUNK = 500;

function isEnabledAdmin(owner: Pick<Owner, 'admin' | 'disabled'>): boolean {
  return owner.admin && !owner.disabled;
}

/** The changes that were given: `{admin: undefined}` leaves admin as it is. */
function definedChanges(changes: OwnerChanges): OwnerChanges {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as OwnerChanges;
}

export function createKyselyStore(db: Kysely<Database>, options: { dialect: queue.Dialect } = { dialect: 'sqlite' }): MetadataStore {
  /*
   * A record and the job that processes it are written in one transaction (a transactional outbox):
   * a crash between the two writes would leave a record no job will ever finish. The record's write
   * comes first, so on SQLite the transaction takes the write lock at once, never upgrading a read.
   */
  /*
   * The "one enabled administrator remains" rule reads other rows than the one it changes. On
   * PostgreSQL the owner's row and every enabled administrator's are locked (FOR UPDATE) by one
   * statement in id order, so that two concurrent demotions wait for each other (never deadlock)
   * and the second sees the first; SQLite's write transaction is serial already.
   */
  async function lockForChange(trx: Transaction<Database>, id: string): Promise<{ current: Owner | undefined; otherAdmins: number }> {
    let query = trx
      .selectFrom('owners')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', id), eb.and([eb('admin', '=', 1), eb('disabled', '=', 0)])]))
      .orderBy('id');
    if (options.dialect === 'postgres') query = query.forUpdate();
    const owners = (await query.execute()).map(ownerFromRow);
    return { current: owners.find((o) => o.id === id), otherAdmins: owners.filter((o) => o.id !== id && isEnabledAdmin(o)).length };
  }

  const store: MetadataStore = {
    async migrate() {
      const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        throw new Error(`database migration${failed ? ` ${failed}` : ''} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
      }
    },
    async close() {
      await db.destroy();
    },

    async createOwner(username, passwordHash, options = {}) {
      const row = { id: orderedId(), username, password_hash: passwordHash, created_time: new Date().toISOString(), admin: options.admin ? 1 : 0, disabled: 0, token_version: 0 };
      await db.insertInto('owners').values(row).execute();
      return ownerFromRow(row);
    },
    async findOwnerByUsername(username) {
      const row = await db.selectFrom('owners').selectAll().where('username', '=', username).executeTakeFirst();
      return row && ownerFromRow(row);
    },
    async getOwner(id) {
      const row = await db.selectFrom('owners').selectAll().where('id', '=', id).executeTakeFirst();
      return row && ownerFromRow(row);
    },
    async listOwners() {
      const rows = await db.selectFrom('owners').selectAll().orderBy('created_time').orderBy('id').execute();
      return rows.map(ownerFromRow);
    },
    async countOwners() {
      const { total } = await db.selectFrom('owners').select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
      return Number(total);
    },
    async updateOwner(id, changes) {
      return db.transaction().execute(async (trx) => {
        const { current, otherAdmins } = await lockForChange(trx, id);
        if (!current) return undefined;
        const next = { ...current, ...definedChanges(changes) };
        if (isEnabledAdmin(current) && !isEnabledAdmin(next) && otherAdmins === 0) throw new LastAdminError();
        const revokes = changes.passwordHash !== undefined || (changes.disabled === true && !current.disabled);
        const row = await trx
          .updateTable('owners')
          .set((eb) => ({
            password_hash: next.passwordHash,
            admin: next.admin ? 1 : 0,
            disabled: next.disabled ? 1 : 0,
            // Incremented by the database, not written from what was read: two concurrent revocations both count.
            token_version: revokes ? eb('token_version', '+', 1) : eb.ref('token_version'),
          }))
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return ownerFromRow(row);
      });
    },
    async deleteOwner(id) {
      return db.transaction().execute(async (trx) => {
        const { current, otherAdmins } = await lockForChange(trx, id);
        if (!current) return false;
        if (isEnabledAdmin(current) && otherAdmins === 0) throw new LastAdminError();
        // The rows go by cascade; their bytes are purged by jobs queued in this transaction (as for a deleted Leaf user).
        const batches = await trx.selectFrom('batches').select('id').where('owner_id', '=', id).execute();
        const files = await trx.selectFrom('files').select('blob_prefix').where('owner_id', '=', id).execute();
        await trx.deleteFrom('owners').where('id', '=', id).execute();
        const prefixes = [...batches.map((b) => `${batchBlobPrefix(b.id)}/`), ...files.map((f) => `${f.blob_prefix}/`)];
        for (let i = 0; i < prefixes.length; i += PURGE_CHUNK) await queue.enqueue(trx, 'purgeBlobs', { prefixes: prefixes.slice(i, i + PURGE_CHUNK) });
        return true;
      });
    },

    async createUser(user) {
      const row = userToRow({ ...user, id: orderedId(), createdTime: new Date().toISOString() });
      await db.insertInto('leaf_users').values(row).execute();
      return userFromRow(row);
    },
    async getUser(ownerId, id) {
      const row = await db.selectFrom('leaf_users').selectAll().where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
      return row && userFromRow(row);
    },
    async listUsers(ownerId, filter) {
      let query = db.selectFrom('leaf_users').where('owner_id', '=', ownerId);
      // E-mail addresses are matched without regard to case, as people type them differently.
      if (filter.email !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['email']), '=', filter.email!.toLowerCase()));
      if (filter.name !== undefined) query = query.where('name', '=', filter.name);
      if (filter.externalId !== undefined) query = query.where('external_id', '=', filter.externalId);
      const rows = await query
        .selectAll()
        .orderBy('created_time')
        .orderBy('id')
        .limit(filter.size)
        .offset(filter.page * filter.size)
        .execute();
      const { total } = await query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
      return { items: rows.map(userFromRow), total: Number(total) };
    },
    async replaceUser(user) {
      const { id, owner_id, created_time: _created, ...changes } = userToRow(user);
      const result = await db.updateTable('leaf_users').set(changes).where('id', '=', id).where('owner_id', '=', owner_id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      return store.getUser(user.ownerId, user.id);
    },
    async deleteUser(ownerId, id) {
      return db.transaction().execute(async (trx) => {
        const batches = await trx.selectFrom('batches').select('id').where('owner_id', '=', ownerId).where('leaf_user_id', '=', id).execute();
        const files = await trx.selectFrom('files').select('blob_prefix').where('owner_id', '=', ownerId).where('leaf_user_id', '=', id).execute();
        const result = await trx.deleteFrom('leaf_users').where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) return false;
        const prefixes = [...batches.map((b) => `${batchBlobPrefix(b.id)}/`), ...files.map((f) => `${f.blob_prefix}/`)];
        for (let i = 0; i < prefixes.length; i += PURGE_CHUNK) await queue.enqueue(trx, 'purgeBlobs', { prefixes: prefixes.slice(i, i + PURGE_CHUNK) });
        return true;
      });
    },

    async createBatch(batch) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('batches').values(batchToRow(batch)).execute();
        await insertFailures(trx, batch.id, 0, batch.failures);
      });
      return (await store.findBatch(batch.id))!;
    },
    async createBatchWithJob(batch) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.insertInto('batches').values(batchToRow(batch)).returningAll().executeTakeFirstOrThrow();
        await insertFailures(trx, batch.id, 0, batch.failures);
        await queue.enqueue(trx, 'convertBatch', { batchId: batch.id }, { ownerId: batch.ownerId });
        return batchFromRow(row);
      });
    },
    async retryBatch(ownerId, id) {
      return db.transaction().execute(async (trx) => {
        // The status condition makes the update the check: of two concurrent retries only one finds the batch finished.
        const row = await trx
          .updateTable('batches')
          .set({ status: 'RECEIVED', status_details: null, updated_time: new Date().toISOString() })
          .where('id', '=', id)
          .where('owner_id', '=', ownerId)
          .where('status', 'in', ['PROCESSED', 'FAILED'])
          .returningAll()
          .executeTakeFirst();
        if (!row) return undefined;
        await queue.enqueue(trx, 'convertBatch', { batchId: id, retry: true }, { ownerId });
        return batchFromRow(row);
      });
    },
    async getBatch(ownerId, id) {
      const row = await db.selectFrom('batches').selectAll().where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
      return row && batchFromRow(row);
    },
    async findBatch(id) {
      const row = await db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
      return row && batchFromRow(row);
    },
    async listBatches(ownerId, page, size) {
      // Newest upload first: the one a client just sent is on page 0.
      const rows = await db
        .selectFrom('batches')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('upload_timestamp', 'desc')
        .orderBy('id', 'desc')
        .limit(size)
        .offset(page * size)
        .execute();
      const { total } = await db.selectFrom('batches').select((eb) => eb.fn.countAll().as('total')).where('owner_id', '=', ownerId).executeTakeFirstOrThrow();
      return { items: rows.map(batchFromRow), total: Number(total) };
    },
    async updateBatch(id, changes) {
      const row = batchChangesToRow(changes);
      const { failures } = changes;
      if (failures === undefined) {
        if (Object.keys(row).length > 0) await db.updateTable('batches').set(row).where('id', '=', id).execute();
        return;
      }
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('batch_failures').where('batch_id', '=', id).execute();
        await trx
          .updateTable('batches')
          .set({ ...row, failures: JSON.stringify(failures.slice(0, FAILURE_PREVIEW)), failure_count: failures.length })
          .where('id', '=', id)
          .execute();
        await insertFailures(trx, id, 0, failures);
      });
    },
    async addBatchFailures(batchId, failures) {
      if (failures.length === 0) return;
      await db.transaction().execute(async (trx) => {
        // The update first: on SQLite the transaction takes the write lock before it reads the count.
        await trx
          .updateTable('batches')
          .set((eb) => ({ failure_count: eb('failure_count', '+', failures.length) }))
          .where('id', '=', batchId)
          .execute();
        const batch = await trx.selectFrom('batches').select(['failures', 'failure_count']).where('id', '=', batchId).executeTakeFirst();
        if (!batch) return;
        const before = Number(batch.failure_count) - failures.length;
        await insertFailures(trx, batchId, before, failures);
        const preview = JSON.parse(batch.failures) as BatchFailure[];
        if (preview.length < FAILURE_PREVIEW) {
          await trx
            .updateTable('batches')
            .set({ failures: JSON.stringify([...preview, ...failures].slice(0, FAILURE_PREVIEW)) })
            .where('id', '=', batchId)
            .execute();
        }
      });
    },
    async listBatchFailures(batchId, page, size) {
      const rows = await db
        .selectFrom('batch_failures')
        .select(['path', 'reason'])
        .where('batch_id', '=', batchId)
        .orderBy('position')
        .limit(size)
        .offset(page * size)
        .execute();
      const { total } = await db.selectFrom('batch_failures').select((eb) => eb.fn.countAll().as('total')).where('batch_id', '=', batchId).executeTakeFirstOrThrow();
      return { items: rows.map((r) => ({ path: r.path, reason: r.reason })), total: Number(total) };
    },
    async countUnfinishedBatches(ownerId) {
      const { total } = await db
        .selectFrom('batches')
        .select((eb) => eb.fn.countAll().as('total'))
        .where('owner_id', '=', ownerId)
        .where('status', 'in', ['RECEIVED', 'PROCESSING'])
        .executeTakeFirstOrThrow();
      return Number(total);
    },

    async upsertFile(file) {
      const row = fileToRow(file);
      // A replaced entry keeps its id and creation time: links and "created since" filters stay true.
      const { id: _id, created_time: _created, ...replacement } = row;
      const inserted = await db
        .insertInto('files')
        .values(row)
        .onConflict((oc) => (file.batchId === null ? oc.column('id') : oc.columns(['batch_id', 'source_key'])).doUpdateSet(replacement))
        .returningAll()
        .executeTakeFirstOrThrow();
      return fileFromRow(inserted);
    },
    async createMergedFileWithJob(file) {
      if (file.batchId !== null) throw new Error('a merged file has no batch');
      return db.transaction().execute(async (trx) => {
        const row = await trx.insertInto('files').values(fileToRow(file)).returningAll().executeTakeFirstOrThrow();
        await queue.enqueue(trx, 'merge', { fileId: file.id }, { ownerId: file.ownerId });
        return fileFromRow(row);
      });
    },
    async getFile(ownerId, id) {
      const row = await db.selectFrom('files').selectAll().where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
      return row && fileFromRow(row);
    },
    async findFile(id) {
      const row = await db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fileFromRow(row);
    },
    async listFiles(query) {
      const { rows, total } = await listFiles(db, query);
      return { items: rows.map(fileFromRow), total };
    },
    async listFileListings(query) {
      const { rows, total } = await listFileListings(db, query);
      return { items: rows.map(fileListingFromRow), total };
    },
    async filesOfBatch(batchId) {
      const rows = await db.selectFrom('files').selectAll().where('batch_id', '=', batchId).orderBy('source_key').execute();
      return rows.map(fileFromRow);
    },
    async fileStatesOfBatch(batchId) {
      const rows = await db.selectFrom('files').select(['source_key', 'status']).where('batch_id', '=', batchId).orderBy('source_key').execute();
      return rows.map((r) => ({ sourceKey: r.source_key, status: r.status as FileStatus }));
    },
    async updateFile(id, changes: Partial<FileEntry>) {
      const { id: _id, ...row } = fileChangesToRow(changes);
      if (Object.keys(row).length === 0) return;
      await db.updateTable('files').set(row).where('id', '=', id).execute();
    },

    async createWebhook(webhook) {
      const events = [...new Set(webhook.events)];
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('webhooks').values(webhookToRow(webhook)).execute();
          if (events.length > 0) await trx.insertInto('webhook_events').values(events.map((event) => ({ owner_id: webhook.ownerId, event, webhook_id: webhook.id }))).execute();
        });
      } catch (error) {
        // Rolled back. Which events another webhook holds is read afterwards: a failed statement ends a PostgreSQL transaction.
        if (!isUniqueViolation(error) || events.length === 0) throw error;
        const held = await db.selectFrom('webhook_events').select('event').where('owner_id', '=', webhook.ownerId).where('event', 'in', events).execute();
        const taken = new Set(held.map((r) => r.event));
        if (taken.size === 0) throw error;
        throw new EventRegisteredTwiceError(events.filter((e) => taken.has(e)));
      }
      return (await store.getWebhook(webhook.ownerId, webhook.id))!;
    },
    async listWebhooks(ownerId) {
      const rows = await db.selectFrom('webhooks').selectAll().where('owner_id', '=', ownerId).orderBy('created_time').orderBy('id').execute();
      return rows.map(webhookFromRow);
    },
    async getWebhook(ownerId, id) {
      const row = await db.selectFrom('webhooks').selectAll().where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
      return row && webhookFromRow(row);
    },
    async deleteWebhook(ownerId, id) {
      const result = await db.deleteFrom('webhooks').where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async recordFailedCall(call) {
      await db.insertInto('failed_calls').values(failedCallToRow(call)).execute();
    },
    async listFailedCalls(ownerId) {
      const rows = await db.selectFrom('failed_calls').selectAll().where('owner_id', '=', ownerId).orderBy('created_at').orderBy('id').execute();
      return rows.map(failedCallFromRow);
    },

    enqueue: (kind, payload, runAfter, options) => queue.enqueue(db, kind, payload, { ...options, runAfter }),
    findJob: (id) => queue.findJob(db, id),
    claimJob: (kinds, leaseMs) => queue.claimJob(db, kinds, leaseMs, options.dialect),
    renewLease: (jobId, leaseMs, attempt) => queue.renewLease(db, jobId, leaseMs, attempt),
    completeJob: (jobId, attempt) => queue.completeJob(db, jobId, attempt),
    failJob: (jobId, error, retryAt, attempt) => queue.failJob(db, jobId, error, retryAt, attempt),
    dueJobs: (kinds, limit) => queue.dueJobs(db, kinds, limit),
    markDispatched: (jobIds) => queue.markDispatched(db, jobIds),
    finishDispatched: (jobId, outcome, attempts) => queue.finishDispatched(db, jobId, outcome, attempts),
  };
  return store;
}
