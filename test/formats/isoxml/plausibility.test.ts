import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideReading, emptyCounts, plausibleRange, type ReadingCounts, type ReadingQuestion } from '../../../src/formats/isoxml/plausibility.ts';

/*
 * The reading rule on hand-made counts. The figures mirror the samples: KRONE's moisture (raw 136 =
 * 13.6 % by its DVP, 0.0136 % by the dictionary's 1 ppm), AGCO's boom width (raw 15000 = 15 m by
 * the dictionary's 1 mm, 150 m by its DVP's 0.01 m) and a sprayer's rate (raw 34 370 = 3.437 L/ha
 * by the dictionary's 0.01 mm³/m², 343.7 L/ha by its DVP's 0.01 L/ha).
 */

function counts(values: number, dictionaryIn: number, deviceIn: number, rawMean: number): ReadingCounts {
  return { ...emptyCounts(), values, dictionaryIn, deviceIn, rawSum: values * rawMean };
}

const MOISTURE: ReadingQuestion = {
  key: '0063_DET-1',
  property: 'harvestMoisture',
  unit: 'ppm',
  dictionaryScale: 1,
  deviceScale: 1000,
  text: '0x0063 Crop Moisture: the device presents one raw step as 0.1000000015 %, 1000× larger than the ISO 11783-11 dictionary\'s 1 ppm',
  deviceElementId: 'DET-1',
  range: plausibleRange('harvestMoisture', 'ppm')!,
};

test('plausible ranges by property and by the dimension of the column unit', () => {
  assert.deepEqual(plausibleRange('harvestMoisture', 'ppm'), { unit: 'percentage', min: 1, max: 80 });
  assert.deepEqual(plausibleRange('equipmentWidth', 'mm'), { unit: 'm', min: 0.1, max: 60 });
  assert.deepEqual(plausibleRange('appliedRate', 'mm3/m2'), { unit: 'L/ha', min: 0.1, max: 200_000 });
  assert.deepEqual(plausibleRange('appliedRateTarget', 'mg/m2'), { unit: 'kg/ha', min: 0.1, max: 200_000 });
  assert.deepEqual(plausibleRange('seedRate', 'seeds/m2'), { unit: 'seeds/ha', min: 1_000, max: 1_000_000_000 });
  assert.deepEqual(plausibleRange('seedRate', 'mg/m2'), { unit: 'kg/ha', min: 0.5, max: 5_000 });
  assert.equal(plausibleRange('speed', 'mm/s'), undefined, 'no range: the dictionary stays');
  assert.equal(plausibleRange('harvestMoisture', undefined), undefined);
});

test('only the device reading plausible: the device presentation is used, and the warning says why', () => {
  // 136 raw: 0.0136 % by the dictionary (below 1 %), 13.6 % by the device.
  const decision = decideReading(MOISTURE, counts(100, 0, 100, 136));
  assert.equal(decision.useDevice, true);
  assert.equal(
    decision.warning,
    "0x0063 Crop Moisture: the device presents one raw step as 0.1000000015 %, 1000× larger than the ISO 11783-11 dictionary's 1 ppm (DET-1); by the dictionary 0 and by the device's presentation 100 of 100 non-zero values lie within the plausible harvestMoisture of 1–80 % (means 0.0136 and 13.6 %): only the device's reading is plausible, so values follow the device's presentation",
  );
  // A majority decides: a few implausible values by the device (601 raw = 60.1 % stays plausible; say 20 were 900 = 90 %) do not flip it.
  assert.equal(decideReading(MOISTURE, counts(100, 0, 80, 300)).useDevice, true);
  assert.equal(decideReading(MOISTURE, counts(100, 0, 50, 300)).useDevice, false, 'half is not more than half');
});

test('only the dictionary reading plausible: the dictionary is kept', () => {
  const width: ReadingQuestion = { ...MOISTURE, key: '0043_DET-8', property: 'equipmentWidth', unit: 'mm', dictionaryScale: 1, deviceScale: 10, text: '0x0043 Actual Working Width: …', range: plausibleRange('equipmentWidth', 'mm')! };
  const decision = decideReading(width, counts(3256, 3256, 134, 14_300));
  assert.equal(decision.useDevice, false);
  assert.match(decision.warning, /\(means 14\.3 and 143 m\): only the dictionary's reading is plausible, so values follow the dictionary$/);
});

test('both readings plausible: the machine counters decide when they agree with one reading within 3×, else the dictionary stays', () => {
  const rate: ReadingQuestion = {
    ...MOISTURE,
    key: '0002_DET-685',
    property: 'appliedRate',
    unit: 'mm3/m2',
    dictionaryScale: 0.01,
    deviceScale: 1,
    text: '0x0002 Actual Volume Per Area Application Rate: …',
    deviceElementId: 'DET-685',
    range: plausibleRange('appliedRate', 'mm3/m2')!,
    totals: { amountKey: '0050_DET-667', amountScale: 1, amountUnit: 'L', areaKey: '0074_DET-667', areaScale: 1, areaUnit: 'm2' },
  };
  // 3.437 and 343.7 L/ha are both sprayer rates.
  const observed = counts(400, 400, 400, 34_370);
  const noTotals = decideReading(rate, observed);
  assert.equal(noTotals.useDevice, false);
  assert.match(noTotals.warning, /both readings are plausible, so values follow the dictionary, which is what the DDI means; check them against what the terminal showed$/);
  // 685 L over 18 610 m² = 368 L/ha: the device's 343.7 L/ha agrees (1.07×), the dictionary's is 107× off.
  const totals = { amount: { ...emptyCounts(), rawMin: 0, rawMax: 685 }, area: { ...emptyCounts(), rawMin: 0, rawMax: 18_610 } };
  const byTotals = decideReading(rate, observed, totals);
  assert.equal(byTotals.useDevice, true);
  assert.match(byTotals.warning, /both readings are plausible; the machine's counters 0050_DET-667 over 0074_DET-667 give 368 L\/ha, which only the device's reading agrees with, so values follow the device's presentation$/);
  // 68.5 L over the same area = 36.8 L/ha: 10.7× from 3.437 and 9.3× from 343.7, neither within 3×.
  const neither = decideReading(rate, observed, { ...totals, amount: { ...emptyCounts(), rawMin: 0, rawMax: 68.5 } });
  assert.equal(neither.useDevice, false);
  assert.match(neither.warning, /give 36\.8 L\/ha, which neither agrees with within 3×; values follow the dictionary/);
  // Counters that did not grow tell nothing.
  assert.equal(decideReading(rate, observed, { ...totals, area: { ...emptyCounts(), rawMin: 5, rawMax: 5 } }).warning, noTotals.warning);
});

test('no non-zero value: nothing to judge by, the dictionary stays', () => {
  const decision = decideReading(MOISTURE, emptyCounts());
  assert.equal(decision.useDevice, false);
  assert.match(decision.warning, /\(DET-1\); no point has a non-zero value to judge the two readings by, so values follow the dictionary$/);
});
