import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, column, median, metresBetween, readOne, shareWithin, withSampleEntries } from './helpers.ts';

/*
 * Climate harvest map (`harvest_1_Corn_2015_09_22_000…005.dat` + `_999`). Expected figures come
 * from SOURCES-other.md (measured by the sample's curator) and, where marked "measured", from an
 * independent schema-less protobuf dump written in Python for this work (not Furrow's code): it
 * walks the bytes and prints field 3 records and their sub-fields.
 */

const SESSION = 'harvest_1_Corn_2015_09_22';
const DAY_START = Date.UTC(2015, 8, 22);
const DAY_END = Date.UTC(2015, 8, 23);

test('harvest session: header figures (crop, grower, farm, field, combine, header)', async () => {
  await withSampleEntries(async (entries) => {
    const { dataset, source } = await readOne(entries, SESSION);
    assert.equal(dataset.fileFormat, 'DATCLIMATE');
    // All seven files of the session (000–005 and the _999 summary) belong to the one dataset.
    assert.equal(dataset.entries.size, 7);
    const m = source.meta;
    assert.equal(m.operationType, 'harvested');
    assert.equal(m.originalOperationType, 'Harvesting');
    assert.equal(m.provider, 'ClimateFieldView');
    assert.equal(m.crop, 'corn');
    assert.equal(m.grower, 'Frank Farms');
    assert.equal(m.farm, 'Frank Farms');
    assert.equal(m.field, 'Terhune');
    // SOURCES-other.md: Case IH 7010 combine with a Precision Planting yield system.
    assert.deepEqual(m.machinery[0], { name: 'Case IH 7010', type: 'machine', brand: 'Case IH' });
    assert.match(m.description ?? '', /yield system Precision Planting/);
    // Measured: header 4.4 holds 6 rows (4.4.6) at 30 in (4.4.7), width 180 in (4.4.2) = 6 × 30.
    assert.equal(m.machinery[1]?.name, 'Case IH header 6 rows × 30 in');
    assert.match(m.description ?? '', /standard moisture 15.5 %, test weight 56 lb\/bu/);
  });
});

test('harvest: one point per record, per file as SOURCES-other.md counts them', async () => {
  await withSampleEntries(async (entries) => {
    const expected: Record<string, number> = { '000': 12, '001': 185, '002': 924, '003': 5, '004': 117, '005': 5294 };
    for (const [seq, count] of Object.entries(expected)) {
      const only = entries.filter((e) => e.path === `${SESSION}_${seq}.dat`);
      assert.equal(only.length, 1);
      const { source } = await readOne(only, SESSION);
      assert.equal((await collect(source)).count, count, `file ${seq}`);
    }
    // The _999 summary alone holds headers only: no points, and the operation says so.
    const summaryOnly = entries.filter((e) => e.path === `${SESSION}_999.dat`);
    const { source } = await readOne(summaryOnly, SESSION);
    assert.equal((await collect(source)).count, 0);
    assert.match(source.meta.warnings.join(' '), /only the session summary/);
  });
});

