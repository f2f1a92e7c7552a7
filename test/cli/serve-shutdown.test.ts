import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type StartedServe } from '../helpers/serve.ts';
import { ApiClient, waitFor } from '../api/helpers/http.ts';
import { SAMPLE_ZIP } from '../api/helpers/reference.ts';

/*
 * Ctrl-C of `furrow serve` while clients hold connections open: an upload refused mid-stream
 * (wrong part name, not a zip) whose client keeps its socket open and never sends the rest, and an
 * idle keep-alive connection. The process must exit within ~2 s (it used to wait 72 s for the
 * keep-alive to expire), and a conversion running at that moment is queued again and finished
 * by the next start.
 */

const OWNER = { FURROW_OWNER_USERNAME: 'stop@example.com', FURROW_OWNER_PASSWORD: 'shutdown-password' };
const children: ChildProcess[] = [];
const sockets: Socket[] = [];
let dataDir: string | undefined;

after(async () => {
  for (const socket of sockets) socket.destroy();
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function serve(dir: string): Promise<StartedServe> {
  return startServe(dir, OWNER, children);
}

/**
 * Starts a 50 MB upload by hand, sends its first kilobytes, and resolves with the server's answer
 * while the socket stays open and the rest is never sent (a client stalled, or still sending).
 */
async function stalledUpload(url: string, token: string, leafUserId: string, partName: string, firstBytes: Buffer): Promise<{ socket: Socket; answer: string }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  await once(socket, 'connect');
  const boundary = 'furrow-stall';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${partName}"; filename="big.zip"\r\nContent-Type: application/zip\r\n\r\n`;
  socket.write(
    `POST /services/operations/api/batch?leafUserId=${leafUserId} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n${head}`,
  );
  socket.write(firstBytes);
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  await waitFor('the refusal', async () => (/\r\n\r\n\{.*\}/s.test(answer) ? true : undefined), 10_000, 20);
  return { socket, answer };
}

it('SIGINT exits within ~2 s despite refused uploads left open mid-stream and idle keep-alive connections; the running conversion is finished after the restart', { timeout: 180_000 }, async (t) => {
  dataDir = await mkdtemp(join(tmpdir(), 'furrow-shutdown-'));
  const first = await serve(dataDir);
  const client = new ApiClient(first.url);
  const token = await client.login(OWNER.FURROW_OWNER_USERNAME, OWNER.FURROW_OWNER_PASSWORD);
  const { id: leafUserId } = await client.createUser('Shutdown');

  const upload = await client.upload(await readFile(SAMPLE_ZIP), { query: { leafUserId } });
  assert.equal(upload.status, 201);
  const { id: batchId } = (await upload.json()) as { id: string };
  await waitFor('the conversion to start', async () => {
    const { status } = await client.json<{ status: string }>('GET', `/services/operations/api/batch/${batchId}`);
    return status === 'RECEIVED' ? undefined : status;
  }, 20_000, 20);

  const zipStart = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64 * 1024)]);
  const wrongName = await stalledUpload(first.url, token, leafUserId, 'upload', zipStart);
  assert.match(wrongName.answer, /^HTTP\/1\.1 400 /);
  assert.match(wrongName.answer, /connection: close/i, 'a refused upload closes its connection');
  assert.match(wrongName.answer, /Unexpected file part \\"upload\\"/);
  const notZip = await stalledUpload(first.url, token, leafUserId, 'file', Buffer.alloc(64 * 1024, 0x41));
  assert.match(notZip.answer, /^HTTP\/1\.1 400 /);
  assert.match(notZip.answer, /not a zip/);
  // And an idle keep-alive connection, as a browser or an HTTP client pool leaves one.
  const { hostname, port } = new URL(first.url);
  const idle = connect(Number(port), hostname);
  sockets.push(idle);
  await once(idle, 'connect');
  idle.write(`GET /health HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
  await once(idle, 'data');

  const started = Date.now();
  first.child.kill('SIGINT');
  const [code] = (await once(first.child, 'exit')) as [number | null];
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`exited ${seconds.toFixed(2)} s after SIGINT`);
  assert.equal(code, 0, first.output());
  assert.match(first.output(), /shutting down/);
  assert.ok(seconds < 2.5, `stopped in ${seconds} s`);

  // The conversion interrupted by the stop runs again on the next start, and completes.
  const second = await serve(dataDir);
  const again = new ApiClient(second.url, token);
  const done = await waitFor('the interrupted batch PROCESSED after the restart', async () => {
    const batch = await again.json<{ status: string; leafFiles: string[] }>('GET', `/services/operations/api/batch/${batchId}`);
    assert.notEqual(batch.status, 'FAILED');
    return batch.status === 'PROCESSED' ? batch : undefined;
  }, 120_000, 300);
  assert.ok(done.leafFiles.length > 0);
  const batches = await again.json<{ id: string }[]>('GET', '/services/operations/api/batch');
  assert.deepEqual(batches.map((b) => b.id), [batchId], 'the refused uploads left no batch');
  second.child.kill('SIGTERM');
  await once(second.child, 'exit');
});
