import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, column, median, metresBetween, readOne, shareWithin, withSampleEntries } from './helpers.ts';

/*
 * Climate as-applied liquid map (`liquid_map_2017_06_22_000/001.dat`). Expected figures: SOURCES-
 * other.md, and "measured" ones from an independent Python protobuf dump of the same bytes (not
 * Furrow's code) that sums field 2 records.
 */

const SESSION = 'liquid_map_2017_06_22';

test('liquid map: header figures (sprayer, products, task, boom)', async () => {
  await withSampleEntries(async (entries) => {
    const { dataset, source } = await readOne(entries, SESSION);
    assert.equal(dataset.entries.size, 2);
    const m = source.meta;
    assert.equal(m.operationType, 'applied');
    assert.equal(m.fileFormat, 'DATCLIMATE');
    assert.deepEqual(m.machinery, [{ name: 'John Deere 4730', type: 'machine', brand: 'John Deere' }]);
    assert.deepEqual(
      m.products.map((p) => p.name),
      ['0-0-62', '0-0-50-17S'],
    );
    assert.equal(m.field, '6.22 6.4 spray');
    // Measured: boom width 1080 in (1.1.2.10) = 90 ft, equal to the sum of the seven boom sections'
    // nozzle counts × spacings (7×27.14 + 4×27.5 + 7×25.71 + 4×30 + 7×25.71 + 4×27.5 + 7×27.14 in).
    assert.match(m.description ?? '', /boom 1080 in/);
    assert.match(m.warnings.join(' '), /taken as US gallons/);
  });
});

test('liquid map: one point per record (5,424 + 6,000), rates and widths plausible', async () => {
  await withSampleEntries(async (entries) => {
    for (const [seq, count] of [['000', 5424], ['001', 6000]] as const) {
      const { source } = await readOne(entries.filter((e) => e.path === `${SESSION}_${seq}.dat`), SESSION);
      assert.equal((await collect(source)).count, count, `file ${seq}`);
    }
    const { source } = await readOne(entries, SESSION);
    const p = await collect(source);
    assert.equal(p.count, 11_424);
    // Times on the stated date (2017-06-22, UTC): measured 17:49:57.211–18:27:57.338.
    assert.ok(p.time.every((t) => t >= Date.UTC(2017, 5, 22) && t < Date.UTC(2017, 5, 23)));
    assert.ok(Math.abs(Math.min(...p.time) - Date.UTC(2017, 5, 22, 17, 49, 57, 211)) < 1);
    // Within 2 km of ~37.99 N, −97.51 W.
    for (let i = 0; i < p.count; i++) assert.ok(metresBetween(p.lat[i]!, p.lon[i]!, 37.99, -97.51) < 2000, `point ${i}`);

    const rate = column(p, 'appliedRate');
    const status = column(p, 'recordingStatus');
    const nozzles = column(p, 'nozzlesOn');
    const width = column(p, 'width');
    const volume = column(p, 'volumePerNozzle');
    const area = column(p, 'areaPerNozzle');
    // While spraying, rates of a few to tens of gal/ac; measured median 11.0007 (the mix's header
    // target is 10), 4,785 spraying records.
    const spraying = [...rate.keys()].filter((i) => status[i] === 1 && area[i]! > 0);
    assert.equal(spraying.length, 4785);
    assert.ok(Math.abs(median(spraying.map((i) => rate[i]!)) - 11.0007) < 0.001);
    assert.ok(shareWithin(spraying.map((i) => rate[i]!), 2, 40) > 0.95);
    // The width of the nozzles on never exceeds the 1080 in boom, and is the whole boom with all 40 on.
    assert.ok(Math.abs(Math.max(...width.filter(Number.isFinite)) - 1080) < 1e-6);
    for (let i = 0; i < p.count; i++) if (nozzles[i] === 40) assert.ok(Math.abs(width[i]! - 1080) < 1e-6);
    // Measured: Σ (2.2.2 × nozzles on) = 168.161 + 200.289 = 368.450 and Σ (2.2.3 × nozzles on) =
    // 14.074 + 18.089 = 32.163 ac over both files.
    let totalVolume = 0;
    let totalArea = 0;
    for (let i = 0; i < p.count; i++) {
      if (!(nozzles[i]! > 0)) continue;
      totalVolume += volume[i]! * nozzles[i]!;
      totalArea += area[i]! * nozzles[i]!;
    }
    assert.ok(Math.abs(totalVolume - 368.45) < 0.01, `volume ${totalVolume}`);
    assert.ok(Math.abs(totalArea - 32.1626) < 0.001, `area ${totalArea}`);
    // The logged per-nozzle area is the nozzle's share of speed × width × 0.2 s: it checks the
    // speed unit (mph) and the nozzle widths. Over full-boom records at field speed:
    const speed = column(p, 'speed');
    let agree = 0;
    let full = 0;
    for (let i = 1; i < p.count; i++) {
      if (nozzles[i] !== 40 || !(speed[i]! > 5) || Math.abs(p.time[i]! - p.time[i - 1]! - 200) > 5) continue;
      full++;
      const acres = (speed[i]! * 5280 * (0.2 / 3600) * (1080 / 12)) / 43_560 / 40;
      if (Math.abs(acres - area[i]!) < 0.03 * area[i]!) agree++;
    }
    assert.ok(full > 1000 && agree / full > 0.9, `${agree} of ${full}`);
    // Measured: GPS altitude 427.1–428.2 m; the terrain around 37.99 N −97.51 W (Kansas) is ~430 m.
    const elevation = column(p, 'elevation').filter(Number.isFinite);
    assert.equal(Math.min(...elevation), 427.1);
    assert.equal(Math.max(...elevation), 428.2);
  });
});
