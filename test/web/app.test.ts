/**
 * The web app end to end in Debian's Chromium against the real server (`furrow serve` on 127.0.0.1,
 * a fresh data directory): sign in, create a Leaf user, upload a sample zip, wait for it to be
 * processed, open the file page, check the map's pixels, the legend of an image, and the downloads.
 * Skipped when no `chromium` is on PATH (.ci/web.sh installs it).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decode } from 'fast-png';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { colorAt, compileRamp, LEAF_DEFAULT_RAMP } from '../../src/convert/render/ramp.ts';
import { sample } from '../helpers/samples.ts';
import { writeZip } from '../helpers/zip.ts';
import { startServe, type StartedServe } from '../helpers/serve.ts';
import { findChromium, launchChromium, onlyLocalRequests } from './browser.ts';

const chromiumPath = findChromium();
/** The suite takes 1–2 minutes (a real conversion, a first decimation and WebGL in SwiftShader): .ci/web.sh runs it, `npm test` skips it. */
const skip = process.env.FURROW_TEST_WEB !== '1' ? 'browser tests run with FURROW_TEST_WEB=1 (.ci/web.sh)' : chromiumPath ? false : 'no chromium on PATH (.ci/web.sh installs it)';
const USERNAME = 'owner';
const PASSWORD = 'web-test-password-1';
/** A soybean harvest (35 k points after the yield filters; filtered yield 49–115 bu/ac, measured through map-points). */
const SAMPLE = sample('jd-shapefile', 'myjd-harvest-soybeans', 'export-from-myjohndeere-harvest.zip');
const SAMPLE_NAME = 'export-from-myjohndeere-harvest.zip';
/** FURROW_WEB_SCREENSHOT=docs/file-page.png makes the test also save the file page for the README. */
const SCREENSHOT = process.env.FURROW_WEB_SCREENSHOT;

// The test's tsconfig has no DOM library: the few members used in the page, typed here.
interface CanvasLike {
  toDataURL(type: string): string;
}
interface ImageLike {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  addEventListener(type: 'load', listener: () => void, options: { once: boolean }): void;
}

interface Png {
  width: number;
  height: number;
  channels: number;
  data: ArrayLike<number>;
}

function decodePng(bytes: Buffer): Png {
  const png = decode(bytes);
  return { width: png.width, height: png.height, channels: png.channels, data: png.data };
}

function pixel(png: Png, x: number, y: number): number[] {
  const i = (y * png.width + x) * png.channels;
  return Array.from({ length: 3 }, (_, c) => Number(png.data[i + c]));
}

/** Distinct RGB colours with at least `minPixels` pixels each: stray anti-aliasing blends do not count. */
function distinctColours(png: Png, minPixels: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const key = pixel(png, x, y).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return new Map([...counts].filter(([, n]) => n >= minPixels));
}

const distance = (a: readonly number[], b: readonly number[]) => Math.max(...a.slice(0, 3).map((v, i) => Math.abs(v - b[i]!)));

