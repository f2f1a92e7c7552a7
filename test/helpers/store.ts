import { join } from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite.ts';
import type { MetadataStore } from '../../src/store/types.ts';
import { withTempDir } from './temp.ts';

/** Runs `fn` with a migrated SQLite store in a fresh temporary folder, closed and removed afterwards. */
export async function withSqliteStore(fn: (store: MetadataStore, dbPath: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const dbPath = join(dir, 'furrow.db');
    const store = createSqliteStore(dbPath);
    await store.migrate();
    try {
      await fn(store, dbPath);
    } finally {
      await store.close();
    }
  });
}
