import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { hashPassword } from '../../src/api/passwords.ts';
import { DOWNLOADS } from '../../src/api/files/schemas.ts';
import { ApiClient, waitFor } from './helpers/http.ts';
import { SAMPLE_ZIP } from './helpers/reference.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/*
 * Tenant isolation over EVERY route of the API: the routes are read from the OpenAPI document, and
 * each must have its attempts below, so a route added later fails this test until it is covered.
 * Alice owns a user, two uploads, their files, a merged file and a webhook with failed calls; Bob,
 * another owner (not an administrator), aims each route at her ids: 404 (merge: the same 400 as for
 * ids that never existed), lists without her things, and nothing of hers changes.
 */

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;
const a = { owner: '', user: '', batch: '', file: '', file2: '', merged: '', webhook: '', image: '' };

before(async () => {
  server = await startServer();
  await server.store.createOwner('admin@example.com', await hashPassword('admin-password'), { admin: true });
  alice = await server.owner('alice@example.com');
  bob = await server.owner('bob@example.com');
  a.owner = (await alice.json<{ id: string }>('GET', '/api/owners/me')).id;
  a.user = (await alice.createUser('Alice Grower')).id;
  // Her webhook's receiver is a closed port: every delivery fails and is listed in her failed calls.
  a.webhook = (await alice.json<{ id: string }>('POST', '/services/alerts/api/alerts/webhooks', { events: ['uploadedFileProcessingFinished'], name: 'a', secret: 's', url: 'http://127.0.0.1:9/' })).id;
  const zip = await readFile(SAMPLE_ZIP);
  const batches: string[] = [];
  for (let i = 0; i < 2; i++) batches.push(((await (await alice.upload(zip, { query: { leafUserId: a.user } })).json()) as { id: string }).id);
  a.batch = batches[0]!;
  const files: string[] = [];
  for (const batch of batches) {
    const done = await waitFor(`alice’s batch ${batch} PROCESSED`, async () => {
      const b = await alice.json<{ status: string; leafFiles: string[] }>('GET', `/services/operations/api/batch/${batch}`);
      return b.status === 'PROCESSED' ? b : undefined;
    }, 90_000);
    files.push(done.leafFiles[0]!);
  }
  [a.file, a.file2] = files as [string, string];
  const images = await alice.json<{ url: string }[]>('GET', `/services/operations/api/files/${a.file}/images`);
  a.image = new URL(images[0]!.url).pathname.split('/').pop()!;
  a.merged = (await alice.json<{ id: string }>('POST', '/services/operations/api/files/merge', { ids: [a.file, a.file2] })).id;
  await waitFor('alice’s failed calls', async () => {
    const { items } = await alice.json<{ items: unknown[] }>('GET', '/services/alerts/api/alerts/webhooks/failed-calls');
    return items.length > 0 ? true : undefined;
  }, 30_000);
});
after(async () => server?.close());

type Attempt = { method: string; path: string; body?: unknown; expect: number | ((response: Response, text: string) => Promise<void> | void) };

const F = '/services/operations/api/files';
const NEVER = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];

