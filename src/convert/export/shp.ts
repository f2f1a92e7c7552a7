/**
 * ESRI shapefile geometry (.shp) and index (.shx), per the ESRI Shapefile Technical Description
 * (1998): a 100-byte header (big-endian file code 9994 and length in 16-bit words, then
 * little-endian version 1000, shape type and bounding box), then records of an 8-byte big-endian
 * header (number, content length in words) and little-endian content. The .shx has the same
 * header and one 8-byte entry (offset, content length, in words) per record.
 */
import type { GeoJsonGeometry } from './geojson-source.ts';
import type { GeometryFamily } from './schema.ts';

export const SHAPE_TYPE: Record<GeometryFamily, number> = { point: 1, line: 3, polygon: 5, multipoint: 8 };
export const SHP_HEADER_BYTES = 100;
export const RECORD_HEADER_BYTES = 8;

/** A geometry as shapefile parts: lists of [x, y], polygon rings already in ESRI winding. */
export type ShapeParts = number[][][];

function positions(value: unknown): number[][] {
  return (value as number[][]).map((p) => [p[0], p[1]]);
}

/** Shoelace sum (twice the area); positive = counter-clockwise with y pointing north. */
function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return sum;
}

/** ESRI rings are closed, outer rings clockwise and holes counter-clockwise (the opposite of RFC 7946). */
function esriRing(ring: number[][], outer: boolean): number[][] {
  const out = ring.slice();
  const first = out[0];
  const last = out[out.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) out.push(first.slice());
  if (signedArea(out) < 0 !== outer) out.reverse();
  return out;
}

/** Flattens a GeoJSON geometry into shapefile parts (null geometry → no parts = null shape). */
export function shapeParts(geometry: GeoJsonGeometry | null): ShapeParts {
  if (geometry === null) return [];
  const c = geometry.coordinates;
  switch (geometry.type) {
    case 'Point':
      return [positions([c])];
    case 'MultiPoint':
    case 'LineString':
      return [positions(c)];
    case 'MultiLineString':
      return (c as unknown[]).map(positions);
    case 'Polygon':
      return (c as unknown[]).map((ring, index) => esriRing(positions(ring), index === 0)).filter((ring) => ring.length >= 4);
    case 'MultiPolygon':
      return (c as unknown[][]).flatMap((polygon) => polygon.map((ring, index) => esriRing(positions(ring), index === 0)).filter((ring) => ring.length >= 4));
    default:
      throw new Error(`geometry type ${geometry.type} cannot be written to a shapefile`);
  }
}

/** Bytes of a record's content (after its 8-byte header). */
export function shapeContentBytes(family: GeometryFamily, parts: ShapeParts): number {
  if (parts.length === 0 || parts.every((p) => p.length === 0)) return 4;
  const points = parts.reduce((sum, p) => sum + p.length, 0);
  switch (family) {
    case 'point':
      return 20;
    case 'multipoint':
      return 40 + 16 * points;
    case 'line':
    case 'polygon':
      return 44 + 4 * parts.length + 16 * points;
  }
}

/** Writes a record's content into `out` at `offset`; returns the bytes written. */
export function encodeShape(family: GeometryFamily, parts: ShapeParts, out: Buffer, offset: number): number {
  const points = parts.reduce((sum, p) => sum + p.length, 0);
  if (points === 0) {
    out.writeInt32LE(0, offset); // null shape
    return 4;
  }
  out.writeInt32LE(SHAPE_TYPE[family], offset);
  if (family === 'point') {
    out.writeDoubleLE(parts[0][0][0], offset + 4);
    out.writeDoubleLE(parts[0][0][1], offset + 12);
    return 20;
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const part of parts) {
    for (const [x, y] of part) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  let at = offset + 4;
  for (const v of [minX, minY, maxX, maxY]) {
    out.writeDoubleLE(v, at);
    at += 8;
  }
  if (family !== 'multipoint') {
    out.writeInt32LE(parts.length, at);
    at += 4;
  }
  out.writeInt32LE(points, at);
  at += 4;
  if (family !== 'multipoint') {
    let start = 0;
    for (const part of parts) {
      out.writeInt32LE(start, at);
      at += 4;
      start += part.length;
    }
  }
  for (const part of parts) {
    for (const [x, y] of part) {
      out.writeDoubleLE(x, at);
      out.writeDoubleLE(y, at + 8);
      at += 16;
    }
  }
  return at - offset;
}

/** The 100-byte header shared by .shp and .shx. */
export function shpHeader(family: GeometryFamily | null, fileBytes: number, bbox: readonly number[] | null): Buffer {
  const header = Buffer.alloc(SHP_HEADER_BYTES);
  header.writeInt32BE(9994, 0);
  header.writeInt32BE(fileBytes / 2, 24);
  header.writeInt32LE(1000, 28);
  header.writeInt32LE(family === null ? 0 : SHAPE_TYPE[family], 32);
  if (bbox !== null) bbox.forEach((v, i) => header.writeDoubleLE(v, 36 + 8 * i));
  return header;
}
