/*
 * A worker process for the crash test: claims convertBatch jobs from the SQLite file given as
 * argument, says which one on stdout, and never finishes it (its heartbeat keeps the lease
 * alive) until the test kills the process.
 */
import { startWorker } from '../../../src/jobs/runner.ts';
import { createSqliteStore } from '../../../src/store/sqlite.ts';

const [dbPath, leaseMs] = process.argv.slice(2);
const store = createSqliteStore(dbPath!);
startWorker({
  store,
  concurrency: 1,
  leaseMs: Number(leaseMs),
  pollMs: 20,
  handlers: {
    convertBatch: {
      async run(job) {
        process.stdout.write(`claimed ${job.id}\n`);
        await new Promise(() => {});
      },
    },
  },
});
