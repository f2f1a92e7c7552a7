import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StandardProperty } from '../../../src/model/properties.ts';
import { only, removedIndices, runFilters, series, UNITS, type Row } from './series.ts';

/*
 * Each filter alone on a short series written out by hand (1 point per second, 2 m apart, 2 m/s,
 * 9 m wide, 10 t/ha, working, unless a row says otherwise). The points each filter must remove are
 * worked out in the comments; switching the filter off must keep them.
 */

const rows = (n: number, f: (i: number) => Partial<Row> = () => ({})): Row[] => Array.from({ length: n }, (_, i) => ({ t: i, ...f(i) }));

test('cleanup: the standard rules remove first and name the rule; switched off, the points stay', async () => {
  // Point 1 is not working (recordingStatus Off), point 3 has no yield (wetMass 0).
  const data = series(rows(5, (i) => (i === 1 ? { status: 'Off' } : i === 3 ? { values: { wetMass: 0 } } : {})));
  const on = await runFilters(data, only({ cleanup: {} }));
  assert.deepEqual(on.removedBy, [null, 'cleanup: recordingStatus EQ On', null, 'cleanup: wetMass GT 0', null]);
  assert.deepEqual(on.result.removedBy, { 'cleanup: recordingStatus EQ On': 1, 'cleanup: wetMass GT 0': 1 });
  assert.equal(on.result.kept, 3);
  assert.equal(on.kept.length, 3);
  const off = await runFilters(data, only({}));
  assert.deepEqual(off.removedBy, [null, null, null, null, null]);
});

test('speed (Leaf): below 0.5 m/s is removed, 0.5 itself is kept; every operation type', async () => {
  const speeds = [1, 0.4, 0.5, 2, 0.49];
  const data = series(rows(5, (i) => ({ values: { speed: speeds[i] } })));
  const on = await runFilters(data, only({ speed: {} }));
  assert.deepEqual(removedIndices(on, 'speed'), [1, 4]);
  assert.equal(on.result.removedBy.speed, 2);
  const applied = await runFilters(data, only({ speed: {}, minVelocity: {} }), 'applied');
  assert.deepEqual(removedIndices(applied, 'speed'), [1, 4]);
  // The Yield Editor set is for harvest only: reported as skipped, not as zero removals.
  assert.equal(applied.result.skipped.minVelocity, 'applies to harvest operations only');
  assert.equal('minVelocity' in applied.result.removedBy, false);
  assert.deepEqual(removedIndices(await runFilters(data, only({})), 'speed'), []);
});

test('flowDelay: each point takes the yield logged 2 s later; points with nothing 2 s later are removed', async () => {
  // Times 0,1,2, then a gap, 10,11,12; yields 10,20,30,100,110,120 t/ha (in kg/ha).
  // t=0 takes t=2 (30 t/ha); t=1 and t=2 would need t=3 and t=4, but the next point is t=10:
  // 6 s late (> 1 s tolerance), removed. t=10 takes t=12 (120 t/ha); t=11, t=12 have nothing after.
  const times = [0, 1, 2, 10, 11, 12];
  const yields = [10_000, 20_000, 30_000, 100_000, 110_000, 120_000];
  const data = series(times.map((t, i) => ({ t, values: { wetMassPerArea: yields[i] } })));
  const on = await runFilters(data, only({ flowDelay: { seconds: 2 } }));
  assert.deepEqual(on.removedBy, [null, 'flowDelay', 'flowDelay', null, 'flowDelay', 'flowDelay']);
  assert.equal(on.properties[0]!.wetMassPerArea, 30_000);
  assert.equal(on.properties[3]!.wetMassPerArea, 120_000);
  // Mass follows the moved yield over the point's own 18 m²: 30,000 kg/ha × 18 m² / 10,000 = 54 kg.
  assert.equal(on.properties[0]!.wetMass, 54);
  assert.equal(on.properties[3]!.wetMass, 216);
  // Moisture is not moved by the flow delay.
  assert.equal(on.properties[0]!.harvestMoisture, 20);
  assert.equal(on.result.removedBy.flowDelay, 4);
  const off = await runFilters(data, only({ flowDelay: { enabled: false, seconds: 2 } }));
  assert.deepEqual(off.removedBy, [null, null, null, null, null, null]);
  assert.equal(off.properties[0]!.wetMassPerArea, 10_000);
});

