import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SAMPLE_ZIP, convertDirectly, type DirectConversion } from '../api/helpers/reference.ts';
import { startServer, type TestServer } from '../api/helpers/server.ts';

/*
 * The example of clients/ts (examples/field-report.ts), run as a user runs it: a child process
 * against a started server. Expected lines come from converting the same sample directly
 * (convertInput), not through the API: one line per operation, its area in hectares from the
 * summary's totalArea (m² ÷ 10 000) and the average rate of its type.
 */
const run = promisify(execFile);
const EXAMPLE = join(import.meta.dirname, '../../clients/ts/examples/field-report.ts');

describe('clients/ts example: field report', () => {
  let server: TestServer;
  let direct: DirectConversion;

  before(async () => {
    server = await startServer();
    await server.owner('example@example.com');
    direct = await convertDirectly(SAMPLE_ZIP, join(server.dir, 'direct'));
  });
  after(async () => server?.close());

  it('uploads the sample and prints each operation with its area and average rate', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', EXAMPLE, '--url', server.url, '--username', 'example@example.com', '--password', 'test-password', '--grower', 'Example farm', SAMPLE_ZIP], { timeout: 120_000 });
    const lines = stdout.trim().split('\n').map((line) => line.split('\t'));
    assert.equal(lines.length, direct.report.operations.length);
    const expected = [];
    for (let i = 0; i < direct.report.operations.length; i++) {
      const p = (await direct.summary(i)).properties as unknown as Record<string, { value?: number; unit?: string; avg?: number }> & { operationType: string; startTime: string };
      assert.equal(p.totalArea!.unit, 'm2');
      const rate = p.operationType === 'planted' ? p.seedRate : p.appliedRate;
      expected.push([p.operationType, p.startTime, `${(p.totalArea!.value! / 1e4).toFixed(3)} ha`, rate ? `${p.operationType === 'planted' ? 'seedRate' : 'appliedRate'} ${rate.avg!.toFixed(2)} ${rate.unit}` : ''].join('|'));
    }
    const got = lines.map(([, type, start, , area, figure]) => [type, start, area, figure].join('|'));
    assert.deepEqual(got.sort(), expected.sort());
  });

  it('says how to call it when arguments are missing', async () => {
    await assert.rejects(run(process.execPath, ['--import', 'tsx', EXAMPLE], { timeout: 60_000 }), (error: { code?: number; stderr?: string }) => error.code === 2 && /usage: field-report\.ts/.test(error.stderr ?? ''));
  });
});
