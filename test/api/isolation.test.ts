import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { waitFor, type ApiClient } from './helpers/http.ts';
import { SAMPLE_ZIP } from './helpers/reference.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/* Two API owners on one server: neither can see, change or use the other's things, and nothing tells them those things exist (404, never 403). */

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;
const a = { user: '', batch: '', file: '', webhook: '' };

before(async () => {
  server = await startServer();
  alice = await server.owner('alice@example.com');
  bob = await server.owner('bob@example.com');
  a.user = (await alice.createUser('Alice Grower')).id;
  const upload = await alice.upload(await readFile(SAMPLE_ZIP), { query: { leafUserId: a.user } });
  a.batch = ((await upload.json()) as { id: string }).id;
  const done = await waitFor('alice’s batch PROCESSED', async () => {
    const batch = await alice.json<{ status: string; leafFiles: string[] }>('GET', `/services/operations/api/batch/${a.batch}`);
    return batch.status === 'PROCESSED' ? batch : undefined;
  });
  a.file = done.leafFiles[0]!;
  a.webhook = (await alice.json<{ id: string }>('POST', '/services/alerts/api/alerts/webhooks', { events: ['uploadedFileProcessingFinished'], name: 'a', secret: 's', url: 'http://127.0.0.1:9/' })).id;
});
after(async () => server?.close());

it('bob gets 404 for each of alice’s resources, whatever the method', async () => {
  const attempts: [string, string, unknown?][] = [
    ['GET', `/services/usermanagement/api/users/${a.user}`],
    ['PUT', '/services/usermanagement/api/users', { id: a.user, name: 'taken over' }],
    ['DELETE', `/services/usermanagement/api/users/${a.user}`],
    ['GET', `/services/operations/api/batch/${a.batch}`],
    ['GET', `/services/operations/api/batch/${a.batch}/status`],
    ['PUT', `/services/operations/api/batch/${a.batch}/retry`],
    ['GET', `/services/operations/api/files/${a.file}`],
    ['GET', `/services/operations/api/files/${a.file}/summary`],
    ['GET', `/services/operations/api/files/${a.file}/units`],
    ['GET', `/services/operations/api/files/${a.file}/status`],
    ['GET', `/services/operations/api/files/${a.file}/images`],
    ['GET', `/services/operations/api/files/${a.file}/download/standardGeojson`],
    ['GET', `/services/operations/api/files/${a.file}/download/originalFile`],
    ['GET', `/services/alerts/api/alerts/webhooks/${a.webhook}`],
    ['DELETE', `/services/alerts/api/alerts/webhooks/${a.webhook}`],
  ];
  for (const [method, path, body] of attempts) {
    const response = await bob.request(method, path, body);
    assert.equal(response.status, 404, `${method} ${path}`);
    await response.body?.cancel();
  }
});

it('bob cannot upload for alice’s user (404) nor merge her files (400)', async () => {
  const upload = await bob.upload(await readFile(SAMPLE_ZIP), { query: { leafUserId: a.user } });
  assert.equal(upload.status, 404);
  await upload.body?.cancel();
  const merge = await bob.request('POST', '/services/operations/api/files/merge', { ids: [a.file, a.file.replace(/.$/, (c) => (c === '0' ? '1' : '0'))] });
  assert.equal(merge.status, 400);
  await merge.body?.cancel();
});

it('bob’s lists are empty, and his webhook may use the event alice subscribed', async () => {
  for (const [path, empty] of [
    ['/services/usermanagement/api/users', []],
    ['/services/operations/api/batch', []],
    ['/services/operations/api/files', { operations: [] }],
    [`/services/operations/api/files?leafUserId=${a.user}`, { operations: [] }],
  ] as const) {
    const response = await bob.request('GET', path);
    assert.deepEqual(await response.json(), empty, path);
    assert.equal(response.headers.get('x-total-count'), '0', path);
  }
  assert.deepEqual(await bob.json('GET', '/services/alerts/api/alerts/webhooks'), []);
  await bob.json('POST', '/services/alerts/api/alerts/webhooks', { events: ['uploadedFileProcessingFinished'], name: 'b', secret: 's', url: 'http://127.0.0.1:9/' });
});

it('alice still has everything', async () => {
  await alice.json('GET', `/services/usermanagement/api/users/${a.user}`);
  await alice.json('GET', `/services/operations/api/files/${a.file}`);
  await alice.json('GET', `/services/alerts/api/alerts/webhooks/${a.webhook}`);
});
