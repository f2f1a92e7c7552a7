import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { UnitSystem } from './model/properties.ts';

/** Every setting of `furrow serve`, read once from the environment (see README, "Configuration"). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `<dataDir>/furrow.db` */
  databasePath: string;
  /** `<dataDir>/blobs` */
  blobRoot: string;
  /** Credentials of the API owner created on an empty database; without them `admin` gets a random password. */
  firstOwner: { username: string; password: string } | undefined;
  /** Undefined: generated once and kept in `<dataDir>/jwt-secret`. */
  jwtSecret: string | undefined;
  /** Conversion threads. */
  workers: number;
  maxUploadBytes: number;
  /** Delays before each retry of a failed webhook delivery, in minutes. */
  webhookRetryMinutes: number[];
  units: UnitSystem;
  zip: {
    /** Most bytes all entries of an upload may inflate to (nested zips included). */
    maxTotalBytes: number;
    /** Most an entry may inflate relative to its compressed size (zip-bomb guard). */
    maxRatio: number;
  };
  /** Honour X-Forwarded-* (behind a reverse proxy) when building absolute URLs. */
  trustProxy: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const GIB = 1024 ** 3;
const UNIT_SYSTEMS: readonly UnitSystem[] = ['default', 'imperial', 'metric'];
const LOG_LEVELS: readonly Config['logLevel'][] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  // Number('') and Number('1e3') are accepted by Number(); settings must be plain integers.
  if (!/^\d+$/.test(text)) throw new ConfigError(`${name} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a number greater than 0, got "${text}"`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const text = raw(env, name)?.toLowerCase();
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${text}"`);
  return text as T;
}

function minutesList(env: Env, name: string, fallback: number[]): number[] {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) throw new ConfigError(`${name} must be a comma-separated list of minutes such as 1,30,60,240, got "${text}"`);
  return parts.map(Number);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const text = raw(env, name)?.toLowerCase();
  if (text === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(text)) return true;
  if (['0', 'false', 'no'].includes(text)) return false;
  throw new ConfigError(`${name} must be true or false, got "${text}"`);
}

function firstOwner(env: Env): Config['firstOwner'] {
  const username = raw(env, 'FURROW_OWNER_USERNAME');
  const password = env.FURROW_OWNER_PASSWORD;
  if (username === undefined && !password) return undefined;
  if (username === undefined || !password) throw new ConfigError('FURROW_OWNER_USERNAME and FURROW_OWNER_PASSWORD must be set together');
  if (password.length < 8) throw new ConfigError('FURROW_OWNER_PASSWORD must be at least 8 characters long');
  return { username, password };
}

/** Reads and checks every setting; throws a ConfigError naming the variable at fault. */
export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(raw(env, 'FURROW_DATA_DIR') ?? './data');
  const jwtSecret = raw(env, 'FURROW_JWT_SECRET');
  // HS256 needs a key at least as long as the hash (RFC 7518 §3.2).
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) throw new ConfigError('FURROW_JWT_SECRET must be at least 32 bytes long');
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: raw(env, 'HOST') ?? '127.0.0.1',
    dataDir,
    databasePath: join(dataDir, 'furrow.db'),
    blobRoot: join(dataDir, 'blobs'),
    firstOwner: firstOwner(env),
    jwtSecret,
    workers: integer(env, 'FURROW_WORKERS', Math.max(1, availableParallelism() - 1), 1, 256),
    maxUploadBytes: integer(env, 'FURROW_MAX_UPLOAD_BYTES', 3 * GIB, 1),
    webhookRetryMinutes: minutesList(env, 'FURROW_WEBHOOK_RETRY_MINUTES', [1, 30, 60, 240]),
    units: oneOf(env, 'FURROW_UNITS', UNIT_SYSTEMS, 'default'),
    zip: {
      maxTotalBytes: integer(env, 'FURROW_ZIP_MAX_TOTAL_BYTES', 20 * GIB, 1),
      maxRatio: positiveNumber(env, 'FURROW_ZIP_MAX_RATIO', 200),
    },
    trustProxy: boolean(env, 'FURROW_TRUST_PROXY', false),
    logLevel: oneOf(env, 'FURROW_LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}

/** A config whose JWT secret is known: what the HTTP API needs. */
export type ResolvedConfig = Config & { jwtSecret: string };

/**
 * The JWT secret from FURROW_JWT_SECRET, else the one kept in `<dataDir>/jwt-secret`, created on
 * first start: tokens then survive restarts without anyone having to pick a secret.
 */
export async function resolveJwtSecret(config: Config): Promise<ResolvedConfig> {
  if (config.jwtSecret !== undefined) return { ...config, jwtSecret: config.jwtSecret };
  const path = join(config.dataDir, 'jwt-secret');
  await mkdir(config.dataDir, { recursive: true });
  // Written aside, then linked into place: link() fails when the file exists, so two processes starting together agree on one complete secret.
  const draft = `${path}.${process.pid}.tmp`;
  await writeFile(draft, randomBytes(48).toString('base64url'), { mode: 0o600 });
  try {
    await link(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(draft);
  }
  const secret = (await readFile(path, 'utf8')).trim();
  if (Buffer.byteLength(secret) < 32) throw new ConfigError(`${path} holds a JWT secret shorter than 32 bytes; delete it to have a new one generated`);
  return { ...config, jwtSecret: secret };
}
