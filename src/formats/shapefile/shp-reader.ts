import { DatasetError } from '../types.ts';
import { ByteSource } from './bytes.ts';

/** Shape types of the ESRI Shapefile Technical Description (July 1998), table 1. */
export const SHAPE_TYPES: Readonly<Record<number, string>> = {
  0: 'Null',
  1: 'Point',
  3: 'PolyLine',
  5: 'Polygon',
  8: 'MultiPoint',
  11: 'PointZ',
  13: 'PolyLineZ',
  15: 'PolygonZ',
  18: 'MultiPointZ',
  21: 'PointM',
  23: 'PolyLineM',
  25: 'PolygonM',
  28: 'MultiPointM',
  31: 'MultiPatch',
};

export type ShapeFamily = 'point' | 'multipoint' | 'polygon' | 'polyline' | 'other';

export function shapeFamily(type: number): ShapeFamily {
  switch (type % 10) {
    case 1:
      return 'point';
    case 8:
      return 'multipoint';
    case 5:
      return 'polygon';
    case 3:
      return 'polyline';
    default:
      return 'other';
  }
}

export interface ShpHeader {
  shapeType: number;
  /** xmin, ymin, xmax, ymax as the header declares them (source coordinates). */
  bbox: [number, number, number, number];
}

/** The position of one record, overwritten by each `next()` so that reading allocates nothing per point. */
export interface ShpPoint {
  /** 1-based record number as written in the record header. */
  recordNumber: number;
  /** False for a Null shape (no position). */
  hasPosition: boolean;
  x: number;
  y: number;
  /** NaN when the shape type has no Z. */
  z: number;
  /** NaN when absent or "no data" (any value below -1e38 per the specification). */
  m: number;
}

const HEADER_BYTES = 100;
const FILE_CODE = 9994;
const NO_DATA_LIMIT = -1e38;
/**
 * A point record is 20-36 bytes and a field-coverage polygon a few kB; a record length beyond
 * this is a damaged header, and trusting it would buffer the rest of the file in memory.
 */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * Streaming reader of a .shp's records, one position per record: the point itself, the first
 * point of a multipoint, or the area centroid of a polygon (what a coverage polygon stands for).
 * Line and multipatch layers are refused: they are not per-point machine records.
 */
export class ShpReader {
  readonly point: ShpPoint = { recordNumber: 0, hasPosition: false, x: NaN, y: NaN, z: NaN, m: NaN };
  /** Set when the file ends inside a record: says where, for the operation's warnings. */
  truncated?: string;
  private records = 0;

  private constructor(
    private readonly source: ByteSource,
    readonly header: ShpHeader,
    private readonly fileName: string,
  ) {}

  static async open(chunks: AsyncIterable<Buffer | Uint8Array | string>, fileName: string): Promise<ShpReader> {
    const source = new ByteSource(chunks, fileName);
    if (!(await source.ensure(HEADER_BYTES))) {
      await source.close();
      throw new DatasetError(`${fileName} is not a shapefile: it is ${source.available} bytes long, shorter than the 100-byte header`);
    }
    const head = source.take(HEADER_BYTES);
    if (head.readInt32BE(0) !== FILE_CODE) {
      await source.close();
      throw new DatasetError(`${fileName} is not a shapefile: its file code is ${head.readInt32BE(0)}, not 9994`);
    }
    const shapeType = head.readInt32LE(32);
    const family = shapeFamily(shapeType);
    if (!(shapeType in SHAPE_TYPES) || family === 'polyline' || family === 'other') {
      await source.close();
      const name = SHAPE_TYPES[shapeType] ?? `unknown type ${shapeType}`;
      throw new DatasetError(`${fileName} holds ${name} shapes; only point, multipoint and polygon layers carry machine points`);
    }
    const bbox: [number, number, number, number] = [head.readDoubleLE(36), head.readDoubleLE(44), head.readDoubleLE(52), head.readDoubleLE(60)];
    return new ShpReader(source, { shapeType, bbox }, fileName);
  }

  /**
   * Reads the next record into `point` when its bytes are already buffered (true); undefined when
   * they are not, and `next()` must be awaited. Keeps the usual record free of promises.
   */
  nextBuffered(): true | undefined {
    const source = this.source;
    if (source.available < 8) return undefined;
    const bytes = source.bytes;
    const at = source.takeAt(0);
    const contentBytes = bytes.readInt32BE(at + 4) * 2;
    if (contentBytes < 4 || contentBytes > MAX_RECORD_BYTES || source.available < 8 + contentBytes) return undefined;
    const recordNumber = bytes.readInt32BE(at);
    source.takeAt(8 + contentBytes);
    this.records++;
    this.decode(bytes, at + 8, contentBytes, recordNumber);
    return true;
  }

  /** Reads the next record into `point`; false at the end of the file (or where it is cut). */
  async next(): Promise<boolean> {
    if (this.nextBuffered()) return true;
    const source = this.source;
    if (source.available < 8 && !(await source.ensure(8))) {
      if (source.available > 0) this.truncated = `${this.fileName} ends inside the header of record ${this.records + 1} (${source.available} of 8 bytes)`;
      return false;
    }
    const head = source.take(8);
    const recordNumber = head.readInt32BE(0);
    const contentBytes = head.readInt32BE(4) * 2;
    if (contentBytes < 4 || contentBytes > MAX_RECORD_BYTES) {
      throw new DatasetError(`${this.fileName}: record ${this.records + 1} declares ${contentBytes} content bytes; the file is damaged there`);
    }
    if (source.available < contentBytes && !(await source.ensure(contentBytes))) {
      this.truncated = `${this.fileName} ends inside record ${this.records + 1} (${source.available} of ${contentBytes} bytes)`;
      return false;
    }
    this.records++;
    const at = source.takeAt(contentBytes);
    this.decode(source.bytes, at, contentBytes, recordNumber);
    return true;
  }

