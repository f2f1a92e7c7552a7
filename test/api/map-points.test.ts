import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, it } from 'node:test';
import { decimatePoints } from '../../src/api/files/map.ts';
import { waitFor, type ApiClient } from './helpers/http.ts';
import { SAMPLE_ZIP } from './helpers/reference.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const BASE = '/services/operations/api';
let server: TestServer;
let client: ApiClient;
let fileId: string;

interface Collection {
  furrow: { layer: string; property: string | null; total: number; kept: number; step: number; min: number | null; max: number | null };
  features: { geometry: { coordinates: [number, number] }; properties: Record<string, number | null> }[];
}

before(async () => {
  server = await startServer();
  client = await server.owner('map@example.com');
  const { id: userId } = await client.createUser('Map');
  const upload = await client.upload(await readFile(SAMPLE_ZIP), { query: { leafUserId: userId } });
  const { id: batchId } = (await upload.json()) as { id: string };
  fileId = await waitFor('a processed file', async () => {
    const batch = await client.json<{ status: string; leafFiles?: string[] }>('GET', `${BASE}/batch/${batchId}`);
    return batch.status === 'PROCESSED' ? batch.leafFiles![0] : undefined;
  });
});
after(async () => server?.close());

/** The smallest power of two k with ceil(total / k) ≤ limit: the step the doubling must end at. */
function expectedStep(total: number, limit: number): number {
  let k = 1;
  while (Math.ceil(total / k) > limit) k *= 2;
  return k;
}

it('map-points keeps every k-th point of the filtered layer with the chosen property', async () => {
  const filtered = await client.json<Collection>('GET', `${BASE}/files/${fileId}/download/filteredGeojson`);
  const total = filtered.features.length;
  assert.ok(total > 100, `${total} filtered points`);
  for (const limit of [100_000, 100, 7]) {
    const map = await client.json<Collection>('GET', `${BASE}/files/${fileId}/map-points?property=seedRate&limit=${limit}`);
    const step = expectedStep(total, limit);
    const expected = filtered.features.filter((_, i) => i % step === 0);
    assert.deepEqual(map.furrow.layer, 'filtered');
    assert.deepEqual([map.furrow.total, map.furrow.step, map.furrow.kept], [total, step, expected.length]);
    assert.deepEqual(
      map.features.map((f) => [...f.geometry.coordinates, f.properties.seedRate]),
      expected.map((f) => [...f.geometry.coordinates, f.properties.seedRate]),
    );
    const rates = expected.map((f) => f.properties.seedRate as number);
    assert.deepEqual([map.furrow.min, map.furrow.max], [Math.min(...rates), Math.max(...rates)]);
  }
  // Asked again: the same bytes, now from the blob store.
  const again = await client.request('GET', `${BASE}/files/${fileId}/map-points?property=seedRate&limit=7`);
  assert.equal(again.headers.get('content-type'), 'application/geo+json');
  assert.equal(((await again.json()) as Collection).features.length, Math.ceil(total / expectedStep(total, 7)));
});

it('map-points of the standard layer, and 404 for a file of someone else', async () => {
  const standard = await client.json<Collection>('GET', `${BASE}/files/${fileId}/download/standardGeojson`);
  const map = await client.json<Collection>('GET', `${BASE}/files/${fileId}/map-points?layer=standard&limit=100000`);
  assert.equal(map.furrow.total, standard.features.length);
  assert.deepEqual(map.features[0]!.properties, {});
  const other = await server.owner('other-map@example.com');
  const response = await other.request('GET', `${BASE}/files/${fileId}/map-points`);
  assert.equal(response.status, 404);
  await response.body?.cancel();
});

it('decimation holds at most limit points of any stream, evenly spaced', async () => {
  const n = 10_000;
  const features = Array.from({ length: n }, (_, i) => `{"type":"Feature","geometry":{"type":"Point","coordinates":[${i},0]},"properties":{"v":${i * 2}}}`);
  const text = `{"type":"FeatureCollection","features":[${features.join(',')}]}`;
  // Cut into odd-sized chunks, as a network stream would deliver it.
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += 997) chunks.push(text.slice(at, at + 997));
  const points = await decimatePoints(Readable.from(chunks), 'v', 1000);
  // k = 16: 10 000 / 8 = 1250 would exceed 1000; 10 000 / 16 = 625 points: 0, 16, 32, …, 9984.
  assert.deepEqual([points.total, points.step, points.count], [n, 16, 625]);
  for (let j = 0; j < points.count; j++) {
    assert.equal(points.lon[j], j * 16);
    assert.equal(points.values[j], j * 32);
  }
});
