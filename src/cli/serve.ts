import { once } from 'node:events';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.ts';
import { ensureFirstOwner } from '../api/first-owner.ts';
import { ConfigError, loadConfig, resolveJwtSecret } from '../config.ts';
import { startWorker } from '../jobs/index.ts';
import { openServices } from '../services.ts';

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
  const services = await openServices(config);
  const { store, blobs } = services;
  await ensureFirstOwner(store, config, (line) => console.log(line));

  const app = await buildApp({ store, blobs, config, logger: true });
  const worker = options.worker ? await startWorker({ store, blobs, config, conversionLog: app.log }) : undefined;
  const address = await app.listen({ port: config.port, host: config.host });
  // Scripts and tests read the address from this line (PORT=0 picks a free port).
  console.log(`furrow: listening on ${address}${worker ? '' : ' (no worker)'}`);

  await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  // A second signal while draining ends the process at once.
  const forceExit = () => process.exit(130);
  process.once('SIGTERM', forceExit).once('SIGINT', forceExit);
  console.log('furrow: shutting down');
  // The HTTP side and the worker stop together: running jobs are aborted and queued again (the next start takes them).
  await Promise.all([closeHttp(app, config.shutdownGraceMs), worker?.stop()]);
  await services.close();
  return 0;
}

/**
 * Stops the HTTP server: no new connections, new requests on open ones get 503, idle keep-alive
 * connections close at once (fastify's forceCloseConnections: 'idle'). Requests in progress get
 * `graceMs` to finish; then their connections are closed too, so a slow or stalled client (an
 * upload that never ends) cannot hold the process.
 */
async function closeHttp(app: FastifyInstance, graceMs: number): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `furrow worker`: conversions, merges and webhook deliveries only, no HTTP (scale-out: run as
 * many as the machines allow beside `furrow serve --no-worker` API processes).
 */
export async function runWorker(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`furrow: ${error.message}`);
    return 2;
  }
  const services = await openServices(config);
  const worker = await startWorker({ store: services.store, blobs: services.blobs, config, conversionLog: pino({ level: config.logLevel }) });
  console.log(`furrow: worker running (${config.workers} conversion threads, queue ${config.queue.kind})`);
  await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  const forceExit = () => process.exit(130);
  process.once('SIGTERM', forceExit).once('SIGINT', forceExit);
  console.log('furrow: worker shutting down');
  await worker.stop();
  await services.close();
  return 0;
}
