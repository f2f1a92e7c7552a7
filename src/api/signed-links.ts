import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Signed, expiring links: URLs a browser, an <img> tag or a mobile image view opens without an
 * Authorization header, as Leaf's plain `url`s are. A link carries its expiry and an HMAC-SHA256
 * over the path prefix it grants and that expiry, in its path:
 *
 *   <scope>/signed/<expires>/<signature>/<rest>
 *
 * so that whatever a client appends to it stays under the grant (GDAL opens `<png url>.aux.xml`
 * beside an image). The key is derived from the server's JWT secret with a label of its own: every
 * API process that shares the secret accepts the links of the others, and a token key is never
 * used as is for a second purpose.
 */

const KEY_LABEL = 'furrow signed links v1';
/** Expiries are rounded up to the minute: the same page asked twice within it names the same URLs, which browsers then cache. */
const ROUND_SECONDS = 60;

export type LinkCheck = 'valid' | 'expired' | 'tampered';

export interface LinkSigner {
  /** Seconds a new link stays valid (at least; the expiry is rounded up to the minute). */
  readonly lifetimeSeconds: number;
  /** `<scope>/signed/<expires>/<signature>`: append `/<rest>` for a URL granted for `lifetimeSeconds`. */
  signedPrefix(scope: string, nowMs?: number): string;
  /** Whether `signature` grants `scope` until `expires` (Unix seconds, as text from the URL), at `nowMs`. */
  check(scope: string, expires: string, signature: string, nowMs?: number): LinkCheck;
}

function mac(key: Buffer, scope: string, expires: string): Buffer {
  return createHmac('sha256', key).update(`${scope}\n${expires}`).digest();
}

export function createLinkSigner(secret: string, lifetimeSeconds: number): LinkSigner {
  const key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  return {
    lifetimeSeconds,
    signedPrefix(scope, nowMs = Date.now()) {
      const expires = String(Math.ceil((nowMs / 1000 + lifetimeSeconds) / ROUND_SECONDS) * ROUND_SECONDS);
      return `${scope}/signed/${expires}/${mac(key, scope, expires).toString('base64url')}`;
    },
    check(scope, expires, signature, nowMs = Date.now()) {
      if (!/^\d{1,12}$/.test(expires)) return 'tampered';
      // Compared as the text the server wrote: base64url decoding would also accept other spellings of the same bytes.
      const given = Buffer.from(signature);
      const expected = Buffer.from(mac(key, scope, expires).toString('base64url'));
      // The signature is checked before the expiry: a forged link learns nothing, not even whether its expiry has passed.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'tampered';
      return Number(expires) * 1000 <= nowMs ? 'expired' : 'valid';
    },
  };
}
