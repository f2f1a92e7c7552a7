import { promisify } from 'node:util';
import { openFileSource, type ByteSource } from '../../formats/byte-source.ts';
import { gunzip } from 'node:zlib';
import { Codec, ConvertedType, DECIMAL_SCALE, Encoding, F, MAGIC, PageType, PhysicalType, Repetition, type ColumnKind } from './parquet-format.ts';
import type { ColumnData } from './parquet-writer.ts';
import { ThriftReader, type ThriftStruct, type ThriftValue } from './thrift.ts';

const gunzipAsync = promisify(gunzip);
const DECIMAL_FACTOR = 10 ** DECIMAL_SCALE;

export class TableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableFileError';
  }
}

interface ChunkInfo {
  codec: number;
  start: number;
  length: number;
}

export interface RowGroupInfo {
  rows: number;
  chunks: Map<string, ChunkInfo>;
}

const int = (s: ThriftStruct, id: number): number | undefined => {
  const v = s.get(id);
  return typeof v === 'number' ? v : undefined;
};
const text = (v: ThriftValue | undefined): string => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.length).toString('utf8') : '');
const list = (v: ThriftValue | undefined): ThriftStruct[] => (Array.isArray(v) ? (v as ThriftStruct[]) : []);

/**
 * Reads the Parquet files ParquetFileWriter writes (flat schema, PLAIN or dictionary pages,
 * GZIP or none), column by column and row group by row group, so that a view holds one row
 * group of the columns it asked for. Anything else is refused with a TableFileError naming
 * what it met, rather than misread.
 */
export class ParquetFileReader {
  private constructor(
    private readonly source: ByteSource,
    readonly path: string,
    readonly rowCount: number,
    readonly columns: ReadonlyMap<string, ColumnKind>,
    readonly rowGroups: readonly RowGroupInfo[],
    readonly keyValue: ReadonlyMap<string, string>,
  ) {}

