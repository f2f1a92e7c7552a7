import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/*
 * Password hashes as `scrypt$N$r$p$salt$hash` (salt and hash in base64). scrypt is memory-hard,
 * so a stolen database is expensive to brute-force on GPUs; the parameters travel with each hash
 * so that they can be raised later without invalidating old passwords.
 */

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is exactly that for N=2^15, r=8 and is rejected.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, verified against when the username is unknown so that the reply takes as long as for a wrong password. */
export const UNKNOWN_USER_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH, 0xff).toString('base64')}`;

/** The hasher's refusal when its waiting line is full: the caller answers 503 with Retry-After. */
export class HashingBusyError extends Error {
  constructor() {
    super('Too many logins are waiting; try again shortly');
    this.name = 'HashingBusyError';
  }
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Derivations running and waiting now (for tests and diagnostics). */
  readonly running: number;
  readonly waiting: number;
}

/**
 * The API's password hashing, `concurrency` scrypt derivations at a time with at most `maxWaiting`
 * in line; more throws HashingBusyError at once. scrypt runs on libuv's thread pool (4 threads),
 * which every file read of the process shares: 32 concurrent logins once held all four for seconds
 * and a 40 KB download waited 13.5 s behind them. One derivation at a time leaves three threads
 * to the blob reads whatever the login traffic.
 */
export function createPasswordHasher(options: { concurrency: number; maxWaiting: number }): PasswordHasher {
  let running = 0;
  const line: (() => void)[] = [];

  async function gated<T>(work: () => Promise<T>): Promise<T> {
    if (running >= options.concurrency) {
      if (line.length >= options.maxWaiting) throw new HashingBusyError();
      await new Promise<void>((resolve) => line.push(resolve));
    } else {
      running += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, so `running` never exceeds the bound.
      const next = line.shift();
      if (next) next();
      else running -= 1;
    }
  }

  return {
    hash: (password) => gated(() => hashPassword(password)),
    verify: (password, stored) => gated(() => verifyPassword(password, stored)),
    get running() {
      return running;
    },
    get waiting() {
      return line.length;
    },
  };
}
