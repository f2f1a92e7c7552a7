import type { ColumnSpec, Machine, ProductUse } from '../types.ts';
import { Message, nonEmpty, orNaN } from './message.ts';
import type { PointRow } from './points.ts';

/*
 * As-applied liquid maps (`liquid_map_*.dat`): one protobuf message per file; top-level field 1 is
 * the header (sprayer, boom sections, products, grower/farm/field), field 2 repeats once per 0.2 s
 * record. Field meanings and their evidence: FORMAT.md.
 */

export interface LiquidProduct {
  name: string;
  /** Header rate and its unit code as logged (1.2.1.2, 1.2.1.4); the unit code is not identified. */
  rate?: number;
  unitCode?: number;
}

export interface LiquidHeader {
  machinery: Machine[];
  /** Boom width in inches (1.1.2.10). */
  boomWidthIn?: number;
  /** Width in inches of each nozzle, by nozzle index (from the boom sections 1.1.4). */
  nozzleWidthIn: Map<number, number>;
  products: LiquidProduct[];
  /** Name of the mix the products are applied in (1.4). */
  mixName?: string;
  /** Target rate of the mix (1.7); unit not identified. */
  mixRate?: number;
  grower?: string;
  farm?: string;
  field?: string;
}

export function parseLiquidHeader(header: Message): LiquidHeader {
  const machine = header.sub(1);
  const sprayer = machine?.sub(2);
  const machinery: Machine[] = [];
  const brand = nonEmpty(sprayer?.str(1));
  const model = nonEmpty(sprayer?.str(3));
  const name = [brand, model].filter(Boolean).join(' ');
  if (name) machinery.push({ name, type: 'machine', brand });
  const nozzleWidthIn = new Map<number, number>();
  for (const section of machine?.subs(4) ?? []) {
    const spacing = section.f64(1);
    if (spacing === undefined) continue;
    for (const nozzle of section.varints(2)) nozzleWidthIn.set(nozzle, spacing);
  }
  const products: LiquidProduct[] = [];
  for (const product of header.sub(2)?.subs(1) ?? []) {
    const productName = nonEmpty(product.str(1));
    if (productName) products.push({ name: productName, rate: product.f64(2), unitCode: product.varint(4) });
  }
  const place = header.sub(6);
  return {
    machinery,
    boomWidthIn: sprayer?.f64(10),
    nozzleWidthIn,
    products,
    mixName: nonEmpty(header.str(4)),
    mixRate: header.f64(7),
    grower: nonEmpty(place?.sub(3)?.str(1)),
    farm: nonEmpty(place?.sub(4)?.str(1)),
    field: nonEmpty(place?.sub(5)?.str(1)),
  };
}

export function productUses(header: LiquidHeader): ProductUse[] {
  return header.products.map((p) => ({ name: p.name, type: 'Component' }));
}

export const LIQUID_COLUMNS: readonly ColumnSpec[] = [
  { key: 'appliedRate', label: 'Applied rate (2.2.2 / 2.2.3; volume unit taken as US gal)', kind: 'number', unit: 'gal/ac', standard: 'appliedRate' },
  { key: 'width', label: 'Working width: the nozzles on (2.2.1 × boom section spacing), 0 while not spraying', kind: 'number', unit: 'in', standard: 'workingWidth' },
  { key: 'boomWidth', label: 'Boom width (header 1.1.2.10)', kind: 'number', unit: 'in', standard: 'equipmentWidth' },
  { key: 'speed', label: 'Ground speed (2.1.4)', kind: 'number', unit: 'mi/hr', standard: 'speed' },
  { key: 'heading', label: 'GPS heading (2.1.5 / 10)', kind: 'number', unit: 'arcdeg', standard: 'heading' },
  { key: 'elevation', label: 'GPS altitude (2.1.6 / 10)', kind: 'number', unit: 'm', standard: 'elevation' },
  { key: 'recordingStatus', label: 'Spraying: 1 when on (2.3)', kind: 'number', standard: 'recordingStatus' },
  { key: 'nozzlesOn', label: 'Nozzles on (count of 2.2.1)', kind: 'number' },
  { key: 'volumePerNozzle', label: 'Field 2.2.2: volume per nozzle on (unit not labelled)', kind: 'number' },
  { key: 'areaPerNozzle', label: 'Field 2.2.3: area per nozzle on', kind: 'number', unit: 'ac' },
  { key: 'f2_1_14', label: 'Field 2.1.14 (0/1; unidentified)', kind: 'number' },
];

/** Decodes one record (top-level field 2); undefined when it has no GPS fix. */
export function decodeLiquidRecord(record: Message, header: LiquidHeader): PointRow | undefined {
  const gps = record.sub(1);
  const lat = gps?.f64(7);
  const lon = gps?.f64(8);
  const time = gps?.varint(2);
  if (!gps || lat === undefined || lon === undefined || time === undefined) return undefined;
  const applied = record.sub(2);
  const nozzles = applied?.varints(1) ?? [];
  const volume = applied?.f32(2);
  const area = applied?.f32(3);
  let width = 0;
  for (const nozzle of nozzles) width += header.nozzleWidthIn.get(nozzle) ?? NaN;
  const status = record.varint(3);
  return {
    time: time / 1000,
    lat,
    lon,
    numbers: {
      // Both are per-nozzle averages, so their ratio is the rate; no rate where nothing was covered.
      appliedRate: volume !== undefined && area !== undefined && area > 0 ? volume / area : NaN,
      width: applied ? width : NaN,
      boomWidth: header.boomWidthIn ?? NaN,
      speed: orNaN(gps.f32(4)),
      heading: gps.varint(5) === undefined ? NaN : gps.varint(5)! / 10,
      elevation: gps.varint(6) === undefined ? NaN : gps.varint(6)! / 10,
      nozzlesOn: applied ? nozzles.length : NaN,
      volumePerNozzle: orNaN(volume),
      areaPerNozzle: orNaN(area),
      f2_1_14: orNaN(gps.varint(14)),
      recordingStatus: orNaN(status),
    },
  };
}
