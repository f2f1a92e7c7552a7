import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { buildApp } from '../api/app.ts';
import { ensureFirstOwner } from '../api/first-owner.ts';
import { ConfigError, loadConfig, resolveJwtSecret } from '../config.ts';
import { startWorker } from '../jobs/index.ts';
import { createLocalBlobStore } from '../store/local-blobs.ts';
import { createSqliteStore } from '../store/sqlite.ts';

/**
 * `furrow serve`: the HTTP API and, unless told otherwise, the conversion worker in the same
 * process. Returns the exit code once stopped by SIGTERM or SIGINT.
 */
export async function runServe(options: { worker: boolean }): Promise<number> {
  let config;
  try {
    config = await resolveJwtSecret(loadConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`furrow: ${error.message}`);
    return 2;
  }
  await mkdir(config.dataDir, { recursive: true });
  const store = createSqliteStore(config.databasePath);
  await store.migrate();
  const blobs = createLocalBlobStore(config.blobRoot);
  await ensureFirstOwner(store, config, (line) => console.log(line));

  const app = await buildApp({ store, blobs, config, logger: true });
  const worker = options.worker ? await startWorker({ store, blobs, config }) : undefined;
  const address = await app.listen({ port: config.port, host: config.host });
  // Scripts and tests read the address from this line (PORT=0 picks a free port).
  console.log(`furrow: listening on ${address}${worker ? '' : ' (no worker)'}`);

  await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  // A second signal while draining ends the process at once.
  const forceExit = () => process.exit(130);
  process.once('SIGTERM', forceExit).once('SIGINT', forceExit);
  console.log('furrow: shutting down');
  await app.close();
  await worker?.stop();
  await store.close();
  return 0;
}
