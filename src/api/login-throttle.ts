import { isIPv6 } from 'node:net';

/*
 * Brute-force defence of POST /api/authenticate, per client address and per username.
 *
 * - Attempts of one key run one after another (a bounded line per key): a burst of concurrent
 *   guesses cannot all be hashed before the first verdicts count against it.
 * - Failures count, successes do not. After `freeAttempts` failures the key is blocked for 1 s,
 *   then 2 s, 4 s, … up to `maxDelayMs` after each further failure; a blocked key is answered
 *   429 with Retry-After, without any password hashing.
 * - Failures leak away, one per `maxDelayMs`: whoever keeps guessing gets about one guess per
 *   max delay, while occasional typos (fewer than that) never add up. The right password
 *   clears its username's count; an address's failures stay (a valid account must not let its
 *   holder reset the count of the address it sprays other usernames from).
 *
 * Our own rather than @fastify/rate-limit, which counts requests in fixed windows: it cannot count
 * failures only (a service logging in often is not an attacker), block for growing times, or hold
 * concurrent attempts of a key in line. State is per process and bounded (least recently used
 * keys are dropped past `maxKeys`); with several API processes each keeps its own counts.
 */

export interface LoginThrottleOptions {
  freeAttempts: number;
  maxDelayMs: number;
  /** Attempts of one key waiting for their turn; more get 429 at once. */
  maxWaitingPerKey?: number;
  /** Keys remembered; the least recently used go first past this. */
  maxKeys?: number;
  now?: () => number;
}

/** The throttle's refusal: the caller answers 429 with `Retry-After: ceil(retryAfterMs / 1000)`. */
export class LoginThrottledError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('Too many failed logins; try again later');
    this.name = 'LoginThrottledError';
  }
}

interface Counter {
  failures: number;
  /** When `failures` was last brought up to date. */
  at: number;
  blockedUntil: number;
}

interface Line {
  tail: Promise<void>;
  length: number;
}

const FIRST_DELAY_MS = 1000;

/** Keys of one attempt: IPv6 clients by their /64 (one host usually holds a whole /64), usernames without case. */
export function throttleKeys(address: string, username: string): string[] {
  return [`address:${addressKey(address)}`, `username:${username.trim().normalize('NFC').toLowerCase()}`];
}

function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();
  private readonly lines = new Map<string, Line>();
  private readonly now: () => number;
  private readonly maxWaitingPerKey: number;
  private readonly maxKeys: number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.now = options.now ?? Date.now;
    this.maxWaitingPerKey = options.maxWaitingPerKey ?? 16;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /**
   * Runs `check` (the password verification) once every key's earlier attempts are done and no key
   * is blocked; its `true` clears the username's count (the last key), `false` counts a failure on
   * every key. Throws LoginThrottledError instead of running it when a key is blocked or its line is full.
   */
  async attempt(keys: readonly string[], check: () => Promise<boolean>): Promise<boolean> {
    return this.inLine(keys, 0, async () => {
      const wait = Math.max(...keys.map((key) => this.blockedFor(key)));
      if (wait > 0) throw new LoginThrottledError(wait);
      const ok = await check();
      if (ok) this.counters.delete(keys[keys.length - 1]!);
      else for (const key of keys) this.fail(key);
      return ok;
    });
  }

  /** Milliseconds `key` stays blocked (0 when it is free). */
  blockedFor(key: string): number {
    const counter = this.counters.get(key);
    return counter ? Math.max(0, counter.blockedUntil - this.now()) : 0;
  }

  /** Failures counted against `key` now, leaks applied. */
  failures(key: string): number {
    const counter = this.counters.get(key);
    if (!counter) return 0;
    this.leak(counter);
    return counter.failures;
  }

  /** Keys held in memory (bounded by maxKeys). */
  get size(): number {
    return this.counters.size;
  }

  private fail(key: string): void {
    const counter = this.counters.get(key) ?? { failures: 0, at: this.now(), blockedUntil: 0 };
    this.leak(counter);
    counter.failures += 1;
    // A failure counts whole until it has leaked away entirely.
    const over = Math.ceil(counter.failures - 1e-9) - this.options.freeAttempts;
    if (over >= 0) counter.blockedUntil = this.now() + Math.min(this.options.maxDelayMs, FIRST_DELAY_MS * 2 ** Math.min(over, 30));
    // Re-inserted to move to the end of the Map's order: the first key is then the least recently used.
    this.counters.delete(key);
    this.counters.set(key, counter);
    while (this.counters.size > this.maxKeys) this.counters.delete(this.counters.keys().next().value!);
  }

  private leak(counter: Counter): void {
    const now = this.now();
    counter.failures = Math.max(0, counter.failures - (now - counter.at) / this.options.maxDelayMs);
    counter.at = now;
  }

  /** Holds the lines of keys[index..] in order (every attempt takes them in the same order: no deadlock), then runs `task`. */
  private async inLine<T>(keys: readonly string[], index: number, task: () => Promise<T>): Promise<T> {
    if (index === keys.length) return task();
    const key = keys[index]!;
    const line = this.lines.get(key) ?? { tail: Promise.resolve(), length: 0 };
    if (line.length > this.maxWaitingPerKey) throw new LoginThrottledError(FIRST_DELAY_MS);
    line.length += 1;
    this.lines.set(key, line);
    const before = line.tail;
    let done!: () => void;
    line.tail = new Promise<void>((resolve) => (done = resolve));
    try {
      await before;
      return await this.inLine(keys, index + 1, task);
    } finally {
      done();
      line.length -= 1;
      if (line.length === 0) this.lines.delete(key);
    }
  }
}
