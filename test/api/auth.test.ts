import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { buildApp } from '../../src/api/app.ts';
import { ApiClient } from './helpers/http.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/* Authentication, users CRUD, public routes and the OpenAPI document. */

let server: TestServer;
let client: ApiClient;

before(async () => {
  server = await startServer({ worker: false });
  client = await server.owner('owner@example.com');
});
after(async () => server?.close());

function forgedToken(secret: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'owner@example.com', oid: 'x', iat: 1, exp: 4102444800 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

it('every API route needs a valid bearer token: 401 problem otherwise', async () => {
  const routes = [
    ['GET', '/services/usermanagement/api/users'],
    ['GET', '/services/operations/api/files'],
    ['GET', '/services/operations/api/batch'],
    ['POST', '/services/operations/api/files/merge'],
    ['GET', '/services/alerts/api/alerts/webhooks'],
    ['GET', '/services/operations/api/files/00000000-0000-4000-8000-000000000000/download/standardGeojson'],
  ];
  const anonymous = new ApiClient(server.url);
  const forged = new ApiClient(server.url, forgedToken('not-the-server-secret-but-long-enough'));
  const garbage = new ApiClient(server.url, 'garbage');
  for (const [method, path] of routes) {
    for (const who of [anonymous, forged, garbage]) {
      const response = await who.request(method!, path!);
      assert.equal(response.status, 401, `${method} ${path}`);
      const body = (await response.json()) as { status: number; title: string; path: string; message: string };
      assert.deepEqual([body.status, body.title, body.path, body.message], [401, 'Unauthorized', path, 'error.http.401']);
    }
  }
});

it('health, the OpenAPI document and the docs page are public', async () => {
  assert.deepEqual(await new ApiClient(server.url).json('GET', '/health'), { status: 'ok' });
  const doc = await new ApiClient(server.url).json<{ openapi: string; paths: Record<string, Record<string, unknown>>; components: { securitySchemes: object } }>('GET', '/openapi.json');
  assert.match(doc.openapi, /^3\./);
  const expected: [string, string][] = [
    ['/api/authenticate', 'post'],
    ['/services/usermanagement/api/users', 'get'],
    ['/services/usermanagement/api/users', 'post'],
    ['/services/usermanagement/api/users', 'put'],
    ['/services/usermanagement/api/users/{id}', 'delete'],
    ['/services/operations/api/batch', 'post'],
    ['/services/operations/api/batch/{id}', 'get'],
    ['/services/operations/api/batch/{id}/status', 'get'],
    ['/services/operations/api/batch/{id}/retry', 'put'],
    ['/services/operations/api/files', 'get'],
    ['/services/operations/api/files/{id}', 'get'],
    ['/services/operations/api/files/{id}/summary', 'get'],
    ['/services/operations/api/files/{id}/units', 'get'],
    ['/services/operations/api/files/{id}/images', 'get'],
    ['/services/operations/api/files/{id}/status', 'get'],
    ['/services/operations/api/files/merge', 'post'],
    ['/services/operations/api/files/{id}/download/{what}', 'get'],
    ['/services/alerts/api/alerts/webhooks', 'post'],
    ['/services/alerts/api/alerts/webhooks/{id}', 'delete'],
    ['/services/alerts/api/alerts/webhooks/failed-calls', 'get'],
  ];
  for (const [path, method] of expected) assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} documented`);
  assert.ok('bearerAuth' in doc.components.securitySchemes);
  const upload = doc.paths['/services/operations/api/batch']!.post as { requestBody: { content: Record<string, unknown> } };
  assert.ok(upload.requestBody.content['multipart/form-data'], 'the upload form is documented');
  const page = await fetch(`${server.url}/docs`, { redirect: 'follow' });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /swagger/i);
});

it('validation errors are 400 constraint-violation problems naming the field', async () => {
  const response = await client.request('GET', '/services/usermanagement/api/users/not-a-uuid');
  const body = (await response.json()) as { status: number; type: string; message: string; fieldErrors: { field: string }[] };
  assert.equal(response.status, 400);
  assert.equal(body.message, 'error.validation');
  assert.equal(body.fieldErrors[0]!.field, 'id');
  const missing = await client.request('POST', '/api/authenticate', { username: 'x' });
  assert.equal(missing.status, 400);
  await missing.body?.cancel();
});

it('users: create, read, list with filters and paging, replace, delete', async () => {
  const base = '/services/usermanagement/api/users';
  const created = await client.json<{ id: string; johnDeereCredentials: { id: string } | null; cnhiCredentials: unknown }>(
    'POST',
    base,
    { name: 'Ann', email: 'ann@example.com', phone: '555', address: 'Field 1', externalId: 'ext-1', johnDeereCredentials: { id: 'jd-1' } },
    201,
  );
  assert.deepEqual(created.johnDeereCredentials, { id: 'jd-1' });
  assert.equal(created.cnhiCredentials, null);
  await client.json('POST', base, { name: 'Ben', email: 'ben@example.com' }, 201);
  await client.json('POST', base, { name: 'Cat', email: 'cat@example.com', externalId: 'ext-3' }, 201);
  const withId = await client.request('POST', base, { id: created.id, name: 'Dup' });
  assert.equal(withId.status, 400);
  await withId.body?.cancel();

  assert.equal((await client.json<{ name: string }>('GET', `${base}/${created.id}`)).name, 'Ann');
  const filtered = await client.json<{ id: string }[]>('GET', `${base}?email=ann@example.com`);
  assert.deepEqual(filtered.map((u) => u.id), [created.id]);
  assert.equal((await client.json<unknown[]>('GET', `${base}?externalId=ext-3`)).length, 1);
  const page = await client.request('GET', `${base}?size=2&page=0`);
  assert.equal(page.headers.get('x-total-count'), '3');
  assert.equal(((await page.json()) as unknown[]).length, 2);
  assert.match(page.headers.get('link') ?? '', /rel="next"/);

  const replaced = await client.json<{ name: string; phone: string | null; johnDeereCredentials: unknown }>('PUT', base, { id: created.id, name: 'Ann B', email: 'ann@example.com' });
  assert.deepEqual([replaced.name, replaced.phone, replaced.johnDeereCredentials], ['Ann B', null, null], 'a full replacement drops what is omitted');

  const deleted = await client.request('DELETE', `${base}/${created.id}`);
  assert.equal(deleted.status, 204);
  assert.equal((await client.request('GET', `${base}/${created.id}`)).status, 404);
  assert.equal((await client.request('DELETE', `${base}/${created.id}`)).status, 404);
});

it('a body over 1 MiB → 413 problem; an internal error → 500 problem without internals', async () => {
  const big = await client.request('POST', '/services/usermanagement/api/users', { name: 'x'.repeat(2 * 1024 * 1024) });
  assert.equal(big.status, 413);
  assert.equal(((await big.json()) as { status: number }).status, 413);

  const failing = new Proxy(server.store, {
    get: (target, key, receiver) => (key === 'listUsers' ? () => Promise.reject(new Error('SQLITE_CORRUPT at /secret/path/furrow.db')) : Reflect.get(target, key, receiver)),
  });
  const app = await buildApp({ store: failing, blobs: server.blobs, config: server.config });
  try {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${url}/services/usermanagement/api/users`, { headers: client.headers() });
    const text = await response.text();
    assert.equal(response.status, 500);
    assert.equal((JSON.parse(text) as { status: number }).status, 500);
    assert.doesNotMatch(text, /SQLITE|secret|stack|at /);
  } finally {
    await app.close();
  }
});
