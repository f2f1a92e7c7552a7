import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createLinkSigner } from '../../src/api/signed-links.ts';

const SECRET = 'a-jwt-secret-that-is-long-enough-for-hs256-keys';
const SCOPE = '/services/operations/api/files/0b0e1c2d-0000-4000-8000-000000000001';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 30);

function parts(prefix: string): { expires: string; signature: string } {
  const match = /\/signed\/(\d+)\/([\w-]+)$/.exec(prefix)!;
  return { expires: match[1]!, signature: match[2]! };
}

test('a link grants its scope until its expiry, rounded up to the minute', () => {
  const signer = createLinkSigner(SECRET, 3600);
  const prefix = signer.signedPrefix(SCOPE, NOW);
  assert.ok(prefix.startsWith(`${SCOPE}/signed/`));
  const { expires, signature } = parts(prefix);
  // 12:00:30 + 1 h = 13:00:30, rounded up to 13:01:00.
  assert.equal(Number(expires), Date.UTC(2026, 0, 1, 13, 1, 0) / 1000);
  assert.equal(signer.check(SCOPE, expires, signature, NOW), 'valid');
  assert.equal(signer.check(SCOPE, expires, signature, Date.UTC(2026, 0, 1, 13, 0, 59)), 'valid');
  assert.equal(signer.check(SCOPE, expires, signature, Date.UTC(2026, 0, 1, 13, 1, 0)), 'expired');
  // Within the same minute the same URL comes back (browsers cache it).
  assert.equal(signer.signedPrefix(SCOPE, NOW + 10_000), prefix);
});

test('the signature is HMAC-SHA256 over scope and expiry with a key derived from the secret by a label', () => {
  const { expires, signature } = parts(createLinkSigner(SECRET, 60).signedPrefix(SCOPE, NOW));
  const key = createHmac('sha256', SECRET).update('furrow signed links v1').digest();
  assert.equal(signature, createHmac('sha256', key).update(`${SCOPE}\n${expires}`).digest('base64url'));
  // Not the JWT secret used as is.
  assert.notEqual(signature, createHmac('sha256', SECRET).update(`${SCOPE}\n${expires}`).digest('base64url'));
});

test('any change to scope, expiry or signature, or another secret, is tampering', () => {
  const signer = createLinkSigner(SECRET, 3600);
  const { expires, signature } = parts(signer.signedPrefix(SCOPE, NOW));
  assert.equal(signer.check(`${SCOPE}0`, expires, signature, NOW), 'tampered');
  assert.equal(signer.check(SCOPE, String(Number(expires) + 60), signature, NOW), 'tampered');
  assert.equal(signer.check(SCOPE, expires, signature.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), NOW), 'tampered');
  assert.equal(signer.check(SCOPE, expires, `${signature}=`, NOW), 'tampered', 'another spelling of the same bytes');
  assert.equal(signer.check(SCOPE, '1e12', signature, NOW), 'tampered');
  assert.equal(createLinkSigner('another-secret-that-is-long-enough-for-hs256', 3600).check(SCOPE, expires, signature, NOW), 'tampered');
  // A forged signature on an expired link is reported as forged, not as expired.
  assert.equal(signer.check(SCOPE, '1000', signature, NOW), 'tampered');
});
