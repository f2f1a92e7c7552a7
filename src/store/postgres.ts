import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { createKyselyStore } from './kysely-store.ts';
import type { Database } from './schema.ts';
import type { MetadataStore } from './types.ts';

/** PostgreSQL's OID of int8 (bigint): byte counts, which pg returns as strings unless told otherwise. */
const INT8_OID = 20;

/**
 * The scale-out metadata store: the same Kysely store as SQLite over a pooled PostgreSQL
 * connection. Byte counts stay below 2^53, so int8 is read as a JavaScript number, as SQLite gives it.
 */
export function createPostgresStore(url: string, options: { poolSize?: number } = {}): MetadataStore {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  // An idle pooled connection that the server ends (restart, failover, admin command) emits 'error' on the pool;
  // unhandled, that would end the process. The pool drops that client and opens a new one on the next query.
  pool.on('error', (error) => console.error(`furrow: an idle PostgreSQL connection was closed (${error.message}); it is replaced on the next query`));
  return createKyselyStore(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), { dialect: 'postgres' });
}
