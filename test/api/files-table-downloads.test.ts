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
import { gunzipSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';

/*
 * GeoJSON downloads of a file whose conversion stored only its table (table.parquet, no layer
 * files): every layer answers over HTTP with the same bytes as the file the pipeline writes with
 * `geojson: true` (converted here from the same sample operation, read from disk), gzipped when
 * the client accepts it, Range refused honestly (200, Accept-Ranges: none). The GeoParquet
 * downloads are read by an independent reader (hyparquet) and must hold the points of the GeoJSON
 * layer of the same name, coordinates and numbers equal.
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

  for (const [what, name] of [['standardGeoparquet', 'standard.geojson'], ['filteredGeoparquet', 'filtered.geojson']] as const) {
    it(`${what}: hyparquet reads the points of ${name}; a second request is served from the cache with Range`, async () => {
      const features = (JSON.parse(await readFile(join(dir, 'files', name), 'utf8')) as { features: { geometry: { coordinates: number[] }; properties: Record<string, unknown> }[] }).features;
      const response = await client.request('GET', `${BASE}/${fileId}/download/${what}`);
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(response.headers.get('content-type'), 'application/vnd.apache.parquet');
      const bytes = new Uint8Array(await response.arrayBuffer());
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const metadata = parquetMetadata(file);
      assert.equal(Number(metadata.num_rows), features.length);
      const columns = new Set(metadata.schema.map((c) => c.name));
      // A numeric property of the layer that is also a column: its values must be the same doubles.
      const key = Object.keys(features[0]!.properties).find((k) => typeof features[0]!.properties[k] === 'number' && columns.has(k))!;
      assert.ok(key, 'a numeric column shared with the GeoJSON layer');
      const compressors = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };
      const rows = await parquetReadObjects({ file, columns: ['geometry', key], compressors });
      assert.equal(rows.length, features.length);
      // GeoJSON writes coordinates to 7 decimals (~1 cm) and numbers rounded for reading; GeoParquet keeps the doubles: equal to that rounding.
      const near = (a: unknown, b: unknown, tolerance: number) => typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= tolerance;
      rows.forEach((row, i) => {
        const [lon, lat] = (row.geometry as { coordinates: number[] }).coordinates;
        const expected = features[i]!.geometry.coordinates;
        assert.ok(near(lon, expected[0], 5.1e-8) && near(lat, expected[1], 5.1e-8), `row ${i}: ${lon},${lat} vs ${expected.join(',')}`);
        const value = features[i]!.properties[key] as number;
        assert.ok(near(row[key], value, 1e-6 * Math.max(1, Math.abs(value))), `row ${i} ${key}: ${String(row[key])} vs ${value}`);
      });
      const ranged = await client.request('GET', `${BASE}/${fileId}/download/${what}`, undefined, { range: 'bytes=0-3' });
      assert.equal(ranged.status, 206);
      assert.equal(Buffer.from(await ranged.arrayBuffer()).toString('latin1'), 'PAR1');
    });
  }
});
