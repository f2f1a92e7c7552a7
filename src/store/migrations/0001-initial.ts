import type { Kysely, Migration } from 'kysely';

/*
 * Column types are spelled so that the same migration runs on SQLite and PostgreSQL: text for
 * ids, times and JSON; bigint for byte counts (> 2^31); double precision for areas.
 * Deleting a Leaf user cascades to its batches and file entries, as an owner's deletion does to everything.
 */
export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('owners')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_time', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('leaf_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id').onDelete('cascade'))
      .addColumn('name', 'text')
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('address', 'text')
      .addColumn('external_id', 'text')
      .addColumn('credentials', 'text', (c) => c.notNull())
      .addColumn('created_time', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('leaf_users_owner_created').on('leaf_users').columns(['owner_id', 'created_time', 'id']).execute();
    await db.schema.createIndex('leaf_users_owner_email').on('leaf_users').columns(['owner_id', 'email']).execute();
    await db.schema.createIndex('leaf_users_owner_external').on('leaf_users').columns(['owner_id', 'external_id']).execute();

    await db.schema
      .createTable('batches')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id').onDelete('cascade'))
      .addColumn('leaf_user_id', 'text', (c) => c.notNull().references('leaf_users.id').onDelete('cascade'))
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_details', 'text')
      .addColumn('upload_timestamp', 'text', (c) => c.notNull())
      .addColumn('updated_time', 'text', (c) => c.notNull())
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addColumn('failures', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('batches_owner_uploaded').on('batches').columns(['owner_id', 'upload_timestamp', 'id']).execute();
    await db.schema.createIndex('batches_leaf_user').on('batches').column('leaf_user_id').execute();

    await db.schema
      .createTable('files')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id').onDelete('cascade'))
      .addColumn('leaf_user_id', 'text', (c) => c.notNull().references('leaf_users.id').onDelete('cascade'))
      .addColumn('batch_id', 'text', (c) => c.references('batches.id').onDelete('cascade'))
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('file_format', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_details', 'text')
      .addColumn('operation_type', 'text', (c) => c.notNull())
      .addColumn('created_time', 'text', (c) => c.notNull())
      .addColumn('updated_time', 'text', (c) => c.notNull())
      .addColumn('start_time', 'text')
      .addColumn('end_time', 'text')
      .addColumn('size_in_bytes', 'bigint', (c) => c.notNull())
      .addColumn('area_m2', 'double precision')
      .addColumn('sources', 'text', (c) => c.notNull())
      .addColumn('summary', 'text')
      .addColumn('units', 'text')
      .addColumn('steps', 'text', (c) => c.notNull())
      .addColumn('warnings', 'text', (c) => c.notNull())
      .addColumn('source_key', 'text', (c) => c.notNull())
      .addColumn('blob_prefix', 'text', (c) => c.notNull())
      .execute();
    // Entries without a batch (merged files) have a NULL batch_id, which unique indexes never treat as equal: they are keyed by id alone.
    await db.schema.createIndex('files_batch_source').on('files').columns(['batch_id', 'source_key']).unique().execute();
    // GET /files: every listing is per owner, by default in creation order; each common filter gets its own index.
    await db.schema.createIndex('files_owner_created').on('files').columns(['owner_id', 'created_time', 'id']).execute();
    await db.schema.createIndex('files_owner_user').on('files').columns(['owner_id', 'leaf_user_id', 'created_time']).execute();
    await db.schema.createIndex('files_owner_batch').on('files').columns(['owner_id', 'batch_id']).execute();
    await db.schema.createIndex('files_owner_status').on('files').columns(['owner_id', 'status', 'created_time']).execute();
    await db.schema.createIndex('files_owner_origin').on('files').columns(['owner_id', 'origin', 'created_time']).execute();
    await db.schema.createIndex('files_owner_updated').on('files').columns(['owner_id', 'updated_time']).execute();
    await db.schema.createIndex('files_owner_start').on('files').columns(['owner_id', 'start_time']).execute();
    await db.schema.createIndex('files_leaf_user').on('files').column('leaf_user_id').execute();

    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('created_time', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhooks_owner').on('webhooks').columns(['owner_id', 'created_time']).execute();

    // Failed calls outlive the webhook they were for (support history), so no foreign key to webhooks.
    await db.schema
      .createTable('failed_calls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id').onDelete('cascade'))
      .addColumn('webhook_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('response', 'text')
      .addColumn('request_body', 'text', (c) => c.notNull())
      .addColumn('connection_error', 'text')
      .execute();
    await db.schema.createIndex('failed_calls_owner_created').on('failed_calls').columns(['owner_id', 'created_at']).execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('run_after', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_time', 'text', (c) => c.notNull())
      .addColumn('updated_time', 'text', (c) => c.notNull())
      .execute();
    // The claim query looks for due queued jobs and for running jobs whose lease expired.
    await db.schema.createIndex('jobs_state_due').on('jobs').columns(['state', 'run_after']).execute();
    await db.schema.createIndex('jobs_state_lease').on('jobs').columns(['state', 'lease_until']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['jobs', 'failed_calls', 'webhooks', 'files', 'batches', 'leaf_users', 'owners']) await db.schema.dropTable(table).execute();
  },
};
