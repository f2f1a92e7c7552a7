import type { ColumnSpec, Machine } from '../types.ts';
import { Message, nonEmpty, orNaN } from './message.ts';
import type { PointRow } from './points.ts';

/*
 * Harvest maps (`harvest_*.dat`): one protobuf message per file whose top-level field 4 is the
 * session header and field 3 repeats once per 0.2 s record. Field meanings and the evidence for
 * each are in FORMAT.md; the numbers below are the ones documented there.
 */

export interface HarvestHeader {
  crop?: string;
  grower?: string;
  farm?: string;
  field?: string;
  /** Operation name as logged (`Harvesting`). */
  operationName?: string;
  machinery: Machine[];
  /** Header (combine head) rows and row spacing in inches, width in inches. */
  headerRows?: number;
  rowSpacingIn?: number;
  headerWidthIn?: number;
  /** Crop constants of the yield monitor: standard moisture (%), test weight (lb/bu), yield unit. */
  standardMoisturePct?: number;
  testWeightLbPerBu?: number;
  yieldUnit?: string;
  yieldSystem?: string;
  /** The monitor's running load total, wet lb (4.12.3), as of this header; 4.12.7 names the load. */
  loadTotalLb?: number;
  loadName?: string;
}

/** Reads the session header (top-level field 4). */
export function parseHarvestHeader(header: Message): HarvestHeader {
  const combine = header.sub(3);
  const head = header.sub(4);
  const place = header.sub(9);
  const farm = place?.sub(2);
  const field = farm?.sub(2);
  const constants = header.sub(12);
  const machinery: Machine[] = [];
  const combineName = [nonEmpty(combine?.str(1)), nonEmpty(combine?.str(2))].filter(Boolean).join(' ');
  if (combineName) machinery.push({ name: combineName, type: 'machine', brand: nonEmpty(combine?.str(1)) });
  const rows = head?.varint(6);
  const spacing = head?.f64(7);
  const width = head?.f64(2);
  if (head) {
    const brand = nonEmpty(head.str(10));
    const size = rows !== undefined && spacing !== undefined ? ` ${rows} rows × ${spacing} in` : width !== undefined ? ` ${width} in` : '';
    machinery.push({ name: `${brand ? `${brand} ` : ''}header${size}`, type: 'implement', brand });
  }
  return {
    crop: nonEmpty(header.str(8)) ?? nonEmpty(constants?.str(1)) ?? nonEmpty(head?.str(13)),
    grower: nonEmpty(place?.str(1)),
    farm: nonEmpty(farm?.str(1)),
    field: nonEmpty(field?.str(1)),
    operationName: nonEmpty(header.str(10)),
    machinery,
    headerRows: rows,
    rowSpacingIn: spacing,
    headerWidthIn: width,
    standardMoisturePct: constants?.f64(10),
    testWeightLbPerBu: constants?.f64(11),
    yieldUnit: nonEmpty(constants?.str(13)),
    yieldSystem: nonEmpty(combine?.str(11)),
    loadTotalLb: constants?.f64(3),
    loadName: nonEmpty(constants?.str(7)),
  };
}

export const HARVEST_COLUMNS: readonly ColumnSpec[] = [
  { key: 'wetYield', label: 'Wet yield (3.8.8 / 10)', kind: 'number', unit: 'bu/ac', standard: 'wetVolumePerArea' },
  { key: 'moisture', label: 'Grain moisture (3.8.10 / 100)', kind: 'number', unit: 'percentage', standard: 'harvestMoisture' },
  { key: 'massFlow', label: 'Wet mass flow (3.8.5 / 1000)', kind: 'number', unit: 'lb/s', standard: 'cropFlow' },
  { key: 'width', label: 'Working width: the header rows on (3.7.10 / 100), 0 with every row off', kind: 'number', unit: 'in', standard: 'workingWidth' },
  { key: 'headerWidth', label: 'Header width (session header 4.4.2)', kind: 'number', unit: 'in', standard: 'equipmentWidth' },
  { key: 'speed', label: 'Ground speed (3.10.1)', kind: 'number', unit: 'mi/hr', standard: 'speed' },
  { key: 'heading', label: 'GPS heading (3.10.5 / 10)', kind: 'number', unit: 'arcdeg', standard: 'heading' },
  { key: 'elevation', label: 'GPS altitude (3.10.6 / 10)', kind: 'number', unit: 'm', standard: 'elevation' },
  { key: 'recordingStatus', label: 'Harvesting: 1 when header rows are on (3.7.9 ≠ 0)', kind: 'number', standard: 'recordingStatus' },
  { key: 'dryYield', label: 'Dry yield as logged (3.8.7 / 10)', kind: 'number', unit: 'bu/ac' },
  { key: 'area', label: 'Area of the record (3.8.13)', kind: 'number', unit: 'ac' },
  { key: 'rowsOn', label: 'Header rows on, bit mask (3.7.9)', kind: 'number' },
  { key: 'satellites', label: 'GPS satellites (3.10.3)', kind: 'number' },
  { key: 'f3_1', label: 'Field 3.1: logger clock, µs since epoch (the point time is GPS time 3.10.2)', kind: 'number' },
  { key: 'f3_8_4', label: 'Field 3.8.4 (always 3.8.5 / 50; unidentified)', kind: 'number' },
  { key: 'f3_8_6', label: 'Field 3.8.6 (0/1; unidentified)', kind: 'number' },
  { key: 'f3_8_14', label: 'Field 3.8.14 (second area value, ac?; unidentified)', kind: 'number' },
  { key: 'f3_10_15', label: 'Field 3.10.15 (heading-like, unidentified)', kind: 'number' },
];

const US_PER_MS = 1000;

/** Decodes one record (top-level field 3) into a point; undefined when it has no GPS fix. */
export function decodeHarvestRecord(record: Message, header: Pick<HarvestHeader, 'headerWidthIn'>): PointRow | undefined {
  const gps = record.sub(10);
  const lat = gps?.f64(7);
  const lon = gps?.f64(8);
  const gpsTime = gps?.varint(2);
  if (!gps || lat === undefined || lon === undefined || gpsTime === undefined) return undefined;
  const rows = record.sub(7);
  const flow = record.sub(8);
  const scaled = (value: number | undefined, divisor: number): number => (value === undefined ? NaN : value / divisor);
  const rowsOn = rows?.varint(9);
  return {
    time: gpsTime / US_PER_MS,
    lat,
    lon,
    numbers: {
      wetYield: scaled(flow?.varint(8), 10),
      moisture: scaled(flow?.varint(10), 100),
      massFlow: scaled(flow?.varint(5), 1000),
      width: scaled(rows?.varint(10), 100),
      headerWidth: header.headerWidthIn ?? NaN,
      speed: orNaN(gps.f32(1)),
      heading: scaled(gps.varint(5), 10),
      elevation: scaled(gps.varint(6), 10),
      dryYield: scaled(flow?.varint(7), 10),
      area: orNaN(flow?.f64(13)),
      rowsOn: orNaN(rowsOn),
      satellites: orNaN(gps.varint(3)),
      f3_1: orNaN(record.varint(1)),
      f3_8_4: orNaN(flow?.varint(4)),
      f3_8_6: orNaN(flow?.varint(6)),
      f3_8_14: orNaN(flow?.f64(14)),
      f3_10_15: orNaN(gps.varint(15)),
      recordingStatus: rowsOn === undefined ? NaN : rowsOn !== 0 ? 1 : 0,
    },
  };
}
