import type { Kysely, Migration } from 'kysely';

/** The table as this migration finds it; later schema changes must not change what it does. */
interface Tables {
  batches: { id: string; progress: string | null };
}

/** Where a batch's conversion stands (JSON BatchProgress), written while it converts; null for batches converted before. */
export const batchProgress: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Tables>;
    await db.schema.alterTable('batches').addColumn('progress', 'text').execute();
  },

  async down(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Tables>;
    await db.schema.alterTable('batches').dropColumn('progress').execute();
  },
};
