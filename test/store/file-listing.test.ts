import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createPostgresStore } from '../../src/store/postgres.ts';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { FileEntry, FileQuery, MetadataStore } from '../../src/store/types.ts';
import { createTestDatabase, NO_POSTGRES } from '../helpers/postgres.ts';
import { fileRecord, ownerWithUser } from './helpers/records.ts';

/*
 * GET /files's totals come from file_counts (kept by triggers) when the filters are categorical,
 * from a count of the entries otherwise. Each expected total here is counted in the test from the
 * records it wrote; a filter on createdTime ≥ the epoch matches everything and forces the real count.
 */

const ENGINES: { name: string; skip: string | false; open(): Promise<{ store: MetadataStore; close(): Promise<void> }> }[] = [
  {
    name: 'SQLite',
    skip: false,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'furrow-listing-'));
      const store = createSqliteStore(join(dir, 'furrow.db'));
      await store.migrate();
      return { store, close: async () => (await store.close(), await rm(dir, { recursive: true, force: true })) };
    },
  },
  {
    name: 'PostgreSQL',
    skip: NO_POSTGRES,
    async open() {
      const database = await createTestDatabase();
      const store = createPostgresStore(database.url);
      await store.migrate();
      return { store, close: async () => (await store.close(), await database.drop()) };
    },
  },
];

const EVERYTHING = '1970-01-01T00:00:00.000Z';

for (const engine of ENGINES) {
  test(`${engine.name}: totals from file_counts agree with counting the entries, through inserts, replacements, updates and a user's deletion`, { skip: engine.skip }, async () => {
    const { store, close } = await engine.open();
    try {
      const { owner, user } = await ownerWithUser(store, 'counts');
      const second = await store.createUser({ ownerId: owner.id, name: 'Second', email: null, phone: null, address: null, externalId: null, credentials: {} });
      const other = await ownerWithUser(store, 'other-owner');
      const written: FileEntry[] = [];
      for (let i = 0; i < 24; i++) {
        const file = fileRecord(owner.id, i % 3 === 0 ? second.id : user.id, {
          status: i % 4 === 0 ? 'failed' : 'processed',
          operationType: ['planted', 'applied', 'harvested'][i % 3]!,
          provider: i % 2 === 0 ? 'JohnDeere' : 'Other',
          origin: i % 5 === 0 ? 'merged' : 'uploaded',
        });
        written.push(await store.upsertFile(file));
      }
      await store.upsertFile(fileRecord(other.owner.id, other.user.id));
      // A replacement of an entry (same id) and a status change: neither may count twice.
      written[1] = await store.upsertFile({ ...written[1]!, status: 'failed' });
      await store.updateFile(written[2]!.id, { status: 'processing' });
      written[2] = { ...written[2]!, status: 'processing' };

      const base: FileQuery = { ownerId: owner.id, sort: [{ field: 'id', direction: 'asc' }], page: 0, size: 100 };
      const cases: [Partial<FileQuery>, (f: FileEntry) => boolean][] = [
        [{}, () => true],
        [{ status: 'failed' }, (f) => f.status === 'failed'],
        [{ status: 'processing' }, (f) => f.status === 'processing'],
        [{ operationType: 'harvested', provider: 'JohnDeere' }, (f) => f.operationType === 'harvested' && f.provider === 'JohnDeere'],
        [{ leafUserId: second.id, origin: 'merged' }, (f) => f.leafUserId === second.id && f.origin === 'merged'],
        [{ provider: 'CNHI' }, () => false],
      ];
      const check = async (files: FileEntry[]) => {
        for (const [filters, expected] of cases) {
          const want = files.filter(expected).length;
          const listed = await store.listFileListings({ ...base, ...filters });
          assert.equal(listed.total, want, JSON.stringify(filters));
          assert.equal(listed.items.length, want);
          assert.equal((await store.listFiles({ ...base, ...filters, createdTime: EVERYTHING })).total, want, `counted: ${JSON.stringify(filters)}`);
        }
      };
      await check(written);
      assert.equal(written.filter((f) => f.status === 'failed').length, 7, 'the case set covers what it means to');

      assert.equal(await store.deleteUser(owner.id, second.id), true);
      await check(written.filter((f) => f.leafUserId !== second.id));
      assert.equal((await store.listFileListings({ ...base, ownerId: other.owner.id })).total, 1, 'another owner’s entries are counted apart');
    } finally {
      await close();
    }
  });

  test(`${engine.name}: a listing carries the stored summary text; deep pages (read forward, or from the end past the middle) are the pages of the order`, { skip: engine.skip }, async () => {
    const { store, close } = await engine.open();
    try {
      const { owner, user } = await ownerWithUser(store, 'pages');
      const summary = { type: 'Feature', properties: { totalArea: { value: 1.25, unit: 'ha' } }, geometry: null };
      const ids: string[] = [];
      // Sizes repeat (i·37 mod 400): ties are broken by id.
      const size = (i: number) => 1000 + ((i * 37) % 1400);
      const total = 4200;
      for (let i = 0; i < total; i += 100) {
        const chunk = await Promise.all(Array.from({ length: 100 }, (_, k) => store.upsertFile(fileRecord(owner.id, user.id, { sizeInBytes: size(i + k), summary, units: { area: 'm2' } }))));
        ids.push(...chunk.map((f) => f.id));
      }
      const bySize = ids.map((id, i) => ({ id, size: size(i) })).sort((a, b) => b.size - a.size || (a.id < b.id ? -1 : 1));
      const query: FileQuery = { ownerId: owner.id, sort: [{ field: 'sizeInBytes', direction: 'desc' }, { field: 'id', direction: 'asc' }], page: 0, size: 100 };
      // Pages read directly, by ids from the start (offset ≥ 2000), by ids from the end (past the middle), the last (partial) page, past the end.
      for (const page of [0, 15, 20, 30, 41, 42]) {
        const listed = await store.listFileListings({ ...query, page });
        assert.equal(listed.total, total);
        assert.deepEqual(listed.items.map((l) => l.entry.id), bySize.slice(page * 100, page * 100 + 100).map((f) => f.id), `page ${page}`);
        assert.deepEqual((await store.listFiles({ ...query, page })).items.map((f) => f.id), bySize.slice(page * 100, page * 100 + 100).map((f) => f.id), `listFiles page ${page}`);
      }
      const first = await store.listFileListings(query);
      assert.deepEqual(JSON.parse(first.items[0]!.summaryJson!), summary);
    } finally {
      await close();
    }
  });
}

