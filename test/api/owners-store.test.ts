import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createPostgresStore } from '../../src/store/postgres.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import { LastAdminError, type MetadataStore } from '../../src/store/types.ts';
import { createTestDatabase, NO_POSTGRES } from '../helpers/postgres.ts';
import { batchRecord, fileRecord } from '../store/helpers/records.ts';

/* The owner half of the metadata store, on SQLite and (when .ci/run provides it) PostgreSQL. */

const backends: { name: string; skip: string | false; open(): Promise<{ store: MetadataStore; close(): Promise<void> }> }[] = [
  {
    name: 'SQLite',
    skip: false,
    async open() {
      const store = createSqliteStore(':memory:');
      await store.migrate();
      return { store, close: () => store.close() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: NO_POSTGRES,
    async open() {
      const database = await createTestDatabase();
      const store = createPostgresStore(database.url);
      await store.migrate();
      return {
        store,
        async close() {
          await store.close();
          await database.drop();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`owners on ${backend.name}`, { skip: backend.skip }, () => {
    it('create, get, list; a new password and disabling bump the token version, other changes do not', async () => {
      const { store, close } = await backend.open();
      try {
        const root = await store.createOwner('root', 'h0', { admin: true });
        const ann = await store.createOwner('ann', 'h1');
        assert.deepEqual([root.admin, root.disabled, root.tokenVersion, ann.admin], [true, false, 0, false]);
        assert.deepEqual(await store.getOwner(ann.id), ann);
        assert.deepEqual((await store.listOwners()).map((o) => o.username), ['root', 'ann']);
        assert.equal((await store.updateOwner(ann.id, { admin: true }))!.tokenVersion, 0, 'promotion revokes nothing');
        assert.equal((await store.updateOwner(ann.id, { passwordHash: 'h2' }))!.tokenVersion, 1);
        const disabled = (await store.updateOwner(ann.id, { disabled: true }))!;
        assert.deepEqual([disabled.disabled, disabled.tokenVersion, disabled.passwordHash, disabled.admin], [true, 2, 'h2', true]);
        assert.equal((await store.updateOwner(ann.id, { disabled: true }))!.tokenVersion, 2, 'disabling a disabled owner revokes nothing more');
        assert.equal((await store.updateOwner(ann.id, { disabled: false }))!.tokenVersion, 2);
        assert.equal(await store.updateOwner('00000000-0000-4000-8000-000000000000', { disabled: true }), undefined);
      } finally {
        await close();
      }
    });

    it('the last enabled administrator cannot be demoted, disabled or deleted; with a second one it can', async () => {
      const { store, close } = await backend.open();
      try {
        const root = await store.createOwner('root', 'h', { admin: true });
        const other = await store.createOwner('other', 'h');
        await assert.rejects(store.updateOwner(root.id, { admin: false }), LastAdminError);
        await assert.rejects(store.updateOwner(root.id, { disabled: true }), LastAdminError);
        await assert.rejects(store.deleteOwner(root.id), LastAdminError);
        assert.deepEqual(await store.getOwner(root.id), root, 'nothing written by a refusal');
        // A disabled administrator does not count as one that remains.
        await store.updateOwner(other.id, { admin: true, disabled: true });
        await assert.rejects(store.deleteOwner(root.id), LastAdminError);
        await store.updateOwner(other.id, { disabled: false });
        assert.equal(await store.deleteOwner(root.id), true);
        assert.equal(await store.getOwner(root.id), undefined);
        assert.equal(await store.deleteOwner(root.id), false);
        // Of two concurrent demotions of the last two administrators, one must fail.
        const third = await store.createOwner('third', 'h', { admin: true });
        const outcomes = await Promise.allSettled([store.updateOwner(other.id, { admin: false }), store.updateOwner(third.id, { admin: false })]);
        assert.equal(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof LastAdminError).length, 1);
        assert.equal((await store.listOwners()).filter((o) => o.admin && !o.disabled).length, 1);
      } finally {
        await close();
      }
    });

    it('deleting an owner removes its users, batches, files and webhooks and queues the purge of their blobs', async () => {
      const { store, close } = await backend.open();
      try {
        await store.createOwner('root', 'h', { admin: true });
        const gone = await store.createOwner('gone', 'h');
        const user = await store.createUser({ ownerId: gone.id, name: 'g', email: null, phone: null, address: null, externalId: null, credentials: {} });
        const batch = await store.createBatch(batchRecord(gone.id, user.id));
        const file = await store.upsertFile(fileRecord(gone.id, user.id, { batchId: batch.id }));
        await store.createWebhook({ id: crypto.randomUUID(), ownerId: gone.id, name: 'w', url: 'http://127.0.0.1:9/', secret: 's', events: ['uploadedFileProcessingFinished'], createdTime: new Date().toISOString() });
        assert.equal(await store.deleteOwner(gone.id), true);
        assert.equal(await store.findBatch(batch.id), undefined);
        assert.equal(await store.findFile(file.id), undefined);
        assert.deepEqual(await store.listWebhooks(gone.id), []);
        const purge = await store.claimJob(['purgeBlobs'], 1000);
        assert.deepEqual(purge?.payload, { prefixes: [`batches/${batch.id}/`, `${file.blobPrefix}/`] });
      } finally {
        await close();
      }
    });
  });
}

it('migration 0003 makes the oldest owner of an existing installation its administrator', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-owners-migration-'));
  try {
    const path = join(dir, 'furrow.db');
    const db = new Kysely<{ owners: { id: string; username: string; password_hash: string; created_time: string } }>({ dialect: new SqliteDialect({ database: new SqliteDatabase(path) }) });
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0002-webhook-events');
    assert.equal(error, undefined);
    await db
      .insertInto('owners')
      .values([
        { id: 'b', username: 'second', password_hash: 'h', created_time: '2025-02-01T00:00:00.000Z' },
        { id: 'a', username: 'first', password_hash: 'h', created_time: '2025-01-01T00:00:00.000Z' },
      ])
      .execute();
    await db.destroy();
    const store = createSqliteStore(path);
    await store.migrate();
    const owners = await store.listOwners();
    await store.close();
    assert.deepEqual(
      owners.map((o) => [o.username, o.admin, o.disabled, o.tokenVersion]),
      [
        ['first', true, false, 0],
        ['second', false, false, 0],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