test('moistureDelay: moisture alone moves; the last point has no moisture 1 s later and is removed', async () => {
  const moisture = [20, 21, 22, 23];
  const data = series(rows(4, (i) => ({ values: { harvestMoisture: moisture[i], wetMassPerArea: 1000 * (i + 1) } })));
  const on = await runFilters(data, only({ moistureDelay: { seconds: 1 } }));
  assert.deepEqual(on.removedBy, [null, null, null, 'moistureDelay']);
  assert.deepEqual(
    on.properties.map((p) => p.harvestMoisture),
    [21, 22, 23, undefined],
  );
  assert.deepEqual(
    on.properties.map((p) => p.wetMassPerArea),
    [1000, 2000, 3000, 4000],
  );
  // An operation without moisture: the filter is skipped, not counted as removing nothing.
  const noMoisture = new Map([...UNITS].filter(([k]) => k !== 'harvestMoisture'));
  const skipped = await runFilters(series(rows(4), noMoisture), only({ moistureDelay: { seconds: 1 } }), 'harvested', noMoisture);
  assert.equal(skipped.result.skipped.moistureDelay, 'no harvestMoisture values');
  assert.equal('moistureDelay' in skipped.result.removedBy, false);
  assert.deepEqual(skipped.removedBy, [null, null, null, null]);
});

test('startPass / endPass: the first and last 3 s of each pass; passes split by header up and by gaps', async () => {
  // Working t=0..9, header up t=10,11, working t=12..19: two passes. Start removes t=0,1,2 and
  // t=12,13,14 (less than 3 s after the pass start); end removes t=7,8,9 and t=17,18,19 (less than
  // 3 s before the pass's last point). Points with the header up belong to no pass.
  const data = series(rows(20, (i) => (i === 10 || i === 11 ? { status: 'Off' } : {})));
  const start = await runFilters(data, only({ startPass: { seconds: 3 } }));
  assert.deepEqual(removedIndices(start, 'startPass'), [0, 1, 2, 12, 13, 14]);
  const end = await runFilters(data, only({ endPass: { seconds: 3 } }));
  assert.deepEqual(removedIndices(end, 'endPass'), [7, 8, 9, 17, 18, 19]);
  const both = await runFilters(data, only({ startPass: { seconds: 3 }, endPass: { seconds: 3 } }));
  assert.equal(both.result.kept, 20 - 12);
  const off = await runFilters(data, only({ startPass: { enabled: false }, endPass: { enabled: false } }));
  assert.equal(off.result.kept, 20);

  // No recordingStatus logged: every point works, and a 20 s gap (> 10 s) starts a new pass.
  const times = [0, 1, 2, 3, 4, 5, 25, 26, 27, 28, 29, 30];
  const gapped = series(
    times.map((t) => ({ t })),
    UNITS,
    false,
  );
  const g = await runFilters(gapped, only({ startPass: { seconds: 2 }, endPass: { seconds: 2 } }));
  // Start: t=0,1 and t=25,26. End: pass 1 ends at t=5 → t=4,5; pass 2 ends at t=30 → t=29,30.
  assert.deepEqual(removedIndices(g, 'startPass'), [0, 1, 6, 7]);
  assert.deepEqual(removedIndices(g, 'endPass'), [4, 5, 10, 11]);
});

test('minVelocity / maxVelocity: defaults 0.9 and 4.5 m/s, limits themselves kept', async () => {
  const speeds = [0.8, 0.9, 1, 4.5, 4.6];
  const data = series(rows(5, (i) => ({ values: { speed: speeds[i] } })));
  const on = await runFilters(data, only({ minVelocity: {}, maxVelocity: {} }));
  assert.deepEqual(on.removedBy, ['minVelocity', null, null, null, 'maxVelocity']);
  assert.deepEqual(on.result.parameters.minVelocity!.min, 0.9);
  const off = await runFilters(data, only({ minVelocity: { enabled: false }, maxVelocity: { enabled: false } }));
  assert.equal(off.result.kept, 5);
});

