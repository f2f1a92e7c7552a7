import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startServer, type TestServer } from './helpers/server.ts';

/*
 * The OpenAPI document as a generated client sees it: every operation named (operationId, unique),
 * and `redocly lint` with Redocly's recommended rules finding no error and no warning.
 */

const REDOCLY = resolve(import.meta.dirname, '../../node_modules/.bin/redocly');
const CONFIG = resolve(import.meta.dirname, 'redocly');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let server: TestServer;
let document: { paths: Record<string, Record<string, { operationId?: string }>> };

before(async () => {
  server = await startServer({ worker: false });
  document = (await (await fetch(`${server.url}/openapi.json`)).json()) as typeof document;
});
after(async () => server?.close());

test('every operation has a unique operationId', () => {
  const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).filter(([method]) => METHODS.includes(method)).map(([method, op]) => ({ path, method, id: op.operationId })));
  // The routes of auth, users, batches, files (signed links included), alerts and health.
  assert.ok(operations.length >= 28, `${operations.length} operations`);
  assert.deepEqual(operations.filter((o) => !o.id), [], 'operations without an operationId');
  assert.equal(new Set(operations.map((o) => o.id)).size, operations.length, 'operationIds are unique');
});

test('redocly lint (recommended rules): 0 errors, 0 warnings', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-redocly-'));
  try {
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(document));
    await copyFile(join(CONFIG, 'redocly.yaml'), join(dir, 'redocly.yaml'));
    await copyFile(join(CONFIG, '.redocly.lint-ignore.yaml'), join(dir, '.redocly.lint-ignore.yaml'));
    const { stdout } = await promisify(execFile)(REDOCLY, ['lint', 'openapi.json', '--format', 'json'], { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number; ignored: number }; problems: { ruleId: string; message: string }[] };
    assert.deepEqual(report.problems.map((p) => `${p.ruleId}: ${p.message}`), []);
    assert.deepEqual({ errors: report.totals.errors, warnings: report.totals.warnings }, { errors: 0, warnings: 0 });
    assert.equal(report.totals.ignored, 1, 'only the documented exception (the liveness probe has no 4xx)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
