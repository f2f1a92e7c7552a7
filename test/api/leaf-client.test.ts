import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import yauzl from 'yauzl';
import { createLinkSigner } from '../../src/api/signed-links.ts';
import type { ApiClient } from './helpers/http.ts';
import { waitFor } from './helpers/http.ts';
import { SAMPLE_ZIP } from './helpers/reference.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/*
 * What a client written from Leaf's documentation sends (issue 14), request by request: the list
 * read as `operations[0]`, plain links and image URLs opened without a header, trailing slashes,
 * a DELETE with a JSON content type and no body, links behind a TLS proxy.
 */

const BASE = '/services/operations/api';

interface Entry {
  id: string;
  provider: string;
  machineBrand?: string;
  fields: string[];
  standardGeojson: string;
  downloadStandardGeojson: string;
  originalFile: string;
  zippedPNGs: string;
  downloadZippedPNGs: string;
}
interface Image {
  property: string;
  url: string;
  downloadUrl: string;
  auxUrl: string;
}

/** The TaskControllerManufacturer attribute of the sample's TASKDATA.XML, read from the zip here, not through Furrow. */
async function taskControllerManufacturer(zip: string): Promise<string> {
  const xml = await new Promise<string>((resolve, reject) => {
    yauzl.open(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      archive.on('entry', (entry: yauzl.Entry) => {
        if (!/TASKDATA\.XML$/i.test(entry.fileName)) return archive.readEntry();
        archive.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      archive.on('end', () => reject(new Error('no TASKDATA.XML')));
      archive.readEntry();
    });
  });
  return /TaskControllerManufacturer="([^"]+)"/.exec(xml)![1]!;
}

async function problem(response: Response): Promise<{ status: number; errorKey?: string }> {
  assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  return (await response.json()) as { status: number; errorKey?: string };
}

