import type { Kysely, Migration } from 'kysely';

/** The tables as this migration finds them; later schema changes must not change what it does. */
interface Tables {
  webhooks: { id: string; owner_id: string; events: string; created_time: string };
  webhook_events: { owner_id: string; event: string; webhook_id: string };
}

/*
 * `webhook_events`: one row per (owner, event) subscribed, whose primary key makes "an event is
 * registered by at most one webhook of an owner" a database guarantee rather than a check-then-insert
 * race. Deleting a webhook (or its owner) deletes its rows. Existing webhooks are copied in oldest
 * first; should two of them already share an event, the older one keeps the row.
 */
export const webhookEvents: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as unknown as Kysely<Tables>;
    await db.schema
      .createTable('webhook_events')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('webhook_events_pkey', ['owner_id', 'event'])
      .execute();
    // The cascade from webhooks looks rows up by webhook.
    await db.schema.createIndex('webhook_events_webhook').on('webhook_events').column('webhook_id').execute();

    const webhooks = await db.selectFrom('webhooks').select(['id', 'owner_id', 'events']).orderBy('created_time').orderBy('id').execute();
    for (const webhook of webhooks) {
      const events = [...new Set(JSON.parse(webhook.events) as string[])];
      if (events.length === 0) continue;
      await db
        .insertInto('webhook_events')
        .values(events.map((event) => ({ owner_id: webhook.owner_id, event, webhook_id: webhook.id })))
        .onConflict((oc) => oc.columns(['owner_id', 'event']).doNothing())
        .execute();
    }
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('webhook_events').execute();
  },
};
