import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyBatch, type PointBatch } from '../../../src/model/batch.ts';
import { spreadHeaderUpGrain, type SpreadColumns } from '../../../src/formats/jd-gen4/grain-spread.ts';

const COLUMNS: SpreadColumns = { sectionsOn: 'on', wetMass: 'wet', distance: 'distance', massFlow: 'flow', massFlowToKgPerS: (v) => v, workingWidth: 'width' };
/** 1 kg/m² in lb/ac: 4,046.8564224 m²/ac / 0.45359237 kg/lb. */
const LB_AC_PER_KG_M2 = 4046.8564224 / 0.45359237;

/**
 * A pass of 10 s at 10 kg/s over 2 m × 10 m per second (0.5 kg/m²), the header up for 7 s (3 s of
 * 10 kg/s decaying flow, 2 s of none, 2 s at 5 kg/s before lowering), then 5 s harvesting again.
 */
function run(): PointBatch[] {
  const rows: [on: number, flow: number][] = [
    ...Array.from({ length: 10 }, (): [number, number] => [12, 10]),
    [0, 10], [0, 10], [0, 10], [0, 0], [0, 0], [0, 5], [0, 5],
    ...Array.from({ length: 5 }, (): [number, number] => [12, 10]),
  ];
  // Two batches, split inside the header-up period, to check the run-wide indexing.
  const batches = [rows.slice(0, 14), rows.slice(14)].map((part, b) => {
    const batch = emptyBatch(part.length, ['on', 'wet', 'distance', 'flow', 'width']);
    part.forEach(([on, flow], i) => {
      batch.time[i] = (b * 14 + i) * 1000;
      batch.numbers.get('on')![i] = on;
      batch.numbers.get('flow')![i] = flow;
      batch.numbers.get('distance')![i] = 2;
      batch.numbers.get('width')![i] = on > 0 ? 10 : 0;
      batch.numbers.get('wet')![i] = on > 0 ? (flow / 20) * LB_AC_PER_KG_M2 : 0;
    });
    batch.length = part.length;
    return batch;
  });
  return batches;
}

async function* replay(): AsyncGenerator<PointBatch> {
  yield* run();
}

test('header-up grain goes to the harvested seconds next to it, as one flat yield, and no grain is lost', async () => {
  const wet: number[] = [];
  const flow: number[] = [];
  for await (const batch of spreadHeaderUpGrain(replay, COLUMNS)) {
    wet.push(...batch.numbers.get('wet')!.subarray(0, batch.length));
    flow.push(...batch.numbers.get('flow')!.subarray(0, batch.length));
  }
  const perSecond = 0.5 * LB_AC_PER_KG_M2;
  // By hand: the 3 s tail (30 kg) over the last 3 harvested seconds: (3 × 10 + 30) kg / 60 m² = 1 kg/m².
  // The 2 s before lowering (10 kg) over the first 2 harvested seconds after: (2 × 10 + 10) / 40 = 0.75 kg/m².
  const expected = [
    ...Array.from({ length: 7 }, () => perSecond),
    ...Array.from({ length: 3 }, () => LB_AC_PER_KG_M2),
    0, 0, 0, 0, 0, 0, 0,
    0.75 * LB_AC_PER_KG_M2, 0.75 * LB_AC_PER_KG_M2,
    perSecond, perSecond, perSecond,
  ];
  assert.equal(wet.length, expected.length);
  wet.forEach((w, i) => assert.ok(Math.abs(w - expected[i]!) < 1e-6, `second ${i}: ${w} vs ${expected[i]}`));
  // Mass balance: Σ wet × area = every kg measured (15 × 10 + 3 × 10 + 2 × 5 = 190 kg).
  const total = wet.reduce((sum, w) => sum + (w / LB_AC_PER_KG_M2) * 20, 0);
  assert.ok(Math.abs(total - 190) < 1e-6, `total ${total} kg`);
  // Only the mass per area moves: the flow stays the sensor's, whose integral is the same 190 kg.
  assert.deepEqual(flow, run().flatMap((b) => [...b.numbers.get('flow')!.subarray(0, b.length)]));
});
