import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveJwtSecret } from '../../src/config.ts';
import { withTempDir } from '../helpers/temp.ts';

test('defaults', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.maxUploadBytes, 3 * 1024 ** 3);
  assert.deepEqual(config.webhookRetryMinutes, [1, 30, 60, 240]);
  assert.equal(config.units, 'default');
  assert.ok(config.workers >= 1);
  assert.equal(config.firstOwner, undefined);
  assert.ok(config.databasePath.endsWith(join('data', 'furrow.db')));
});

test('values from the environment', () => {
  const config = loadConfig({
    PORT: '0',
    HOST: '0.0.0.0',
    FURROW_DATA_DIR: '/srv/furrow',
    FURROW_OWNER_USERNAME: 'ops@example.com',
    FURROW_OWNER_PASSWORD: 'long enough',
    FURROW_WORKERS: '3',
    FURROW_MAX_UPLOAD_BYTES: '1000',
    FURROW_WEBHOOK_RETRY_MINUTES: '2, 5',
    FURROW_UNITS: 'Metric',
    FURROW_ZIP_MAX_TOTAL_BYTES: '5000',
    FURROW_ZIP_MAX_RATIO: '50.5',
  });
  assert.equal(config.port, 0);
  assert.equal(config.blobRoot, '/srv/furrow/blobs');
  assert.deepEqual(config.firstOwner, { username: 'ops@example.com', password: 'long enough' });
  assert.equal(config.workers, 3);
  assert.equal(config.maxUploadBytes, 1000);
  assert.deepEqual(config.webhookRetryMinutes, [2, 5]);
  assert.equal(config.units, 'metric');
  assert.deepEqual(config.zip, { maxTotalBytes: 5000, maxRatio: 50.5 });
});

test('invalid values fail with the variable named', () => {
  const cases: Record<string, string>[] = [
    { PORT: '80a' },
    { PORT: '70000' },
    { FURROW_WORKERS: '0' },
    { FURROW_MAX_UPLOAD_BYTES: '3GB' },
    { FURROW_UNITS: 'furlongs' },
    { FURROW_WEBHOOK_RETRY_MINUTES: '1,x' },
    { FURROW_ZIP_MAX_RATIO: '-1' },
    { FURROW_OWNER_USERNAME: 'only-me' },
    { FURROW_JWT_SECRET: 'short' },
  ];
  for (const env of cases) {
    const name = Object.keys(env)[0]!;
    assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && error.message.includes(name.replace('_USERNAME', '')), name);
  }
});

test('without FURROW_JWT_SECRET a secret is generated once and kept in the data folder', async () => {
  await withTempDir(async (dir) => {
    const config = loadConfig({ FURROW_DATA_DIR: dir });
    const first = await resolveJwtSecret(config);
    const second = await resolveJwtSecret(config);
    assert.ok(first.jwtSecret.length >= 32);
    assert.equal(second.jwtSecret, first.jwtSecret);
    assert.equal((await readFile(join(dir, 'jwt-secret'), 'utf8')).trim(), first.jwtSecret);
    const given = await resolveJwtSecret(loadConfig({ FURROW_DATA_DIR: dir, FURROW_JWT_SECRET: 'k'.repeat(32) }));
    assert.equal(given.jwtSecret, 'k'.repeat(32));
  });
});

test('FURROW_S3_PRESIGN_SECONDS: off by default, seconds with S3 blobs, refused when malformed or without S3', () => {
  const s3 = { BLOB_URL: 's3://bucket/furrow', FURROW_S3_ENDPOINT: 'http://127.0.0.1:9000' };
  assert.equal(loadConfig({}).s3PresignSeconds, 0);
  assert.equal(loadConfig(s3).s3PresignSeconds, 0);
  assert.equal(loadConfig({ ...s3, FURROW_S3_PRESIGN_SECONDS: '0' }).s3PresignSeconds, 0);
  assert.equal(loadConfig({ ...s3, FURROW_S3_PRESIGN_SECONDS: '300' }).s3PresignSeconds, 300);
  // SigV4's longest lifetime: 7 days = 7 × 24 × 3600 = 604800 s.
  assert.equal(loadConfig({ ...s3, FURROW_S3_PRESIGN_SECONDS: '604800' }).s3PresignSeconds, 604800);
  // 0 with local blobs is "off", which needs no S3.
  assert.equal(loadConfig({ FURROW_S3_PRESIGN_SECONDS: '0' }).s3PresignSeconds, 0);
  const refused: [Record<string, string>, RegExp][] = [
    [{ ...s3, FURROW_S3_PRESIGN_SECONDS: '5m' }, /whole number/],
    [{ ...s3, FURROW_S3_PRESIGN_SECONDS: '-1' }, /whole number/],
    [{ ...s3, FURROW_S3_PRESIGN_SECONDS: '1.5' }, /whole number/],
    [{ ...s3, FURROW_S3_PRESIGN_SECONDS: '604801' }, /between 0 and 604800/],
    [{ FURROW_S3_PRESIGN_SECONDS: '300' }, /BLOB_URL=s3:/],
    [{ BLOB_URL: 'file:///srv/blobs', FURROW_S3_PRESIGN_SECONDS: '300' }, /BLOB_URL=s3:/],
  ];
  for (const [env, message] of refused) {
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => error instanceof ConfigError && error.message.includes('FURROW_S3_PRESIGN_SECONDS') && message.test(error.message),
      JSON.stringify(env),
    );
  }
});