  async close(): Promise<void> {
    await this.source.close();
  }

  private tooShort(length: number, needed: number, recordNumber: number, type: number): never {
    throw new DatasetError(`${this.fileName}: record ${recordNumber} is ${length} bytes, too short for its ${SHAPE_TYPES[type]} (${needed} bytes)`);
  }

  /** Decodes the record content at `buf[at, at + length)`. */
  private decode(buf: Buffer, at: number, length: number, recordNumber: number): void {
    const p = this.point;
    p.recordNumber = recordNumber;
    p.hasPosition = false;
    p.x = p.y = p.z = p.m = NaN;
    const type = buf.readInt32LE(at);
    if (type === 0) return;
    if (type !== this.header.shapeType) {
      throw new DatasetError(`${this.fileName}: record ${recordNumber} is a ${SHAPE_TYPES[type] ?? `type ${type}`} in a ${SHAPE_TYPES[this.header.shapeType]} layer; the file is damaged`);
    }
    switch (shapeFamily(type)) {
      case 'point': {
        if (length < 20) this.tooShort(length, 20, recordNumber, type);
        p.x = buf.readDoubleLE(at + 4);
        p.y = buf.readDoubleLE(at + 12);
        if (type === 11) {
          if (length < 28) this.tooShort(length, 28, recordNumber, type);
          p.z = buf.readDoubleLE(at + 20);
          // M is optional in PointZ records (36 bytes with it, 28 without).
          if (length >= 36) p.m = noData(buf.readDoubleLE(at + 28));
        } else if (type === 21) {
          if (length < 28) this.tooShort(length, 28, recordNumber, type);
          p.m = noData(buf.readDoubleLE(at + 20));
        }
        break;
      }
      case 'multipoint': {
        if (length < 40) this.tooShort(length, 40, recordNumber, type);
        const count = buf.readInt32LE(at + 36);
        if (count <= 0) return;
        if (length < 40 + 16 * count) this.tooShort(length, 40 + 16 * count, recordNumber, type);
        p.x = buf.readDoubleLE(at + 40);
        p.y = buf.readDoubleLE(at + 48);
        // Z and M arrays follow the points, each after its own 16-byte range.
        const zStart = 40 + 16 * count + 16;
        if (type === 18 && length >= zStart + 8 * count) p.z = buf.readDoubleLE(at + zStart);
        const mStart = type === 18 ? zStart + 8 * count + 16 : type === 28 ? zStart : -1;
        if (mStart > 0 && length >= mStart + 8 * count) p.m = noData(buf.readDoubleLE(at + mStart));
        break;
      }
      case 'polygon': {
        if (length < 44) this.tooShort(length, 44, recordNumber, type);
        const parts = buf.readInt32LE(at + 36);
        const points = buf.readInt32LE(at + 40);
        if (points <= 0 || parts <= 0) return;
        if (length < 44 + 4 * parts + 16 * points) this.tooShort(length, 44 + 4 * parts + 16 * points, recordNumber, type);
        const [x, y] = polygonCentroid(buf, at + 44, parts, at + 44 + 4 * parts, points);
        p.x = x;
        p.y = y;
        break;
      }
      default:
        return;
    }
    p.hasPosition = Number.isFinite(p.x) && Number.isFinite(p.y);
  }
}

function noData(m: number): number {
  return m < NO_DATA_LIMIT ? NaN : m;
}

/**
 * Area-weighted centroid of all rings together. Shapefile outer rings run clockwise and holes
 * counter-clockwise, so summing signed areas over every ring subtracts the holes by itself.
 * Degenerate (zero-area) polygons fall back to the mean of their vertices.
 */
export function polygonCentroid(content: Buffer, partsOffset: number, parts: number, pointsOffset: number, count: number): [number, number] {
  // Work relative to the first vertex: keeps precision for projected coordinates in the millions.
  const x0 = content.readDoubleLE(pointsOffset);
  const y0 = content.readDoubleLE(pointsOffset + 8);
  const px = (i: number) => content.readDoubleLE(pointsOffset + 16 * i) - x0;
  const py = (i: number) => content.readDoubleLE(pointsOffset + 16 * i + 8) - y0;
  let twiceArea = 0;
  let cx = 0;
  let cy = 0;
  let sx = 0;
  let sy = 0;
  for (let part = 0; part < parts; part++) {
    const first = Math.max(0, content.readInt32LE(partsOffset + 4 * part));
    const end = Math.min(count, part + 1 < parts ? content.readInt32LE(partsOffset + 4 * (part + 1)) : count);
    for (let i = first; i < end; i++) {
      const ax = px(i);
      const ay = py(i);
      sx += ax;
      sy += ay;
      // Each ring on its own, closed back to its first vertex (a no-op edge when the file repeats it).
      const j = i + 1 < end ? i + 1 : first;
      const bx = px(j);
      const by = py(j);
      const cross = ax * by - bx * ay;
      twiceArea += cross;
      cx += (ax + bx) * cross;
      cy += (ay + by) * cross;
    }
  }
  if (Math.abs(twiceArea) < 1e-18) return [x0 + sx / count, y0 + sy / count];
  return [x0 + cx / (3 * twiceArea), y0 + cy / (3 * twiceArea)];
}