test('migration 0005 moves a brand stored as provider to machine_brand and counts existing entries', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-0005-'));
  const db = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new SqliteDialect({ database: new SqliteDatabase(join(dir, 'furrow.db')) }) });
  try {
    const migrator = new Migrator({ db, provider: migrationProvider });
    assert.equal((await migrator.migrateTo('0002-webhook-events')).error, undefined);
    const now = '2025-01-01T00:00:00.000Z';
    await db.insertInto('owners').values({ id: 'o', username: 'o', password_hash: 'x', created_time: now }).execute();
    await db.insertInto('leaf_users').values({ id: 'u', owner_id: 'o', credentials: '{}', created_time: now }).execute();
    const row = (id: string, provider: string) => ({
      id, owner_id: 'o', leaf_user_id: 'u', origin: 'uploaded', provider, file_format: 'ISO11783', file_name: 'a.zip', status: 'processed', operation_type: 'applied',
      created_time: now, updated_time: now, size_in_bytes: 1, sources: '[]', steps: '{}', warnings: '[]', source_key: id, blob_prefix: `files/${id}`,
    });
    await db.insertInto('files').values([row('a', 'AGCO'), row('b', 'CNH Industrial'), row('c', 'JohnDeere'), row('d', 'AGCO')]).execute();
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    const files = await db.selectFrom('files').select(['id', 'provider', 'machine_brand']).orderBy('id').execute();
    assert.deepEqual(files, [
      { id: 'a', provider: 'Other', machine_brand: 'AGCO' },
      { id: 'b', provider: 'CNHI', machine_brand: 'CNH Industrial' },
      { id: 'c', provider: 'JohnDeere', machine_brand: null },
      { id: 'd', provider: 'Other', machine_brand: 'AGCO' },
    ]);
    const counts = await db.selectFrom('file_counts').select(['provider', 'n']).orderBy('provider').execute();
    assert.deepEqual(counts, [{ provider: 'CNHI', n: 1 }, { provider: 'JohnDeere', n: 1 }, { provider: 'Other', n: 2 }]);
  } finally {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});