/** Bob's attempts on each documented route (OpenAPI path template → attempts). */
function attempts(): Record<string, Attempt[]> {
  const emptyList = async (response: Response, text: string) => {
    assert.equal(response.status, 200, text);
    // GET /files answers Leaf's {"operations": [...]}; the other lists a bare array.
    const body = JSON.parse(text) as unknown[] | { operations: unknown[] };
    assert.deepEqual(Array.isArray(body) ? body : body.operations, []);
    assert.equal(response.headers.get('x-total-count') ?? '0', '0');
  };
  return {
    'POST /api/authenticate': [{ method: 'POST', path: '/api/authenticate', body: { username: 'alice@example.com', password: 'not-her-password' }, expect: 401 }],
    'GET /api/owners': [{ method: 'GET', path: '/api/owners', expect: 403 }],
    'POST /api/owners': [{ method: 'POST', path: '/api/owners', body: { username: 'eve@example.com', password: 'eve-password' }, expect: 403 }],
    'GET /api/owners/me': [{ method: 'GET', path: '/api/owners/me', expect: (_r, text) => assert.equal((JSON.parse(text) as { username: string }).username, 'bob@example.com') }],
    'GET /api/owners/{id}': [{ method: 'GET', path: `/api/owners/${a.owner}`, expect: 404 }],
    'PATCH /api/owners/{id}': [{ method: 'PATCH', path: `/api/owners/${a.owner}`, body: { disabled: true }, expect: 403 }],
    'DELETE /api/owners/{id}': [{ method: 'DELETE', path: `/api/owners/${a.owner}`, expect: 403 }],
    'PUT /api/owners/{id}/password': [{ method: 'PUT', path: `/api/owners/${a.owner}/password`, body: { password: 'taken-over-pw' }, expect: 404 }],

    'GET /services/usermanagement/api/users': [
      { method: 'GET', path: '/services/usermanagement/api/users', expect: emptyList },
      { method: 'GET', path: '/services/usermanagement/api/users?email=alice%20grower@example.com', expect: emptyList },
    ],
    'POST /services/usermanagement/api/users': [
      // Creating is allowed, for himself: the new user is Bob's, not Alice's.
      { method: 'POST', path: '/services/usermanagement/api/users', body: { name: 'Bob Grower' }, expect: 201 },
    ],
    'PUT /services/usermanagement/api/users': [{ method: 'PUT', path: '/services/usermanagement/api/users', body: { id: a.user, name: 'taken over' }, expect: 404 }],
    'GET /services/usermanagement/api/users/{id}': [{ method: 'GET', path: `/services/usermanagement/api/users/${a.user}`, expect: 404 }],
    'DELETE /services/usermanagement/api/users/{id}': [{ method: 'DELETE', path: `/services/usermanagement/api/users/${a.user}`, expect: 404 }],

    'POST /services/operations/api/batch': [{ method: 'UPLOAD', path: a.user, expect: 404 }],
    'GET /services/operations/api/batch': [{ method: 'GET', path: '/services/operations/api/batch', expect: emptyList }],
    'GET /services/operations/api/batch/{id}': [{ method: 'GET', path: `/services/operations/api/batch/${a.batch}`, expect: 404 }],
    'GET /services/operations/api/batch/{id}/status': [{ method: 'GET', path: `/services/operations/api/batch/${a.batch}/status`, expect: 404 }],
    'GET /services/operations/api/batch/{id}/failures': [{ method: 'GET', path: `/services/operations/api/batch/${a.batch}/failures`, expect: 404 }],
    'PUT /services/operations/api/batch/{id}/retry': [{ method: 'PUT', path: `/services/operations/api/batch/${a.batch}/retry`, expect: 404 }],

    'GET /services/operations/api/files': [
      { method: 'GET', path: F, expect: emptyList },
      { method: 'GET', path: `${F}?leafUserId=${a.user}`, expect: emptyList },
      { method: 'GET', path: `${F}?batchId=${a.batch}`, expect: emptyList },
      { method: 'GET', path: `${F}?origin=merged`, expect: emptyList },
    ],
    'POST /services/operations/api/files/merge': [
      {
        method: 'POST',
        path: `${F}/merge`,
        body: { ids: [a.file, a.file2] },
        // Leaf answers a refused merge with 400; Alice's ids must get exactly the answer of ids that never existed.
        expect: async (response, text) => {
          const never = await bob.request('POST', `${F}/merge`, { ids: NEVER });
          const neverProblem = (await never.json()) as { detail: string; errorKey: string };
          const problem = JSON.parse(text) as { detail: string; errorKey: string };
          assert.deepEqual([response.status, problem.errorKey], [never.status, neverProblem.errorKey]);
          assert.deepEqual([response.status, problem.errorKey], [400, 'mergeNotAllowed']);
          assert.equal(problem.detail, neverProblem.detail.replace(NEVER[0]!, a.file));
        },
      },
    ],
    ...Object.fromEntries(
      ['', '/summary', '/units', '/status', '/images', '/map-points'].map((sub) => [
        `GET /services/operations/api/files/{id}${sub}`,
        [a.file, a.merged].map((id) => ({ method: 'GET', path: `${F}/${id}${sub}`, expect: 404 })),
      ]),
    ),
    'GET /services/operations/api/files/{id}/images/{name}': [
      { method: 'GET', path: `${F}/${a.file}/images/${a.image}`, expect: 404 },
      { method: 'GET', path: `${F}/${a.file}/images/${a.image}.aux.xml`, expect: 404 },
    ],
    // Signed links carry no bearer: a link Bob forges for Alice's file (no valid signature) is refused, never served.
    'GET /services/operations/api/files/{id}/signed/{expires}/{signature}/{what}': [
      { method: 'GET', path: `${F}/${a.file}/signed/9999999999/${'0'.repeat(43)}/standardGeojson`, expect: (response) => assert.ok([403, 404].includes(response.status), String(response.status)) },
    ],
    'GET /services/operations/api/files/{id}/signed/{expires}/{signature}/images/{name}': [
      { method: 'GET', path: `${F}/${a.file}/signed/9999999999/${'0'.repeat(43)}/images/${a.image}`, expect: (response) => assert.ok([403, 404].includes(response.status), String(response.status)) },
    ],
    'GET /services/operations/api/files/{id}/download/{what}': DOWNLOADS.flatMap((what) => [a.file, a.merged].map((id) => ({ method: 'GET', path: `${F}/${id}/download/${what}`, expect: 404 }))),

    'POST /services/alerts/api/alerts/webhooks': [
      // Registering for himself the event Alice holds: allowed (events are per owner).
      { method: 'POST', path: '/services/alerts/api/alerts/webhooks', body: { events: ['uploadedFileProcessingFinished'], name: 'b', secret: 's', url: 'http://127.0.0.1:9/' }, expect: 200 },
    ],
    'GET /services/alerts/api/alerts/webhooks': [
      { method: 'GET', path: '/services/alerts/api/alerts/webhooks', expect: (_r, text) => assert.deepEqual((JSON.parse(text) as { name: string }[]).map((w) => w.name), ['b']) },
    ],
    'GET /services/alerts/api/alerts/webhooks/failed-calls': [
      { method: 'GET', path: '/services/alerts/api/alerts/webhooks/failed-calls', expect: (_r, text) => assert.deepEqual((JSON.parse(text) as { items: unknown[] }).items, []) },
    ],
    'GET /services/alerts/api/alerts/webhooks/{id}': [{ method: 'GET', path: `/services/alerts/api/alerts/webhooks/${a.webhook}`, expect: 404 }],
    'DELETE /services/alerts/api/alerts/webhooks/{id}': [{ method: 'DELETE', path: `/services/alerts/api/alerts/webhooks/${a.webhook}`, expect: 404 }],
  };
}

