import type { ColumnSpec, Machine } from '../types.ts';
import { ByteReader } from './bytes.ts';
import { Message } from './message.ts';
import type { PointRow } from './points.ts';

/*
 * Planting field maps (`field_map_*.dat`, Precision Planting 20|20): an INI-style UTF-8 header
 * (`[Field Map Data]` … `[Data]`) followed by `[uint32 LE length][protobuf]` frames, one per 0.2 s,
 * each carrying the planter position and one entry per row. Field meanings and evidence: FORMAT.md.
 */

export const FIELD_MAP_MAGIC = '[Field Map Data]';
const DATA_MARKER = '\n[Data]\n';
/** The samples' headers are 17.5 KB; a header without `[Data]` in its first 1 MB is not one. */
const MAX_HEADER_BYTES = 1024 * 1024;

/** Header keys (first occurrence wins) by lower-cased name. */
export type FieldMapHeader = Map<string, string>;

/** Reads the text header and leaves the reader at the first frame. */
export async function readFieldMapHeader(reader: ByteReader): Promise<FieldMapHeader> {
  let want = 4096;
  for (;;) {
    const complete = await reader.fill(want);
    const head = reader.peek();
    const text = head.toString('latin1');
    if (!text.startsWith(FIELD_MAP_MAGIC)) throw reader.damaged(`it does not start with ${FIELD_MAP_MAGIC}`);
    const marker = text.indexOf(DATA_MARKER);
    if (marker >= 0) {
      const headerText = head.subarray(0, marker).toString('utf8');
      reader.skip(marker + DATA_MARKER.length);
      return parseIni(headerText);
    }
    if (!complete) throw reader.damaged('the text header ends before its [Data] line');
    if (want >= MAX_HEADER_BYTES) throw reader.damaged(`no [Data] line in the first ${MAX_HEADER_BYTES} bytes`);
    want *= 2;
  }
}

function parseIni(text: string): FieldMapHeader {
  const values: FieldMapHeader = new Map();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (line.startsWith('[') || eq <= 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    if (!values.has(key)) values.set(key, line.slice(eq + 1).trim());
  }
  return values;
}

function text(header: FieldMapHeader, key: string): string | undefined {
  const value = header.get(key);
  return value ? value : undefined;
}

