import { DatasetError } from '../types.ts';
import { ByteSource } from './bytes.ts';

export interface DbfField {
  name: string;
  /** dBase type letter: C text, N/F numeric, D date, L logical, others kept as text. */
  type: string;
  /** Offset of the value within a record (after the deletion flag). */
  offset: number;
  length: number;
  decimals: number;
}

export interface DbfHeader {
  version: number;
  /** Records the header declares; the file may hold fewer when cut. */
  recordCount: number;
  recordLength: number;
  /** Language driver id (byte 29): names the code page when no .cpg file does. */
  languageDriver: number;
  fields: DbfField[];
}

const DESCRIPTOR_BYTES = 32;
const FIELD_TERMINATOR = 0x0d;
const END_OF_FILE = 0x1a;
const DELETED = 0x2a; // '*'

/**
 * Streaming reader of dBase III/IV tables (.dbf), one record at a time. Values are decoded only
 * when asked for, so the columns a driver does not map cost nothing but their bytes.
 */
export class DbfReader {
  /** Set when the file ends inside a record or before the declared count. */
  truncated?: string;
  private read = 0;

  private constructor(
    private readonly source: ByteSource,
    readonly header: DbfHeader,
    private readonly fileName: string,
  ) {}

  static async open(chunks: AsyncIterable<Buffer | Uint8Array | string>, fileName: string): Promise<DbfReader> {
    const source = new ByteSource(chunks, fileName);
    try {
      if (!(await source.ensure(DESCRIPTOR_BYTES))) throw new DatasetError(`${fileName} is not a dBase table: it is ${source.available} bytes long, shorter than the 32-byte header`);
      const head = source.take(DESCRIPTOR_BYTES);
      const version = head[0]!;
      const recordCount = head.readUInt32LE(4);
      const headerLength = head.readUInt16LE(8);
      const recordLength = head.readUInt16LE(10);
      // dBase levels 3-5, with or without memo (0x83, 0x8B), and FoxPro 0x30: all share this layout.
      if ((version & 0x07) < 2 || headerLength < DESCRIPTOR_BYTES + 1 || recordLength < 1) {
        throw new DatasetError(`${fileName} is not a dBase table (version byte 0x${version.toString(16)}, header ${headerLength} bytes, records ${recordLength} bytes)`);
      }
      if (!(await source.ensure(headerLength - DESCRIPTOR_BYTES))) throw new DatasetError(`${fileName} ends inside its header (${headerLength} bytes declared)`);
      const descriptors = source.take(headerLength - DESCRIPTOR_BYTES);
      const fields: DbfField[] = [];
      let offset = 1;
      for (let at = 0; at + DESCRIPTOR_BYTES <= descriptors.length && descriptors[at] !== FIELD_TERMINATOR; at += DESCRIPTOR_BYTES) {
        const raw = descriptors.subarray(at, at + 11);
        const nul = raw.indexOf(0);
        const name = raw.subarray(0, nul < 0 ? 11 : nul).toString('latin1').trim();
        const length = descriptors[at + 16]!;
        fields.push({ name, type: String.fromCharCode(descriptors[at + 11]!).toUpperCase(), offset, length, decimals: descriptors[at + 17]! });
        offset += length;
      }
      if (offset > recordLength) throw new DatasetError(`${fileName}: its fields need ${offset} bytes per record but records are ${recordLength} bytes; the header is damaged`);
      return new DbfReader(source, { version, recordCount, recordLength, languageDriver: head[29]!, fields }, fileName);
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  field(name: string): DbfField | undefined {
    return this.header.fields.find((f) => f.name === name);
  }

  /** Offset of the current record (its deletion flag) in `bytes`, after `nextRecord`/`nextBuffered`. */
  offset = 0;

  /** The buffer the current record lies in (valid until the next read). */
  get bytes(): Buffer {
    return this.source.bytes;
  }

  /**
   * Moves to the next record when its bytes are already buffered; undefined when they are not (or
   * the table ends) and `nextRecord()` must be awaited. Keeps the usual record free of promises.
   */
  nextBuffered(): 'record' | 'deleted' | undefined {
    const { recordLength, recordCount } = this.header;
    if (this.read >= recordCount || this.source.available < recordLength) return undefined;
    this.read++;
    this.offset = this.source.takeAt(recordLength);
    return this.source.bytes[this.offset] === DELETED ? 'deleted' : 'record';
  }

  /** Moves to the next record: a live one, one marked deleted, or the end of the table. */
  async nextRecord(): Promise<'record' | 'deleted' | 'end'> {
    const buffered = this.nextBuffered();
    if (buffered) return buffered;
    const { recordLength, recordCount } = this.header;
    if (this.read >= recordCount) return 'end';
    const source = this.source;
    if (!(await source.ensure(recordLength))) {
      const atEnd = source.available === 0 || (source.available === 1 && source.take(1)[0] === END_OF_FILE);
      this.truncated = atEnd
        ? `${this.fileName} ends after ${this.read} of the ${recordCount} records its header declares`
        : `${this.fileName} ends inside record ${this.read + 1} (${source.available} of ${recordLength} bytes)`;
      return 'end';
    }
    return this.nextBuffered()!;
  }

  /**
   * The next record (a view valid until the next call), `null` for a record marked deleted,
   * undefined at the end of the table.
   */
  async next(): Promise<Buffer | null | undefined> {
    const step = await this.nextRecord();
    if (step === 'end') return undefined;
    return step === 'deleted' ? null : this.bytes.subarray(this.offset, this.offset + this.header.recordLength);
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A numeric (N, F) value; NaN when blank or not a number (dBase pads missing numbers with spaces
 * or asterisks). Plain decimals are parsed from the bytes without making a string: digits
 * accumulated into an integer below 2^53 and one division by an exact power of ten (≤ 10^22)
 * round once, to the same double as `Number(text)`; anything else (exponents, longer mantissas)
 * goes through `Number`.
 */
export function numberValue(record: Buffer, field: DbfField, base = 0): number {
  let start = base + field.offset;
  let end = start + field.length;
  while (start < end && (record[start] === 0x20 || record[start] === 0)) start++;
  while (end > start && (record[end - 1] === 0x20 || record[end - 1] === 0)) end--;
  if (start === end) return NaN;
  let i = start;
  const negative = record[i] === 0x2d;
  if (negative || record[i] === 0x2b) i++;
  let mantissa = 0;
  let scale = 0;
  let dot = false;
  let digits = 0;
  for (; i < end; i++) {
    const c = record[i]!;
    if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      if (dot) scale++;
    } else if (c === 0x2e && !dot) {
      dot = true;
    } else {
      return slowNumber(record, start, end);
    }
  }
  if (digits === 0) return NaN;
  if (mantissa > Number.MAX_SAFE_INTEGER || scale > 22) return slowNumber(record, start, end);
  const value = scale === 0 ? mantissa : mantissa / POW10[scale]!;
  return negative ? -value : value;
}

function slowNumber(record: Buffer, start: number, end: number): number {
  const value = Number(record.toString('latin1', start, end));
  return Number.isFinite(value) ? value : NaN;
}

/** A logical (L) value as 1 / 0; NaN when unset (`?` or blank). */
export function logicalValue(record: Buffer, field: DbfField, base = 0): number {
  const c = String.fromCharCode(record[base + field.offset]!).toUpperCase();
  return c === 'T' || c === 'Y' ? 1 : c === 'F' || c === 'N' ? 0 : NaN;
}

/** A date (D, `YYYYMMDD`) as epoch ms at 00:00 UTC; NaN when blank or invalid. */
export function dateValue(record: Buffer, field: DbfField, base = 0): number {
  const text = record.toString('latin1', base + field.offset, base + field.offset + field.length).trim();
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  return check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? ms : NaN;
}

/** Start and end (exclusive) of a text value in `record` without the space/NUL padding dBase fills fields with. */
export function textRange(record: Buffer, field: DbfField, base = 0): [number, number] {
  let start = base + field.offset;
  let end = start + field.length;
  while (end > start && (record[end - 1] === 0x20 || record[end - 1] === 0)) end--;
  while (start < end && record[start] === 0x20) start++;
  return [start, end];
}

/** The raw bytes of a text value without the space/NUL padding dBase fills fields with. */
export function textBytes(record: Buffer, field: DbfField, base = 0): Buffer {
  const [start, end] = textRange(record, field, base);
  return record.subarray(start, end);
}
