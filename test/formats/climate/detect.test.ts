import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { climateDriver, startsWithMessage } from '../../../src/formats/climate/driver.ts';
import type { ArchiveEntry } from '../../../src/formats/types.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';
import { CLIMATE_ZIP, withSampleEntries } from './helpers.ts';

/*
 * Detection by name *and* content, and damaged files failing alone. Expected operations follow the
 * sample's file names (SOURCES-other.md): one harvest session, one planting day, one spraying day.
 */

async function bytesOf(entry: ArchiveEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await entry.open()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('the sample set is three datasets: harvest session, field map day, liquid map day', async () => {
  await withSampleEntries(async (entries) => {
    const datasets = await climateDriver.detect(entries);
    assert.deepEqual(
      datasets.map((d) => [d.root, d.entries.size, d.fileFormat]).sort(),
      [
        ['field_map_2015_05_01', 2, 'DATCLIMATE'],
        ['harvest_1_Corn_2015_09_22', 7, 'DATCLIMATE'],
        ['liquid_map_2017_06_22', 2, 'DATCLIMATE'],
      ],
    );
    assert.deepEqual(climateDriver.providers, ['ClimateFieldView', 'PrecisionPlanting']);
  });
});

test('a Climate name alone is not enough: the content must match', async () => {
  await withSampleEntries(async (entries) => {
    const harvest = await bytesOf(entries.find((e) => e.path === 'harvest_1_Corn_2015_09_22_000.dat')!);
    const fieldMap = await bytesOf(entries.find((e) => e.path === 'field_map_2015_05_01_000.dat')!);
    await withTempDir(async (dir) => {
      const zip = join(dir, 'mixed.zip');
      await writeZip(zip, {
        // Right names, wrong content: text, a JPEG-like header, an empty file, a field map without its header.
        'harvest_2_Corn_2016_10_01_000.dat': 'hello, this is not a yield map\n',
        'liquid_map_2018_01_01_000.dat': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]),
        'liquid_map_2018_01_02_000.dat': Buffer.alloc(0),
        'field_map_2016_05_01_000.dat': fieldMap.subarray(17_508),
        // Right content, unrelated name: not claimed either (names carry the session and kind).
        'yield.dat': harvest,
        // Right name and content, in a folder: claimed, with the folder in its root.
        'card/harvest_3_Soybeans_2016_10_02_000.dat': harvest,
      });
      const archive = await openArchive(zip);
      try {
        const datasets = await climateDriver.detect(archive.entries);
        assert.deepEqual(
          datasets.map((d) => d.root),
          ['card/harvest_3_Soybeans_2016_10_02'],
        );
      } finally {
        await archive.close();
      }
    });
  });
  // The sniff on its own: a message whose first sub-message is whole, and not text.
  assert.equal(startsWithMessage(Buffer.from('[Field Map Data]\nfile_format=30\n'), 100), false);
  assert.equal(startsWithMessage(Buffer.from([0x10, 0x01, 0x22, 0x02, 0x08, 0x01]), 6), true);
  assert.equal(startsWithMessage(Buffer.from([0x10, 0x01, 0x22, 0x05, 0x08, 0x01]), 6), false);
});

