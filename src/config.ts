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
  /** Where metadata lives: the embedded SQLite file, or PostgreSQL (DATABASE_URL). */
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  /** Where jobs queue: the metadata database's own table, or BullMQ on Redis (REDIS_URL). */
  queue: { kind: 'embedded' } | { kind: 'bullmq'; redisUrl: string; prefix: string };
  /** Where uploads and outputs live: a local folder, or an S3 bucket (BLOB_URL). */
  blobs: { kind: 'local'; root: string } | S3Location;
  /** Credentials of the API owner created on an empty database; without them `admin` gets a random password. */
  firstOwner: { username: string; password: string } | undefined;
  /** Undefined: generated once and kept in `<dataDir>/jwt-secret`. */
  jwtSecret: string | undefined;
  /** Conversion threads. */
  workers: number;
  /** Visibility timeout of a job: how long a dead worker's job waits before another worker takes it. */
  jobLeaseMs: number;
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
  /** What one owner's uploads may cost (against one client holding the service). */
  uploads: {
    /** Operations converted per upload; the rest are reported as one failure. */
    maxOperations: number;
    /** An owner's uploads not yet PROCESSED or FAILED; one more gets 429. */
    maxUnfinished: number;
    /** Uploads an owner may send per minute to one API process (0 = no limit); more get 429. */
    perMinute: number;
  };
  /**
   * Seconds a pre-signed S3 GET URL stays valid; 0 = off. When on, downloads and images answer
   * 302 to such a URL instead of streaming the bytes through the API (S3 blobs only).
   */
  s3PresignSeconds: number;
  login: {
    /** Failed logins per client address and per username before each further failure blocks for growing times. */
    freeAttempts: number;
    /** Longest block after a failure; failures also leak away at one per this period. */
    maxDelayMs: number;
    /** scrypt derivations at once (libuv's 4 threads are shared with every file read). */
    hashConcurrency: number;
    /** Logins waiting for a derivation; more are answered 503. */
    hashQueue: number;
  };
  /** How long a stopping server lets requests in progress finish before it closes their connections. */
  shutdownGraceMs: number;
  /** Honour X-Forwarded-* (behind a reverse proxy) when building absolute URLs. */
  trustProxy: boolean;
  /** Also store each operation's five GeoJSON layers as files (a cache that serves Range); otherwise they are streamed from its table. */
  storeGeojson?: boolean;
  /** How long the signed plain links of file entries and images stay valid, in seconds. */
  linkSeconds: number;
  /** Body of GET /files: Leaf's documented `{"operations": [...]}`, or the bare array older clients read. */
  filesListFormat: 'operations' | 'array';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Raster tile URL template of the web app's optional basemap; undefined = none, the page asks nothing of any other host. */
  basemapUrl: string | undefined;
}

