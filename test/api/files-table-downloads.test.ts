import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiClient } from './helpers/http.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { batchRecord, fileRecord } from '../store/helpers/records.ts';
import { operationsOf } from '../convert/table/helpers.ts';
import { sample } from '../helpers/samples.ts';
import { convertOperation } from '../../src/pipeline.ts';

/*
 * GeoJSON downloads of a file whose conversion stored only its table (table.parquet, no layer
 * files): every layer answers over HTTP with the same bytes as the file the pipeline writes with
 * `geojson: true` (converted here from the same sample operation, read from disk), gzipped when
 * the client accepts it, Range refused honestly (200, Accept-Ranges: none).
 */

const BASE = '/services/operations/api/files';
const LAYERS = [
  ['rawGeojson', 'raw.geojson'],
  ['normalizedGeojson', 'normalized.geojson'],
  ['standardGeojson', 'standard.geojson'],
  ['filteredGeojson', 'filtered.geojson'],
  ['annotatedGeojson', 'annotated.geojson'],
] as const;

describe('GeoJSON downloads streamed from the table', () => {
  let server: TestServer;
  let client: ApiClient;
  let dir: string;
  let fileId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'furrow-table-downloads-'));
    const { sources, close } = await operationsOf(sample('jd-shapefile/myjd-harvest-soybeans/export-from-myjohndeere-harvest.zip'));
    try {
      await convertOperation(sources[0]!, join(dir, 'files'), { units: 'metric', geojson: true });
      await convertOperation(sources[0]!, join(dir, 'table'), { units: 'metric', geojson: false });
    } finally {
      await close();
    }
    server = await startServer({ worker: false });
    client = await server.owner('table@example.com');
    const owner = (await server.store.findOwnerByUsername('table@example.com'))!;
    const user = await server.store.createUser({ ownerId: owner.id, name: 'Grower', email: 'g@example.com', phone: null, address: null, externalId: null, credentials: {} });
    const batch = await server.store.createBatch(batchRecord(owner.id, user.id, { fileName: 'harvest.zip', status: 'PROCESSED' }));
    const file = await server.store.upsertFile(fileRecord(owner.id, user.id, { batchId: batch.id, fileName: 'harvest.zip' }));
    await server.blobs.putFile(`${file.blobPrefix}/table.parquet`, join(dir, 'table', 'table.parquet'));
    fileId = file.id;
  });

  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const [what, name] of LAYERS) {
    it(`${what}: the bytes of ${name}, plain and gzipped`, async () => {
      const expected = await readFile(join(dir, 'files', name));
      const plain = await client.request('GET', `${BASE}/${fileId}/download/${what}`, undefined, { 'accept-encoding': 'identity' });
      assert.equal(plain.status, 200);
      assert.equal(plain.headers.get('content-type'), 'application/geo+json');
      assert.equal(plain.headers.get('accept-ranges'), 'none');
      assert.equal(plain.headers.get('content-encoding'), null);
      assert.ok(Buffer.from(await plain.arrayBuffer()).equals(expected), `${what} differs from ${name}`);
      // fetch inflates a gzip body itself: the header says it was sent compressed.
      const gz = await client.request('GET', `${BASE}/${fileId}/download/${what}`, undefined, { 'accept-encoding': 'gzip' });
      assert.equal(gz.status, 200);
      assert.equal(gz.headers.get('content-encoding'), 'gzip');
      assert.ok(Buffer.from(await gz.arrayBuffer()).equals(expected), `${what} (gzip) differs from ${name}`);
    });
  }

  it('a Range request gets the whole layer, saying ranges are not served', async () => {
    const expected = await readFile(join(dir, 'files', 'standard.geojson'));
    const response = await client.request('GET', `${BASE}/${fileId}/download/standardGeojson`, undefined, { range: 'bytes=0-99', 'accept-encoding': 'identity' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('accept-ranges'), 'none');
    assert.equal(Buffer.from(await response.arrayBuffer()).length, expected.length);
  });
});