test('velocityChange, speed logged (Yield Editor): a speed more than 20 % away from the previous point’s', async () => {
  // 2 → 2 (0 %), 2 → 2.5 (25 %: removed), 2.5 → 2.5, 2.5 → 1.9 (24 %: removed), 1.9 → 2 (5.3 %).
  const speeds = [2, 2, 2.5, 2.5, 1.9, 2];
  const data = series(rows(6, (i) => ({ values: { speed: speeds[i] } })));
  const on = await runFilters(data, only({ velocityChange: {} }), 'harvested', UNITS, { speedLogged: true });
  assert.deepEqual(removedIndices(on, 'velocityChange'), [2, 4]);
  assert.equal(on.result.parameters.velocityChange!.speed, 'logged');
  assert.equal(on.result.parameters.velocityChange!.appliedMedianPoints, 1);
  const looser = await runFilters(data, only({ velocityChange: { maxRelativeChange: 0.245 } }), 'harvested', UNITS, { speedLogged: true });
  assert.deepEqual(removedIndices(looser, 'velocityChange'), [2]);
  // Not said whether the speed was logged: Yield Editor's rule, as for a logged speed.
  const unsaid = await runFilters(data, only({ velocityChange: {} }));
  assert.deepEqual(removedIndices(unsaid, 'velocityChange'), [2, 4]);
  assert.equal(unsaid.result.parameters.velocityChange!.speed, 'not said (taken as logged)');
  assert.equal((await runFilters(data, only({}))).result.kept, 6);
});

/*
 * A steady 2 m/s whose speed is derived from 1 Hz positions with whole-second timestamps: where a
 * record's position is a second late, one step reads 1 m/s and the next 3 m/s (the pattern of the
 * CCI sample, FILTERS.md). Speeds: 2 2 1 3 2 2 2 1 3 2 2.
 */
const jitter = [2, 2, 1, 3, 2, 2, 2, 1, 3, 2, 2];

test('velocityChange, speed derived: a steady speed with one-record jitter is kept', async () => {
  const data = series(rows(jitter.length, (i) => ({ values: { speed: jitter[i] } })));
  // Yield Editor's rule on the raw speeds: 2→1 (50 %), 1→3 (200 %), 3→2 (33 %), twice: 2, 3, 4, 7, 8, 9.
  const raw = await runFilters(data, only({ velocityChange: {} }), 'harvested', UNITS, { speedLogged: true });
  assert.deepEqual(removedIndices(raw, 'velocityChange'), [2, 3, 4, 7, 8, 9]);
  // Medians of 3 records (points 1–9; the first and last have no full window and are not tested):
  // (2,2,1) (2,1,3) (1,3,2) (3,2,2) (2,2,2) (2,2,1) (2,1,3) (1,3,2) (3,2,2) are all 2 m/s: nothing removed.
  const derived = await runFilters(data, only({ velocityChange: {} }), 'harvested', UNITS, { speedLogged: false });
  assert.deepEqual(removedIndices(derived, 'velocityChange'), []);
  assert.equal(derived.result.parameters.velocityChange!.speed, 'derived from positions');
  assert.equal(derived.result.parameters.velocityChange!.appliedMedianPoints, 3);
  // derivedMedianPoints 1 switches the smoothing off: Yield Editor's rule again.
  const unsmoothed = await runFilters(data, only({ velocityChange: { derivedMedianPoints: 1 } }), 'harvested', UNITS, { speedLogged: false });
  assert.deepEqual(removedIndices(unsmoothed, 'velocityChange'), [2, 3, 4, 7, 8, 9]);
});

