import type { ColumnSpec } from '../types.ts';
import type { AgLeaderRow } from './row.ts';

/** Square inches per acre: 43 560 ft² × 144 in²/ft². */
export const SQUARE_INCHES_PER_ACRE = 43_560 * 144;

/**
 * Wet yield of one row in lb/ac: grain mass over the interval (flow × interval, lb) divided by the
 * area harvested in it (distance × swath, in² → ac). No value when the machine did not move, the
 * swath is zero or the interval is not positive: a yield per area has no meaning there.
 */
export function wetYieldLbPerAcre(row: Pick<AgLeaderRow, 'flow' | 'interval' | 'distance' | 'swath'>): number {
  const areaSquareInches = row.distance * row.swath;
  if (!(areaSquareInches > 0) || !(row.interval > 0)) return NaN;
  return ((row.flow * row.interval) / areaSquareInches) * SQUARE_INCHES_PER_ACRE;
}

/**
 * Whether the header was down (1) or up (0): bit 0 of the header status. formats.md §6.3 gives the
 * values meaning "down": 33 on the Yield Monitor 2000 / PF and 1 on newer monitors, which share
 * only bit 0 (33 = 0b100001); that bit as the down flag is inferred from them, not documented.
 */
export function headerDown(row: Pick<AgLeaderRow, 'headerStatus'>): number {
  return Number.isInteger(row.headerStatus) ? row.headerStatus % 2 : NaN;
}

/** Columns Furrow computes from each row. */
export const DERIVED = { wetYield: wetYieldLbPerAcre, headerDown } as const;
export type DerivedKey = keyof typeof DERIVED;

type NumberKey = Exclude<keyof AgLeaderRow, 'serial' | 'field' | 'load' | 'grainType' | 'variety'>;
type StringKey = 'serial' | 'field' | 'load' | 'grainType' | 'variety';

/** The source's own columns in file order, as the raw output shows them, plus the computed yield. */
export const NUMBER_COLUMNS: readonly (ColumnSpec & { key: NumberKey | DerivedKey })[] = [
  { key: 'flow', label: 'Grain flow', kind: 'number', unit: 'lb/s', standard: 'cropFlow' },
  { key: 'gpsTime', label: 'GPS time', kind: 'number', unit: 's' },
  { key: 'interval', label: 'Logging interval', kind: 'number', unit: 's', standard: 'samplingInterval' },
  { key: 'distance', label: 'Distance', kind: 'number', unit: 'in', standard: 'distance' },
  { key: 'swath', label: 'Swath width', kind: 'number', unit: 'in', standard: 'equipmentWidth' },
  { key: 'moisture', label: 'Moisture', kind: 'number', unit: 'percentage', standard: 'harvestMoisture' },
  { key: 'headerStatus', label: 'Header status', kind: 'number' },
  { key: 'pass', label: 'Pass number', kind: 'number' },
  { key: 'gpsStatus', label: 'GPS status', kind: 'number' },
  { key: 'pdop', label: 'PDOP', kind: 'number' },
  { key: 'altitude', label: 'Altitude', kind: 'number', unit: 'ft', standard: 'elevation' },
  {
    key: 'wetYield',
    label: 'Wet yield, computed by Furrow: flow × interval / (distance × swath)',
    kind: 'number',
    unit: 'lb/ac',
    standard: 'wetMassPerArea',
  },
  { key: 'headerDown', label: 'Header down, computed by Furrow: bit 0 of the header status (33 and 1 mean down; inferred)', kind: 'number', standard: 'recordingStatus' },
];

export const STRING_COLUMNS: readonly (ColumnSpec & { key: StringKey })[] = [
  { key: 'serial', label: 'Monitor serial number', kind: 'string' },
  { key: 'field', label: 'Field', kind: 'string' },
  { key: 'load', label: 'Load / region', kind: 'string' },
  { key: 'grainType', label: 'Grain type', kind: 'string' },
  { key: 'variety', label: 'Variety', kind: 'string' },
];
