import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterVerdicts } from '../../../src/convert/filters/index.ts';
import { only, runFilters, series, UNITS, type Row } from './series.ts';

/*
 * FilterVerdicts is the filters without the GeoJSON: its verdicts must be those writeFilteredOutputs
 * writes into annotated.geojson. The series: 10 points at 2 m/s, the 4th at 0.2 m/s (below the
 * 0.5 m/s minimum velocity we set) and the 7th at 3 t/ha among eight others at 10 t/ha (after the
 * velocity filter: mean 83/9 ≈ 9.22 t/ha, sd ≈ 2.20 t/ha, so 3 t/ha is 2.83 σ below, past 2.5 σ).
 */
const rows: Row[] = Array.from({ length: 10 }, (_, t) => ({
  t,
  values: t === 3 ? { speed: 0.2 } : t === 6 ? { wetMassPerArea: 3_000 } : {},
}));
const settings = only({ minVelocity: { min: 0.5 }, stdDev: { limit: 2.5 } });

test('FilterVerdicts: the same verdicts and figures as the written annotated output', async () => {
  const written = await runFilters(series(rows), settings);
  assert.deepEqual(written.removedBy, [null, null, null, 'minVelocity', null, null, 'stdDev', null, null, null]);

  const verdicts = new FilterVerdicts('harvested', UNITS, settings, { constants: [['operationType', 'harvested']] });
  assert.equal(verdicts.needsCollecting, true, 'the σ filter needs the statistics pass');
  for await (const batch of series(rows)()) verdicts.collect(batch);
  assert.equal(verdicts.endCollecting(), true);
  const removedBy: (string | null)[] = [];
  const take = ({ from, to }: { from: number; to: number }) => {
    for (let seq = from; seq < to; seq++) removedBy.push(verdicts.ring.removedBy[verdicts.ring.slot(seq)]!);
  };
  for await (const batch of series(rows)()) take(verdicts.judge(batch));
  take(verdicts.endJudging());
  assert.deepEqual(removedBy, written.removedBy);
  assert.deepEqual(verdicts.result(), written.result);
});

test('FilterVerdicts: fixed limits need no statistics pass', () => {
  const verdicts = new FilterVerdicts('harvested', UNITS, only({ minVelocity: { min: 0.5 } }), {});
  assert.equal(verdicts.needsCollecting, false);
  assert.equal(verdicts.endCollecting(), true);
  assert.throws(() => verdicts.collect(undefined as never), /collect after endCollecting/);
});
