import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, waitFor } from './helpers/http.ts';
import { SAMPLE_ZIP } from './helpers/reference.ts';
import { startServer, startSlowApp, type TestServer } from './helpers/server.ts';

/* Webhooks: registration rules, and deliveries checked by a receiver that verifies Leaf's signature itself. */

interface Delivery {
  body: string;
  signature: string | undefined;
}

const SECRET = 'receiver-secret';
const BASE = '/services/alerts/api/alerts/webhooks';
let server: TestServer;
let client: ApiClient;
let receiver: Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];

before(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const signature = request.headers['x-leaf-signature'];
      deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), signature: Array.isArray(signature) ? signature[0] : signature });
      response.writeHead(200).end('ok');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  server = await startServer();
  client = await server.owner('hooks@example.com');
});
after(async () => {
  await server?.close();
  receiver?.close();
});

function verified(delivery: Delivery): Record<string, unknown> {
  const expected = createHmac('sha256', SECRET).update(delivery.body, 'utf8').digest('base64');
  assert.equal(delivery.signature, expected, 'X-Leaf-Signature = base64(HMAC-SHA256(secret, raw body))');
  return JSON.parse(delivery.body) as Record<string, unknown>;
}

it('registers a webhook, answers with it, and sends the confirmation call', async () => {
  const events = ['uploadedFileProcessingFinished', 'batchUploadProcessingFinished'];
  const created = await client.json<{ id: string; events: string[]; name: string; secret: string; url: string }>('POST', BASE, { events, name: 'main', secret: SECRET, url: receiverUrl });
  assert.deepEqual(Object.keys(created).sort(), ['events', 'id', 'name', 'secret', 'url']);
  assert.deepEqual(created.events, events);
  assert.deepEqual(await client.json('GET', `${BASE}/${created.id}`), created);
  assert.deepEqual(await client.json('GET', BASE), [created]);
  const confirmation = await waitFor('confirmation call', async () => deliveries.find((d) => d.body.includes('confirmation')), 10_000);
  assert.equal(verified(confirmation).message, 'confirmation of webhook upon registration');
});

it('an event already subscribed by another webhook → 400 eventRegisteredTwice', async () => {
  const response = await client.request('POST', BASE, { events: ['mergedFileProcessingFinished', 'uploadedFileProcessingFinished'], name: 'second', secret: 'x', url: receiverUrl });
  const problem = (await response.json()) as { status: number; errorKey: string; message: string };
  assert.equal(response.status, 400);
  assert.equal(problem.errorKey, 'eventRegisteredTwice');
  assert.equal(problem.message, 'error.eventRegisteredTwice');
  const unknown = await client.request('POST', BASE, { events: ['noSuchEvent'], name: 'x', secret: 'x', url: receiverUrl });
  assert.equal(unknown.status, 400);
  await unknown.body?.cancel();
});

it('delivers signed events when an upload has been converted', async () => {
  const { id: leafUserId } = await client.createUser('Hooked');
  const upload = await client.upload(await readFile(SAMPLE_ZIP), { query: { leafUserId } });
  const { id: batchId } = (await upload.json()) as { id: string };
  const batchEvent = await waitFor('batchUploadProcessingFinished', async () => deliveries.map(verified).find((p) => p.type === 'batchUploadProcessingFinished'));
  assert.equal(batchEvent.batchId, batchId);
  assert.equal(batchEvent.leafUserId, leafUserId);
  assert.match(String(batchEvent.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  const { leafFiles } = await client.json<{ leafFiles: string[] }>('GET', `/services/operations/api/batch/${batchId}`);
  const fileEvents = deliveries.map(verified).filter((p) => p.type === 'uploadedFileProcessingFinished');
  assert.deepEqual(fileEvents.map((p) => p.fileId).sort(), [...leafFiles].sort());
  assert.ok(fileEvents.every((p) => p.leafUserId === leafUserId));
});

it('lists failed calls and deletes webhooks', async () => {
  const failed = await client.json<{ items: unknown[] }>('GET', `${BASE}/failed-calls`);
  assert.deepEqual(failed, { items: [] });
  const [webhook] = await client.json<{ id: string }[]>('GET', BASE);
  const deleted = await client.request('DELETE', `${BASE}/${webhook!.id}`);
  assert.equal(deleted.status, 204);
  assert.equal((await client.request('GET', `${BASE}/${webhook!.id}`)).status, 404);
});

it('two registrations of one event at the same time: one 200, the other 400 eventRegisteredTwice', async () => {
  const racer = await server.owner('race@example.com');
  const slow = await startSlowApp(server);
  try {
    const viaSlow = new ApiClient(slow.url, racer.token);
    const register = (name: string, events: string[]) => viaSlow.request('POST', BASE, { events, name, secret: 'x', url: receiverUrl });
    const responses = await Promise.all([register('a', ['mergedFileProcessingFailed']), register('b', ['batchUploadProcessingFinished', 'mergedFileProcessingFailed'])]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { id?: string; errorKey?: string; detail?: string }[];
    assert.deepEqual(responses.map((r) => r.status).sort(), [200, 400], JSON.stringify(bodies));
    const refused = bodies[responses.findIndex((r) => r.status === 400)]!;
    assert.equal(refused.errorKey, 'eventRegisteredTwice');
    assert.equal(refused.detail, 'Event already registered by another webhook: mergedFileProcessingFailed');
    const listed = await racer.json<{ id: string; events: string[] }[]>('GET', BASE);
    assert.equal(listed.length, 1, 'the refused registration left nothing behind');
  } finally {
    await slow.close();
  }
});
