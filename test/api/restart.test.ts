import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type StartedServe } from '../helpers/serve.ts';
import { ApiClient, waitFor } from './helpers/http.ts';
import { SAMPLE_ZIP, convertDirectly } from './helpers/reference.ts';

/*
 * Crash recovery of `furrow serve` as deployed: the process is killed with SIGKILL while its
 * worker converts an upload; started again on the same data folder, it finishes the batch, once.
 */

const OWNER = { FURROW_OWNER_USERNAME: 'ops@example.com', FURROW_OWNER_PASSWORD: 'restart-password' };
const children: ChildProcess[] = [];
let dataDir: string | undefined;

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function serve(dir: string): Promise<StartedServe> {
  return startServe(dir, OWNER, children);
}

it('a batch being converted when the process is SIGKILLed is converted once after the restart', { timeout: 150_000 }, async (t) => {
  dataDir = await mkdtemp(join(tmpdir(), 'furrow-restart-'));
  const first = await serve(dataDir);
  assert.match(first.output(), /created API owner "ops@example\.com"/);
  const client = new ApiClient(first.url);
  const token = await client.login(OWNER.FURROW_OWNER_USERNAME, OWNER.FURROW_OWNER_PASSWORD);
  const { id: leafUserId } = await client.createUser('Restart');
  const upload = await client.upload(await readFile(SAMPLE_ZIP), { query: { leafUserId } });
  assert.equal(upload.status, 201);
  const { id: batchId } = (await upload.json()) as { id: string };
  // Killed once the worker has claimed the batch, so the restart has to take over an abandoned claim (its lease runs out first).
  const stateAtKill = await waitFor('the worker to start on the batch', async () => {
    const { status } = await client.json<{ status: string }>('GET', `/services/operations/api/batch/${batchId}`);
    return status === 'RECEIVED' ? undefined : status;
  }, 10_000, 10);
  first.child.kill('SIGKILL');
  t.diagnostic(`killed with the batch ${stateAtKill}`);
  await new Promise((done) => first.child.once('exit', done));

  const second = await serve(dataDir);
  assert.doesNotMatch(second.output(), /created API owner/, 'the owner is created only on an empty database');
  // The JWT secret was kept in the data folder: the token from before the crash still works.
  const again = new ApiClient(second.url, token);
  const done = await waitFor(
    'batch PROCESSED after the restart',
    async () => {
      const batch = await again.json<{ status: string; leafFiles: string[] }>('GET', `/services/operations/api/batch/${batchId}`);
      assert.notEqual(batch.status, 'FAILED');
      return batch.status === 'PROCESSED' ? batch : undefined;
    },
    120_000,
    500,
  );
  const direct = await convertDirectly(SAMPLE_ZIP, join(dataDir, 'direct'));
  assert.equal(done.leafFiles.length, direct.report.operations.length, 'one file per operation, none twice');
  assert.equal(new Set(done.leafFiles).size, done.leafFiles.length);
  const files = await again.request('GET', `/services/operations/api/files?batchId=${batchId}`);
  assert.equal(files.headers.get('x-total-count'), String(done.leafFiles.length), 'no duplicate file entries');
  await files.body?.cancel();

  second.child.kill('SIGTERM');
  const [code] = (await Promise.race([new Promise((done) => second.child.once('exit', (c) => done([c]))), new Promise((done) => setTimeout(() => done(['timeout']), 15_000))])) as [unknown];
  assert.equal(code, 0, 'SIGTERM shuts down cleanly');
});