function num(header: FieldMapHeader, key: string): number | undefined {
  const value = header.get(key);
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export interface PlanterSetup {
  crop?: string;
  grower?: string;
  farm?: string;
  field?: string;
  prescription?: string;
  hybrids: string[];
  machinery: Machine[];
  rows?: number;
  rowSpacingIn?: number;
  /** Lateral offset of each row from the planter centre in feet, negative = left (`planter_row_y_offset`). */
  rowOffsetsFt: number[];
  driveSystem?: string;
  downForceSystem?: string;
}

export function planterSetup(header: FieldMapHeader): PlanterSetup {
  const rows = num(header, 'planter_num_rows');
  const hybrids: string[] = [];
  for (let i = 1; header.has(`seed_hybrid_name_${i}`); i++) {
    const name = text(header, `seed_hybrid_name_${i}`);
    if (name && !hybrids.includes(name)) hybrids.push(name);
  }
  const machinery: Machine[] = [];
  const tractor = [text(header, 'tractor_make'), text(header, 'tractor_model')].filter(Boolean).join(' ');
  if (tractor) machinery.push({ name: tractor, type: 'machine', brand: text(header, 'tractor_make') });
  const planterMake = text(header, 'planter_make');
  const planterModel = text(header, 'planter_model');
  const spacing = num(header, 'planter_row_spacing');
  const size = rows !== undefined ? ` ${rows} rows${spacing !== undefined ? ` × ${spacing} in` : ''}` : '';
  machinery.push({ name: `${[planterMake, planterModel].filter(Boolean).join(' ') || 'Planter'}${planterMake || planterModel ? ' planter' : ''}${size}`, type: 'implement', brand: planterMake });
  // `Custom:-18.75,-16.25,…` lists offsets for the display's maximum row count; only the planter's rows count.
  const offsets = (header.get('planter_row_y_offset') ?? '')
    .replace(/^[^:]*:/, '')
    .split(',')
    .map(Number)
    .slice(0, rows ?? 0);
  const prescription = text(header, 'field_prescription_name');
  return {
    crop: text(header, 'crop_name'),
    grower: text(header, 'field_client_name'),
    farm: text(header, 'field_farm_name'),
    field: text(header, 'field_name'),
    // The display prefixes the prescription's name with its folder letter (`M/TerhuneRx2015_poly`).
    prescription: prescription?.replace(/^[A-Z]\//, ''),
    hybrids,
    machinery,
    rows,
    rowSpacingIn: spacing,
    rowOffsetsFt: offsets.every(Number.isFinite) ? offsets : [],
    driveSystem: text(header, 'planter_drive_system'),
    downForceSystem: text(header, 'planter_down_force_system'),
  };
}

export const FIELD_MAP_COLUMNS: readonly ColumnSpec[] = [
  { key: 'row', label: 'Row number (2.4.1 / 2 + 1)', kind: 'number', standard: 'sectionId' },
  { key: 'population', label: 'Row population (2.4.15)', kind: 'number', unit: 'seeds/ac', standard: 'seedRate' },
  { key: 'width', label: 'Row spacing (header planter_row_spacing)', kind: 'number', unit: 'in', standard: 'equipmentWidth' },
  { key: 'workingWidth', label: 'Working width of the row: its spacing while it plants (logs a population, 2.4.15), else 0', kind: 'number', unit: 'in', standard: 'workingWidth' },
  { key: 'f2_4_11', label: 'Field 2.4.11 (per row; unidentified)', kind: 'number' },
  { key: 'f2_4_9', label: 'Field 2.4.9 (per row; unidentified)', kind: 'number' },
];

const FEET = 0.3048;
const METRES_PER_DEGREE = 111_320;
/** About one frame at planting speed (2 m/s × 0.2 s = 0.4 m). */
const MIN_BASELINE_M = 0.5;
/** Larger direction changes between two updates are reversing, not turning (radians). */
const MAX_TURN_PER_UPDATE = (120 * Math.PI) / 180;

function angleBetween(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return d > Math.PI ? 2 * Math.PI - d : d;
}

/**
 * Turns frames into row points. Each frame logs one planter position; the rows are placed across
 * the direction of travel at their configured offsets, the direction taken from the track of the
 * planter positions (the frames' own heading field is not identified).
 */
export class FieldMapDecoder {
  private prev?: { lat: number; lon: number };
  private heading = NaN;

  constructor(private readonly setup: PlanterSetup) {}

  decode(frame: Message): PointRow[] {
    const top = frame.sub(1);
    const time = top?.sub(2)?.varint(1);
    const position = top?.sub(5);
    const lat = position?.f64(1);
    const lon = position?.f64(2);
    if (time === undefined || lat === undefined || lon === undefined) return [];
    if (!Number.isFinite(this.heading)) this.headingFromHitch(lat, lon, top?.sub(2)?.sub(11));
    this.track(lat, lon);
    const points: PointRow[] = [];
    for (const rowsMessage of frame.subs(2)) {
      for (const entry of rowsMessage.subs(4)) {
        const index = entry.varint(1);
        if (index === undefined) continue;
        const row = index / 2 + 1;
        const [rowLat, rowLon] = this.place(lat, lon, this.setup.rowOffsetsFt[row - 1]);
        points.push({
          time: time / 1000,
          lat: rowLat,
          lon: rowLon,
          numbers: {
            row,
            population: entry.varint(15) ?? NaN,
            width: this.setup.rowSpacingIn ?? NaN,
            // A row that is not planting logs no population (row clutches, the planter lifted: FORMAT.md).
            workingWidth: entry.varint(15) === undefined ? 0 : (this.setup.rowSpacingIn ?? NaN),
            f2_4_11: entry.varint(11) ?? NaN,
            f2_4_9: entry.varint(9) ?? NaN,
          },
        });
      }
    }
    return points;
  }

  /**
   * Before the planter has moved, its direction is that from the planter position to the GPS fix
   * (1.2.11), which the display places 9.2 m ahead along the machine in the samples.
   */
  private headingFromHitch(lat: number, lon: number, fix: Message | undefined): void {
    const fixLat = fix?.f64(1);
    const fixLon = fix?.f64(2);
    if (fixLat === undefined || fixLon === undefined) return;
    const north = (fixLat - lat) * METRES_PER_DEGREE;
    const east = (fixLon - lon) * METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
    if (Math.hypot(north, east) >= 1) this.heading = Math.atan2(east, north);
  }

  /** Direction of travel over at least MIN_BASELINE_M of track, so GPS jitter while standing cannot swing the rows round. */
  private track(lat: number, lon: number): void {
    if (this.prev) {
      const north = (lat - this.prev.lat) * METRES_PER_DEGREE;
      const east = (lon - this.prev.lon) * METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
      if (Math.hypot(north, east) < MIN_BASELINE_M) return;
      const heading = Math.atan2(east, north);
      // A planter turns over many frames; a track that flips round between two updates is the
      // tractor backing up, and the machine still faces the way it did, so its rows stay put.
      if (!Number.isFinite(this.heading) || angleBetween(heading, this.heading) < MAX_TURN_PER_UPDATE) this.heading = heading;
    }
    this.prev = { lat, lon };
  }

  private place(lat: number, lon: number, offsetFt: number | undefined): [number, number] {
    if (offsetFt === undefined || !Number.isFinite(this.heading)) return [lat, lon];
    const d = offsetFt * FEET;
    // To the right of the direction of travel: east = cos h, north = −sin h (h clockwise from north).
    const north = -d * Math.sin(this.heading);
    const east = d * Math.cos(this.heading);
    return [lat + north / METRES_PER_DEGREE, lon + east / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180))];
  }
}