describe('a client written from Leaf’s documentation', () => {
  let server: TestServer;
  let client: ApiClient;
  let userId: string;
  let entry: Entry;

  before(async () => {
    server = await startServer({ env: { FURROW_TRUST_PROXY: 'true' } });
    client = await server.owner('leaf-docs@example.com');
    userId = (await client.createUser('Docs')).id;
    const upload = await client.upload(await readFile(SAMPLE_ZIP), { query: { leafUserId: userId, provider: 'Other' } });
    assert.equal(upload.status, 201);
    const batch = (await upload.json()) as { id: string };
    await waitFor('batch processed', async () => {
      const current = await client.json<{ status: string }>('GET', `${BASE}/batch/${batch.id}`);
      return current.status === 'PROCESSED' ? current : undefined;
    });
  });
  after(async () => server?.close());

  it('lists files as {"operations": [...]} and reads operations[0]', async () => {
    const response = await client.request('GET', `${BASE}/files?leafUserId=${userId}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await response.json()) as { operations: Entry[] };
    assert.deepEqual(Object.keys(body), ['operations']);
    assert.equal(body.operations.length, Number(response.headers.get('x-total-count')));
    entry = body.operations[0]!;
    assert.deepEqual(entry, await client.json<Entry>('GET', `${BASE}/files/${entry.id}`), 'the listed entry is the entry');
    assert.deepEqual(entry.fields, [], 'no field boundaries yet');
  });

  it('gives a Leaf provider value and keeps the machine brand beside it', async () => {
    // Uploaded as Other; ISOXML is open and its brand is not one of Leaf's providers.
    assert.equal(entry.provider, 'Other');
    assert.equal(entry.machineBrand, await taskControllerManufacturer(SAMPLE_ZIP));
    const byProvider = await client.request('GET', `${BASE}/files?provider=Other`);
    assert.equal(byProvider.headers.get('x-total-count'), '1');
    await byProvider.body?.cancel();
  });

  it('answers paths with a trailing slash as without', async () => {
    for (const path of [`${BASE}/files/`, `${BASE}/batch/`, '/services/usermanagement/api/users/', `${BASE}/files/${entry.id}/`, '/services/alerts/api/alerts/webhooks/']) {
      const withSlash = await client.request('GET', path);
      const without = await client.request('GET', path.slice(0, -1));
      assert.equal(withSlash.status, 200, path);
      assert.deepEqual(await withSlash.json(), await without.json(), path);
    }
  });

  it('opens the plain links and image URLs without a bearer header; download* still need it', async () => {
    const plain = await fetch(entry.standardGeojson, { signal: AbortSignal.timeout(15_000) });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('content-type'), 'application/geo+json');
    const withToken = await fetch(entry.downloadStandardGeojson, { headers: client.headers(), signal: AbortSignal.timeout(15_000) });
    assert.deepEqual(Buffer.from(await plain.arrayBuffer()), Buffer.from(await withToken.arrayBuffer()));
    const original = await fetch(entry.originalFile, { signal: AbortSignal.timeout(15_000) });
    assert.deepEqual(Buffer.from(await original.arrayBuffer()), await readFile(SAMPLE_ZIP));
    const zipped = await fetch(entry.zippedPNGs, { signal: AbortSignal.timeout(15_000) });
    assert.equal(zipped.headers.get('content-type'), 'application/zip');
    await zipped.body?.cancel();

    for (const link of [entry.downloadStandardGeojson, entry.downloadZippedPNGs]) {
      const anonymous = await fetch(link, { signal: AbortSignal.timeout(15_000) });
      assert.equal(anonymous.status, 401, link);
      await anonymous.body?.cancel();
    }

    const images = await client.json<Image[]>('GET', `${BASE}/files/${entry.id}/images`);
    assert.ok(images.length > 0);
    for (const image of images) {
      const png = await fetch(image.url, { signal: AbortSignal.timeout(15_000) });
      assert.equal(png.status, 200, image.url);
      assert.equal(png.headers.get('content-type'), 'image/png');
      const bytes = Buffer.from(await png.arrayBuffer());
      assert.deepEqual(bytes.subarray(1, 4).toString(), 'PNG');
      const bearer = await fetch(image.downloadUrl, { headers: client.headers(), signal: AbortSignal.timeout(15_000) });
      assert.deepEqual(Buffer.from(await bearer.arrayBuffer()), bytes);
      // GDAL looks for the georeference at `<png url>.aux.xml`.
      assert.equal(image.auxUrl, `${image.url}.aux.xml`);
      const aux = await fetch(`${image.url}.aux.xml`, { signal: AbortSignal.timeout(15_000) });
      assert.match(await aux.text(), /<GeoTransform>/);
    }
  });

  it('refuses a tampered or expired link with 403 problem JSON', async () => {
    const url = new URL(entry.standardGeojson);
    const [, expires, signature] = /\/signed\/(\d+)\/([\w-]+)\//.exec(url.pathname)!;
    const flipped = signature!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const cases = {
      signature: url.href.replace(signature!, flipped),
      expiry: url.href.replace(`/${expires}/`, `/${Number(expires) + 60}/`),
      // The same grant for another file id.
      file: url.href.replace(entry.id, entry.id.replace(/.$/, (c) => (c === '0' ? '1' : '0'))),
    };
    for (const [what, tampered] of Object.entries(cases)) {
      const response = await fetch(tampered, { signal: AbortSignal.timeout(15_000) });
      assert.equal(response.status, 403, what);
      const body = await problem(response);
      assert.equal(body.status, 403);
      assert.equal(body.errorKey, 'invalidSignature', what);
    }
    // Signed with the server's own key an hour ago for one minute: genuine, but past its expiry.
    const old = createLinkSigner(server.config.jwtSecret, 60).signedPrefix(`${BASE}/files/${entry.id}`, Date.now() - 3600_000);
    const expired = await fetch(`${server.url}${old}/standardGeojson`, { signal: AbortSignal.timeout(15_000) });
    assert.equal(expired.status, 403);
    assert.equal((await problem(expired)).errorKey, 'linkExpired');
    // Another server's key (another JWT secret) does not open this server's files.
    const foreign = createLinkSigner('another-secret-that-is-long-enough-for-hs256', 3600).signedPrefix(`${BASE}/files/${entry.id}`);
    const other = await fetch(`${server.url}${foreign}/standardGeojson`, { signal: AbortSignal.timeout(15_000) });
    assert.equal(other.status, 403);
    await other.body?.cancel();
  });

  it('accepts a DELETE (and a bodiless PUT) sent with content-type: application/json and no body', async () => {
    const { id } = await client.createUser('Leaving');
    const deleted = await fetch(`${server.url}/services/usermanagement/api/users/${id}`, { method: 'DELETE', headers: client.headers({ 'content-type': 'application/json' }), signal: AbortSignal.timeout(15_000) });
    assert.equal(deleted.status, 204, await deleted.clone().text());
    const gone = await client.request('GET', `/services/usermanagement/api/users/${id}`);
    assert.equal(gone.status, 404);
    await gone.body?.cancel();

    const webhook = await client.json<{ id: string }>('POST', '/services/alerts/api/alerts/webhooks', { events: ['uploadedFileProcessingFinished'], name: 'w', secret: 's', url: 'http://127.0.0.1:9/' });
    const unhooked = await fetch(`${server.url}/services/alerts/api/alerts/webhooks/${webhook.id}`, { method: 'DELETE', headers: client.headers({ 'content-type': 'application/json', 'content-length': '0' }), signal: AbortSignal.timeout(15_000) });
    assert.equal(unhooked.status, 204);

    // A route that needs a body still says so.
    const empty = await fetch(`${server.url}/services/usermanagement/api/users`, { method: 'POST', headers: client.headers({ 'content-type': 'application/json' }), signal: AbortSignal.timeout(15_000) });
    assert.equal(empty.status, 400);
    assert.equal((await problem(empty)).status, 400);
    const broken = await fetch(`${server.url}/services/usermanagement/api/users`, { method: 'POST', headers: client.headers({ 'content-type': 'application/json' }), body: '{"name":', signal: AbortSignal.timeout(15_000) });
    assert.equal(broken.status, 400);
    await broken.body?.cancel();
  });

  it('builds links from X-Forwarded-Proto/Host behind a trusted proxy (FURROW_TRUST_PROXY)', async () => {
    const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'farm.example.com' };
    const list = await fetch(`${server.url}${BASE}/files?size=1`, { headers: client.headers(proxied), signal: AbortSignal.timeout(15_000) });
    const { operations } = (await list.json()) as { operations: Entry[] };
    for (const link of [operations[0]!.standardGeojson, operations[0]!.downloadStandardGeojson]) assert.ok(link.startsWith(`https://farm.example.com${BASE}/files/`), link);
    assert.match(list.headers.get('link') ?? '', /<https:\/\/farm\.example\.com\/services\/operations\/api\/files\?/);
    const images = await fetch(`${server.url}${BASE}/files/${entry.id}/images`, { headers: client.headers(proxied), signal: AbortSignal.timeout(15_000) });
    for (const image of (await images.json()) as Image[]) assert.ok(image.url.startsWith('https://farm.example.com/') && image.downloadUrl.startsWith('https://farm.example.com/'));
    const document = (await (await fetch(`${server.url}/openapi.json`, { headers: proxied, signal: AbortSignal.timeout(15_000) })).json()) as { servers: { url: string }[] };
    assert.deepEqual(document.servers.map((s) => s.url), ['https://farm.example.com']);
    // The signed path does not depend on the host: the link works when the proxy forwards it.
    const through = await fetch(operations[0]!.standardGeojson.replace('https://farm.example.com', server.url), { signal: AbortSignal.timeout(15_000) });
    assert.equal(through.status, 200);
    await through.body?.cancel();
  });
});

describe('settings around the Leaf contract', () => {
  it('ignores X-Forwarded-* unless FURROW_TRUST_PROXY is on', async () => {
    const server = await startServer({ worker: false });
    try {
      const document = (await (await fetch(`${server.url}/openapi.json`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'farm.example.com' } })).json()) as { servers: { url: string }[] };
      assert.deepEqual(document.servers.map((s) => s.url), [server.url]);
    } finally {
      await server.close();
    }
  });

  it('FURROW_FILES_LIST_FORMAT=array answers the bare array of older clients', async () => {
    const server = await startServer({ worker: false, env: { FURROW_FILES_LIST_FORMAT: 'array' } });
    try {
      const client = await server.owner('old-client@example.com');
      const response = await client.request('GET', `${BASE}/files`);
      assert.deepEqual(await response.json(), []);
      assert.equal(response.headers.get('x-total-count'), '0');
    } finally {
      await server.close();
    }
  });
});