/** Routes without an owner's data. */
const PUBLIC = new Set(['GET /health']);

it('every documented route has its cross-owner attempts, and each answers as it must', async () => {
  const doc = await new ApiClient(server.url).json<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json');
  const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  const table = attempts();
  const uncovered = documented.filter((route) => !PUBLIC.has(route) && !(route in table));
  assert.deepEqual(uncovered, [], 'routes with no isolation check: add them to attempts()');
  assert.deepEqual(Object.keys(table).filter((route) => !documented.includes(route)), [], 'attempts for routes that do not exist');

  const zip = await readFile(SAMPLE_ZIP);
  for (const [route, list] of Object.entries(table)) {
    for (const attempt of list) {
      const response = attempt.method === 'UPLOAD' ? await bob.upload(zip, { query: { leafUserId: attempt.path } }) : await bob.request(attempt.method, attempt.path, attempt.body);
      const text = await response.text();
      if (typeof attempt.expect === 'number') assert.equal(response.status, attempt.expect, `${route}: ${attempt.method} ${attempt.path}: ${text.slice(0, 300)}`);
      else await attempt.expect(response, text);
    }
  }
});

it('alice still has everything, unchanged', async () => {
  const user = await alice.json<{ name: string }>('GET', `/services/usermanagement/api/users/${a.user}`);
  assert.equal(user.name, 'Alice Grower');
  for (const id of [a.file, a.file2, a.merged]) await alice.json('GET', `${F}/${id}`);
  const download = await alice.request('GET', `${F}/${a.file}/download/standardGeojson`);
  assert.equal(download.status, 200);
  await download.body?.cancel();
  await alice.json('GET', `/services/alerts/api/alerts/webhooks/${a.webhook}`);
  const batches = await alice.json<{ id: string }[]>('GET', '/services/operations/api/batch');
  assert.equal(batches.length, 2);
  const me = await alice.json<{ disabled: boolean }>('GET', '/api/owners/me');
  assert.equal(me.disabled, false);
  await alice.login('alice@example.com', 'test-password');
});