  /** Opens a file, or any ByteSource (an object in S3 read by ranges), which the reader then owns and closes. */
  static async open(input: string | ByteSource): Promise<ParquetFileReader> {
    const source = typeof input === 'string' ? await openFileSource(input) : input;
    const path = source.name;
    try {
      const size = source.size;
      const fail = (why: string) => new TableFileError(`${path}: not a Furrow table (${why})`);
      if (size < 12) throw fail('too short for a Parquet file');
      const tail = Buffer.alloc(8);
      await source.read(tail, 0, 8, size - 8);
      if (!tail.subarray(4).equals(MAGIC)) throw fail('no Parquet footer');
      const footerLength = tail.readUInt32LE(0);
      if (footerLength > size - 12) throw fail('footer longer than the file');
      const footer = Buffer.alloc(footerLength);
      await source.read(footer, 0, footerLength, size - 8 - footerLength);
      let meta: ThriftStruct;
      try {
        meta = new ThriftReader(footer).struct();
      } catch (error) {
        throw fail(`unreadable footer: ${(error as Error).message}`);
      }
      const columns = new Map<string, ColumnKind>();
      const schema = list(meta.get(F.fileMetaData.schema));
      for (const element of schema.slice(1)) {
        const name = text(element.get(F.schemaElement.name));
        if (element.has(F.schemaElement.numChildren)) throw fail(`column ${name} is nested`);
        columns.set(name, columnKind(element, name, fail));
      }
      const rowGroups: RowGroupInfo[] = list(meta.get(F.fileMetaData.rowGroups)).map((group) => {
        const chunks = new Map<string, ChunkInfo>();
        for (const chunk of list(group.get(F.rowGroup.columns))) {
          const cm = chunk.get(F.columnChunk.metaData) as ThriftStruct | undefined;
          if (!cm) throw fail('a column chunk has no metadata');
          const path = (cm.get(F.columnMetaData.pathInSchema) as ThriftValue[]).map(text).join('.');
          const dataStart = int(cm, F.columnMetaData.dataPageOffset)!;
          const dictionaryStart = int(cm, F.columnMetaData.dictionaryPageOffset);
          const start = dictionaryStart !== undefined && dictionaryStart > 0 && dictionaryStart < dataStart ? dictionaryStart : dataStart;
          chunks.set(path, { codec: int(cm, F.columnMetaData.codec)!, start, length: int(cm, F.columnMetaData.totalCompressedSize)! });
        }
        return { rows: int(group, F.rowGroup.numRows)!, chunks };
      });
      const keyValue = new Map(list(meta.get(F.fileMetaData.keyValueMetadata)).map((kv) => [text(kv.get(F.keyValue.key)), text(kv.get(F.keyValue.value))] as const));
      return new ParquetFileReader(source, path, int(meta, F.fileMetaData.numRows) ?? 0, columns, rowGroups, keyValue);
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.source.close();
  }

  /**
   * Columns of one row group, decoded: doubles (null → NaN), epoch ms, positions or text.
   * Chunks that lie close together are fetched in one read: one range request per row group
   * when the table is an object in S3.
   */
  async readColumns(group: number, names: readonly string[]): Promise<ColumnData[]> {
    const info = this.rowGroups[group];
    if (!info) throw new TableFileError(`${this.path}: no row group ${group}`);
    const wanted = names.map((name) => {
      const kind = this.columns.get(name);
      const chunk = info.chunks.get(name);
      if (!kind || !chunk) throw new TableFileError(`${this.path}: no column ${name} in row group ${group}`);
      if (chunk.codec !== Codec.UNCOMPRESSED && chunk.codec !== Codec.GZIP) throw new TableFileError(`${this.path}: column ${name} is compressed with codec ${chunk.codec}; Furrow reads GZIP and uncompressed tables`);
      return { name, kind, chunk };
    });
    const spans: { start: number; end: number; bytes?: Promise<Buffer> }[] = [];
    for (const { chunk } of [...wanted].sort((a, b) => a.chunk.start - b.chunk.start)) {
      const last = spans.at(-1);
      if (last && chunk.start - last.end <= MERGE_GAP) last.end = Math.max(last.end, chunk.start + chunk.length);
      else spans.push({ start: chunk.start, end: chunk.start + chunk.length });
    }
    for (const span of spans) {
      const buffer = Buffer.allocUnsafe(span.end - span.start);
      span.bytes = this.source.read(buffer, 0, buffer.length, span.start).then(() => buffer);
    }
    return Promise.all(
      wanted.map(async ({ name, kind, chunk }) => {
        const span = spans.find((s) => s.start <= chunk.start && chunk.start + chunk.length <= s.end)!;
        const bytes = (await span.bytes!).subarray(chunk.start - span.start, chunk.start - span.start + chunk.length);
        return decodeChunk(bytes, chunk.codec, kind, info.rows, `${this.path}: column ${name}`);
      }),
    );
  }
}

/** Chunks this close are read together (the bytes between are read and dropped): fewer reads beat a few wasted bytes. */
const MERGE_GAP = 256 * 1024;

function columnKind(element: ThriftStruct, name: string, fail: (why: string) => Error): ColumnKind {
  const type = int(element, F.schemaElement.type);
  const repetition = int(element, F.schemaElement.repetitionType);
  const converted = int(element, F.schemaElement.convertedType);
  if (type === PhysicalType.DOUBLE) return 'double';
  if (type === PhysicalType.INT64 && converted === ConvertedType.TIMESTAMP_MILLIS && repetition === Repetition.REQUIRED) return 'timestamp';
  if (type === PhysicalType.INT64 && converted === ConvertedType.DECIMAL) {
    const scale = int(element, F.schemaElement.scale);
    if (scale !== DECIMAL_SCALE) throw fail(`column ${name} is a DECIMAL with scale ${scale}; Furrow reads scale ${DECIMAL_SCALE}`);
    return 'decimal';
  }
  if (type === PhysicalType.BYTE_ARRAY && converted === ConvertedType.UTF8) return 'string';
  if (type === PhysicalType.BYTE_ARRAY && repetition === Repetition.REQUIRED) return 'point';
  throw fail(`column ${name} has physical type ${type}`);
}

async function decodeChunk(bytes: Buffer, codec: number, kind: ColumnKind, rows: number, where: string): Promise<ColumnData> {
  const doubles = kind === 'double' || kind === 'decimal' || kind === 'timestamp' ? new Float64Array(rows) : undefined;
  const lon = kind === 'point' ? new Float64Array(rows) : undefined;
  const lat = kind === 'point' ? new Float64Array(rows) : undefined;
  const strings = kind === 'string' ? new Array<string | null>(rows).fill(null) : undefined;
  let dictionary: string[] | undefined;
  let row = 0;
  let offset = 0;
  while (offset < bytes.length && row < rows) {
    const reader = new ThriftReader(bytes, offset);
    const header = reader.struct();
    const compressedSize = int(header, F.pageHeader.compressedPageSize)!;
    const raw = bytes.subarray(reader.offset, reader.offset + compressedSize);
    offset = reader.offset + compressedSize;
    const body = codec === Codec.GZIP ? await gunzipAsync(raw) : raw;
    const type = int(header, F.pageHeader.type);
    if (type === PageType.DICTIONARY_PAGE) {
      const count = int(header.get(F.pageHeader.dictionaryPageHeader) as ThriftStruct, F.dictionaryPageHeader.numValues)!;
      dictionary = plainStrings(body, count);
      continue;
    }
    if (type !== PageType.DATA_PAGE) throw new TableFileError(`${where}: page type ${type} is not read`);
    const page = header.get(F.pageHeader.dataPageHeader) as ThriftStruct;
    const count = int(page, F.dataPageHeader.numValues)!;
    const encoding = int(page, F.dataPageHeader.encoding)!;
    const view = new DataView(body.buffer, body.byteOffset, body.length);
    let at = 0;
    let defined: Uint8Array | undefined;
    if (kind === 'double' || kind === 'decimal' || kind === 'string') {
      const length = view.getUint32(0, true);
      defined = new Uint8Array(count);
      decodeHybrid(body, 4, 4 + length, 1, count, defined);
      at = 4 + length;
    }
    if (kind === 'double') {
      let present = 0;
      for (let i = 0; i < count; i++) present += defined![i]!;
      // Copied to an aligned buffer: the values start at an arbitrary byte of the page.
      const values = new Float64Array(body.buffer.slice(body.byteOffset + at, body.byteOffset + at + present * 8));
      if (encoding !== Encoding.PLAIN) throw new TableFileError(`${where}: encoding ${encoding} is not read`);
      if (present === count) doubles!.set(values, row);
      else for (let i = 0, j = 0; i < count; i++) doubles![row + i] = defined![i] ? values[j++]! : NaN;
    } else if (kind === 'decimal') {
      if (encoding !== Encoding.PLAIN) throw new TableFileError(`${where}: encoding ${encoding} is not read`);
      // Divided, not multiplied by 10⁻⁶: the quotient is the double nearest the 6-decimal value, as the GeoJSON layers print it.
      for (let i = 0; i < count; i++) {
        if (!defined![i]) doubles![row + i] = NaN;
        else {
          doubles![row + i] = readInt64(view, at) / DECIMAL_FACTOR;
          at += 8;
        }
      }
    } else if (kind === 'timestamp') {
      for (let i = 0; i < count; i++) doubles![row + i] = readInt64(view, i * 8);
    } else if (kind === 'point') {
      for (let i = 0; i < count; i++) {
        const length = view.getUint32(at, true);
        if (length < 21 || body[at + 4] !== 1 || view.getUint32(at + 5, true) !== 1) throw new TableFileError(`${where}: value ${row + i} is not a little-endian WKB Point`);
        lon![row + i] = view.getFloat64(at + 9, true);
        lat![row + i] = view.getFloat64(at + 17, true);
        at += 4 + length;
      }
    } else if (encoding === Encoding.RLE_DICTIONARY || encoding === Encoding.PLAIN_DICTIONARY) {
      if (!dictionary) throw new TableFileError(`${where}: dictionary-encoded page without a dictionary`);
      let present = 0;
      for (let i = 0; i < count; i++) present += defined![i]!;
      const indexes = new Int32Array(present);
      decodeHybrid(body, at + 1, body.length, body[at]!, present, indexes);
      for (let i = 0, j = 0; i < count; i++) if (defined![i]) strings![row + i] = dictionary[indexes[j++]!] ?? null;
    } else if (encoding === Encoding.PLAIN) {
      let present = 0;
      for (let i = 0; i < count; i++) present += defined![i]!;
      const values = plainStrings(body.subarray(at), present);
      for (let i = 0, j = 0; i < count; i++) if (defined![i]) strings![row + i] = values[j++]!;
    } else throw new TableFileError(`${where}: encoding ${encoding} is not read`);
    row += count;
  }
  if (row !== rows) throw new TableFileError(`${where}: ${row} values for ${rows} rows`);
  if (kind === 'point') return { lon: lon!, lat: lat! };
  return doubles ?? strings!;
}

/** A little-endian INT64 as a double: exact below 2⁵³, the nearest double beyond. */
function readInt64(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getInt32(offset + 4, true) * 0x1_0000_0000;
}

function plainStrings(body: Uint8Array, count: number): string[] {
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.length);
  const out = new Array<string>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(at, true);
    out[i] = buffer.toString('utf8', at + 4, at + 4 + length);
    at += 4 + length;
  }
  return out;
}

