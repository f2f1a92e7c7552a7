import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.ts';
import { webhookEvents } from './0002-webhook-events.ts';
import { ownerAccess } from './0003-owner-access.ts';
import { fairQueueAndBatchFailures } from './0004-fair-queue-and-batch-failures.ts';
import { fileListing } from './0005-file-listing.ts';
import { batchProgress } from './0006-batch-progress.ts';

/** Every migration, in the order they apply; names sort in that order and must never change once released. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-webhook-events': webhookEvents,
  '0003-owner-access': ownerAccess,
  '0004-fair-queue-and-batch-failures': fairQueueAndBatchFailures,
  '0005-file-listing': fileListing,
  '0006-batch-progress': batchProgress,
};

/** Migrations are defined in code (not read from a folder) so they work the same under tsx, in tests and in a bundle. */
export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
