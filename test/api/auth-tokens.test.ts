import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { hashPassword } from '../../src/api/passwords.ts';
import { ApiClient } from './helpers/http.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/*
 * Tokens: signed with the server's own secret but without `exp` (valid forever) or without the
 * owner's token version are refused; a token whose owner was deleted, disabled or changed its
 * password is refused with 401 on every route, writes included (they used to give a 500
 * "FOREIGN KEY constraint failed").
 */

let server: TestServer;
let admin: ApiClient;

before(async () => {
  server = await startServer({ worker: false });
  await server.store.createOwner('root@example.com', await hashPassword('root-password'), { admin: true });
  admin = new ApiClient(server.url);
  await admin.login('root@example.com', 'root-password');
});
after(async () => server?.close());

/** A token signed with the server's real secret, claims as given: what someone holding the secret, or an old release, could make. */
function signed(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', server.config.jwtSecret).update(unsigned).digest('base64url')}`;
}

async function expect401(client: ApiClient, method: string, path: string, body?: unknown): Promise<string> {
  const response = await client.request(method, path, body);
  const text = await response.text();
  assert.equal(response.status, 401, `${method} ${path}: ${text}`);
  const problem = JSON.parse(text) as { status: number; message: string; detail: string };
  assert.deepEqual([problem.status, problem.message], [401, 'error.http.401']);
  return problem.detail;
}

it('a correctly signed token without exp, or without the owner’s token version, is refused', async () => {
  const owner = (await server.store.findOwnerByUsername('root@example.com'))!;
  const now = Math.floor(Date.now() / 1000);
  // The same claims with exp and ver are accepted: the refusals below are for the missing claim alone.
  const good = new ApiClient(server.url, signed({ sub: owner.username, oid: owner.id, ver: owner.tokenVersion, iat: now, exp: now + 600 }));
  await good.json('GET', '/services/usermanagement/api/users');
  for (const claims of [
    { sub: owner.username, oid: owner.id, ver: owner.tokenVersion, iat: now },
    { sub: owner.username, oid: owner.id, iat: now, exp: now + 600 },
    { sub: owner.username, oid: owner.id, ver: owner.tokenVersion + 1, iat: now, exp: now + 600 },
    { sub: owner.username, oid: owner.id, ver: owner.tokenVersion, iat: now - 1000, exp: now - 10 },
  ]) {
    await expect401(new ApiClient(server.url, signed(claims)), 'GET', '/services/usermanagement/api/users');
  }
});

it('a token of an owner that was deleted answers 401 on reads and writes, never a 500', async () => {
  const { id } = await admin.json<{ id: string }>('POST', '/api/owners', { username: 'gone@example.com', password: 'gone-password' }, 201);
  const gone = new ApiClient(server.url);
  await gone.login('gone@example.com', 'gone-password');
  const { id: userId } = await gone.createUser('Gone Grower');
  const deleted = await admin.request('DELETE', `/api/owners/${id}`);
  assert.equal(deleted.status, 204);
  const detail = await expect401(gone, 'POST', '/services/usermanagement/api/users', { name: 'x' });
  assert.match(detail, /revoked/);
  await expect401(gone, 'POST', '/services/alerts/api/alerts/webhooks', { events: ['uploadedFileProcessingFinished'], name: 'w', secret: 's', url: 'http://127.0.0.1:9/' });
  await expect401(gone, 'GET', `/services/usermanagement/api/users/${userId}`);
  await expect401(gone, 'GET', '/services/operations/api/files');
  // A forged token naming an owner id that never existed: the same.
  const now = Math.floor(Date.now() / 1000);
  await expect401(new ApiClient(server.url, signed({ sub: 'x', oid: '00000000-0000-4000-8000-000000000000', ver: 0, iat: now, exp: now + 60 })), 'POST', '/services/usermanagement/api/users', { name: 'x' });
});

it('disabling an owner revokes its tokens and refuses its logins; enabling it again needs a new login', async () => {
  const { id } = await admin.json<{ id: string }>('POST', '/api/owners', { username: 'paused@example.com', password: 'paused-password' }, 201);
  const paused = new ApiClient(server.url);
  const oldToken = await paused.login('paused@example.com', 'paused-password');
  await admin.json('PATCH', `/api/owners/${id}`, { disabled: true });
  await expect401(paused, 'GET', '/services/usermanagement/api/users');
  const login = await new ApiClient(server.url).request('POST', '/api/authenticate', { username: 'paused@example.com', password: 'paused-password' });
  assert.equal(login.status, 401);
  assert.match(((await login.json()) as { detail: string }).detail, /disabled/);
  await admin.json('PATCH', `/api/owners/${id}`, { disabled: false });
  await expect401(new ApiClient(server.url, oldToken), 'GET', '/services/usermanagement/api/users');
  await paused.login('paused@example.com', 'paused-password');
  await paused.json('GET', '/services/usermanagement/api/users');
});

it('changing a password revokes every earlier token of that owner, and only of that owner', async () => {
  const { id } = await admin.json<{ id: string }>('POST', '/api/owners', { username: 'rotate@example.com', password: 'first-password' }, 201);
  const laptop = new ApiClient(server.url);
  const phone = new ApiClient(server.url);
  await laptop.login('rotate@example.com', 'first-password');
  await phone.login('rotate@example.com', 'first-password', true);
  const changed = await laptop.request('PUT', `/api/owners/${id}/password`, { currentPassword: 'first-password', password: 'second-password' });
  assert.equal(changed.status, 204);
  await expect401(laptop, 'GET', '/services/usermanagement/api/users');
  await expect401(phone, 'GET', '/services/usermanagement/api/users');
  await admin.json('GET', '/services/usermanagement/api/users');
  const old = await new ApiClient(server.url).request('POST', '/api/authenticate', { username: 'rotate@example.com', password: 'first-password' });
  assert.equal(old.status, 401);
  await old.body?.cancel();
  await laptop.login('rotate@example.com', 'second-password');
  await laptop.json('GET', '/services/usermanagement/api/users');
});

it('a revocation made by another API process on the same database reaches this one within the cache time (5 s)', async () => {
  const { id } = await admin.json<{ id: string }>('POST', '/api/owners', { username: 'elsewhere@example.com', password: 'elsewhere-pass' }, 201);
  const elsewhere = new ApiClient(server.url);
  await elsewhere.login('elsewhere@example.com', 'elsewhere-pass');
  await elsewhere.json('GET', '/services/usermanagement/api/users');
  // Written to the store directly, as another process would: this process's cache does not hear of it.
  await server.store.updateOwner(id, { disabled: true });
  const started = Date.now();
  for (;;) {
    const response = await elsewhere.request('GET', '/services/usermanagement/api/users');
    await response.body?.cancel();
    if (response.status === 401) break;
    assert.equal(response.status, 200);
    assert.ok(Date.now() - started < 6000, 'revoked within the cache time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});
