/**
 * One line of an Ag Leader "Advanced" text export (formats.md §6.3): CSV without a header, in the
 * column order of the Ag Leader GPS 2000/2100 manual's "Advanced Ag Leader Format".
 */
export interface AgLeaderRow {
  /** Decimal degrees, WGS84. */
  lon: number;
  lat: number;
  /** Grain flow, lb/s. */
  flow: number;
  /** GPS time, seconds (Unix epoch in the STRIPS samples). */
  gpsTime: number;
  /** Logging interval, s. */
  interval: number;
  /** Distance travelled during the interval, in. */
  distance: number;
  /** Swath width, in. */
  swath: number;
  /** Grain moisture, %. */
  moisture: number;
  headerStatus: number;
  pass: number;
  serial: string;
  /** `Fnn:name` token, quotes removed. */
  field: string;
  /** `Lnn:name` token, quotes removed. */
  load: string;
  grainType: string;
  gpsStatus: number;
  pdop: number;
  /** Altitude, ft. */
  altitude: number;
  /** Variety, only in the 16-column form that puts it before the altitude. */
  variety: string;
}

export const MIN_COLUMNS = 15;
export const MAX_COLUMNS = 17;

/** Splits one CSV line; double quotes protect commas (a field or load name may contain one) and are removed. */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((s) => s.trim());
}

function num(text: string | undefined): number {
  // Number('') is 0: an empty cell is no value, not zero.
  if (text === undefined || text === '') return NaN;
  return Number(text);
}

/** Why a line is not a data row; the keys are counted per file and reported in warnings. */
export type RowProblem = 'column count' | 'position' | 'number';

export type ParsedLine = { row: AgLeaderRow } | { problem: RowProblem };

/** Columns 3–8 must be numbers: without them no yield can be computed. */
const CORE_NUMERIC = [2, 3, 4, 5, 6, 7] as const;

/**
 * Parses one line. Positions must be plausible (|lon| ≤ 180, |lat| ≤ 90, not 0/0, which monitors
 * write before a GPS fix); the other optional columns may be empty (NaN).
 */
export function parseLine(line: string): ParsedLine {
  const cells = splitCsv(line);
  if (cells.length < MIN_COLUMNS || cells.length > MAX_COLUMNS) return { problem: 'column count' };
  const lon = num(cells[0]);
  const lat = num(cells[1]);
  if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90) || (lon === 0 && lat === 0)) return { problem: 'position' };
  for (const i of CORE_NUMERIC) if (!Number.isFinite(num(cells[i]))) return { problem: 'number' };
  // 17 columns: … GPS status, PDOP, altitude. 16: some writers put the variety before the altitude
  // (… GPS status, variety, altitude); a numeric 16th column is read as PDOP with no altitude.
  let gpsStatus = num(cells[14]);
  let pdop = NaN;
  let altitude = NaN;
  let variety = '';
  if (cells.length === 17) {
    pdop = num(cells[15]);
    altitude = num(cells[16]);
  } else if (cells.length === 16) {
    if (Number.isNaN(num(cells[14])) && cells[14] !== '') {
      // Variety in the 15th column, altitude last, no GPS status.
      variety = cells[14]!;
      gpsStatus = NaN;
      altitude = num(cells[15]);
    } else if (Number.isNaN(num(cells[15])) && cells[15] !== '') {
      variety = cells[15]!;
    } else pdop = num(cells[15]);
  }
  return {
    row: {
      lon,
      lat,
      flow: num(cells[2]),
      gpsTime: num(cells[3]),
      interval: num(cells[4]),
      distance: num(cells[5]),
      swath: num(cells[6]),
      moisture: num(cells[7]),
      headerStatus: num(cells[8]),
      pass: num(cells[9]),
      serial: cells[10]!,
      field: cells[11]!,
      load: cells[12]!,
      grainType: cells[13]!,
      gpsStatus,
      pdop,
      altitude,
      variety,
    },
  };
}

const FIELD_TOKEN = /^F\d+:/;
const LOAD_TOKEN = /^L\d+:/;

/**
 * Whether a line is an Ag Leader Advanced data row: the column count, plausible lon/lat first,
 * numbers where numbers belong and the field and load tokens in columns 12–13 (quoted or not,
 * as writers differ). A generic CSV with 15–17 numeric columns does not pass the token check.
 */
export function isAgLeaderLine(line: string): boolean {
  const parsed = parseLine(line);
  if (!('row' in parsed)) return false;
  const { field, load } = parsed.row;
  return FIELD_TOKEN.test(field) && LOAD_TOKEN.test(load);
}

/** `F0:INT` → `INT`; the number is the monitor's index, the name is what the farmer typed. */
export function tokenName(token: string): string {
  return token.replace(/^[FL]\d+:/, '');
}