/** Decodes `count` values of the RLE/bit-packed hybrid encoding (bit widths up to 24) into `out`. */
function decodeHybrid(bytes: Uint8Array, offset: number, end: number, bitWidth: number, count: number, out: Uint8Array | Int32Array): void {
  const byteWidth = Math.ceil(bitWidth / 8);
  const mask = (1 << bitWidth) - 1;
  let n = 0;
  while (n < count) {
    if (offset >= end) throw new TableFileError('level or index data runs past its page');
    let header = 0;
    let shift = 1;
    for (;;) {
      const b = bytes[offset++]!;
      header += (b & 0x7f) * shift;
      if (b < 0x80) break;
      shift *= 0x80;
    }
    if (header % 2 === 0) {
      let value = 0;
      for (let b = 0; b < byteWidth; b++) value |= bytes[offset++]! << (8 * b);
      const run = Math.min(header / 2, count - n);
      out.fill(value, n, n + run);
      n += run;
    } else {
      const values = ((header - 1) / 2) * 8;
      let bits = 0;
      let buffer = 0;
      for (let i = 0; i < values; i++) {
        while (bits < bitWidth) {
          buffer |= bytes[offset++]! << bits;
          bits += 8;
        }
        if (n < count) out[n++] = buffer & mask;
        buffer >>>= bitWidth;
        bits -= bitWidth;
      }
    }
  }
}
