import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { ensureFirstOwner } from '../../src/api/first-owner.ts';
import { ApiClient } from './helpers/http.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/*
 * /api/owners: the first owner is the administrator; it creates, lists, disables, deletes owners
 * and sets their passwords; an owner that is not an administrator gets 403 for those, 404 for
 * another owner's id, and may read itself and change its own password with the current one.
 */

let server: TestServer;
let root: ApiClient;
const ROOT = { username: 'root@example.com', password: 'root-password-1' };

before(async () => {
  server = await startServer({ worker: false });
  const lines: string[] = [];
  await ensureFirstOwner(server.store, { firstOwner: ROOT }, (line) => lines.push(line));
  assert.deepEqual(lines, ['furrow: created API owner "root@example.com"']);
  root = new ApiClient(server.url);
  await root.login(ROOT.username, ROOT.password);
});
after(async () => server?.close());

interface OwnerJson {
  id: string;
  username: string;
  admin: boolean;
  disabled: boolean;
  createdTime: string;
}

async function problem(client: ApiClient, method: string, path: string, body: unknown, status: number): Promise<{ detail: string; errorKey?: string }> {
  const response = await client.request(method, path, body);
  const text = await response.text();
  assert.equal(response.status, status, `${method} ${path}: ${text}`);
  return JSON.parse(text) as { detail: string; errorKey?: string };
}

it('the first owner is the administrator; it creates and lists owners; no password hash is ever shown', async () => {
  const me = await root.json<OwnerJson>('GET', '/api/owners/me');
  assert.deepEqual([me.username, me.admin, me.disabled], [ROOT.username, true, false]);
  const created = await root.request('POST', '/api/owners', { username: 'ann@example.com', password: 'ann-password' });
  assert.equal(created.status, 201);
  const ann = (await created.json()) as OwnerJson;
  assert.equal(created.headers.get('location'), `/api/owners/${ann.id}`);
  assert.deepEqual([ann.username, ann.admin, ann.disabled], ['ann@example.com', false, false]);
  const list = await root.json<OwnerJson[]>('GET', '/api/owners');
  assert.deepEqual(list.map((o) => o.username), [ROOT.username, 'ann@example.com']);
  assert.deepEqual(Object.keys(list[0]!).sort(), ['admin', 'createdTime', 'disabled', 'id', 'username']);
  assert.deepEqual(await root.json('GET', `/api/owners/${ann.id}`), ann);
  const annClient = new ApiClient(server.url);
  await annClient.login('ann@example.com', 'ann-password');
  assert.deepEqual(await annClient.json('GET', '/api/owners/me'), ann);
});

it('refuses a taken username, a short password and unknown fields', async () => {
  assert.equal((await problem(root, 'POST', '/api/owners', { username: ROOT.username, password: 'another-password' }, 400)).errorKey, 'userexists');
  await problem(root, 'POST', '/api/owners', { username: 'short@example.com', password: 'short' }, 400);
  await problem(root, 'POST', '/api/owners', { username: ' padded ', password: 'long-enough-1' }, 400);
  assert.equal((await root.json<OwnerJson[]>('GET', '/api/owners')).some((o) => o.username.includes('short')), false);
});

it('an owner that is not an administrator: 403 on management, 404 for another owner’s id', async () => {
  const { id: bobId } = await root.json<OwnerJson>('POST', '/api/owners', { username: 'bob@example.com', password: 'bob-password' }, 201);
  const bob = new ApiClient(server.url);
  await bob.login('bob@example.com', 'bob-password');
  const rootId = (await root.json<OwnerJson>('GET', '/api/owners/me')).id;
  await problem(bob, 'GET', '/api/owners', undefined, 403);
  await problem(bob, 'POST', '/api/owners', { username: 'eve@example.com', password: 'eve-password' }, 403);
  await problem(bob, 'PATCH', `/api/owners/${rootId}`, { disabled: true }, 403);
  await problem(bob, 'PATCH', `/api/owners/${bobId}`, { admin: true }, 403);
  await problem(bob, 'DELETE', `/api/owners/${rootId}`, undefined, 403);
  await problem(bob, 'GET', `/api/owners/${rootId}`, undefined, 404);
  await problem(bob, 'PUT', `/api/owners/${rootId}/password`, { password: 'taken-over-1' }, 404);
  assert.equal((await bob.json<OwnerJson>('GET', `/api/owners/${bobId}`)).username, 'bob@example.com');
  // Nothing changed.
  await root.login(ROOT.username, ROOT.password);
  assert.equal((await root.json<OwnerJson[]>('GET', '/api/owners')).find((o) => o.id === rootId)!.disabled, false);
});

