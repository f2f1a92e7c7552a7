/**
 * dBase III (.dbf) attribute tables for shapefiles: a 32-byte header, one 32-byte descriptor per
 * field, 0x0D, then fixed-width text records (a deletion flag byte, then each field padded to its
 * width) and 0x1A. Field names are at most 10 ASCII characters; widths are at most 254 bytes.
 * Text is written as UTF-8, which the .cpg file next to it declares.
 */
import type { JsonValue } from './geojson-source.ts';
import { fieldKind, valueAsText, type FieldStats } from './schema.ts';

export interface DbfField {
  /** Property name in the GeoJSON. */
  source: string;
  /** Name in the table: ≤ 10 ASCII characters, unique ignoring case. */
  name: string;
  type: 'N' | 'C' | 'L';
  length: number;
  decimals: number;
}

const MAX_NAME = 10;
const MAX_LENGTH = 254;

/** Shortens and sanitises property names to dBase's 10 characters, keeping them unique. */
export function dbfFieldNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, MAX_NAME) || 'field';
    let candidate = base;
    for (let k = 1; used.has(candidate.toUpperCase()); k++) {
      const suffix = `_${k}`;
      candidate = base.slice(0, MAX_NAME - suffix.length) + suffix;
    }
    used.add(candidate.toUpperCase());
    return candidate;
  });
}

/** Chooses each field's dBase type and width from the first pass's statistics. */
export function planDbfFields(stats: readonly FieldStats[]): DbfField[] {
  const names = dbfFieldNames(stats.map((s) => s.name));
  return stats.map((field, index) => {
    const name = names[index];
    switch (fieldKind(field)) {
      case 'boolean':
        return { source: field.name, name, type: 'L', length: 1, decimals: 0 };
      case 'string':
        return { source: field.name, name, type: 'C', length: Math.min(MAX_LENGTH, Math.max(1, field.textBytes)), decimals: 0 };
      case 'number': {
        // dBase caps numeric fields well below 254; GDAL reads up to 254 and wider numbers are implausible here.
        const decimals = Math.min(field.decimals, 15);
        const length = Math.min(MAX_LENGTH, field.intDigits + (decimals > 0 ? decimals + 1 : 0));
        return { source: field.name, name, type: 'N', length, decimals };
      }
    }
  });
}

export function dbfRecordLength(fields: readonly DbfField[]): number {
  return 1 + fields.reduce((sum, f) => sum + f.length, 0);
}

/** File header and field descriptors, up to and including the 0x0D terminator. */
export function dbfHeader(fields: readonly DbfField[], recordCount: number, date = new Date()): Buffer {
  const headerLength = 32 + 32 * fields.length + 1;
  const header = Buffer.alloc(headerLength);
  header[0] = 0x03; // dBase III without memo
  header[1] = date.getUTCFullYear() - 1900;
  header[2] = date.getUTCMonth() + 1;
  header[3] = date.getUTCDate();
  header.writeUInt32LE(recordCount, 4);
  header.writeUInt16LE(headerLength, 8);
  header.writeUInt16LE(dbfRecordLength(fields), 10);
  fields.forEach((field, index) => {
    const at = 32 + 32 * index;
    header.write(field.name, at, MAX_NAME, 'ascii');
    header.write(field.type, at + 11, 1, 'ascii');
    header[at + 16] = field.length;
    header[at + 17] = field.decimals;
  });
  header[headerLength - 1] = 0x0d;
  return header;
}

export const DBF_END = Buffer.from([0x1a]);

/** Writes one record (deletion flag + fields) into `out` at `offset`; returns the bytes written. */
export function encodeDbfRecord(fields: readonly DbfField[], properties: Record<string, JsonValue> | null, out: Buffer, offset: number): number {
  let at = offset;
  out[at++] = 0x20; // not deleted
  for (const field of fields) {
    const value = properties?.[field.source] ?? null;
    out.fill(0x20, at, at + field.length);
    if (field.type === 'N') {
      if (typeof value === 'number' && Number.isFinite(value)) {
        const text = value.toFixed(field.decimals);
        // Right-aligned; a value wider than the planned width cannot occur after the first pass, but would overflow into the next field.
        if (text.length <= field.length) out.write(text, at + field.length - text.length, 'latin1');
        else out.fill(0x2a, at, at + field.length);
      } else out.fill(0x2a, at, at + field.length); // '*' fill is dBase's (and GDAL's) numeric null
    } else if (field.type === 'L') {
      out[at] = value === true ? 0x54 : value === false ? 0x46 : 0x3f; // T, F, ?
    } else if (value !== null) {
      writeUtf8Truncated(valueAsText(value), out, at, field.length);
    }
    at += field.length;
  }
  return at - offset;
}

/** Writes at most `max` bytes of UTF-8, never splitting a character. */
function writeUtf8Truncated(text: string, out: Buffer, at: number, max: number): void {
  const bytes = Buffer.from(text, 'utf8');
  let length = Math.min(bytes.length, max);
  // Back off continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  if (length < bytes.length) while (length > 0 && (bytes[length] & 0xc0) === 0x80) length--;
  bytes.copy(out, at, 0, length);
}
