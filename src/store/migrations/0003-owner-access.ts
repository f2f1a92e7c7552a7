import type { Kysely, Migration } from 'kysely';

/** The table as this migration finds it; later schema changes must not change what it does. */
interface Tables {
  owners: { id: string; created_time: string; admin: number };
}

/*
 * Owner management and token revocation: `admin` (may manage other owners), `disabled` (may not
 * log in; its tokens stop working) and `token_version`, carried in every token and bumped when
 * the password changes or the owner is disabled, which revokes every token issued before.
 * Integers 0/1 rather than booleans: SQLite has none, and the same column type reads the same on both.
 * The oldest owner becomes the administrator, so an installation upgraded from one owner keeps
 * someone able to manage the others.
 */
export const ownerAccess: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Tables>;
    for (const column of ['admin', 'disabled', 'token_version']) {
      await db.schema
        .alterTable('owners')
        .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    }
    const first = await db.selectFrom('owners').select('id').orderBy('created_time').orderBy('id').limit(1).executeTakeFirst();
    if (first) await db.updateTable('owners').set({ admin: 1 }).where('id', '=', first.id).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const column of ['token_version', 'disabled', 'admin']) await db.schema.alterTable('owners').dropColumn(column).execute();
  },
};
