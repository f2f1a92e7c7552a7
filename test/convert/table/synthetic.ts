import { BATCH_SIZE, emptyBatch, type PointBatch } from '../../../src/model/batch.ts';
import type { TableSchema } from '../../../src/convert/table/schema.ts';
import { TableWriter, type TableRows, type TableSummary } from '../../../src/convert/table/writer.ts';

/**
 * A table whose every value follows from the row number by the formulas below, so that tests
 * can state what any reader must find without reading the table with Furrow's own code.
 * 70,000 rows: two row groups (65,536 + 4,464), fed in batches of BATCH_SIZE.
 */
export const ROWS = 70_000;
export const T0 = Date.UTC(2024, 9, 5, 7);
export const SCHEMA: TableSchema = {
  raw: [
    { key: 'a', label: 'Mass (A)', kind: 'number', unit: 'kg' },
    { key: 's', label: 'Product', kind: 'string' },
  ],
  standard: [
    ['wetMass', 'kg'],
    ['speed', 'm/s'],
  ],
  standardStrings: ['recordingStatus'],
  constants: [
    ['operationType', 'harvested'],
    ['crop', 'corn'],
  ],
  shifted: ['wetMass'],
  operationType: 'harvested',
  reader: 'synthetic 1.0',
};
const TEXTS = ['x', 'ÿ€😀', ''];

export const time = (i: number) => T0 + i * 1000 + (i % 3) * 0.4;
export const lon = (i: number) => -93 + i * 1e-7;
export const lat = (i: number) => 42 + (i % 1000) * 1e-6;
export const rawA = (i: number) => (i % 7 === 0 ? NaN : i * 0.25 - 100);
export const rawS = (i: number) => (i % 5 === 0 ? null : TEXTS[i % 3]!);
export const wetMass = (i: number) => i * 0.001;
export const shiftedWetMass = (i: number) => (i % 17 === 0 ? NaN : (i + 1) * 0.001);
export const speed = (i: number) => (i % 11 === 0 ? NaN : 2.5);
/** A standard value as the table gives it back: rounded to the 6 decimals every GeoJSON layer prints (DECIMAL(18, 6) columns). */
export const stored = (v: number) => (Number.isNaN(v) ? NaN : Math.round(v * 1e6) / 1e6);
export const recordingStatus = (i: number) => (i % 100 < 90 ? 'On' : 'Off');
export const cleanup = (i: number) => (recordingStatus(i) === 'On' ? null : 'recordingStatus EQ On');
export const removedBy = (i: number) => (cleanup(i) !== null ? `cleanup: ${cleanup(i)!}` : i % 13 === 0 ? 'speed' : null);

export function* syntheticRows(): Generator<TableRows> {
  for (let start = 0; start < ROWS; start += BATCH_SIZE) {
    const n = Math.min(BATCH_SIZE, ROWS - start);
    const raw = emptyBatch(n, ['a'], ['s']);
    const std: PointBatch = emptyBatch(n, ['wetMass', 'speed'], ['recordingStatus']);
    raw.length = std.length = n;
    const shifted = new Float64Array(n);
    const verdicts = { cleanup: new Array<string | null>(n), removedBy: new Array<string | null>(n) };
    for (let j = 0; j < n; j++) {
      const i = start + j;
      raw.time[j] = std.time[j] = time(i);
      raw.lon[j] = std.lon[j] = lon(i);
      raw.lat[j] = std.lat[j] = lat(i);
      raw.numbers.get('a')![j] = rawA(i);
      raw.strings.get('s')![j] = rawS(i);
      std.numbers.get('wetMass')![j] = wetMass(i);
      std.numbers.get('speed')![j] = speed(i);
      std.strings.get('recordingStatus')![j] = recordingStatus(i);
      shifted[j] = shiftedWetMass(i);
      verdicts.cleanup[j] = cleanup(i);
      verdicts.removedBy[j] = removedBy(i);
    }
    yield { raw, std, ...verdicts, shifted: new Map([['wetMass', shifted]]) };
  }
}

export async function writeSynthetic(path: string): Promise<TableSummary> {
  const writer = await TableWriter.open(path, SCHEMA);
  for (const rows of syntheticRows()) await writer.add(rows);
  return writer.close();
}