describe('web app in Chromium', { skip }, () => {
  const children: ChildProcess[] = [];
  let dataDir: string;
  let server: StartedServe;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let elsewhere: string[];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'furrow-web-'));
    server = await startServe(dataDir, { FURROW_OWNER_USERNAME: USERNAME, FURROW_OWNER_PASSWORD: PASSWORD }, children);
    browser = await launchChromium(chromiumPath!);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    elsewhere = await onlyLocalRequests(context, server.url);
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });

  after(async () => {
    await browser?.close();
    for (const child of children) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('sign in, create a Leaf user, upload a zip and see it processed', async () => {
    await page.goto(server.url);
    await page.getByLabel('Username').fill(USERNAME);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // A new owner has no Leaf user: create one, and it becomes the one picked.
    await page.getByRole('heading', { name: 'Leaf users' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Web Test Grower');
    await page.getByRole('button', { name: 'Create user' }).click();
    const picker = page.getByLabel('Leaf user', { exact: true });
    await picker.locator('option', { hasText: 'Web Test Grower' }).waitFor({ state: 'attached' });
    const userId = await picker.inputValue();
    assert.match(userId, /^[0-9a-f-]{36}$/);

    const upload = page.getByRole('region', { name: 'Upload zips' });
    await upload.getByLabel('Upload', { exact: true }).setInputFiles(SAMPLE);
    await upload.getByLabel('Provider').selectOption('JohnDeere');
    await page.getByRole('button', { name: 'Start upload' }).click();
    // The progress bar counts the request's bytes: the zip and the multipart framing around it (under 1 KiB), all sent.
    const size = (await readFile(SAMPLE)).length;
    const bar = page.getByRole('progressbar', { name: `Upload of ${SAMPLE_NAME}` });
    await page.getByText(/uploaded: batch [0-9a-f-]{36}/).waitFor();
    const max = Number(await bar.getAttribute('max'));
    assert.ok(max >= size && max < size + 1024, `progress max ${max} for a zip of ${size} bytes`);
    assert.equal(Number(await bar.getAttribute('value')), max);

    // The batch table polls until the batch is processed, then the file list shows the operation.
    await page.locator('tr[data-batch][data-status="PROCESSED"]').waitFor();
    const fileRow = page.locator('tr[data-file][data-status="processed"]');
    await fileRow.waitFor();
    assert.equal(await fileRow.count(), 1);
    assert.equal(await fileRow.locator('td').nth(2).textContent(), 'harvested');
  });

  test('the file page draws the points with many colours of the ramp on the map', async () => {
    await page.getByRole('link', { name: SAMPLE_NAME }).click();
    const map = page.getByRole('region', { name: /map/ });
    // The first map-points request decimates the whole filtered GeoJSON (stream-json, ~20 s for this sample here).
    await map.and(page.locator('[data-ready="true"]')).waitFor({ timeout: 150_000 });
    assert.match((await map.getAttribute('aria-label'))!, /^map of the points of /);

    // Yield is the default colouring; its legend's bounds are those of the points drawn.
    assert.equal(await page.getByLabel('Colour by').inputValue(), 'dryVolumePerArea');
    const dataUrl = await map.locator('canvas').evaluate((canvas) => (canvas as unknown as CanvasLike).toDataURL('image/png'));
    const png = decodePng(Buffer.from(dataUrl.split(',')[1]!, 'base64'));
    assert.ok(png.width > 500 && png.height > 300, `canvas ${png.width}×${png.height}`);
    const colours = distinctColours(png, 4);
    // Colours of the ramp (within rounding and blending), apart from the background and the outline.
    const ramp = compileRamp(LEAF_DEFAULT_RAMP);
    const rampColours = Array.from({ length: 2001 }, (_, i) => ({ t: i / 2000, rgb: colorAt(ramp, i / 2000) }));
    const onRamp: number[] = [];
    for (const key of colours.keys()) {
      const c = key.split(',').map(Number);
      const nearest = rampColours.find((r) => distance(c, r.rgb) <= 3);
      if (nearest) onRamp.push(nearest.t);
    }
    // A yield map whose yields spread from 49 to 115 bu/ac (quartiles 75, 80, 85) cannot be one colour: dozens of shades of the ramp,
    // from at least four of its six segments (red, orange, yellow, light, mid and dark green).
    assert.ok(onRamp.length >= 20, `only ${onRamp.length} ramp colours on the map (of ${colours.size} colours)`);
    const segments = new Set(onRamp.map((t) => ramp.stops.findIndex((s, i) => t >= s.at && t <= (ramp.stops[i + 1]?.at ?? 1))));
    assert.ok(segments.size >= 4, `ramp colours from segments ${[...segments].join(', ')} only`);

    if (SCREENSHOT) await page.screenshot({ path: resolve(SCREENSHOT), fullPage: false });
  });

  test("an image's legend shows Leaf's ramp between the image's bounds", async () => {
    const figure = page.locator('figure.image[data-property="dryVolumePerArea"]');
    await figure.scrollIntoViewIfNeeded();
    const img = figure.locator('img');
    await img.evaluate((el) => {
      const image = el as unknown as ImageLike;
      return image.complete ? undefined : new Promise<void>((done) => image.addEventListener('load', () => done(), { once: true }));
    });
    const longSide = await img.evaluate((el) => Math.max((el as unknown as ImageLike).naturalWidth, (el as unknown as ImageLike).naturalHeight));
    assert.ok(longSide >= 512, `the image's long side is ${longSide} px`);

    // The bounds printed are those of images.json's legend, read independently through the API.
    const token = (await page.evaluate("sessionStorage.getItem('furrow.token')")) as string;
    const fileId = /#\/files\/(.+)$/.exec(page.url())![1]!;
    const images = (await (await page.request.get(`${server.url}/services/operations/api/files/${fileId}/images`, { headers: { authorization: `Bearer ${token}` } })).json()) as { property: string; legend: { min: number; max: number } }[];
    const legend = images.find((i) => i.property === 'dryVolumePerArea')!.legend;
    const bounds = await figure.locator('.legend-bounds span').allTextContents();
    assert.deepEqual(bounds, [legend.min, legend.max].map((v) => v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 1000 ? 0 : Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 2 : 4 })));

    // A screenshot of the legend bar: its colours are the ramp's at the same position along it.
    const bar = figure.locator('.legend-bar');
    const shot = decodePng(await bar.screenshot());
    const y = Math.floor(shot.height / 2);
    for (const t of [0.02, 0.3, 0.5, 0.6, 0.7, 0.9, 0.98]) {
      const x = Math.round(t * (shot.width - 1));
      const expected = colorAt(compileRamp(LEAF_DEFAULT_RAMP), x / (shot.width - 1));
      assert.ok(distance(pixel(shot, x, y), expected) <= 12, `legend at ${t}: ${pixel(shot, x, y)} vs ramp ${expected.slice(0, 3)}`);
    }
  });

  test('downloads: the signed link and the bearer download both answer the standard GeoJSON', async () => {
    const link = page.getByRole('link', { name: 'standard GeoJSON', exact: true });
    const href = (await link.getAttribute('href'))!;
    assert.ok(href.startsWith(`${server.url}/`), href);
    const signed = await page.request.get(href);
    assert.equal(signed.status(), 200);
    const signedBody = await signed.body();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download standard GeoJSON' }).click()]);
    const saved = await readFile((await download.path())!);
    // The same bytes either way, and a FeatureCollection of the operation's points.
    assert.ok(saved.equals(signedBody), 'the bearer download and the signed link differ');
    const collection = JSON.parse(saved.toString('utf8')) as { type: string; features: unknown[] };
    assert.equal(collection.type, 'FeatureCollection');
    assert.ok(collection.features.length > 100, `${collection.features.length} features`);
  });

  test('a zip without machine data fails with its reason shown, and can be retried', async () => {
    // Built here: a text file and a shapefile of zero bytes, nothing any reader recognises.
    const bad = join(dataDir, 'not-machine-data.zip');
    await writeZip(bad, { 'notes.txt': 'field notes', 'broken.shp': Buffer.alloc(50) });
    await page.getByRole('link', { name: '← All files' }).click();
    const upload = page.getByRole('region', { name: 'Upload zips' });
    await upload.getByLabel('Upload', { exact: true }).setInputFiles(bad);
    await page.getByRole('button', { name: 'Start upload' }).click();
    const row = page.locator('tr[data-batch]', { hasText: 'not-machine-data.zip' });
    await row.and(page.locator('[data-status="FAILED"]')).waitFor();
    await row.getByRole('button', { name: 'Show failures of not-machine-data.zip' }).click();
    await row.getByText('no supported machine data was recognised in the input').waitFor();

    const [retried] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/retry') && r.request().method() === 'PUT'),
      row.getByRole('button', { name: 'Retry not-machine-data.zip' }).click(),
    ]);
    assert.equal(retried.status(), 200);
    assert.equal(((await retried.json()) as { status: string }).status, 'RECEIVED');
    // Converted again, and failed again for the same reason.
    await page.locator('tr[data-batch][data-status="FAILED"]', { hasText: 'not-machine-data.zip' }).waitFor();
  });

  test('two processed files selected in the list merge into a new processed file holding the points of both', async () => {
    // The same harvest uploaded again: a second batch, a second file of the same operation type.
    const upload = page.getByRole('region', { name: 'Upload zips' });
    await upload.getByLabel('Upload', { exact: true }).setInputFiles(SAMPLE);
    await page.getByRole('button', { name: 'Start upload' }).click();
    const processed = page.locator('tr[data-file][data-status="processed"]');
    await processed.nth(1).waitFor({ timeout: 150_000 });
    const ids = await processed.evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { file: string } }).dataset.file));
    assert.equal(ids.length, 2);
    for (let i = 0; i < 2; i++) await processed.nth(i).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Merge selected files' }).click();
    const status = await page.getByText(/^Merging into file [0-9a-f-]{36}/).textContent();
    const mergedId = /file ([0-9a-f-]{36})/.exec(status!)![1]!;
    await page.locator(`tr[data-file="${mergedId}"][data-status="processed"]`).waitFor({ timeout: 150_000 });

    // The merged file's standard points are those of the two files, counted through the API, not the page.
    const token = (await page.evaluate("sessionStorage.getItem('furrow.token')")) as string;
    const points = async (id: string) => {
      const response = await page.request.get(`${server.url}/services/operations/api/files/${id}/download/standardGeojson`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status(), 200, `standardGeojson of ${id}`);
      return ((await response.json()) as { features: unknown[] }).features.length;
    };
    const [a, b, merged] = [await points(ids[0]!), await points(ids[1]!), await points(mergedId)];
    assert.ok(a > 1000 && b === a, `${a} and ${b} points`);
    assert.equal(merged, a + b);
  });

  test('no request went to any host but the server on 127.0.0.1', () => {
    assert.deepEqual(elsewhere, []);
  });
});
