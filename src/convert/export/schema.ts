import type { GeoJsonFeature, GeoJsonGeometry, JsonValue } from './geojson-source.ts';

/** Geometry families a single-type GIS layer can hold (a shapefile holds exactly one). */
export type GeometryFamily = 'point' | 'multipoint' | 'line' | 'polygon';

export interface FieldStats {
  name: string;
  numbers: number;
  strings: number;
  booleans: number;
  /** Arrays and objects: exported as JSON text. */
  others: number;
  /** Characters left of the decimal point, sign included. */
  intDigits: number;
  /** Digits right of the decimal point needed to write every value back exactly (capped at 15). */
  decimals: number;
  /** Longest text value in UTF-8 bytes (numbers and JSON as they would be written as text). */
  textBytes: number;
}

export type FieldKind = 'number' | 'string' | 'boolean';

export interface LayerSchema {
  featureCount: number;
  family: GeometryFamily | null;
  /** Which GeoJSON types were seen within the family (Polygon and/or MultiPolygon, ...). */
  types: Set<string>;
  bbox: [number, number, number, number] | null;
  fields: FieldStats[];
}

/** A field's storage kind: any text makes it text; booleans only when nothing else was seen. */
export function fieldKind(field: FieldStats): FieldKind {
  if (field.strings > 0 || field.others > 0 || (field.booleans > 0 && field.numbers > 0)) return 'string';
  if (field.booleans > 0) return 'boolean';
  return 'number';
}

const FAMILY: Record<string, GeometryFamily> = {
  Point: 'point',
  MultiPoint: 'multipoint',
  LineString: 'line',
  MultiLineString: 'line',
  Polygon: 'polygon',
  MultiPolygon: 'polygon',
};

/** The family of a GeoJSON geometry type, or an error naming the unsupported type. */
export function geometryFamily(type: string): GeometryFamily {
  const family = FAMILY[type];
  if (family === undefined) throw new Error(`geometry type ${type} cannot be exported (Point, MultiPoint, LineString, MultiLineString, Polygon and MultiPolygon can)`);
  return family;
}

/** Text form of a non-string value in a text column. */
export function valueAsText(value: JsonValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Characters left of the decimal point (sign included) and digits right of it needed to write
 * `value` back exactly, from its shortest round-trip form (exponent forms handled; decimals
 * capped at 15, the most toFixed can keep meaningful for doubles).
 */
function numberWidth(text: string, value: number): [number, number] {
  const e = text.indexOf('e');
  if (e < 0) {
    const dot = text.indexOf('.');
    return dot < 0 ? [text.length, 0] : [dot, Math.min(15, text.length - dot - 1)];
  }
  const sign = value < 0 ? 1 : 0;
  const exponent = Number(text.slice(e + 1));
  if (exponent > 0) return [sign + Math.trunc(Math.abs(value)).toFixed(0).length, 0];
  const mantissa = text.slice(sign, e);
  const dot = mantissa.indexOf('.');
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  return [sign + 1, Math.min(15, fraction - exponent)];
}

/**
 * Accumulates, feature by feature, what a fixed-schema format must know before its first record:
 * count, geometry family, extent and each property's type and widest value. Exporters make this
 * first pass over the file and write in a second one, so neither holds the features in memory.
 */
export class SchemaScanner {
  private count = 0;
  private family: GeometryFamily | null = null;
  private readonly types = new Set<string>();
  private readonly bbox = [Infinity, Infinity, -Infinity, -Infinity];
  private readonly fields = new Map<string, FieldStats>();

  add(feature: GeoJsonFeature): void {
    this.count++;
    if (feature.geometry !== null) this.addGeometry(feature.geometry);
    if (feature.properties === null) return;
    const properties = feature.properties;
    // for…in rather than Object.entries: this runs for every property of millions of features.
    for (const name in properties) {
      const value = properties[name];
      let field = this.fields.get(name);
      if (field === undefined) {
        field = { name, numbers: 0, strings: 0, booleans: 0, others: 0, intDigits: 1, decimals: 0, textBytes: 0 };
        this.fields.set(name, field);
      }
      if (value === null) continue;
      let bytes: number;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) continue;
        field.numbers++;
        const text = String(value);
        const [digits, decimals] = numberWidth(text, value);
        if (digits > field.intDigits) field.intDigits = digits;
        if (decimals > field.decimals) field.decimals = decimals;
        bytes = text.length;
      } else if (typeof value === 'string') {
        field.strings++;
        // UTF-8 takes at most 3 bytes per UTF-16 unit: skip the count when it cannot beat the maximum.
        bytes = value.length * 3 <= field.textBytes ? 0 : Buffer.byteLength(value, 'utf8');
      } else {
        if (typeof value === 'boolean') field.booleans++;
        else field.others++;
        bytes = Buffer.byteLength(valueAsText(value), 'utf8');
      }
      if (bytes > field.textBytes) field.textBytes = bytes;
    }
  }

  result(): LayerSchema {
    const [minX, minY, maxX, maxY] = this.bbox;
    return {
      featureCount: this.count,
      family: this.family,
      types: this.types,
      bbox: minX <= maxX ? [minX, minY, maxX, maxY] : null,
      fields: [...this.fields.values()],
    };
  }

  private addGeometry(geometry: GeoJsonGeometry): void {
    const family = geometryFamily(geometry.type);
    if (this.family !== null && this.family !== family) {
      throw new Error(`features mix ${[...this.types].join('/')} and ${geometry.type} geometries: a layer holds one geometry type, export them separately`);
    }
    this.family = family;
    this.types.add(geometry.type);
    forEachPosition(geometry, (x, y) => {
      if (x < this.bbox[0]) this.bbox[0] = x;
      if (y < this.bbox[1]) this.bbox[1] = y;
      if (x > this.bbox[2]) this.bbox[2] = x;
      if (y > this.bbox[3]) this.bbox[3] = y;
    });
  }
}

/** Visits every position of a geometry; throws on malformed coordinates. */
export function forEachPosition(geometry: GeoJsonGeometry, visit: (x: number, y: number) => void): void {
  const depth = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 }[geometry.type];
  if (depth === undefined) throw new Error(`geometry type ${geometry.type} cannot be exported`);
  const walk = (value: unknown, level: number): void => {
    if (!Array.isArray(value)) throw new Error(`malformed ${geometry.type} coordinates`);
    if (level === 0) {
      const [x, y] = value as unknown[];
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`malformed ${geometry.type} position`);
      visit(x, y);
      return;
    }
    for (const item of value) walk(item, level - 1);
  };
  walk(geometry.coordinates, depth);
}
