import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFurrowClient, FurrowError, type FurrowClient } from '../../clients/ts/src/index.ts';
import { openapiTypes } from '../../clients/ts/scripts/openapi-types.ts';
import type { OpenAPI3 } from 'openapi-typescript';
import { SAMPLE_ZIP, convertDirectly, type DirectConversion } from '../api/helpers/reference.ts';
import { waitFor } from '../api/helpers/http.ts';
import { startServer, type TestServer } from '../api/helpers/server.ts';

/*
 * The typed client (clients/ts): its generated types are those of the live OpenAPI document, it is
 * versioned with the server, and it does the client journey. Expected figures come from converting
 * the sample directly (convertInput), not through the API.
 */

const ROOT = join(import.meta.dirname, '../..');

describe('clients/ts', () => {
  let server: TestServer;
  let client: FurrowClient;
  let direct: DirectConversion;

  before(async () => {
    server = await startServer();
    await server.owner('typed-client@example.com');
    client = createFurrowClient({ baseUrl: server.url });
    direct = await convertDirectly(SAMPLE_ZIP, join(server.dir, 'direct'));
  });
  after(async () => server?.close());

  it('is versioned with the server', async () => {
    const version = async (path: string) => (JSON.parse(await readFile(join(ROOT, path), 'utf8')) as { version: string }).version;
    assert.equal(await version('clients/ts/package.json'), await version('package.json'));
  });

  it('its generated types are the live document’s (npm run client:generate when this fails)', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenAPI3;
    const committed = await readFile(join(ROOT, 'clients/ts/src/schema.ts'), 'utf8');
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.ok(committed === (await openapiTypes(document, version)), 'clients/ts/src/schema.ts differs from the types of the live /openapi.json: run `npm run client:generate`');
  });

  it('refuses bad credentials with the problem JSON', async () => {
    await assert.rejects(createFurrowClient({ baseUrl: server.url }).authenticate('typed-client@example.com', 'wrong'), (error: unknown) => error instanceof FurrowError && error.status === 401 && error.problem?.status === 401);
  });

  it('uploads the sample and reads summary, units, status and images through the client', async () => {
    await client.authenticate('typed-client@example.com', 'test-password');
    const created = await client.POST('/services/usermanagement/api/users', { body: { name: 'Typed', email: 'typed@example.com' } });
    assert.equal(created.response.status, 201);
    const userId = created.data!.id;

    const batch = await client.uploadBatch(new Blob([await readFile(SAMPLE_ZIP)], { type: 'application/zip' }), 'single-dpd.zip', userId);
    assert.equal(batch.status, 'RECEIVED');
    const done = await waitFor('batch PROCESSED', async () => {
      const { data } = await client.GET('/services/operations/api/batch/{id}', { params: { path: { id: batch.id } } });
      assert.notEqual(data!.status, 'FAILED');
      return data!.status === 'PROCESSED' ? data : undefined;
      // A few seconds alone; minutes when the whole suite shares two cores.
    }, 240_000);
    assert.equal(done.leafFiles?.length, direct.report.operations.length);

    const list = await client.GET('/services/operations/api/files', { params: { query: { leafUserId: userId, size: 100 } } });
    assert.equal(list.data!.operations.length, direct.report.operations.length);
    assert.equal(list.response.headers.get('x-total-count'), String(direct.report.operations.length));
    const id = list.data!.operations[0]!.id;

    const summary = await client.GET('/services/operations/api/files/{id}/summary', { params: { path: { id } } });
    const expected = await direct.summary(0);
    const properties = (summary.data as { properties: { totalArea: { value: number; unit: string } } }).properties;
    assert.equal(properties.totalArea.unit, expected.properties.totalArea.unit);
    assert.ok(Math.abs(properties.totalArea.value - expected.properties.totalArea.value) < 1e-6);

    const units = await client.GET('/services/operations/api/files/{id}/units', { params: { path: { id } } });
    assert.deepEqual(units.data, JSON.parse((await direct.output(0, 'units.json')).toString()));

    const status = await client.GET('/services/operations/api/files/{id}/status', { params: { path: { id } } });
    const steps = JSON.parse((await direct.output(0, 'status.json')).toString()) as Record<string, { status: string }>;
    assert.deepEqual(Object.fromEntries(Object.entries(status.data!).map(([k, v]) => [k, v.status])), Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, v.status])));

    const images = await client.GET('/services/operations/api/files/{id}/images', { params: { path: { id } } });
    const expectedImages = JSON.parse((await direct.output(0, 'images.json')).toString()) as { property: string; url: string }[];
    assert.deepEqual(images.data!.map((i) => i.property), expectedImages.map((i) => i.property));
    // The image URL is a signed link: a plain fetch opens it, and the bytes are the direct conversion's.
    const png = await fetch(images.data![0]!.url);
    assert.deepEqual(Buffer.from(await png.arrayBuffer()), await direct.output(0, expectedImages[0]!.url));

    const missing = await client.GET('/services/operations/api/files/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error?.status, 404);
  });
});
