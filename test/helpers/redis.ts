import { randomBytes } from 'node:crypto';

/**
 * Redis for tests: FURROW_TEST_REDIS_URL points at a server (`.ci/run` starts Debian's
 * redis-server on 127.0.0.1). Each test uses a key prefix of its own, so queues never mix.
 */
export const TEST_REDIS_URL = process.env.FURROW_TEST_REDIS_URL;

export const NO_REDIS = TEST_REDIS_URL ? false : 'FURROW_TEST_REDIS_URL is not set (.ci/run starts redis-server and sets it)';

export function testQueuePrefix(): string {
  return `furrow-test-${randomBytes(6).toString('hex')}`;
}
