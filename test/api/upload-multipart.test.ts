import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import type { ApiClient } from './helpers/http.ts';
import { EMBEDDED_ONLY, startServer, type TestServer } from './helpers/server.ts';

/*
 * Hostile and clumsy multipart bodies on POST /batch: each is the client's fault and answers a 400
 * problem saying what is wrong (never a 500), within a bounded time, and keeps nothing: no batch,
 * no blob (not even a partial one).
 */

let server: TestServer;
let client: ApiClient;
let leafUserId: string;
const BOUNDARY = 'furrow-test-boundary';
const ZIP = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(4096, 7)]);

before(async () => {
  server = await startServer({ worker: false });
  client = await server.owner('multipart@example.com');
  leafUserId = (await client.createUser('Multipart')).id;
});
after(async () => server?.close());

function fileHead(name = 'file'): string {
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="a.zip"\r\nContent-Type: application/zip\r\n\r\n`;
}
function field(name: string, value: string): string {
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}
const END = `\r\n--${BOUNDARY}--\r\n`;

/** POSTs raw bytes and returns status, problem and elapsed time. */
function post(body: Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`): Promise<{ status: number; problem: { status: number; detail: string; title: string }; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/services/operations/api/batch?leafUserId=${leafUserId}`, { method: 'POST', headers: { ...client.headers(), 'content-type': contentType, 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, problem: JSON.parse(text) as { status: number; detail: string; title: string }, ms: Date.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function assertNothingKept(): Promise<void> {
  const batches = await client.json<unknown[]>('GET', '/services/operations/api/batch');
  assert.deepEqual(batches, [], 'no batch');
  if (!EMBEDDED_ONLY) {
    const left = await readdir(join(server.dir, 'blobs'), { recursive: true }).catch(() => [] as string[]);
    assert.deepEqual(left.filter((f) => /\.(zip|tmp)$/.test(f)), [], 'no blob, partial or whole');
  }
}

const cases: [string, Buffer, string | undefined, RegExp][] = [
  ['multipart without a boundary', Buffer.from('hello'), 'multipart/form-data', /malformed: Multipart: Boundary not found/],
  ['a garbage body', Buffer.from('garbage that is no multipart at all'), undefined, /malformed: Unexpected end of (form|multipart data)/],
  ['a file part cut short (no closing boundary: what a client abort leaves)', Buffer.concat([Buffer.from(fileHead()), ZIP]), undefined, /cut short/],
  ['a second file part', Buffer.concat([Buffer.from(fileHead()), ZIP, Buffer.from(`\r\n${fileHead('file2')}`), ZIP, Buffer.from(END)]), undefined, /Send one file: a second file part/],
  ['an unknown form field', Buffer.concat([Buffer.from(field('colour', 'red') + fileHead()), ZIP, Buffer.from(END)]), undefined, /Unexpected form field "colour"/],
  ['a form field after the file', Buffer.concat([Buffer.from(fileHead()), ZIP, Buffer.from(`\r\n${field('provider', 'Other')}--${BOUNDARY}--\r\n`)]), undefined, /"provider" after the file/],
  ['a field given twice', Buffer.concat([Buffer.from(field('provider', 'Other') + field('provider', 'JohnDeere') + fileHead()), ZIP, Buffer.from(END)]), undefined, /"provider" is given twice/],
  ['leafUserId in the query and another in the form', Buffer.concat([Buffer.from(field('leafUserId', '00000000-0000-4000-8000-000000000000') + fileHead()), ZIP, Buffer.from(END)]), undefined, /leafUserId is given twice with different values/],
  ['a JSON body', Buffer.from('{"file":"x"}'), 'application/json', /.+/],
];

for (const [what, body, contentType, detail] of cases) {
  it(`${what} → 400 problem, nothing kept`, async () => {
    const { status, problem, ms } = await post(body, contentType);
    assert.equal(status, 400, JSON.stringify(problem));
    assert.equal(problem.status, 400);
    assert.match(problem.detail, detail);
    assert.ok(ms < 5000, `answered in ${ms} ms`);
    await assertNothingKept();
  });
}

it('a client that aborts mid-upload leaves no partial blob and no batch, and the server answers the next upload', async () => {
  const head = Buffer.from(fileHead());
  await new Promise<void>((resolve) => {
    const req = request(`${server.url}/services/operations/api/batch?leafUserId=${leafUserId}`, {
      method: 'POST',
      headers: { ...client.headers(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': 10 * 1024 * 1024 },
    });
    req.on('error', () => resolve());
    req.write(Buffer.concat([head, ZIP, Buffer.alloc(256 * 1024, 1)]));
    setTimeout(() => req.destroy(), 300);
  });
  // The server sees the abort asynchronously; its clean-up must have run by the time it has answered another request.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await assertNothingKept();
  const ok = await post(Buffer.concat([Buffer.from(fileHead()), ZIP, Buffer.from(END)]));
  assert.equal(ok.status, 201);
});