test('velocityChange, speed derived: a real abrupt change is removed where it happens', async () => {
  // 2 m/s, then 1.2 m/s from point 4 on, with the same one-record jitter at point 8 (0.6 / 1.8).
  const speeds = [2, 2, 2, 2, 1.2, 1.2, 1.2, 1.2, 0.6, 1.8, 1.2, 1.2];
  const data = series(rows(speeds.length, (i) => ({ values: { speed: speeds[i] } })));
  // Medians of 3: m3 = med(2, 2, 1.2) = 2, m4 = med(2, 1.2, 1.2) = 1.2: |1.2 − 2| / 2 = 40 % at point 4.
  // Around the jitter m7 = med(1.2, 1.2, 0.6) = 1.2, m8 = med(1.2, 0.6, 1.8) = 1.2, m9 = med(0.6, 1.8, 1.2) = 1.2.
  const derived = await runFilters(data, only({ velocityChange: {} }), 'harvested', UNITS, { speedLogged: false });
  assert.deepEqual(removedIndices(derived, 'velocityChange'), [4]);
  // Logged, the same series also loses the jitter: 1.2→0.6 (50 %), 0.6→1.8 (200 %), 1.8→1.2 (33 %).
  const logged = await runFilters(data, only({ velocityChange: {} }), 'harvested', UNITS, { speedLogged: true });
  assert.deepEqual(removedIndices(logged, 'velocityChange'), [4, 8, 9, 10]);
  // A 20 % limit is strict: at 45 % the 40 % step is kept.
  const looser = await runFilters(data, only({ velocityChange: { maxRelativeChange: 0.45 } }), 'harvested', UNITS, { speedLogged: false });
  assert.deepEqual(removedIndices(looser, 'velocityChange'), []);
});

test('velocityChange, speed derived: a wider median ignores a two-record dip', async () => {
  // 2 m/s with a 2-record dip to 1 m/s at points 3 and 4.
  const speeds = [2, 2, 2, 1, 1, 2, 2, 2];
  const data = series(rows(speeds.length, (i) => ({ values: { speed: speeds[i] } })));
  // Medians of 3: m2 = med(2,2,1) = 2, m3 = med(2,1,1) = 1 (50 %: removed), m4 = med(1,1,2) = 1,
  // m5 = med(1,2,2) = 2 (100 %: removed).
  const three = await runFilters(data, only({ velocityChange: {} }), 'harvested', UNITS, { speedLogged: false });
  assert.deepEqual(removedIndices(three, 'velocityChange'), [3, 5]);
  // Medians of 5 records: every full window (points 2–5) holds at least three 2s (e.g. m2 = med(2,2,2,1,1) = 2), so all are 2.
  const five = await runFilters(data, only({ velocityChange: { derivedMedianPoints: 5 } }), 'harvested', UNITS, { speedLogged: false });
  assert.deepEqual(removedIndices(five, 'velocityChange'), []);
  assert.equal(five.result.parameters.velocityChange!.appliedMedianPoints, 5);
  // An even window counts as the odd one below it: 4 records act as 3.
  const four = await runFilters(data, only({ velocityChange: { derivedMedianPoints: 4 } }), 'harvested', UNITS, { speedLogged: false });
  assert.deepEqual(removedIndices(four, 'velocityChange'), [3, 5]);
  assert.equal(four.result.parameters.velocityChange!.appliedMedianPoints, 3);
});

