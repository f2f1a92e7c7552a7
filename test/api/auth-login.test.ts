import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { downloadKey } from '../../src/api/files/entry.ts';
import { LoginThrottle, LoginThrottledError, throttleKeys } from '../../src/api/login-throttle.ts';
import { createPasswordHasher, HashingBusyError, hashPassword } from '../../src/api/passwords.ts';
import { batchRecord, fileRecord } from '../store/helpers/records.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/*
 * Login abuse: guesses are counted per client address and per username and blocked for growing
 * times (429 + Retry-After), concurrent guesses of one address wait in line instead of all being
 * hashed, and password hashing runs one derivation at a time with a bounded line (503 beyond) so
 * that blob reads keep libuv's other threads: a download and /health stay fast during a flood.
 */

describe('LoginThrottle (a fake clock)', () => {
  const keys = throttleKeys('192.0.2.7', 'Alice@Example.com');
  const make = (now: { t: number }) => new LoginThrottle({ freeAttempts: 3, maxDelayMs: 60_000, now: () => now.t });
  const wrong = () => Promise.resolve(false);

  it('free failures, then blocks of 1 s, 2 s, 4 s …; blocked attempts run no check', async () => {
    const now = { t: 0 };
    // A max delay of an hour: what leaks away while these blocks are waited out (~2 min) stays under one failure.
    const throttle = new LoginThrottle({ freeAttempts: 3, maxDelayMs: 3_600_000, now: () => now.t });
    for (let i = 0; i < 2; i++) assert.equal(await throttle.attempt(keys, wrong), false);
    assert.equal(throttle.blockedFor(keys[1]!), 0, 'two failures of three free: not blocked');
    for (const delay of [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000]) {
      await throttle.attempt(keys, wrong);
      assert.equal(throttle.blockedFor(keys[0]!), delay);
      assert.equal(throttle.blockedFor(keys[1]!), delay);
      let checked = false;
      await assert.rejects(
        throttle.attempt(keys, async () => (checked = true)),
        (error: unknown) => error instanceof LoginThrottledError && error.retryAfterMs === delay,
      );
      assert.equal(checked, false, 'no password check while blocked');
      now.t += delay;
    }
  });

  it('blocks stop growing at the max delay: whoever waits each one out gets about one guess per max delay', async () => {
    const now = { t: 0 };
    const throttle = make(now);
    const blocks: number[] = [];
    for (let i = 0; i < 40; i++) {
      await throttle.attempt(keys, wrong);
      const block = throttle.blockedFor(keys[1]!);
      blocks.push(block);
      now.t += block;
    }
    assert.ok(blocks.every((b) => b <= 60_000));
    assert.deepEqual(blocks.slice(-5), [60_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('the right password clears the username, not the address; failures leak away one per max delay', async () => {
    const now = { t: 0 };
    const throttle = make(now);
    for (let i = 0; i < 2; i++) await throttle.attempt(keys, wrong);
    assert.equal(await throttle.attempt(keys, () => Promise.resolve(true)), true);
    assert.equal(throttle.failures(keys[1]!), 0);
    assert.equal(throttle.failures(keys[0]!), 2);
    now.t += 30_000;
    assert.equal(throttle.failures(keys[0]!), 1.5);
    now.t += 90_000;
    assert.equal(throttle.failures(keys[0]!), 0);
  });

  it('keys: an IPv6 client by its /64, IPv4-mapped as IPv4, usernames without case', () => {
    assert.deepEqual(throttleKeys('2001:db8:1:2:aaaa::1', 'Bob'), ['address:2001:db8:1:2::/64', 'username:bob']);
    assert.deepEqual(throttleKeys('2001:db8:1:2:ffff:ffff:ffff:ffff', 'BOB'), ['address:2001:db8:1:2::/64', 'username:bob']);
    assert.deepEqual(throttleKeys('::1', 'b'), ['address:0:0:0:0::/64', 'username:b']);
    assert.deepEqual(throttleKeys('::ffff:10.1.2.3', 'b')[0], 'address:10.1.2.3');
  });

  it('32 concurrent guesses of one address: they take turns, so only the free ones are checked', async () => {
    const throttle = new LoginThrottle({ freeAttempts: 5, maxDelayMs: 60_000, maxWaitingPerKey: 64 });
    let checks = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 32 }, (_, i) =>
        throttle.attempt(throttleKeys('198.51.100.1', `user${i}`), async () => {
          checks += 1;
          await new Promise((resolve) => setTimeout(resolve, 5));
          return false;
        }),
      ),
    );
    assert.equal(checks, 5);
    assert.equal(results.filter((r) => r.status === 'rejected' && r.reason instanceof LoginThrottledError).length, 27);
  });

  it('memory stays bounded: the least recently used keys go past maxKeys', async () => {
    // A still clock: on the real one a millisecond between attempts leaks 1/60,000 of a failure and the count reads 0.99998.
    const throttle = new LoginThrottle({ freeAttempts: 5, maxDelayMs: 60_000, maxKeys: 100, now: () => 0 });
    for (let i = 0; i < 1000; i++) await throttle.attempt([`address:${i}`, `username:${i}`], () => Promise.resolve(false));
    assert.equal(throttle.size, 100);
    assert.equal(throttle.failures('username:999'), 1);
    assert.equal(throttle.failures('address:0'), 0);
  });
});

describe('password hasher', () => {
  it('runs one derivation at a time, queues a bounded number and refuses the rest at once', async () => {
    const hasher = createPasswordHasher({ concurrency: 1, maxWaiting: 3 });
    const stored = await hashPassword('right-password');
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, hasher.running)), 1);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => hasher.verify('wrong-password', stored)));
    clearInterval(watch);
    assert.equal(peak, 1);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason instanceof HashingBusyError ? 'busy' : r.reason)),
      [false, false, false, false, 'busy', 'busy', 'busy', 'busy'],
    );
    assert.equal(await hasher.verify('right-password', stored), true);
    assert.deepEqual([hasher.running, hasher.waiting], [0, 0]);
  });
});

