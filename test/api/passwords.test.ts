import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN_USER_HASH, hashPassword, verifyPassword } from '../../src/api/passwords.ts';

test('a password verifies against its own hash only', async () => {
  const hash = await hashPassword('correct horse battery');
  assert.match(hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.equal(await verifyPassword('correct horse battery', hash), true);
  assert.equal(await verifyPassword('correct horse batterY', hash), false);
});

test('the same password hashes differently each time (salted)', async () => {
  assert.notEqual(await hashPassword('pw-123456'), await hashPassword('pw-123456'));
});

test('malformed hashes and the placeholder for unknown users never verify', async () => {
  assert.equal(await verifyPassword('x', 'plain-text'), false);
  assert.equal(await verifyPassword('', UNKNOWN_USER_HASH), false);
});
