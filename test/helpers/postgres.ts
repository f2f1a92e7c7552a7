import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL for tests: FURROW_TEST_POSTGRES_URL points at a server (`.ci/run` starts a throwaway
 * cluster on 127.0.0.1) on whose maintenance database a test may create and drop databases.
 * Each test gets a database of its own, so tests never see each other's rows.
 */
export const TEST_POSTGRES_URL = process.env.FURROW_TEST_POSTGRES_URL;

export const NO_POSTGRES = TEST_POSTGRES_URL ? false : 'FURROW_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets it)';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_POSTGRES_URL) throw new Error('FURROW_TEST_POSTGRES_URL is not set');
  const name = `furrow_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
