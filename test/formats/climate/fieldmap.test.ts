import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, column, median, metresBetween, readOne, withSampleEntries } from './helpers.ts';

/*
 * Precision Planting 20|20 field map (`field_map_2015_05_01_000/001.dat`). Expected figures: the
 * text header as SOURCES-other.md reads it, and "measured" ones from an independent Python
 * protobuf dump of the frames (not Furrow's code): 1,609 and 2,455 frames holding 25,760 and
 * 39,280 row entries (field 2.4; 16 per frame, one frame of each file carries two row messages).
 */

const SESSION = 'field_map_2015_05_01';

test('field map: header figures (field, crop, planter, hybrids, prescription)', async () => {
  await withSampleEntries(async (entries) => {
    const { dataset, source } = await readOne(entries, SESSION);
    assert.equal(dataset.entries.size, 2);
    const m = source.meta;
    assert.equal(m.operationType, 'planted');
    assert.equal(m.crop, 'corn');
    assert.equal(m.field, 'Terhune');
    assert.deepEqual(m.varieties, ['DKC62-08RIB', 'DKC62-77RIB']);
    assert.deepEqual(
      m.machinery.map((x) => [x.name, x.type, x.brand]),
      [
        ['Challenger 745', 'machine', 'Challenger'],
        ['Kinze planter 16 rows × 30 in', 'implement', 'Kinze'],
      ],
    );
    assert.match(m.description ?? '', /prescription "TerhuneRx2015_poly"/);
    assert.match(m.description ?? '', /drive vDrive, down force DeltaForce/);
  });
});

test('field map: one point per row entry, rows placed across the planter, populations of corn', async () => {
  await withSampleEntries(async (entries) => {
    for (const [seq, count] of [['000', 25_760], ['001', 39_280]] as const) {
      const { source } = await readOne(entries.filter((e) => e.path === `${SESSION}_${seq}.dat`), SESSION);
      assert.equal((await collect(source)).count, count, `file ${seq}`);
    }
    const { source } = await readOne(entries, SESSION);
    const p = await collect(source);
    assert.equal(p.count, 65_040);
    // Planted on 2 May 2015 (UTC; the name's date is the local day it was started).
    assert.ok(p.time.every((t) => t >= Date.UTC(2015, 4, 2) && t < Date.UTC(2015, 4, 3)));
    // The same field as the harvest: within 2 km of ~40.46 N, −89.76 W.
    for (let i = 0; i < p.count; i += 16) assert.ok(metresBetween(p.lat[i]!, p.lon[i]!, 40.46, -89.76) < 2000);

    const row = column(p, 'row');
    const population = column(p, 'population');
    const width = column(p, 'width');
    assert.deepEqual([...new Set(row)].sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i + 1));
    // 16 rows × 30 in: every row is 30 in = 0.762 m wide, the planter 12.19 m.
    assert.ok(width.every((w) => w === 30));
    // Measured medians 37,895 (file 000) and 34,485 seeds/ac (file 001): corn populations, and
    // the steps between ~33,000, ~38,000 and ~34,500 follow the prescription's zones.
    assert.equal(median(population.slice(0, 25_760)), 37_895);
    assert.equal(median(population.slice(25_760)), 34_485);
    // Rows 1 and 16 of a frame lie 15 × 0.762 m = 11.43 m apart once the planter moves.
    let pairs = 0;
    for (let i = 0; i + 15 < p.count; i++) {
      if (row[i] !== 1 || row[i + 15] !== 16 || p.time[i] !== p.time[i + 15]) continue;
      if (i > 0 && p.time[i - 1] === p.time[i]) continue;
      const d = metresBetween(p.lat[i]!, p.lon[i]!, p.lat[i + 15]!, p.lon[i + 15]!);
      assert.ok(Math.abs(d - 11.43) < 0.05, `frame at ${i}: ${d} m`);
      pairs++;
    }
    assert.ok(pairs > 4000, `${pairs} frames checked`);
  });
});