export interface S3Location {
  kind: 's3';
  bucket: string;
  /** Key prefix inside the bucket, '' or ending with '/'. */
  prefix: string;
  /** For S3-compatible servers (MinIO, Ceph, s3rver); undefined = AWS. */
  endpoint: string | undefined;
  region: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle: boolean;
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

function database(env: Env, dataDir: string): Config['database'] {
  const url = raw(env, 'DATABASE_URL');
  if (url === undefined) return { kind: 'sqlite', path: join(dataDir, 'furrow.db') };
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  const sqlite = /^sqlite:(.+)$/i.exec(url);
  if (sqlite) return { kind: 'sqlite', path: resolve(sqlite[1]!.replace(/^\/\//, '')) };
  throw new ConfigError(`DATABASE_URL must be postgres://user:password@host:port/database or sqlite:/path/to/furrow.db, got "${url}"`);
}

function queue(env: Env): Config['queue'] {
  const redisUrl = raw(env, 'REDIS_URL');
  if (redisUrl === undefined) return { kind: 'embedded' };
  if (!/^rediss?:\/\//i.test(redisUrl)) throw new ConfigError(`REDIS_URL must be redis://host:port (or rediss://), got "${redisUrl}"`);
  return { kind: 'bullmq', redisUrl, prefix: raw(env, 'FURROW_QUEUE_PREFIX') ?? 'furrow' };
}

function blobs(env: Env, dataDir: string): Config['blobs'] {
  const url = raw(env, 'BLOB_URL');
  if (url === undefined) return { kind: 'local', root: join(dataDir, 'blobs') };
  if (url.startsWith('file://')) return { kind: 'local', root: resolve(decodeURIComponent(new URL(url).pathname)) };
  const s3 = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!s3) throw new ConfigError(`BLOB_URL must be file:///path or s3://bucket/prefix, got "${url}"`);
  const prefix = (s3[2] ?? '').replace(/^\/+|\/+$/g, '');
  return {
    kind: 's3',
    bucket: s3[1]!,
    prefix: prefix === '' ? '' : `${prefix}/`,
    endpoint: raw(env, 'FURROW_S3_ENDPOINT'),
    region: raw(env, 'FURROW_S3_REGION') ?? raw(env, 'AWS_REGION') ?? 'us-east-1',
    forcePathStyle: boolean(env, 'FURROW_S3_FORCE_PATH_STYLE', raw(env, 'FURROW_S3_ENDPOINT') !== undefined),
  };
}

/** A signed link lives at most a week, as a pre-signed S3 URL does. */
const MAX_LINK_SECONDS = 7 * 24 * 3600;
const FILES_LIST_FORMATS: readonly Config['filesListFormat'][] = ['operations', 'array'];

/** SigV4 caps a pre-signed URL's lifetime at 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function presignSeconds(env: Env, blobLocation: Config['blobs']): number {
  const seconds = integer(env, 'FURROW_S3_PRESIGN_SECONDS', 0, 0, MAX_PRESIGN_SECONDS);
  // Silently streaming when the operator asked for redirects would hide a misconfiguration until the API saturates.
  if (seconds > 0 && blobLocation.kind !== 's3') throw new ConfigError('FURROW_S3_PRESIGN_SECONDS needs BLOB_URL=s3://bucket/prefix (local blobs have no URL to redirect to)');
  return seconds;
}

function basemapUrl(env: Env): string | undefined {
  const url = raw(env, 'FURROW_BASEMAP_URL');
  if (url === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url.replace(/[{}]/g, ''));
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || !['{z}', '{x}', '{y}'].every((p) => url.includes(p))) {
    throw new ConfigError(`FURROW_BASEMAP_URL must be an http(s) raster tile URL with {z}, {x} and {y}, such as https://tiles.example.org/{z}/{x}/{y}.png, got "${url}"`);
  }
  return url;
}

/** Reads and checks every setting; throws a ConfigError naming the variable at fault. */
export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(raw(env, 'FURROW_DATA_DIR') ?? './data');
  const jwtSecret = raw(env, 'FURROW_JWT_SECRET');
  // HS256 needs a key at least as long as the hash (RFC 7518 §3.2).
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) throw new ConfigError('FURROW_JWT_SECRET must be at least 32 bytes long');
  const db = database(env, dataDir);
  // API processes on several machines must sign and check tokens with one key: a per-folder secret would differ between them.
  if (db.kind === 'postgres' && jwtSecret === undefined) throw new ConfigError('FURROW_JWT_SECRET must be set when DATABASE_URL is PostgreSQL (every API process must share it)');
  const blobLocation = blobs(env, dataDir);
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: raw(env, 'HOST') ?? '127.0.0.1',
    dataDir,
    databasePath: db.kind === 'sqlite' ? db.path : join(dataDir, 'furrow.db'),
    blobRoot: blobLocation.kind === 'local' ? blobLocation.root : join(dataDir, 'blobs'),
    database: db,
    queue: queue(env),
    blobs: blobLocation,
    firstOwner: firstOwner(env),
    jwtSecret,
    workers: integer(env, 'FURROW_WORKERS', Math.max(1, availableParallelism() - 1), 1, 256),
    jobLeaseMs: integer(env, 'FURROW_JOB_LEASE_SECONDS', 30, 2, 3600) * 1000,
    maxUploadBytes: integer(env, 'FURROW_MAX_UPLOAD_BYTES', 3 * GIB, 1),
    webhookRetryMinutes: minutesList(env, 'FURROW_WEBHOOK_RETRY_MINUTES', [1, 30, 60, 240]),
    units: oneOf(env, 'FURROW_UNITS', UNIT_SYSTEMS, 'default'),
    zip: {
      maxTotalBytes: integer(env, 'FURROW_ZIP_MAX_TOTAL_BYTES', 20 * GIB, 1),
      maxRatio: positiveNumber(env, 'FURROW_ZIP_MAX_RATIO', 200),
    },
    uploads: {
      maxOperations: integer(env, 'FURROW_MAX_UPLOAD_OPERATIONS', 2000, 1),
      maxUnfinished: integer(env, 'FURROW_MAX_UNFINISHED_UPLOADS', 100, 1),
      perMinute: integer(env, 'FURROW_UPLOADS_PER_MINUTE', 60, 0),
    },
    s3PresignSeconds: presignSeconds(env, blobLocation),
    login: {
      freeAttempts: integer(env, 'FURROW_LOGIN_FREE_ATTEMPTS', 5, 1, 1_000_000),
      maxDelayMs: integer(env, 'FURROW_LOGIN_MAX_DELAY_SECONDS', 900, 1, 86_400) * 1000,
      hashConcurrency: integer(env, 'FURROW_PASSWORD_HASH_CONCURRENCY', 1, 1, 64),
      hashQueue: integer(env, 'FURROW_PASSWORD_HASH_QUEUE', 32, 0, 100_000),
    },
    shutdownGraceMs: integer(env, 'FURROW_SHUTDOWN_GRACE_SECONDS', 10, 0, 3600) * 1000,
    trustProxy: boolean(env, 'FURROW_TRUST_PROXY', false),
    storeGeojson: boolean(env, 'FURROW_STORE_GEOJSON', false),
    linkSeconds: integer(env, 'FURROW_LINK_SECONDS', 3600, 1, MAX_LINK_SECONDS),
    filesListFormat: oneOf(env, 'FURROW_FILES_LIST_FORMAT', FILES_LIST_FORMATS, 'operations'),
    logLevel: oneOf(env, 'FURROW_LOG_LEVEL', LOG_LEVELS, 'info'),
    basemapUrl: basemapUrl(env),
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
