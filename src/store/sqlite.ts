import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createKyselyStore } from './kysely-store.ts';
import type { Database } from './schema.ts';
import type { MetadataStore } from './types.ts';

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The embedded metadata store: one SQLite file. WAL lets the API read while the worker writes;
 * the busy timeout lets a second process (`furrow worker`) share the file; foreign keys are off
 * in SQLite unless asked for, and the schema relies on their cascades.
 */
export function createSqliteStore(path: string): MetadataStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  return createKyselyStore(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }));
}