describe('POST /api/authenticate under attack', () => {
  let server: TestServer;
  let token: string;
  let downloadPath: string;
  const PASSWORD = 'the-right-password';

  before(async () => {
    // A short hashing line, so that 32 concurrent logins overflow it.
    server = await startServer({ worker: false, env: { FURROW_PASSWORD_HASH_QUEUE: '8' } });
    const owner = await server.store.createOwner('victim@example.com', await hashPassword(PASSWORD));
    token = (await server.owner('reader@example.com')).token!;
    // A 40 KB download of the reader's, as in the issue: records and blob written directly (no conversion needed).
    const reader = (await server.store.findOwnerByUsername('reader@example.com'))!;
    const user = await server.store.createUser({ ownerId: reader.id, name: 'r', email: null, phone: null, address: null, externalId: null, credentials: {} });
    const batch = await server.store.createBatch(batchRecord(reader.id, user.id));
    const file = await server.store.upsertFile(fileRecord(reader.id, user.id, { batchId: batch.id }));
    await server.blobs.put(downloadKey(file, 'standardGeojson')!, Readable.from([Buffer.alloc(40 * 1024, 0x20)]));
    downloadPath = `/services/operations/api/files/${file.id}/download/standardGeojson`;
    assert.ok(owner.id);
  });
  after(async () => server?.close());

  /** One request from a chosen loopback source address (127.0.0.0/8 is all this machine's). */
  function send(method: string, path: string, options: { body?: unknown; from?: string; auth?: string } = {}): Promise<{ status: number; retryAfter: string | undefined; body: string; ms: number }> {
    const started = performance.now();
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${server.url}${path}`,
        {
          method,
          localAddress: options.from ?? '127.0.0.1',
          agent: false,
          headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(options.auth ? { authorization: `Bearer ${options.auth}` } : {}) },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString('latin1')));
          res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: text, ms: performance.now() - started }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  const login = (password: string, from?: string, username = 'victim@example.com') => send('POST', '/api/authenticate', { body: { username, password }, from });

  it('5 wrong passwords → 401; the 6th → 429 with Retry-After, even with the right password; after it the right one works', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login(`guess-${i}`, '127.0.0.2')).status, 401);
    const blocked = await login('guess-5', '127.0.0.2');
    assert.equal(blocked.status, 429);
    assert.equal(blocked.retryAfter, '1');
    assert.equal((JSON.parse(blocked.body) as { status: number }).status, 429);
    // The username is blocked from every address: spreading guesses over addresses does not help.
    assert.equal((await login(PASSWORD, '127.0.0.3')).status, 429);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await login(PASSWORD, '127.0.0.2')).status, 200);
  });

  it('32 concurrent guesses from one address: 5 are checked (401), 27 refused at once (429), in bounded time', async () => {
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 32 }, (_, i) => login('nope', '127.0.0.4', `sprayed-${i}@example.com`)));
    const counts = { 401: 0, 429: 0 } as Record<number, number>;
    for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    assert.deepEqual(counts, { 401: 5, 429: 27 });
    assert.ok(Date.now() - started < 10_000);
  });

  it('a login flood from 32 addresses: hashing is bounded (503 past the line), and a 40 KB download and /health stay fast', async () => {
    const baseline = await send('GET', downloadPath, { auth: token });
    assert.equal(baseline.status, 200);
    assert.equal(baseline.body.length, 40 * 1024);
    const statuses: number[] = [];
    let flooding = true;
    // 32 clients, each on its own address, each guessing a password for its own username as fast as answers come.
    const flood = Array.from({ length: 32 }, async (_, i) => {
      for (let n = 0; flooding && n < 4; n++) statuses.push((await login('wrong', `127.0.1.${i + 1}`, `flood-${i}-${n}@example.com`)).status);
    });
    const downloads: number[] = [];
    const health: number[] = [];
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 10; i++) {
      const d = await send('GET', downloadPath, { auth: token });
      assert.equal(d.status, 200);
      downloads.push(d.ms);
      health.push((await send('GET', '/health')).ms);
    }
    flooding = false;
    await Promise.all(flood);
    const max = (values: number[]) => Math.max(...values);
    // 13.5 s for the download before the hashing bound (issue 13); a generous 2 s here for a loaded machine.
    assert.ok(max(downloads) < 2000, `downloads ${downloads.map(Math.round).join(', ')} ms`);
    assert.ok(max(health) < 2000, `health ${health.map(Math.round).join(', ')} ms`);
    assert.ok(statuses.every((s) => s === 401 || s === 503), `only 401 and 503: ${[...new Set(statuses)].join(', ')}`);
    assert.ok(statuses.includes(503), 'the hashing line filled and refused with 503');
  });
});
