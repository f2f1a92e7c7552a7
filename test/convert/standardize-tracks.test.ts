import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyBatch, type PointBatch } from '../../src/model/batch.ts';
import { Standardizer } from '../../src/convert/standardize.ts';
import type { ColumnSpec, OperationMeta } from '../../src/formats/types.ts';
import { METERS_PER_DEGREE } from '../helpers/fake-source.ts';

/*
 * Sources that log one point per section and time step (John Deere exports, row-level planter
 * logs) and sources that log their own distance and heading. Expected figures are worked out by
 * hand from the points written here.
 */

function meta(columns: ColumnSpec[]): OperationMeta {
  return { id: 'op', operationType: 'planted', originalOperationType: 'test', fileFormat: 'TEST', provider: 'Other', varieties: [], products: [], machinery: [], columns, warnings: [], reader: 'test/1' };
}

function batchOf(points: { t: number; lon: number; lat: number; values: Record<string, number> }[], keys: string[]): PointBatch {
  const batch = emptyBatch(points.length, keys);
  points.forEach((p, i) => {
    batch.time[i] = p.t;
    batch.lon[i] = p.lon;
    batch.lat[i] = p.lat;
    for (const [k, v] of Object.entries(p.values)) batch.numbers.get(k)![i] = v;
  });
  batch.length = points.length;
  return batch;
}

const T0 = Date.UTC(2024, 4, 1, 12);
const NORTH_10M = 10 / METERS_PER_DEGREE;
// 3 m apart east-west at 54° N: Δlon = 3 / (R·π/180 · cos 54°).
const EAST_3M = 3 / (METERS_PER_DEGREE * Math.cos((54 * Math.PI) / 180));

test('per-section points are measured along their own section: 10 m per second north, not the 3 m between sections', () => {
  const columns: ColumnSpec[] = [
    { key: 'section', label: 'SECTIONID', kind: 'number', standard: 'sectionId' },
    { key: 'rate', label: 'rate', kind: 'number', unit: 'seeds/ha', standard: 'seedRate' },
    { key: 'width', label: 'width', kind: 'number', unit: 'm', standard: 'equipmentWidth' },
  ];
  // Two sections side by side, three time steps, interleaved as exporters write them.
  const points = [0, 1, 2].flatMap((step) =>
    [1, 2].map((section) => ({ t: T0 + step * 1000, lon: 10 + (section - 1) * EAST_3M, lat: 54 + step * NORTH_10M, values: { section, rate: 80_000, width: 1.5 } })),
  );
  const std = new Standardizer(meta(columns), 'metric');
  // Split across two batches so that the per-section state must survive a batch boundary.
  const first = std.apply(batchOf(points.slice(0, 3), ['section', 'rate', 'width']));
  const second = std.apply(batchOf(points.slice(3), ['section', 'rate', 'width']));
  const distance = [...first.numbers.get('distance')!, ...second.numbers.get('distance')!];
  const area = [...first.numbers.get('area')!, ...second.numbers.get('area')!];
  const speed = [...first.numbers.get('speed')!, ...second.numbers.get('speed')!];
  const heading = [...first.numbers.get('heading')!, ...second.numbers.get('heading')!];
  // First point of each section: nothing before it; every later one: 10 m from the same section's last point.
  assert.deepEqual(distance.map((d) => Math.round(d * 1000) / 1000), [0, 0, 10, 10, 10, 10]);
  // 10 m × 1.5 m per section and step.
  assert.deepEqual(area.map((a) => Math.round(a * 1000) / 1000), [0, 0, 15, 15, 15, 15]);
  assert.deepEqual(speed.slice(2).map((s) => Math.round(s * 1000) / 1000), [10, 10, 10, 10]);
  // Due north everywhere, the first points included (they take the heading of the segment that follows).
  for (const h of heading) assert.ok(Math.abs(h) < 1e-6 || Math.abs(h - 360) < 1e-6, `heading ${h}`);
  assert.deepEqual([...first.numbers.get('sectionId')!], [1, 2, 1]);
});

test('a logged distance and heading win over the derived ones, and area is logged distance × width', () => {
  const columns: ColumnSpec[] = [
    { key: 'dist', label: 'DISTANCE', kind: 'number', unit: 'ft', standard: 'distance' },
    { key: 'head', label: 'Heading', kind: 'number', unit: 'arcdeg', standard: 'heading' },
    { key: 'rate', label: 'rate', kind: 'number', unit: 'seeds/ac', standard: 'seedRate' },
    { key: 'width', label: 'SWATHWIDTH', kind: 'number', unit: 'ft', standard: 'equipmentWidth' },
  ];
  // The positions say 10 m north per second; the machine says 5 ft (1.524 m) at heading 90°.
  const points = [0, 1, 2].map((step) => ({ t: T0 + step * 1000, lon: 10, lat: 54 + step * NORTH_10M, values: { dist: 5, head: 90, rate: 30_000, width: 30 } }));
  const out = new Standardizer(meta(columns), 'metric').apply(batchOf(points, ['dist', 'head', 'rate', 'width']));
  // metric: 5 ft = 1.524 m exactly; area 1.524 m × 9.144 m (30 ft) = 13.935456 m², also on the first point (the machine logged it).
  assert.deepEqual([...out.numbers.get('distance')!].map((d) => Math.round(d * 1e6) / 1e6), [1.524, 1.524, 1.524]);
  assert.deepEqual([...out.numbers.get('area')!].map((a) => Math.round(a * 1e6) / 1e6), [13.935456, 13.935456, 13.935456]);
  assert.deepEqual([...out.numbers.get('heading')!], [90, 90, 90]);
  // Speed from the logged distance over one second.
  assert.deepEqual([...out.numbers.get('speed')!].slice(1).map((s) => Math.round(s * 1e6) / 1e6), [1.524, 1.524]);
});

test('default units keep a readable source distance unit (ft) instead of converting to m', () => {
  const columns: ColumnSpec[] = [
    { key: 'dist', label: 'DISTANCE', kind: 'number', unit: 'ft', standard: 'distance' },
    { key: 'rate', label: 'rate', kind: 'number', unit: 'seeds/ac', standard: 'seedRate' },
  ];
  const std = new Standardizer(meta(columns), 'default');
  assert.equal(std.units.get('distance'), 'ft');
  const out = std.apply(batchOf([{ t: T0, lon: 10, lat: 54, values: { dist: 4, rate: 1 } }], ['dist', 'rate']));
  assert.equal(out.numbers.get('distance')![0], 4);
});
