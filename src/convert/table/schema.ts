import type { ColumnSpec } from '../../formats/types.ts';
import type { OperationType } from '../../model/operations.ts';
import type { ParquetColumn } from './parquet-format.ts';
import type { PointProducts } from '../point-features.ts';

/** What one operation's table holds, given when it is opened and read back from its metadata. */
export interface TableSchema {
  /** The source's columns as the driver describes them (raw GeoJSON properties, in order). */
  raw: readonly ColumnSpec[];
  /** Standard numeric properties in output order, with their unit codes (the Standardizer's `units`; workingWidth is one of them). */
  standard: readonly (readonly [name: string, unit: string])[];
  /** Standard per-point text properties in output order (e.g. recordingStatus). */
  standardStrings: readonly string[];
  /** Text properties every point shares (operationType, crop, ...), in output order. */
  constants: readonly (readonly [name: string, value: string])[];
  /** Leaf's per-point `products` of an applied operation, built in the views from the rate column; absent in tables of other operations and of Furrow before 0.x. */
  products?: PointProducts;
  /**
   * Standard numeric properties whose values the yield filters moved along time (flow or moisture
   * delay): stored again, as the filtered and annotated layers show them. Empty when no filter shifts.
   */
  shifted?: readonly string[];
  operationType: OperationType;
  /** Reader name and version, stamped into every view. */
  reader: string;
}

/** What the table can give: set at writing from what was added. */
export interface TableContents {
  /** The rows carry standard columns (the operation could be standardized). */
  standard: boolean;
  /** The rows carry the cleanup verdict. */
  cleanup: boolean;
  /** The rows carry the yield filters' verdict. */
  removedBy: boolean;
}

/** Key of the file metadata entry that describes the table (JSON of TableMetadata). */
export const FURROW_KEY = 'furrow';

export interface TableMetadata {
  /** Version of this metadata's layout. */
  table: 1;
  furrowVersion: string;
  schema: TableSchema;
  contents: TableContents;
}

export const GEOMETRY_COLUMN = 'geometry';
export const TIME_COLUMN = 'timestamp';
export const CLEANUP_COLUMN = 'cleanup';
export const REMOVED_BY_COLUMN = 'removedBy';

/** Raw columns are kept apart from the standard ones by a prefix: a source may name a column `speed` too. */
export const rawColumn = (key: string): string => `raw.${key}`;
/** A shifted property's filtered-layer value. */
export const shiftedColumn = (name: string): string => `filtered.${name}`;

/** The file's columns, in order: geometry, time, raw, standard numbers, standard strings, constants, verdicts, shifted values. */
export function tableColumns(schema: TableSchema): ParquetColumn[] {
  const columns: ParquetColumn[] = [
    { name: GEOMETRY_COLUMN, kind: 'point' },
    { name: TIME_COLUMN, kind: 'timestamp' },
    ...schema.raw.map((c): ParquetColumn => ({ name: rawColumn(c.key), kind: c.kind === 'number' ? 'double' : 'string' })),
    // Standard values as the layers print them, 6 decimals: half the bytes of derived doubles (bench/README.md).
    ...schema.standard.map(([name]): ParquetColumn => ({ name, kind: 'decimal' })),
    ...schema.standardStrings.map((name): ParquetColumn => ({ name, kind: 'string' })),
    ...schema.constants.map(([name]): ParquetColumn => ({ name, kind: 'string' })),
    { name: CLEANUP_COLUMN, kind: 'string' },
    { name: REMOVED_BY_COLUMN, kind: 'string' },
    ...(schema.shifted ?? []).map((name): ParquetColumn => ({ name: shiftedColumn(name), kind: 'decimal' })),
  ];
  const seen = new Set<string>();
  for (const { name } of columns) {
    if (seen.has(name)) throw new Error(`table column ${name} appears twice (a standard or constant property with a reserved or repeated name)`);
    seen.add(name);
  }
  const standard = new Set(schema.standard.map(([name]) => name));
  for (const name of schema.shifted ?? []) if (!standard.has(name)) throw new Error(`shifted property ${name} is not a standard property of the table`);
  return columns;
}

/** OGC:CRS84 (WGS 84 longitude/latitude) as PROJJSON, the CRS GeoParquet takes when none is given; written out for readers that want it said. */
const CRS84 = {
  $schema: 'https://proj.org/schemas/v0.7/projjson.schema.json',
  type: 'GeographicCRS',
  name: 'WGS 84 (CRS84)',
  datum_ensemble: {
    name: 'World Geodetic System 1984 ensemble',
    members: [
      { name: 'World Geodetic System 1984 (Transit)' },
      { name: 'World Geodetic System 1984 (G730)' },
      { name: 'World Geodetic System 1984 (G873)' },
      { name: 'World Geodetic System 1984 (G1150)' },
      { name: 'World Geodetic System 1984 (G1674)' },
      { name: 'World Geodetic System 1984 (G1762)' },
      { name: 'World Geodetic System 1984 (G2139)' },
    ],
    ellipsoid: { name: 'WGS 84', semi_major_axis: 6378137, inverse_flattening: 298.257223563 },
    accuracy: '2.0',
    id: { authority: 'EPSG', code: 6326 },
  },
  coordinate_system: {
    subtype: 'ellipsoidal',
    axis: [
      { name: 'Geodetic longitude', abbreviation: 'Lon', direction: 'east', unit: 'degree' },
      { name: 'Geodetic latitude', abbreviation: 'Lat', direction: 'north', unit: 'degree' },
    ],
  },
  scope: 'Not known.',
  area: 'World.',
  bbox: { south_latitude: -90, west_longitude: -180, north_latitude: 90, east_longitude: 180 },
  id: { authority: 'OGC', code: 'CRS84' },
};

/** GeoParquet 1.1 file metadata (the `geo` key) for a WKB point column with its bounding box. */
export function geoMetadata(bbox: readonly [number, number, number, number] | null): string {
  return JSON.stringify({
    version: '1.1.0',
    primary_column: GEOMETRY_COLUMN,
    columns: {
      [GEOMETRY_COLUMN]: {
        encoding: 'WKB',
        geometry_types: ['Point'],
        crs: CRS84,
        ...(bbox ? { bbox } : {}),
      },
    },
  });
}

/** Grows a [minLon, minLat, maxLon, maxLat] box over positions. */
export class BoundingBox {
  private minLon = Infinity;
  private minLat = Infinity;
  private maxLon = -Infinity;
  private maxLat = -Infinity;

  add(lon: Float64Array, lat: Float64Array, length: number): void {
    for (let i = 0; i < length; i++) {
      const x = lon[i]!;
      const y = lat[i]!;
      if (x < this.minLon) this.minLon = x;
      if (x > this.maxLon) this.maxLon = x;
      if (y < this.minLat) this.minLat = y;
      if (y > this.maxLat) this.maxLat = y;
    }
  }

  get box(): [number, number, number, number] | null {
    return this.minLon <= this.maxLon ? [this.minLon, this.minLat, this.maxLon, this.maxLat] : null;
  }
}
