import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PointBatch } from '../../../src/model/batch.ts';
import type { StandardProperty } from '../../../src/model/properties.ts';
import { only, runFilters, series, UNITS } from './series.ts';

/*
 * `layout.widestWidth`: a caller that already knows the operation's widest equipmentWidth (the
 * pipeline's main pass) spares the read that finds it. Widths here are in feet, so the hint (in the
 * output unit) must be converted like the read's values: 30 ft = 9.144 m full width, and
 * 0.5 × 9.144 = 4.572 m, so the 12 ft (3.6576 m) point is below the minimum swath.
 */
test('widestWidth: same removals and figures as reading the widths, one read fewer', async () => {
  const units = new Map<StandardProperty, string>([...UNITS].map(([k, u]) => [k, k === 'equipmentWidth' ? 'ft' : u]));
  const widths = [30, 30, 12, 30, 30];
  const data = series(
    widths.map((w, t) => ({ t, values: { equipmentWidth: w } })),
    units,
  );
  let reads = 0;
  const counted = (): AsyncIterable<PointBatch> => {
    reads++;
    return data();
  };
  // stdDev needs the statistics read as well: widths, statistics, writing.
  const settings = only({ minSwath: {}, stdDev: {} });
  const read = await runFilters(counted, settings, 'harvested', units);
  assert.equal(reads, 3);
  reads = 0;
  const hinted = await runFilters(counted, settings, 'harvested', units, { widestWidth: 30 });
  assert.equal(reads, 2);
  assert.deepEqual(read.removedBy, [null, null, 'minSwath', null, null]);
  assert.deepEqual(hinted.removedBy, read.removedBy);
  assert.deepEqual(hinted.result, read.result);
  assert.equal(hinted.result.parameters.minSwath!.fullWidth, 9.144);
  // No width logged at all (NaN): skipped, as when the read finds none.
  const none = await runFilters(counted, settings, 'harvested', units, { widestWidth: NaN });
  assert.equal(none.result.skipped.minSwath, 'no equipmentWidth values');
});
