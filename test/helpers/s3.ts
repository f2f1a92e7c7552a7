import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3Location } from '../../src/config.ts';

/**
 * An S3-compatible server for tests: FURROW_TEST_S3_ENDPOINT when `.ci/run` started one for the
 * multi-process tests, else s3rver (an npm dev dependency) in this process on 127.0.0.1. s3rver
 * takes the fixed key pair S3RVER/S3RVER; each caller gets a key prefix of its own.
 */
export interface TestS3 {
  location: S3Location;
  close(): Promise<void>;
}

export const TEST_BUCKET = 'furrow-test';

export function useS3rverCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
}

export async function startTestS3(): Promise<TestS3> {
  useS3rverCredentials();
  const prefix = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}/`;
  const shared = process.env.FURROW_TEST_S3_ENDPOINT;
  if (shared) {
    return { location: { kind: 's3', bucket: TEST_BUCKET, prefix, endpoint: shared, region: 'us-east-1', forcePathStyle: true }, close: async () => {} };
  }
  const directory = await mkdtemp(join(tmpdir(), 'furrow-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: TEST_BUCKET, configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  return {
    location: { kind: 's3', bucket: TEST_BUCKET, prefix, endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