test('harvest: times, positions and values are plausible and consistent with each other', async () => {
  await withSampleEntries(async (entries) => {
    const { source } = await readOne(entries, SESSION);
    const p = await collect(source);
    assert.equal(p.count, 6537); // 12 + 185 + 924 + 5 + 117 + 5294
    // Measured: GPS times (3.10.2) run 1442942432200000–1442944081000000 µs.
    assert.equal(Math.min(...p.time), Date.UTC(2015, 8, 22, 17, 20, 32, 200));
    assert.equal(Math.max(...p.time), Date.UTC(2015, 8, 22, 17, 48, 1, 0));
    assert.ok(p.time.every((t) => t >= DAY_START && t < DAY_END));
    // Within 2 km of the stated location (~40.46 N, −89.76 W).
    for (let i = 0; i < p.count; i++) assert.ok(metresBetween(p.lat[i]!, p.lon[i]!, 40.46, -89.76) < 2000, `point ${i}`);

    const wet = column(p, 'wetYield');
    const dry = column(p, 'dryYield');
    const moisture = column(p, 'moisture');
    const flow = column(p, 'massFlow');
    const area = column(p, 'area');
    const speed = column(p, 'speed');
    const status = column(p, 'recordingStatus');
    const width = column(p, 'width');
    // While harvesting at field speed, corn yields are mostly 100–300 bu/ac (measured: median
    // 204.6, 10th–90th percentile 119.7–313.0 bu/ac over the 5,118 such records).
    const harvesting = [...wet.keys()].filter((i) => status[i] === 1 && speed[i]! > 2);
    assert.equal(harvesting.length, 5118);
    assert.ok(median(harvesting.map((i) => wet[i]!)) > 150 && median(harvesting.map((i) => wet[i]!)) < 250);
    assert.ok(shareWithin(harvesting.map((i) => wet[i]!), 100, 320) > 0.8);
    // Harvest moisture of corn on 22 Sept in Illinois: 10–35 % for the bulk (median 28.47 %).
    assert.ok(shareWithin(harvesting.map((i) => moisture[i]!), 10, 35) > 0.75);
    assert.ok(Math.abs(median(harvesting.map((i) => moisture[i]!)) - 28.47) < 0.01);

    // The logged wet yield is the logged flow over the logged area: flow (lb/s) × 0.2 s ÷ area (ac)
    // ÷ 56 lb/bu (the header's test weight), and the logged dry yield is the wet one shrunk to the
    // header's 15.5 % standard moisture (never swollen: below 15.5 % the monitor logs dry = wet, as
    // the 35 records at the 8.66 % start-up moisture show). Both relations hold for records at
    // 0.2 s spacing, which is the evidence for the field meanings and units (FORMAT.md).
    let checked = 0;
    let wetAgrees = 0;
    let dryAgrees = 0;
    for (const i of harvesting) {
      if (i === 0 || Math.abs(p.time[i]! - p.time[i - 1]! - 200) > 1 || area[i]! < 1e-4) continue;
      checked++;
      const fromFlow = (flow[i]! * 0.2) / area[i]! / 56;
      if (Math.abs(fromFlow - wet[i]!) <= 0.01 * wet[i]!) wetAgrees++;
      const shrunk = (wet[i]! * (100 - Math.max(moisture[i]!, 15.5))) / (100 - 15.5);
      if (Math.abs(shrunk - dry[i]!) <= 0.01 * dry[i]! + 0.2) dryAgrees++;
    }
    // Measured: 4,777 such records; 98 % agree within 1 % (the rest are low-yield records where
    // the monitor holds its last yield); the dry relation holds for all but 3 within 1 % + 0.2 bu/ac (both are rounded to 0.1).
    assert.equal(checked, 4777);
    assert.ok(wetAgrees / checked > 0.97, `wet from flow agrees for ${wetAgrees} of ${checked}`);
    assert.ok(checked - dryAgrees <= 3, `dry from wet agrees for ${dryAgrees} of ${checked}`);

    // The flow integrates to the monitor's own load total: the _999 summary's field 4.12.3 reads
    // 24,054.79 lb (measured); Σ flow × 0.2 s over the records is 24,070.15 lb (0.06 % apart).
    const loadLb = flow.reduce((sum, f) => sum + f * 0.2, 0);
    assert.ok(Math.abs(loadLb - 24_054.79) / 24_054.79 < 0.002, `${loadLb} lb`);

    // Width: 6 rows × 30 in = 180 in = 4.572 m when every row is on (3.7.9 = 0b111111).
    assert.equal(Math.max(...width), 180);
    const rows = column(p, 'rowsOn');
    for (let i = 0; i < p.count; i++) {
      const bits = rows[i]!.toString(2).split('').filter((b) => b === '1').length;
      assert.equal(width[i], bits * 30, `record ${i}: width follows the rows on`);
    }
    // Measured: Σ area (3.8.13) = 2.0514 ac over the session.
    assert.ok(Math.abs(area.reduce((a, b) => a + b, 0) - 2.051355) < 1e-4);
    // Speeds of a combine: 0–6 mph.
    assert.ok(speed.every((s) => s >= 0 && s < 6));
    // Measured: GPS altitude 146.2–161.7 m; the terrain near Manito, Illinois is ~150 m.
    const elevation = column(p, 'elevation');
    assert.equal(Math.min(...elevation), 146.2);
    assert.equal(Math.max(...elevation), 161.7);
  });
});
