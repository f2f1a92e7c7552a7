import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FeatureCollectionWriter } from '../../src/convert/geojson-writer.ts';
import { withTempDir } from '../helpers/temp.ts';

/*
 * The writer encodes Features into 1 MiB byte chunks. What goes in must come out in order, as
 * valid JSON, whatever the characters and sizes: every expected value below is the input itself.
 */

async function writeAll(dir: string, features: string[]): Promise<string> {
  const path = join(dir, 'out.geojson');
  const writer = await FeatureCollectionWriter.open(path, { furrow: { layer: 'test' } });
  for (const feature of features) if (writer.add(feature)) await writer.flush();
  assert.equal(writer.featureCount, features.length);
  await writer.close();
  return readFile(path, 'utf8');
}

const feature = (i: number, name: string) => JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [i, -i] }, properties: { i, name } });

test('many small Features across several chunks come back in order, multi-byte characters intact', async () => {
  await withTempDir(async (dir) => {
    // ~40 k Features of ~110 bytes (≈ 4.4 MB: five chunks), names with 2-, 3- and 4-byte UTF-8 characters.
    const names = ['Süd', 'Öko-Feld ₂', '🌽 corn', 'plain'];
    const features = Array.from({ length: 40_000 }, (_, i) => feature(i, `${names[i % names.length]} ${i}`));
    const text = await writeAll(dir, features);
    const parsed = JSON.parse(text) as { type: string; furrow: { layer: string }; features: { properties: { i: number; name: string } }[] };
    assert.equal(parsed.type, 'FeatureCollection');
    assert.deepEqual(parsed.furrow, { layer: 'test' });
    assert.equal(parsed.features.length, 40_000);
    parsed.features.forEach((f, i) => {
      assert.equal(f.properties.i, i);
      assert.equal(f.properties.name, `${names[i % names.length]} ${i}`);
    });
    // One Feature per line after the header line.
    assert.equal(text.split('\n').length, 1 + 40_000 + 2);
  });
});

test('a Feature larger than a chunk is written whole, between its neighbours', async () => {
  await withTempDir(async (dir) => {
    const huge = 'ä'.repeat(700_000); // 1.4 MB of UTF-8: more than one chunk on its own
    const features = [feature(0, 'before'), feature(1, huge), feature(2, 'after')];
    const parsed = JSON.parse(await writeAll(dir, features)) as { features: { properties: { name: string } }[] };
    assert.deepEqual(
      parsed.features.map((f) => f.properties.name.length),
      [6, 700_000, 5],
    );
    assert.equal(parsed.features[1]!.properties.name, huge);
  });
});

test('an empty collection is valid JSON', async () => {
  await withTempDir(async (dir) => {
    assert.deepEqual((JSON.parse(await writeAll(dir, [])) as { features: unknown[] }).features, []);
  });
});
