import type { Kysely, Migration } from 'kysely';

/** The tables as this migration finds them; later schema changes must not change what it does. */
interface Tables {
  batches: { id: string; failures: string; failure_count: number };
  batch_failures: { batch_id: string; position: number; path: string; reason: string };
}

/** Failures kept in a batch's own row, for GET /batch/{id}; the rest are paged from batch_failures. */
const PREVIEW = 20;

/*
 * Fair scheduling and bounded batch answers.
 * - `jobs.owner_id` and `jobs.turn`: conversions are claimed in turn order (job-queue.ts), each
 *   owner's next job getting the turn after its last pending one; existing jobs keep turn 0.
 * - `batch_failures`: every failure of a batch, one row each, paged by their own route; the
 *   batch row keeps the first ones and the count. Existing lists are moved over.
 * - An index to count an owner's unfinished uploads (the upload quota).
 */
export const fairQueueAndBatchFailures: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Tables>;
    await db.schema.alterTable('jobs').addColumn('owner_id', 'text').execute();
    await db.schema
      .alterTable('jobs')
      .addColumn('turn', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('jobs_state_turn').on('jobs').columns(['state', 'turn']).execute();
    await db.schema.createIndex('jobs_turn').on('jobs').column('turn').execute();
    await db.schema.createIndex('jobs_owner_state').on('jobs').columns(['owner_id', 'state']).execute();

    await db.schema
      .alterTable('batches')
      .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('batches_owner_status').on('batches').columns(['owner_id', 'status']).execute();

    await db.schema
      .createTable('batch_failures')
      .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('batch_failures_pkey', ['batch_id', 'position'])
      .execute();

    const batches = await db.selectFrom('batches').select(['id', 'failures']).where('failures', '!=', '[]').execute();
    for (const batch of batches) {
      const failures = JSON.parse(batch.failures) as { path: string; reason: string }[];
      for (let i = 0; i < failures.length; i += 500) {
        await db
          .insertInto('batch_failures')
          .values(failures.slice(i, i + 500).map((f, j) => ({ batch_id: batch.id, position: i + j, path: f.path, reason: f.reason })))
          .execute();
      }
      await db
        .updateTable('batches')
        .set({ failures: JSON.stringify(failures.slice(0, PREVIEW)), failure_count: failures.length })
        .where('id', '=', batch.id)
        .execute();
    }
  },

  async down(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Tables>;
    await db.schema.dropTable('batch_failures').execute();
    await db.schema.dropIndex('batches_owner_status').execute();
    await db.schema.alterTable('batches').dropColumn('failure_count').execute();
    for (const index of ['jobs_state_turn', 'jobs_turn', 'jobs_owner_state']) await db.schema.dropIndex(index).execute();
    await db.schema.alterTable('jobs').dropColumn('turn').execute();
    await db.schema.alterTable('jobs').dropColumn('owner_id').execute();
  },
};
