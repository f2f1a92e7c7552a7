import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput, type ConversionReport } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { jdGreenStarDriver } from '../../../src/formats/jd-greenstar/driver.ts';
import type { OperationSource } from '../../../src/formats/types.ts';
import { sample } from '../../helpers/samples.ts';
import { withTempDir } from '../../helpers/temp.ts';

/*
 * Expected figures come from shared/samples/SOURCES-other.md, where they were measured on the
 * `.fdl` XML with other tools (operation classes, client/farm/field names per card); the values of
 * single logs were read by hand from the XML (quoted where used).
 */

const GS3_FIELD1 = sample('jd-gs3-2630', 'field1-documentation', 'gs3-2630-documentation-field1.zip');
const GS3_PLANTING = sample('jd-gs3-2630', 'planting-4-rates', 'gs3-2630-planting-with-4-rates.zip');
const GS3_SETUP = sample('jd-gs3-2630', 'setup-boundary-guidance', 'gs3-2630-setup-with-boundary-and-guidance-lines.zip');
const GS2_FIELD1 = sample('jd-gs2-2600', 'field1-documentation', 'gs2-2600-documentation-field1.zip');

async function convert(input: string): Promise<ConversionReport> {
  let report: ConversionReport | undefined;
  await withTempDir(async (out) => {
    report = await convertInput(input, out, { units: 'default' }, {}, [jdGreenStarDriver]);
    // The closed failure is also what status.json says for the operation.
    const first = report.operations[0];
    if (first) {
      const status = JSON.parse(await readFile(join(out, first.dir, 'status.json'), 'utf8')) as Record<string, { status: string; message?: string }>;
      assert.equal(status.rawGeojson?.status, 'failed');
    }
  });
  return report!;
}

