import type { PointBatch } from '../../src/model/batch.ts';
import { emptyBatch } from '../../src/model/batch.ts';
import type { ColumnSpec, OperationMeta, OperationSource } from '../../src/formats/types.ts';

/** Metres per degree of latitude on the sphere geodesy.ts uses (R = 6,371,008.8 m): R·π/180. */
export const METERS_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;

export interface FakePoint {
  t: number;
  lon: number;
  lat: number;
  values: Record<string, number>;
}

/** An operation source over points written out in a test, so expected figures can be worked out by hand. */
export function fakeSource(meta: Partial<OperationMeta> & Pick<OperationMeta, 'operationType' | 'columns'>, points: FakePoint[], batchSize = 2): OperationSource {
  const full: OperationMeta = {
    id: 'op1',
    originalOperationType: 'test',
    fileFormat: 'TEST',
    provider: 'Other',
    varieties: [],
    products: [],
    machinery: [],
    warnings: [],
    reader: 'test-reader/1',
    ...meta,
  };
  return {
    meta: full,
    async *points(): AsyncGenerator<PointBatch> {
      for (let start = 0; start < points.length; start += batchSize) {
        const slice = points.slice(start, start + batchSize);
        const batch = emptyBatch(slice.length, full.columns.filter((c) => c.kind === 'number').map((c) => c.key));
        slice.forEach((p, i) => {
          batch.time[i] = p.t;
          batch.lon[i] = p.lon;
          batch.lat[i] = p.lat;
          for (const [key, value] of Object.entries(p.values)) batch.numbers.get(key)![i] = value;
        });
        batch.length = slice.length;
        yield batch;
      }
    },
  };
}

export const HARVEST_COLUMNS: ColumnSpec[] = [
  { key: 'yield', label: 'Mass Per Area Yield', kind: 'number', unit: 'mg/m2', standard: 'wetMassPerArea' },
  { key: 'moisture', label: 'Crop Moisture', kind: 'number', unit: 'ppm', standard: 'harvestMoisture' },
  { key: 'width', label: 'Actual Working Width', kind: 'number', unit: 'mm', standard: 'equipmentWidth' },
  { key: 'work', label: 'Actual Work State', kind: 'number', standard: 'recordingStatus' },
];

/**
 * Four points 10 m apart heading due north, 1 s apart, 6 m wide, 1,000,000 mg/m² (= 1 kg/m²)
 * wet yield at 20 % moisture, work state on; the last one has work state off.
 */
export function harvestPoints(): FakePoint[] {
  const step = 10 / METERS_PER_DEGREE;
  const t0 = Date.UTC(2020, 0, 2, 10, 0, 0);
  return [0, 1, 2, 3, 4].map((i) => ({
    t: t0 + i * 1000,
    lon: 10,
    lat: 54 + i * step,
    values: { yield: 1_000_000, moisture: 200_000, width: 6000, work: i === 4 ? 0 : 1 },
  }));
}