test('velocityChange: no test across a gap longer than the pass gap, nor where a median window is cut short', async () => {
  // t = 0..3 at 2 m/s, a 20 s gap (> 10 s), then t = 23..26 at 1 m/s: the first point after the gap
  // has no previous record in its run, so the 50 % drop is not a change. With medians of 3 the
  // records next to the gap have no full window (point 3 lacks a successor in its run, point 4 a
  // predecessor): points 3, 4 and 5 (whose previous median is point 4's) are not tested.
  const times = [0, 1, 2, 3, 23, 24, 25, 26];
  const data = series(times.map((t, i) => ({ t, values: { speed: i < 4 ? 2 : 1 } })));
  for (const speedLogged of [true, false]) {
    const run = await runFilters(data, only({ velocityChange: {} }), 'harvested', UNITS, { speedLogged });
    assert.deepEqual(removedIndices(run, 'velocityChange'), [], `speedLogged ${speedLogged}`);
  }
  // With a 30 s pass gap the two runs are one: the logged rule removes the drop at point 4, and so
  // does the median of 3 (m3 = med(2, 2, 1) = 2, m4 = med(2, 1, 1) = 1).
  for (const speedLogged of [true, false]) {
    const joined = await runFilters(data, only({ velocityChange: {}, passes: { gapSeconds: 30 } }), 'harvested', UNITS, { speedLogged });
    assert.deepEqual(removedIndices(joined, 'velocityChange'), [4], `speedLogged ${speedLogged}`);
  }
  // A derived speed's first record spans whatever came before (here 0.5 m/s, then a steady 2):
  // Yield Editor's rule removes point 1 (300 %); with medians of 3, point 1 is not tested (point 0
  // has no full window) and m1 = med(0.5, 2, 2) = 2 = m2 = …, so nothing is removed.
  const start = series(rows(6, (i) => ({ values: { speed: i === 0 ? 0.5 : 2 } })));
  assert.deepEqual(removedIndices(await runFilters(start, only({ velocityChange: {} }), 'harvested', UNITS, { speedLogged: true }), 'velocityChange'), [1]);
  assert.deepEqual(removedIndices(await runFilters(start, only({ velocityChange: {} }), 'harvested', UNITS, { speedLogged: false }), 'velocityChange'), []);
});

test('velocityChange, speed derived: each section is medianed along its own track', async () => {
  // Sections 1 and 2 side by side at t = 0..7. Section 1 carries the jitter 2 2 1 3 2 2 2 2 (kept),
  // section 2 drops from 2 to 1 m/s at t = 4 (removed there: m(t=3) = med(2,2,1) = 2, m(t=4) = 1).
  const units = new Map<StandardProperty, string>([...UNITS, ['sectionId', 'count']]);
  const s1 = [2, 2, 1, 3, 2, 2, 2, 2];
  const s2 = [2, 2, 2, 2, 1, 1, 1, 1];
  const data = series(
    Array.from({ length: 16 }, (_, i) => {
      const t = i >> 1;
      const section = (i % 2) + 1;
      return { t, x: t * 2, values: { sectionId: section, speed: (section === 1 ? s1 : s2)[t] } };
    }),
    units,
  );
  const run = await runFilters(data, only({ velocityChange: {} }), 'harvested', units, { speedLogged: false });
  // Point index = 2 t + section − 1: section 2 at t = 4 is point 9.
  assert.deepEqual(removedIndices(run, 'velocityChange'), [9]);
});

test('minSwath: narrower than half the widest swath (or of a given full width)', async () => {
  // Widest 9 m → below 4.5 m removed: 4 m and 3 m; 4.5 m kept.
  const widths = [9, 9, 4, 4.5, 3, 9];
  const data = series(rows(6, (i) => ({ values: { equipmentWidth: widths[i] } })));
  const on = await runFilters(data, only({ minSwath: {} }));
  assert.deepEqual(removedIndices(on, 'minSwath'), [2, 4]);
  assert.equal(on.result.parameters.minSwath!.fullWidth, 9);
  // A 12 m header: below 6 m removed.
  const given = await runFilters(data, only({ minSwath: { fullWidth: 12 } }));
  assert.deepEqual(removedIndices(given, 'minSwath'), [2, 3, 4]);
  assert.equal((await runFilters(data, only({}))).result.kept, 6);
});

test('position: a step implying more than 10 m/s is a GNSS jump (both the jump and the return)', async () => {
  // x = 0, 2, 4, 40, 6, 8 m at 1 s: 4 → 40 is 36 m/s and 40 → 6 is 34 m/s; the rest 2 m/s.
  const xs = [0, 2, 4, 40, 6, 8];
  const data = series(rows(6, (i) => ({ x: xs[i] })));
  const on = await runFilters(data, only({ position: {} }));
  assert.deepEqual(removedIndices(on, 'position'), [3, 4]);
  const looser = await runFilters(data, only({ position: { maxImpliedSpeed: 35 } }));
  assert.deepEqual(removedIndices(looser, 'position'), [3]);
  assert.equal((await runFilters(data, only({}))).result.kept, 6);
});