it('an owner changes its own password only with the current one; an administrator sets anyone’s', async () => {
  const { id } = await root.json<OwnerJson>('POST', '/api/owners', { username: 'cat@example.com', password: 'cat-password' }, 201);
  const cat = new ApiClient(server.url);
  await cat.login('cat@example.com', 'cat-password');
  await problem(cat, 'PUT', `/api/owners/${id}/password`, { password: 'cat-password-2' }, 400);
  assert.equal((await problem(cat, 'PUT', `/api/owners/${id}/password`, { password: 'cat-password-2', currentPassword: 'wrong' }, 400)).errorKey, 'wrongPassword');
  assert.equal((await cat.request('PUT', `/api/owners/${id}/password`, { password: 'cat-password-2', currentPassword: 'cat-password' })).status, 204);
  await cat.login('cat@example.com', 'cat-password-2');
  assert.equal((await root.request('PUT', `/api/owners/${id}/password`, { password: 'cat-password-3' })).status, 204);
  await cat.login('cat@example.com', 'cat-password-3');
});

it('the last enabled administrator cannot be disabled, demoted or deleted; a second administrator can do it', async () => {
  const rootId = (await root.json<OwnerJson>('GET', '/api/owners/me')).id;
  for (const [method, body] of [
    ['PATCH', { disabled: true }],
    ['PATCH', { admin: false }],
    ['DELETE', undefined],
  ] as const) {
    assert.equal((await problem(root, method, `/api/owners/${rootId}`, body, 400)).errorKey, 'lastAdmin');
  }
  const { id: deputyId } = await root.json<OwnerJson>('POST', '/api/owners', { username: 'deputy@example.com', password: 'deputy-password', admin: true }, 201);
  const deputy = new ApiClient(server.url);
  await deputy.login('deputy@example.com', 'deputy-password');
  const demoted = await deputy.json<OwnerJson>('PATCH', `/api/owners/${rootId}`, { admin: false });
  assert.equal(demoted.admin, false);
  await problem(root, 'GET', '/api/owners', undefined, 403);
  await deputy.json('PATCH', `/api/owners/${rootId}`, { admin: true });
  assert.equal((await root.json<OwnerJson[]>('GET', '/api/owners')).length > 0, true);
  assert.equal((await root.request('DELETE', `/api/owners/${deputyId}`)).status, 204);
  await problem(root, 'GET', `/api/owners/${deputyId}`, undefined, 404);
  await problem(root, 'DELETE', `/api/owners/${deputyId}`, undefined, 404);
});

it('deleting an owner deletes what it owns', async () => {
  const { id } = await root.json<OwnerJson>('POST', '/api/owners', { username: 'dan@example.com', password: 'dan-password' }, 201);
  const dan = new ApiClient(server.url);
  await dan.login('dan@example.com', 'dan-password');
  const { id: userId } = await dan.createUser('Dan Grower');
  assert.ok(await server.store.getUser(id, userId));
  assert.equal((await root.request('DELETE', `/api/owners/${id}`)).status, 204);
  assert.equal(await server.store.getUser(id, userId), undefined);
  const login = await new ApiClient(server.url).request('POST', '/api/authenticate', { username: 'dan@example.com', password: 'dan-password' });
  assert.equal(login.status, 401);
  await login.body?.cancel();
});

it('every /api/owners route is in the OpenAPI document with an operationId, a body schema where it takes one, and its answers', async () => {
  const doc = await new ApiClient(server.url).json<{ paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown; responses: Record<string, unknown> }>> }>('GET', '/openapi.json');
  const expected: [string, string, string, boolean][] = [
    ['/api/owners', 'get', 'listOwners', false],
    ['/api/owners', 'post', 'createOwner', true],
    ['/api/owners/me', 'get', 'getCurrentOwner', false],
    ['/api/owners/{id}', 'get', 'getOwner', false],
    ['/api/owners/{id}', 'patch', 'updateOwner', true],
    ['/api/owners/{id}', 'delete', 'deleteOwner', false],
    ['/api/owners/{id}/password', 'put', 'changeOwnerPassword', true],
    ['/api/authenticate', 'post', 'authenticate', true],
  ];
  for (const [path, method, operationId, hasBody] of expected) {
    const operation = doc.paths[path]?.[method];
    assert.ok(operation, `${method} ${path}`);
    assert.equal(operation.operationId, operationId);
    assert.equal(operation.requestBody !== undefined, hasBody, `${operationId} body`);
    assert.ok(operation.responses['401'] || path === '/api/authenticate', `${operationId} documents 401`);
  }
  assert.ok(doc.paths['/api/authenticate']!.post!.responses['429'], '429 of the login throttle documented');
  const owners = Object.keys(doc.paths).filter((p) => p.startsWith('/api/owners'));
  assert.deepEqual(owners.sort(), ['/api/owners', '/api/owners/me', '/api/owners/{id}', '/api/owners/{id}/password']);
});