test('damaged files fail their own operation with a clear reason; the others convert', async () => {
  await withSampleEntries(async (entries) => {
    const files: Record<string, Buffer> = {};
    for (const entry of entries) {
      if (entry.path.startsWith('harvest_') || entry.path.startsWith('liquid_map_') || entry.path === 'field_map_2015_05_01_000.dat') {
        files[entry.path] = await bytesOf(entry);
      }
    }
    // Cut the second liquid map in the middle of a record, and the field map inside a frame.
    const liquid = files['liquid_map_2017_06_22_001.dat']!;
    files['liquid_map_2017_06_22_001.dat'] = liquid.subarray(0, 300_000);
    files['field_map_2015_05_01_000.dat'] = files['field_map_2015_05_01_000.dat']!.subarray(0, 1_000_001);
    await withTempDir(async (dir) => {
      const zip = join(dir, 'damaged.zip');
      await writeZip(zip, files);
      const report = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, [climateDriver]);
      const byType = new Map(report.operations.map((o) => [o.operationType, o]));
      assert.equal(byType.get('harvested')?.status, 'processed');
      const applied = byType.get('applied')!;
      assert.equal(applied.status, 'failed');
      assert.match(applied.statusDetails, /liquid_map_2017_06_22_001\.dat: damaged or truncated Climate \.dat file: field 2 at byte \d+ needs \d+ bytes but the file ends/);
      const planted = byType.get('planted')!;
      assert.equal(planted.status, 'failed');
      assert.match(planted.statusDetails, /field_map_2015_05_01_000\.dat: damaged or truncated Climate \.dat file: frame at byte \d+ needs \d+ bytes/);
      // The harvest converted in full: 6,537 points (SOURCES-other.md) in its raw output.
      const harvest = byType.get('harvested')!;
      const raw = JSON.parse(await readFile(join(dir, 'out', harvest.dir, 'raw.geojson'), 'utf8')) as { features: unknown[] };
      assert.equal(raw.features.length, 6537);
    });
  });
});

test('a garbled header is a readable DatasetError naming the file', async () => {
  await withSampleEntries(async (entries) => {
    const bytes = Buffer.from(await bytesOf(entries.find((e) => e.path === 'harvest_1_Corn_2015_09_22_000.dat')!));
    // Bytes 0–7: field 2 (varint 1), field 4 (788 bytes), its field 3 (178 bytes); the combine
    // sub-message's own bytes start at 8. 0xff is no valid protobuf key (wire type 7).
    assert.deepEqual([...bytes.subarray(0, 8)], [0x10, 0x01, 0x22, 0x94, 0x06, 0x1a, 0xb2, 0x01]);
    bytes.fill(0xff, 8, 20);
    await withTempDir(async (dir) => {
      const zip = join(dir, 'garbled.zip');
      await writeZip(zip, { 'harvest_1_Corn_2015_09_22_000.dat': bytes });
      const archive = await openArchive(zip);
      try {
        const [dataset] = await climateDriver.detect(archive.entries);
        assert.ok(dataset, 'still detected: the top-level layout is intact');
        await assert.rejects(climateDriver.read(dataset), (error: Error) => {
          assert.equal(error.name, 'DatasetError');
          assert.match(error.message, /^harvest_1_Corn_2015_09_22_000\.dat: damaged or truncated Climate \.dat file: the message at byte 2 is not valid protobuf/);
          return true;
        });
      } finally {
        await archive.close();
      }
    });
  });
});

test('the whole sample converts: three processed operations with Climate provenance', async () => {
  await withTempDir(async (dir) => {
    const report = await convertInput(CLIMATE_ZIP, dir, { units: 'default' }, {}, [climateDriver]);
    assert.deepEqual(report.failures, []);
    assert.deepEqual(
      report.operations.map((o) => [o.operationType, o.status, o.fileFormat, o.provider]).sort(),
      [
        ['applied', 'processed', 'DATCLIMATE', 'ClimateFieldView'],
        ['harvested', 'processed', 'DATCLIMATE', 'ClimateFieldView'],
        ['planted', 'processed', 'DATCLIMATE', 'ClimateFieldView'],
      ],
    );
    const applied = report.operations.find((o) => o.operationType === 'applied')!;
    const summary = JSON.parse(await readFile(join(dir, applied.dir, 'summary.json'), 'utf8')) as {
      properties: { totalApplied: { value: number; unit: string } };
    };
    // The engine's total (rate × its own area from width and track) against the logged volume,
    // Σ (2.2.2 × nozzles on) = 368.45 gal measured from the bytes: within 1 %.
    assert.equal(summary.properties.totalApplied.unit, 'gal');
    assert.ok(Math.abs(summary.properties.totalApplied.value - 368.45) < 3.7, `${summary.properties.totalApplied.value}`);
  });
});
