import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jdGen4Driver } from '../../../src/formats/jd-gen4/driver.ts';
import { differencePercent, figuresOf, furrowFigure, readOperations } from '../figures.ts';
import { APPLICATION, HARVEST } from './oracle.ts';

/*
 * Section control and the machine's own totals on the Gen4 samples (issue 12).
 *
 * Independent figures: the display's "Work Totals" screens, photographed during the sample runs
 * and shipped in the same zip (`Screenshots/snap_20171129-103454.png`: "Tank Mix Rate", Area
 * Worked 47.53 ac, Total Applied 475.96 gal; `snap_20171129-101711.png`: "Single Product Rx",
 * 11.93 ac, 155.86 gal), read by eye. The running total the display logs as channel code 69
 * (DDI 351 Application Total Volume, ml) grows by exactly those volumes over each run's session
 * files (590,000 → 2,391,700 ml = 1,801.7 L = 475.96 gal; 0 → 590,000 ml = 155.86 gal; measured
 * with a scratch decoder over every sample of the channel), which is the evidence that it is the
 * display's total. Over Furrow's points (the seconds with a section on) it grows a little less:
 * its first and last values are taken at the first and last second sprayed.
 */

const GAL = 3.785411784; // L
const ACRE = 4046.8564224; // m²

/** The run's operation and its figures; `widths` counts the points per working width (mm). */
async function run(zip: string, folder: RegExp) {
  const { sources, close } = await readOperations(zip, jdGen4Driver);
  try {
    const source = sources.find((s) => folder.test(s.meta.description ?? ''));
    assert.ok(source, `an operation in ${folder}`);
    const widths = new Map<string, number>();
    const equipment = new Set<string>();
    for await (const batch of source.points()) {
      const w = batch.numbers.get('workingWidth')!;
      const e = batch.numbers.get('width')!;
      for (let i = 0; i < batch.length; i++) {
        widths.set(w[i]!.toFixed(3), (widths.get(w[i]!.toFixed(3)) ?? 0) + 1);
        equipment.add(e[i]!.toFixed(3));
      }
    }
    return { meta: source.meta, figures: await figuresOf(source), widths: Object.fromEntries(widths), equipment: [...equipment] };
  } finally {
    await close();
  }
}

test('Tank Mix Rate: boom width beside the width of the sections on; the area and volume within 1 % of the display', async () => {
  const { meta, figures } = await run(APPLICATION, /'2017_Tank Mix Rate'/);
  const counter = meta.counters?.[0];
  assert.ok(counter, 'the DDI 351 total is declared');
  assert.equal(meta.counters!.length, 1);
  assert.deepEqual([counter.quantity, counter.keys, counter.unit], ['appliedVolume', ['jd69'], 'ml']);
  assert.match(counter.label, /DDI 351/);
  // Measured over Furrow's 780 points: 1,798,000 ml (474.98 gal); the whole run 1,801,700 ml.
  assert.equal(figures.counters.get(counter.label), 1_798_000);
  assert.equal(figures.points, 780);
  // Furrow: 192,899 m² = 47.666 ac (+0.29 % vs 47.53 ac on the display), 478.97 gal (+0.63 % vs 475.96,
  // +0.84 % vs the counter over the same points).
  const area = figures.area / ACRE;
  const gallons = (figures.applied * 1000) / GAL;
  assert.ok(Math.abs(differencePercent(area, 47.53)) < 1, `area ${area} ac`);
  assert.ok(Math.abs(differencePercent(gallons, 475.96)) < 1, `applied ${gallons} gal`);
  const machine = figures.counters.get(counter.label)!;
  assert.ok(Math.abs(differencePercent(furrowFigure(figures, counter), machine)) < 1, `${furrowFigure(figures, counter)} ml vs ${machine} ml`);
});

test('Tank Mix Rate: the working width is the sum of the section widths that are on', async () => {
  const { widths, equipment } = await run(APPLICATION, /'2017_Tank Mix Rate'/);
  // The boom: 36.957 m = 121.25 ft on every point. The header's sections: 5 × 3.429, 2 × 3.81, 4 × 3.048 m;
  // with the outer 3.429 m section off, 33.528 m = 110.0 ft: the export's SWATHWIDTH on those seconds
  // (not 121.25 × 10/11 = 110.2 ft, the equal-sections guess).
  assert.deepEqual(equipment, ['36.957']);
  assert.deepEqual(widths, { '36.957': 779, '33.528': 1 });
  assert.ok(Math.abs(33.528 / 0.3048 - 110) < 1e-9);
});

test('Single Product Rx: area and volume within 1 % of the display; the running total over the same points agrees within 1 %', async () => {
  const { meta, figures } = await run(APPLICATION, /'2017_Single Product Rx'/);
  const counter = meta.counters![0]!;
  // Measured: 195 points, 48,362 m² = 11.950 ac (+0.17 % vs 11.93), 155.99 gal (+0.08 % vs 155.86); the
  // counter over the points 585,500 ml (154.67 gal, +0.85 %).
  assert.equal(figures.points, 195);
  assert.ok(Math.abs(differencePercent(figures.area / ACRE, 11.93)) < 1, `${figures.area / ACRE} ac`);
  assert.ok(Math.abs(differencePercent((figures.applied * 1000) / GAL, 155.86)) < 1, `${(figures.applied * 1000) / GAL} gal`);
  assert.equal(figures.counters.get(counter.label), 585_500);
  assert.ok(Math.abs(differencePercent(furrowFigure(figures, counter), 585_500)) < 1);
});

test('Jen-3 harvest: no ground worked with the header up, and its grain counted once', async () => {
  const { meta, figures, widths, equipment } = await run(HARVEST, /Jen-3/);
  assert.equal(meta.counters, undefined, 'the combine logs no ISO total');
  assert.deepEqual(equipment, ['9.144']);
  // 2,528 points: 2,243 with all 12 header sections on (9.144 m), one with 4 on (4 × 0.76 m), 284 with the
  // header up (sections off, or the work state off).
  assert.deepEqual(widths, { '9.144': 2243, '3.040': 1, '0.000': 284 });
  assert.equal(figures.working, 2244);
  // Σ wet mass = every kg the flow sensor measured, header up or down (80,987 lb; the export 80,891 lb, +0.12 %):
  // the header-up grain moved into the yield of the harvested seconds next to it is counted once, at its second.
  const lb = figures.yieldMass / 0.45359237;
  assert.ok(Math.abs(lb - 80_987) < 1, `${lb} lb`);
});
