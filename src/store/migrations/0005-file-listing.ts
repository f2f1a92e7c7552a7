import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/** The table as this migration finds it; later schema changes must not change what it does. */
interface Tables {
  files: { id: string; provider: string; machine_brand: string | null };
}

/** Leaf's provider values and the brands that are one of them, as they stood when this migration was written. */
const LEAF_PROVIDERS = ['Other', 'Leaf', 'ClimateFieldView', 'CNHI', 'JohnDeere', 'Trimble', 'AgLeader', 'Farmobile', 'PrecisionPlanting'];
const BRAND_PREFIXES: [string, string][] = [
  ['cnh', 'CNHI'],
  ['caseih', 'CNHI'],
  ['newholland', 'CNHI'],
  ['johndeere', 'JohnDeere'],
  ['deere', 'JohnDeere'],
  ['trimble', 'Trimble'],
  ['agleader', 'AgLeader'],
  ['precisionplanting', 'PrecisionPlanting'],
  ['climate', 'ClimateFieldView'],
  ['theclimatecorporation', 'ClimateFieldView'],
  ['farmobile', 'Farmobile'],
];

/** The categorical filters of GET /files: file_counts keeps one count per combination of them. */
const DIMENSIONS = ['owner_id', 'leaf_user_id', 'status', 'origin', 'operation_type', 'provider'] as const;

function countTriggersSqlite(): string[] {
  const key = DIMENSIONS.join(', ');
  const values = (row: 'NEW' | 'OLD') => DIMENSIONS.map((d) => `${row}.${d}`).join(', ');
  const match = (row: 'NEW' | 'OLD') => DIMENSIONS.map((d) => `${d} = ${row}.${d}`).join(' AND ');
  const add = `INSERT INTO file_counts (${key}, n) VALUES (${values('NEW')}, 1) ON CONFLICT (${key}) DO UPDATE SET n = n + 1;`;
  const remove = `UPDATE file_counts SET n = n - 1 WHERE ${match('OLD')}; DELETE FROM file_counts WHERE ${match('OLD')} AND n <= 0;`;
  return [
    `CREATE TRIGGER files_count_insert AFTER INSERT ON files BEGIN ${add} END`,
    `CREATE TRIGGER files_count_delete AFTER DELETE ON files BEGIN ${remove} END`,
    `CREATE TRIGGER files_count_update AFTER UPDATE OF ${key} ON files BEGIN ${remove} ${add} END`,
  ];
}

function countTriggersPostgres(): string[] {
  const key = DIMENSIONS.join(', ');
  const values = (row: 'NEW' | 'OLD') => DIMENSIONS.map((d) => `${row}.${d}`).join(', ');
  const match = (row: 'NEW' | 'OLD') => DIMENSIONS.map((d) => `${d} = ${row}.${d}`).join(' AND ');
  return [
    `CREATE FUNCTION furrow_count_files() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP <> 'INSERT' THEN
         UPDATE file_counts SET n = n - 1 WHERE ${match('OLD')};
         DELETE FROM file_counts WHERE ${match('OLD')} AND n <= 0;
       END IF;
       IF TG_OP <> 'DELETE' THEN
         INSERT INTO file_counts (${key}, n) VALUES (${values('NEW')}, 1) ON CONFLICT (${key}) DO UPDATE SET n = file_counts.n + 1;
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER files_count AFTER INSERT OR DELETE OR UPDATE OF ${key} ON files FOR EACH ROW EXECUTE FUNCTION furrow_count_files()`,
  ];
}

/*
 * GET /files at scale and Leaf's provider values:
 * - `machine_brand`: the brand a reader found, which used to be stored as the provider; existing
 *   entries whose provider is not a Leaf value get it moved there, and a Leaf provider in its place.
 * - `file_counts`: the number of entries per combination of the categorical filters, kept by
 *   triggers in the statement that changes `files` (cascaded deletes of a user included), so the
 *   X-Total-Count of a listing filtered by those alone is a sum over a few rows instead of a count
 *   of up to every entry of the owner.
 * - indexes for the listing's sorts and filters that had none (size, operation type, provider),
 *   ending with `id` so that a deep page can be found in the index alone.
 */
export const fileListing: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Tables>;
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema.alterTable('files').addColumn('machine_brand', 'text').execute();
    const brands = await db.selectFrom('files').select('provider').distinct().where('provider', 'not in', LEAF_PROVIDERS).execute();
    for (const { provider: brand } of brands) {
      const key = brand.toLowerCase().replace(/[^a-z0-9]/g, '');
      const provider = BRAND_PREFIXES.find(([prefix]) => key.startsWith(prefix))?.[1] ?? 'Other';
      await db.updateTable('files').set({ provider, machine_brand: brand }).where('provider', '=', brand).execute();
    }

    await db.schema
      .createTable('file_counts')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('leaf_user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('operation_type', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('file_counts_pkey', [...DIMENSIONS])
      .execute();
    await sql`INSERT INTO file_counts (${sql.raw(DIMENSIONS.join(', '))}, n) SELECT ${sql.raw(DIMENSIONS.join(', '))}, count(*) FROM files GROUP BY ${sql.raw(DIMENSIONS.join(', '))}`.execute(db);
    for (const statement of postgres ? countTriggersPostgres() : countTriggersSqlite()) await sql.raw(statement).execute(db);

    await db.schema.createIndex('files_owner_size').on('files').columns(['owner_id', 'size_in_bytes', 'id']).execute();
    await db.schema.createIndex('files_owner_type').on('files').columns(['owner_id', 'operation_type', 'created_time', 'id']).execute();
    await db.schema.createIndex('files_owner_provider').on('files').columns(['owner_id', 'provider', 'created_time', 'id']).execute();
    await db.schema.createIndex('files_owner_status_id').on('files').columns(['owner_id', 'status', 'created_time', 'id']).execute();
    await db.schema.dropIndex('files_owner_status').execute();
  },

  async down(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Tables>;
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema.createIndex('files_owner_status').on('files').columns(['owner_id', 'status', 'created_time']).execute();
    for (const index of ['files_owner_size', 'files_owner_type', 'files_owner_provider', 'files_owner_status_id']) await db.schema.dropIndex(index).execute();
    if (postgres) {
      await sql.raw('DROP TRIGGER files_count ON files').execute(db);
      await sql.raw('DROP FUNCTION furrow_count_files()').execute(db);
    } else {
      for (const trigger of ['files_count_insert', 'files_count_delete', 'files_count_update']) await sql.raw(`DROP TRIGGER ${trigger}`).execute(db);
    }
    await db.schema.dropTable('file_counts').execute();
    await db.schema.alterTable('files').dropColumn('machine_brand').execute();
  },
};
