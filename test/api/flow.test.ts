import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiClient } from './helpers/http.ts';
import { waitFor } from './helpers/http.ts';
import { SAMPLE_ZIP, convertDirectly, type DirectConversion } from './helpers/reference.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/*
 * The whole client journey over real HTTP, as a Leaf client would make it: authenticate,
 * create a grower, upload the ISOXML sample twice, wait for the conversion, list and read the
 * files, download outputs (whole and by range), merge the two uploads.
 */

interface Batch {
  id: string;
  leafUserId: string;
  fileName: string;
  size: number;
  provider: string;
  status: string;
  uploadTimestamp: string;
  leafFiles?: string[];
}
interface FileEntry {
  id: string;
  leafUserId: string;
  apiOwnerUsername: string;
  batchId?: string;
  origin: string;
  status: string;
  operationType: string;
  sources: string[];
  fileFormat: string;
  createdTime: string;
  summary: { properties: { totalArea: { value: number } } } | null;
  standardGeojson?: string;
  downloadStandardGeojson?: string;
  downloadRawGeojson?: string;
  downloadOriginalFile?: string;
  downloadNormalizedGeojson?: string;
}

const BASE = '/services/operations/api';

describe('API flow on the ISOXML sample', () => {
  let server: TestServer;
  let client: ApiClient;
  let direct: DirectConversion;
  let zip: Buffer;
  let userId: string;
  const batches: Batch[] = [];
  let files: FileEntry[] = [];

  before(async () => {
    server = await startServer();
    zip = await readFile(SAMPLE_ZIP);
    direct = await convertDirectly(SAMPLE_ZIP, join(server.dir, 'direct'));
    assert.ok(direct.report.operations.length >= 1, 'the sample holds an operation');
  });
  after(async () => server?.close());

  it('authenticates; rememberMe ("true" or true) gives a 30-day token, otherwise 24 h', async () => {
    client = await server.owner('farm-api@example.com');
    const lifetime = (token: string) => {
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number; sub: string };
      assert.equal(claims.sub, 'farm-api@example.com');
      return claims.exp - claims.iat;
    };
    assert.equal(lifetime(client.token!), 24 * 3600);
    assert.equal(lifetime(await client.login('farm-api@example.com', 'test-password', 'true')), 30 * 24 * 3600);
    assert.equal(lifetime(await client.login('farm-api@example.com', 'test-password', true)), 30 * 24 * 3600);
    const wrong = await client.request('POST', '/api/authenticate', { username: 'farm-api@example.com', password: 'nope' });
    assert.equal(wrong.status, 401);
  });

  it('creates a Leaf user', async () => {
    const user = await client.json<{ id: string; name: string; johnDeereCredentials: unknown }>('POST', '/services/usermanagement/api/users', { name: 'Grower', email: 'g@example.com', phone: '1', address: 'Farm Road' }, 201);
    assert.equal(user.name, 'Grower');
    assert.equal(user.johnDeereCredentials, null);
    userId = user.id;
  });

  it('uploads the sample twice (query parameters, then form fields) and answers RECEIVED at once', async () => {
    for (const upload of [
      await client.upload(zip, { query: { leafUserId: userId, provider: 'Other' }, fileName: 'single-dpd.zip' }),
      await client.upload(zip, { fields: { leafUserId: userId, provider: 'Other' }, fileName: 'single-dpd.zip' }),
    ]) {
      assert.equal(upload.status, 201, await upload.clone().text());
      const batch = (await upload.json()) as Batch;
      assert.deepEqual(Object.keys(batch).sort(), ['fileName', 'id', 'leafUserId', 'provider', 'size', 'status', 'uploadTimestamp']);
      assert.equal(batch.status, 'RECEIVED');
      assert.equal(batch.size, zip.length);
      assert.equal(batch.fileName, 'single-dpd.zip');
      assert.equal(batch.leafUserId, userId);
      batches.push(batch);
    }
  });

  it('converts both uploads: each batch reaches PROCESSED and lists its files', async () => {
    for (const batch of batches) {
      const done = await waitFor(`batch ${batch.id} PROCESSED`, async () => {
        const current = await client.json<Batch>('GET', `${BASE}/batch/${batch.id}`);
        assert.notEqual(current.status, 'FAILED', JSON.stringify(current));
        return current.status === 'PROCESSED' ? current : undefined;
      });
      assert.equal(done.leafFiles?.length, direct.report.operations.length);
      const status = await client.json<{ converted: { leafFiles: string[] }; processing: { leafFiles: string[] }; failed: object }>('GET', `${BASE}/batch/${batch.id}/status`);
      assert.deepEqual(status.converted.leafFiles.sort(), [...done.leafFiles!].sort());
      assert.deepEqual(status.processing.leafFiles, []);
      assert.deepEqual(status.failed, {});
    }
  });

  it('lists files with filters, sort and paging (X-Total-Count, Link)', async () => {
    const count = direct.report.operations.length * 2;
    const list = async (query: string) => {
      const response = await client.request('GET', `${BASE}/files?${query}`);
      assert.equal(response.status, 200, query);
      // Leaf's documented body: the entries under `operations`.
      const body = (await response.json()) as { operations: FileEntry[] };
      return { items: body.operations, total: Number(response.headers.get('x-total-count')), link: response.headers.get('link') ?? '' };
    };
    const all = await list(`leafUserId=${userId}&sort=createdTime,asc&sort=id`);
    assert.equal(all.total, count);
    assert.ok(Array.isArray(all.items));
    files = all.items;
    for (const file of files) {
      assert.equal(file.status, 'processed');
      assert.equal(file.origin, 'uploaded');
      assert.equal(file.apiOwnerUsername, 'farm-api@example.com');
      assert.equal(file.operationType, direct.report.operations[0]!.operationType);
    }
    assert.deepEqual(
      files.map((f) => f.createdTime),
      files.map((f) => f.createdTime).sort(),
    );

    const type = direct.report.operations[0]!.operationType;
    assert.equal((await list(`operationType=${type}&status=processed&origin=uploaded`)).total, count);
    assert.equal((await list(`batchId=${batches[0]!.id}`)).total, count / 2);
    assert.equal((await list('status=failed')).total, 0);
    assert.equal((await list(`operationType=${type === 'harvested' ? 'planted' : 'harvested'}`)).total, 0);
    assert.equal((await list('minArea=1e12')).total, 0);
    assert.equal((await list('minArea=1')).total, count);
    assert.equal((await list('createdTime=2999-01-01T00:00:00.000Z')).total, 0);
    assert.equal((await list('createdTime=2000-01-01T00:00:00Z')).total, count);

    const descending = await list('sort=createdTime,desc&sort=id,desc');
    assert.deepEqual(
      descending.items.map((f) => f.id),
      [...files].sort((a, b) => (a.createdTime === b.createdTime ? (a.id < b.id ? 1 : -1) : a.createdTime < b.createdTime ? 1 : -1)).map((f) => f.id),
    );

    const page0 = await list('size=1&page=0&sort=createdTime');
    const page1 = await list('size=1&page=1&sort=createdTime');
    assert.equal(page0.items.length, 1);
    assert.equal(page0.total, count);
    assert.notEqual(page0.items[0]!.id, page1.items[0]!.id);
    const links = Object.fromEntries([...page0.link.matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [m[2], new URL(m[1]!)]));
    assert.equal(links.next?.searchParams.get('page'), '1');
    assert.equal(links.last?.searchParams.get('page'), String(count - 1));
    assert.equal(links.first?.searchParams.get('page'), '0');
    assert.equal(links.next?.searchParams.get('sort'), 'createdTime', 'links keep the other parameters');
    assert.equal(links.next?.origin, server.url);

    const bad = await client.request('GET', `${BASE}/files?sort=area,desc`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { status: number }).status, 400);
  });

  it('serves a file entry with absolute links: signed plain links, bearer download* links', async () => {
    const file = await client.json<FileEntry>('GET', `${BASE}/files/${files[0]!.id}`);
    assert.ok(batches.some((b) => b.id === file.batchId), 'the entry names the upload it came from');
    assert.equal(file.fileFormat, direct.report.operations[0]!.fileFormat);
    assert.deepEqual(file.sources, []);
    for (const link of ['downloadStandardGeojson', 'downloadRawGeojson', 'downloadOriginalFile', 'downloadNormalizedGeojson'] as const) {
      assert.ok(file[link]?.startsWith(`${server.url}${BASE}/files/${file.id}/download/`), `${link}: ${file[link]}`);
    }
    assert.match(file.standardGeojson ?? '', new RegExp(`^${server.url}${BASE}/files/${file.id}/signed/\\d+/[\\w-]{43}/standardGeojson$`));
  });

  it('serves summary, units, images and status; totalArea agrees with a direct conversion', async () => {
    const id = files[0]!.id;
    const summary = await client.json<{ type: string; properties: { totalArea: { value: number; unit: string } } }>('GET', `${BASE}/files/${id}/summary`);
    const expected = await direct.summary(0);
    assert.equal(summary.type, 'Feature');
    assert.equal(summary.properties.totalArea.unit, expected.properties.totalArea.unit);
    assert.ok(Math.abs(summary.properties.totalArea.value - expected.properties.totalArea.value) < 1e-6, `${summary.properties.totalArea.value} vs ${expected.properties.totalArea.value}`);
    assert.ok(summary.properties.totalArea.value > 0);

    const units = await client.json<Record<string, string>>('GET', `${BASE}/files/${id}/units`);
    assert.deepEqual(units, JSON.parse((await direct.output(0, 'units.json')).toString()));
    // The images list is the one the direct conversion wrote, with the relative names turned into this server's URLs.
    const images = await client.json<{ property: string; url: string; auxUrl: string }[]>('GET', `${BASE}/files/${id}/images`);
    const expectedImages = JSON.parse((await direct.output(0, 'images.json')).toString()) as { property: string; url: string }[];
    assert.deepEqual(images.map((i) => i.property), expectedImages.map((i) => i.property));
    assert.ok(images.length > 0);
    // `url` is a signed link to the image; it opens without the bearer token.
    assert.ok(images[0]!.url.startsWith(`${server.url}${BASE}/files/${id}/signed/`) && images[0]!.url.endsWith(`/${expectedImages[0]!.url}`), images[0]!.url);
    const png = await fetch(images[0]!.url, { signal: AbortSignal.timeout(15_000) });
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await png.arrayBuffer()), await direct.output(0, expectedImages[0]!.url));
    const aux = await fetch(images[0]!.auxUrl, { signal: AbortSignal.timeout(15_000) });
    assert.match(await aux.text(), /<GeoTransform>/);
    const steps = await client.json<Record<string, { status: string; message: string }>>('GET', `${BASE}/files/${id}/status`);
    for (const step of ['originalFile', 'rawGeojson', 'normalizedGeojson', 'standardGeojson', 'summary', 'units', 'propertiesPNGs', 'zippedPNGs', 'filteredGeojson']) assert.equal(steps[step]?.status, 'processed', step);
    // Furrow's extras: covered area beside totalArea, and what each filter removed.
    const extras = summary.properties as unknown as { coveredArea: { value: number; unit: string }; filters: { kept: number } };
    assert.equal(extras.coveredArea.unit, summary.properties.totalArea.unit);
    assert.ok(extras.coveredArea.value > 0 && extras.coveredArea.value <= summary.properties.totalArea.value * 1.001, 'overlaps counted once: covered ≤ swept');
    const filtered = await fetch(`${server.url}${BASE}/files/${id}/download/filteredGeojson`, { headers: client.headers(), signal: AbortSignal.timeout(15_000) });
    assert.equal((JSON.parse(await filtered.text()) as { features: unknown[] }).features.length, extras.filters.kept);
  });

  it('downloads the standard GeoJSON (a view of the stored table) whole, and a stored output by byte range', async () => {
    const view = await fetch(files[0]!.downloadStandardGeojson!, { headers: client.headers(), signal: AbortSignal.timeout(15_000) });
    assert.equal(view.status, 200);
    assert.equal(view.headers.get('content-type'), 'application/geo+json');
    // Streamed from table.parquet (FURROW_STORE_GEOJSON off): the bytes of the file a direct conversion writes, no Range.
    assert.equal(view.headers.get('accept-ranges'), 'none');
    assert.deepEqual(Buffer.from(await view.arrayBuffer()), await direct.output(0, 'standard.geojson'));

    const url = files[0]!.downloadOriginalFile!;
    const whole = await fetch(url, { headers: client.headers(), signal: AbortSignal.timeout(15_000) });
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    assert.equal(Number(whole.headers.get('content-length')), bytes.length);
    assert.ok(bytes.length > 1100, `upload of ${bytes.length} bytes`);

    const part = await fetch(url, { headers: client.headers({ range: 'bytes=100-1099' }), signal: AbortSignal.timeout(15_000) });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-1099/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 1100));

    const tail = await fetch(url, { headers: client.headers({ range: 'bytes=-10' }), signal: AbortSignal.timeout(15_000) });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 10));

    const beyond = await fetch(url, { headers: client.headers({ range: `bytes=${bytes.length}-` }), signal: AbortSignal.timeout(15_000) });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${bytes.length}`);
    await beyond.body?.cancel();

    const original = await fetch(files[0]!.downloadOriginalFile!, { headers: client.headers(), signal: AbortSignal.timeout(15_000) });
    assert.equal(original.headers.get('content-type'), 'application/zip');
    assert.deepEqual(Buffer.from(await original.arrayBuffer()), zip);

    const anonymous = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    assert.equal(anonymous.status, 401);
  });

  it('refuses merges Leaf refuses (400)', async () => {
    const refuse = async (ids: string[]) => {
      const response = await client.request('POST', `${BASE}/files/merge`, { ids });
      assert.equal(response.status, 400, JSON.stringify(ids));
      await response.body?.cancel();
    };
    await refuse([files[0]!.id]);
    await refuse([files[0]!.id, files[0]!.id]);
    await refuse([files[0]!.id, '00000000-0000-4000-8000-000000000000']);
  });

  it('merges the two uploads into a processed merged file', async () => {
    const ids = files.slice(0, 2).map((f) => f.id);
    const started = await client.json<{ id: string; status: string }>('POST', `${BASE}/files/merge`, { ids });
    assert.equal(started.status, 'SENT_TO_MERGE');
    const merged = await waitFor('merged file processed', async () => {
      const file = await client.json<FileEntry>('GET', `${BASE}/files/${started.id}`);
      assert.notEqual(file.status, 'failed', JSON.stringify(file));
      return file.status === 'processed' ? file : undefined;
    });
    assert.equal(merged.origin, 'merged');
    assert.deepEqual([...merged.sources].sort(), [...ids].sort());
    assert.equal(merged.leafUserId, userId);
    assert.equal(merged.operationType, files[0]!.operationType);
    assert.ok(merged.summary && merged.summary.properties.totalArea.value > 0);
    const origins = await client.request('GET', `${BASE}/files?origin=merged`);
    assert.equal(origins.headers.get('x-total-count'), '1');
    await origins.body?.cancel();
  });
});