test('minYield / maxYield: fixed limits, and AYCE limits from the 10th and 99th percentiles ±25 %', async () => {
  const fixed = [5, 10, 50, 100, 200];
  const data = series(rows(5, (i) => ({ values: { wetMassPerArea: fixed[i] } })));
  const on = await runFilters(data, only({ minYield: { value: 10 }, maxYield: { value: 100 } }));
  assert.deepEqual(on.removedBy, ['minYield', null, null, null, 'maxYield']);

  // 100 points: yields 1..99 kg/ha and one of 1000. Nearest-rank 10th percentile = 10 → limit 7.5:
  // yields 1..7 removed (7 points). 99th percentile = 99 → limit 123.75: the 1000 removed.
  const values = [...Array.from({ length: 99 }, (_, i) => i + 1), 1000];
  const auto = await runFilters(series(rows(100, (i) => ({ values: { wetMassPerArea: values[i] } }))), only({ minYield: {}, maxYield: {} }));
  assert.deepEqual(removedIndices(auto, 'minYield'), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(removedIndices(auto, 'maxYield'), [99]);
  // The histogram reads percentiles within 0.1 %.
  assert.ok(Math.abs((auto.result.parameters.minYield!.limit as number) - 7.5) < 7.5e-3);
  assert.ok(Math.abs((auto.result.parameters.maxYield!.limit as number) - 123.75) < 123.75e-3);
  assert.equal((await runFilters(data, only({}))).result.kept, 5);
});

/** 19 points at 100 and one at 200: mean 105, σ = √((19·5² + 95²)/20) = √475 ≈ 21.79, 3σ ≈ 65.4 < 95. */
const oneHigh = (i: number) => (i === 7 ? 200 : 100);

test('outliers (Leaf): 3 σ on wet volume per area, on wet mass per area when there is no volume', async () => {
  const data = series(rows(20, (i) => ({ values: { wetMassPerArea: oneHigh(i) } })));
  const on = await runFilters(data, only({ outliers: {} }));
  assert.deepEqual(removedIndices(on, 'outliers'), [7]);
  assert.equal(on.result.parameters.outliers!.property, 'wetMassPerArea');
  assert.equal(on.result.parameters.outliers!.mean, 105);
  assert.ok(Math.abs((on.result.parameters.outliers!.sd as number) - Math.sqrt(475)) < 1e-6);
  // A looser limit (5 σ ≈ 109 > 95) keeps it.
  assert.deepEqual(removedIndices(await runFilters(data, only({ outliers: { limit: 5 } })), 'outliers'), []);

  // With volumes, the volume decides: here the high mass (point 7) has a normal volume, and point 3 has the high volume.
  const units = new Map<StandardProperty, string>([...UNITS, ['wetVolumePerArea', 'm3/ha']]);
  const withVolume = series(
    rows(20, (i) => ({ values: { wetMassPerArea: oneHigh(i), wetVolumePerArea: i === 3 ? 2 : 1 } })),
    units,
  );
  const v = await runFilters(withVolume, only({ outliers: {} }), 'harvested', units);
  assert.deepEqual(removedIndices(v, 'outliers'), [3]);
  assert.equal(v.result.parameters.outliers!.property, 'wetVolumePerArea');
  assert.equal((await runFilters(data, only({}))).result.kept, 20);
});

test('stdDev (Yield Editor STDY): σ on dry yield when there is one, computed after the point filters', async () => {
  const units = new Map<StandardProperty, string>([...UNITS, ['dryMassPerArea', 'kg/ha']]);
  // Dry yields 100 except 200 at point 7 → removed as in the Leaf case above. Point 20 is slower
  // than 0.5 m/s with a dry yield of 10,000: removed by `speed` first, so it does not enter the mean.
  const data = series(
    rows(21, (i) => (i === 20 ? { values: { speed: 0.1, dryMassPerArea: 10_000 } } : { values: { dryMassPerArea: oneHigh(i) } })),
    units,
  );
  const on = await runFilters(data, only({ speed: {}, stdDev: {} }), 'harvested', units);
  assert.deepEqual(removedIndices(on, 'stdDev'), [7]);
  assert.deepEqual(removedIndices(on, 'speed'), [20]);
  assert.equal(on.result.parameters.stdDev!.property, 'dryMassPerArea');
  assert.equal(on.result.parameters.stdDev!.mean, 105);
  const off = await runFilters(data, only({ speed: {} }), 'harvested', units);
  assert.deepEqual(removedIndices(off, 'stdDev'), []);
  assert.equal(off.result.kept, 20);
});

test('a point carries only the first filter that removed it, and counts once', async () => {
  // Point 2 is both slower than 0.5 m/s and narrower than half the swath: `speed` comes first.
  const data = series(rows(4, (i) => (i === 2 ? { values: { speed: 0.2, equipmentWidth: 2 } } : {})));
  const run = await runFilters(data, only({ speed: {}, minSwath: {} }));
  assert.deepEqual(run.removedBy, [null, null, 'speed', null]);
  assert.deepEqual(run.result.removedBy, { speed: 1, minSwath: 0 });
  assert.equal(run.result.total, 4);
});

test('a source that fails mid-way rejects with its own error, for the caller to report', async () => {
  const good = series(rows(4));
  const failing = () =>
    (async function* () {
      for await (const batch of good()) {
        yield batch;
        throw new Error('timelog TLG00001.bin is truncated');
      }
    })();
  await assert.rejects(runFilters(failing, {}), /TLG00001\.bin is truncated/);
});

test('tracks: with sections logged side by side, a shift takes the next point of the same section', async () => {
  // Sections 1 and 2 interleaved at t = 0, 0, 1, 1, 2, 2; section 1 yields 10, 11, 12 t/ha, section 2
  // 20, 21, 22. With a 1 s flow delay section 1 reads 11, 12, — and section 2 reads 21, 22, —.
  const units = new Map<StandardProperty, string>([...UNITS, ['sectionId', 'count']]);
  const data = series(
    [0, 0, 1, 1, 2, 2].map((t, i) => ({ t, x: t * 2, values: { sectionId: (i % 2) + 1, wetMassPerArea: ((i % 2) + 1) * 10_000 + t * 1000 } })),
    units,
  );
  const run = await runFilters(data, only({ flowDelay: { seconds: 1 } }), 'harvested', units);
  assert.deepEqual(
    run.properties.map((p) => p.wetMassPerArea),
    [11_000, 21_000, 12_000, 22_000, undefined, undefined],
  );
  assert.deepEqual(run.removedBy, [null, null, null, null, 'flowDelay', 'flowDelay']);
});

test('thresholds are SI: values in imperial output units are converted before comparing', async () => {
  // 1.5 ft/s = 0.4572 m/s (< 0.5: removed); 1.7 ft/s = 0.51816 m/s (kept). Width 29.5 ft = 8.99 m
  // is the widest; 14 ft = 4.27 m is below half of it (removed), 15 ft = 4.57 m is not.
  const units = new Map<StandardProperty, string>([
    ['area', 'ft2'],
    ['equipmentWidth', 'ft'],
    ['speed', 'ft/s'],
    ['harvestMoisture', 'percentage'],
    ['wetMass', 'lb'],
    ['wetMassPerArea', 'lb/ac'],
  ]);
  const speeds = [6, 1.5, 1.7, 6, 6];
  const widths = [29.5, 29.5, 29.5, 14, 15];
  const data = series(
    rows(5, (i) => ({ values: { speed: speeds[i], equipmentWidth: widths[i], area: 100, wetMass: 10, wetMassPerArea: 9000 } })),
    units,
  );
  const run = await runFilters(data, only({ speed: {}, minSwath: {} }), 'harvested', units);
  assert.deepEqual(run.removedBy, [null, 'speed', null, 'minSwath', null]);
  assert.equal(run.result.parameters.minSwath!.fullWidth, 8.9916);
});
