/**
 * Hand-built shapefile bytes for the reader tests, written from the ESRI Shapefile Technical
 * Description (July 1998) and the dBase III table layout, independently of the readers.
 */

/** A .shp: 100-byte header (file code 9994 and length big-endian, version 1000 and type little-endian), then records. */
export function shpFile(shapeType: number, contents: Buffer[], bbox: [number, number, number, number] = [0, 0, 0, 0]): Buffer {
  const records = contents.map((content, i) => {
    const head = Buffer.alloc(8);
    head.writeInt32BE(i + 1, 0);
    head.writeInt32BE(content.length / 2, 4);
    return Buffer.concat([head, content]);
  });
  const body = Buffer.concat(records);
  const header = Buffer.alloc(100);
  header.writeInt32BE(9994, 0);
  header.writeInt32BE((100 + body.length) / 2, 24);
  header.writeInt32LE(1000, 28);
  header.writeInt32LE(shapeType, 32);
  bbox.forEach((v, i) => header.writeDoubleLE(v, 36 + 8 * i));
  return Buffer.concat([header, body]);
}

function doubles(type: number, values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeInt32LE(type, 0);
  values.forEach((v, i) => b.writeDoubleLE(v, 4 + 8 * i));
  return b;
}

export const point = (x: number, y: number): Buffer => doubles(1, [x, y]);
export const pointZ = (x: number, y: number, z: number, m: number): Buffer => doubles(11, [x, y, z, m]);
export const pointM = (x: number, y: number, m: number): Buffer => doubles(21, [x, y, m]);
export const nullShape = (): Buffer => doubles(0, []);

/** MultiPoint (type 8): box, count, points. */
export function multiPoint(points: [number, number][]): Buffer {
  const b = Buffer.alloc(4 + 32 + 4 + 16 * points.length);
  b.writeInt32LE(8, 0);
  b.writeInt32LE(points.length, 36);
  points.forEach(([x, y], i) => {
    b.writeDoubleLE(x, 40 + 16 * i);
    b.writeDoubleLE(y, 48 + 16 * i);
  });
  return b;
}

/** Polygon (type 5): box, part count, point count, part starts, points (rings closed by the caller). */
export function polygon(rings: [number, number][][]): Buffer {
  const total = rings.reduce((n, r) => n + r.length, 0);
  const b = Buffer.alloc(4 + 32 + 8 + 4 * rings.length + 16 * total);
  b.writeInt32LE(5, 0);
  b.writeInt32LE(rings.length, 36);
  b.writeInt32LE(total, 40);
  let start = 0;
  let at = 44 + 4 * rings.length;
  rings.forEach((ring, i) => {
    b.writeInt32LE(start, 44 + 4 * i);
    start += ring.length;
    for (const [x, y] of ring) {
      b.writeDoubleLE(x, at);
      b.writeDoubleLE(y, at + 8);
      at += 16;
    }
  });
  return b;
}

export interface FieldDef {
  name: string;
  type: 'C' | 'N' | 'D' | 'L';
  length: number;
  decimals?: number;
}

/**
 * A dBase III table: 32-byte header (version 3, record count, header and record lengths, language
 * driver at byte 29), 32-byte field descriptors, 0x0D, records (flag byte + space-padded values), 0x1A.
 * Values are latin1 text, or raw bytes when given as a Buffer; `deleted` marks rows with '*'.
 */
export function dbfFile(fields: FieldDef[], rows: (string | number | Buffer)[][], options: { languageDriver?: number; deleted?: number[] } = {}): Buffer {
  const recordLength = 1 + fields.reduce((n, f) => n + f.length, 0);
  const headerLength = 32 + 32 * fields.length + 1;
  const header = Buffer.alloc(headerLength);
  header[0] = 3;
  header.writeUInt32LE(rows.length, 4);
  header.writeUInt16LE(headerLength, 8);
  header.writeUInt16LE(recordLength, 10);
  header[29] = options.languageDriver ?? 0;
  fields.forEach((f, i) => {
    const at = 32 + 32 * i;
    header.write(f.name, at, 'latin1');
    header[at + 11] = f.type.charCodeAt(0);
    header[at + 16] = f.length;
    header[at + 17] = f.decimals ?? 0;
  });
  header[headerLength - 1] = 0x0d;
  const records = rows.map((row, r) => {
    const rec = Buffer.alloc(recordLength, 0x20);
    if (options.deleted?.includes(r)) rec[0] = 0x2a;
    let at = 1;
    fields.forEach((f, i) => {
      const value = row[i]!;
      const bytes = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'number' ? value.toFixed(f.decimals ?? 0) : value, 'latin1');
      // Numbers are right-aligned, text left-aligned, as dBase writes them.
      const offset = f.type === 'N' ? f.length - bytes.length : 0;
      bytes.copy(rec, at + offset, 0, Math.min(bytes.length, f.length));
      at += f.length;
    });
    return rec;
  });
  return Buffer.concat([header, ...records, Buffer.from([0x1a])]);
}

/** Splits bytes into small chunks, so readers cross chunk boundaries inside records. */
export async function* chunked(bytes: Buffer, size = 7): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