/** detect + read, for the metadata convertInput does not report. */
async function operations(input: string): Promise<OperationSource[]> {
  const archive = await openArchive(input);
  try {
    const datasets = await jdGreenStarDriver.detect(archive.entries);
    assert.equal(datasets.length, 1, 'one card');
    return await jdGreenStarDriver.read(datasets[0]!);
  } finally {
    await archive.close();
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item) ?? '(none)';
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

async function pointsFailure(source: OperationSource): Promise<string> {
  try {
    for await (const _ of source.points()) assert.fail('a closed format yields no points');
  } catch (error) {
    return (error as Error).message;
  }
  return assert.fail('points() must fail');
}

test('GS3 2630 Field 1 card: 47 logs = 15 harvest, 13 application, 12 seeding, 7 tillage, all failing as closed point data', async () => {
  const report = await convert(GS3_FIELD1);
  assert.equal(report.operations.length, 47);
  assert.deepEqual(countBy(report.operations, (o) => o.operationType), { harvested: 15, applied: 13, planted: 12, tillage: 7 });
  for (const op of report.operations) {
    assert.equal(op.fileFormat, 'GS3_2630');
    assert.equal(op.provider, 'JohnDeere');
    assert.equal(op.status, 'failed');
    assert.match(op.statusDetails, /^rawGeojson: John Deere GS3 2630 log '[0-9a-f-]+\.fdl' \(.+\): its point data \([0-9a-f-]+\.fdd\) is John Deere's closed binary format; Furrow reads its metadata but cannot convert its points yet$/);
  }
  assert.deepEqual(report.failures, []);
});

test('GS3 2630 Field 1 card: client, farm, fields and crops from the logs', async () => {
  const sources = await operations(GS3_FIELD1);
  const metas = sources.map((s) => s.meta);
  assert.deepEqual(countBy(metas, (m) => m.grower), { 'Merriweather Farm': 47 });
  assert.deepEqual(countBy(metas, (m) => m.farm), { JT: 47 });
  assert.deepEqual(Object.keys(countBy(metas, (m) => m.field)).sort(), ['1', '6']);
  // SOURCES: "crop corn (one soybeans)" — the soybean log is a replant seeding ("24A01 replant").
  const crops = countBy(
    metas.filter((m) => m.operationType === 'harvested' || m.operationType === 'planted'),
    (m) => m.crop,
  );
  assert.deepEqual(crops, { corn: 26, soybeans: 1 });
  const soy = metas.find((m) => m.crop === 'soybeans')!;
  assert.equal(soy.operationType, 'planted');
  assert.deepEqual(soy.varieties, ['24A01 replant']);

  // Log 51c1c65d (read by hand): application "Post-Corn" on field 1, 2013-06-19, carrier Water
  // with Touchdown Total and FS MaxSupreme, rates in ml1ha-1 (millilitres per hectare).
  const post = sources.find((s) => s.meta.id.startsWith('51c1c65d'))!;
  assert.equal(post.meta.operationType, 'applied');
  assert.deepEqual(post.meta.products, [
    { name: 'Water', type: 'Carrier' },
    { name: 'Touchdown Total', type: 'Component' },
    { name: 'FS MaxSupreme', type: 'Component' },
  ]);
  assert.match(post.meta.description!, /task "Post-Corn"\), logged from 2013-06-19T14:55:25.000Z/);
  const rate = post.meta.columns.find((c) => c.label.startsWith('vrAppRateVolumeMeasured'))!;
  assert.equal(rate.unit, 'ml/ha');
  assert.equal(rate.standard, 'appliedRate');
  assert.equal(
    await pointsFailure(post),
    "John Deere GS3 2630 log '51c1c65d-0000-1000-404a-e1e1e118f888.fdl' (application, field 1): its point data (51c1c65d-0000-1000-404a-e1e1e118f888.fdd) is John Deere's closed binary format; Furrow reads its metadata but cannot convert its points yet",
  );
});

test('GS3 2630 planting with 4 rates: 3 logs (2 seeding, 1 application) on fields 3 and 4', async () => {
  const report = await convert(GS3_PLANTING);
  assert.deepEqual(countBy(report.operations, (o) => o.operationType), { planted: 2, applied: 1 });
  const metas = (await operations(GS3_PLANTING)).map((s) => s.meta);
  assert.deepEqual(Object.keys(countBy(metas, (m) => m.field)).sort(), ['3', '4']);
  for (const m of metas.filter((x) => x.operationType === 'planted')) {
    assert.equal(m.crop, 'corn');
    // Four meters, each with a measured seed rate in seeds1ha-1; the first feeds seedRate.
    const rates = m.columns.filter((c) => c.label.startsWith('vrSeedRateSeedsMeasured'));
    assert.equal(rates.length, 4);
    assert.ok(rates.every((c) => c.unit === 'seeds/ha'));
    assert.equal(rates.filter((c) => c.standard === 'seedRate').length, 1);
  }
});

test('GS2 2600 Field 1 card: 23 logs = 6 seeding, 7 application, 6 tillage, 4 harvest, field 1, corn', async () => {
  const report = await convert(GS2_FIELD1);
  assert.deepEqual(countBy(report.operations, (o) => o.operationType), { applied: 7, planted: 6, harvested: 4, tillage: 6 });
  assert.ok(report.operations.every((o) => o.fileFormat === 'GS2_2600' && /^rawGeojson: John Deere GS2 2600 log /.test(o.statusDetails)));

  const sources = await operations(GS2_FIELD1);
  const metas = sources.map((s) => s.meta);
  assert.deepEqual(countBy(metas, (m) => m.field), { '1': 23 });
  assert.deepEqual(countBy(metas.filter((m) => m.operationType === 'harvested' || m.operationType === 'planted'), (m) => m.crop), { corn: 10 });

  // Log 4afd9729 (read by hand): harvest of Corn DKC63-42 by combine "9570" (serial H09579S730853)
  // with head "Corn 693"; yield logged as vrYieldWetMass in kg, moisture in prcnt.
  const harvest = sources.find((s) => s.meta.id === '4afd9729-0000-1000-7fdd-e1e1e1156b88-harvested')!;
  assert.equal(harvest.meta.originalOperationType, 'dtiHarvest');
  assert.deepEqual(harvest.meta.varieties, ['DKC63-42']);
  assert.deepEqual(harvest.meta.machinery, [
    { name: '9570', type: 'machine', serialNumber: 'H09579S730853' },
    { name: 'Corn 693', type: 'implement', serialNumber: 'h0069x695901' },
  ]);
  const byStandard = new Map(harvest.meta.columns.filter((c) => c.standard).map((c) => [c.standard, c]));
  assert.equal(byStandard.get('wetMass')?.unit, 'kg');
  assert.equal(byStandard.get('harvestMoisture')?.unit, 'prcnt');
  assert.equal(byStandard.get('distance')?.unit, 'cm');
  assert.equal(byStandard.get('heading')?.unit, 'arcdeg');
  assert.equal(byStandard.get('speed')?.unit, 'km/h');
  assert.ok(!harvest.meta.columns.some((c) => c.label.startsWith('vrLatitude')), 'positions are geometry, not columns');
});

test('GS3 setup card: recognised, no operations, says what it holds', async () => {
  const report = await convert(GS3_SETUP);
  assert.equal(report.operations.length, 0);
  // Counts measured with Python's ElementTree over the card's *.SpatialCatalog files:
  // Boundary ×1 (ImportExport), ABLine "ab straight" + CircleTrack "circle" (Global), ABCurve "ab curve".
  assert.deepEqual(report.failures, [
    {
      path: 'GS3_2630/JD4600/RCD',
      reason:
        'GS3_2630/JD4600/RCD: John Deere GS3 2630 setup card (boundaries, guidance lines, setup.fds; field "Data field"; 1 boundary, 3 guidance lines ("ab curve", "ab straight", "circle")): no operations to convert',
    },
  ]);
});

test('Gen4 tillage zip: only its GS3 setup tree is claimed, never the .jdl logs', async () => {
  const archive = await openArchive(sample('jd-gen4', 'tillage-2016', 'gen4-4600-tillage-data.zip'));
  try {
    const datasets = await jdGreenStarDriver.detect(archive.entries);
    assert.deepEqual(
      datasets.map((d) => d.root),
      ['GS3_2630/JD4600/RCD'],
    );
    const claimed = [...datasets[0]!.entries.values()].map((e) => e.path);
    assert.ok(claimed.every((p) => p.startsWith('GS3_2630/JD4600/RCD/')));
    assert.ok(archive.entries.some((e) => e.path.endsWith('.jdl')));
    await assert.rejects(jdGreenStarDriver.read(datasets[0]!), /John Deere GS3 2630 setup card \(setup\.fds; client "Jdrc".*0 boundaries, 0 guidance lines\): no operations to convert/);
  } finally {
    await archive.close();
  }
});
