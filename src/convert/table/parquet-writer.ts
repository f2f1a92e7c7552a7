import { endianness } from 'node:os';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Codec, ConvertedType, DECIMAL_LIMIT, DECIMAL_PRECISION, DECIMAL_SCALE, Encoding, F, MAGIC, PageType, PhysicalType, Repetition, type ColumnKind, type ParquetColumn } from './parquet-format.ts';
import { ThriftWriter, type ThriftField } from './thrift.ts';

const gzipAsync = promisify(gzip);

// Doubles are copied into pages as the machine holds them; Parquet's PLAIN encoding is little-endian.
if (endianness() !== 'LE') throw new Error('Furrow tables are written on little-endian machines only');

/** The values of one column for one row group, by kind: doubles, epoch ms, positions, or text. */
export type ColumnData = Float64Array | { lon: Float64Array; lat: Float64Array } | readonly (string | null)[];

/** Where the file's bytes go, in order: a file or a stream (GeoParquet views are streamed). */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** Gives up: a file is removed, a stream is destroyed with `error`. */
  abort(error?: Error): void;
}

export interface WriterOptions {
  /** GZIP (zlib, level 1: on doubles higher levels gain ~3 % for 3× the time) or none. */
  compression: 'gzip' | 'none';
  createdBy: string;
}

interface EncodedChunk {
  pages: Uint8Array[];
  /** Column metadata up to the page offsets, which are known only when the chunk is placed in the file. */
  meta: ThriftField[];
  stats: ThriftField[];
  compressed: number;
  uncompressed: number;
  /** Bytes of the dictionary page (header + body) that starts the chunk; 0 without one. */
  dictionaryBytes: number;
}

interface PageBody {
  type: number;
  body: Uint8Array;
  values: number;
  encoding: number;
}

/** Compressed / uncompressed above which gzip is not worth its time on a column. */
const POOR_RATIO = 0.85;
const RETRY_GROUPS = 16;

/** Row groups whose pages may be compressing at once (each ~64 k rows): enough to keep the zlib thread busy, little memory. */
const MAX_IN_FLIGHT = 2;

/**
 * Writes a Parquet file with a flat schema, one row group at a time, in bounded memory: a row
 * group is encoded when it is handed over, its pages are compressed on libuv's thread pool (the
 * second core) while the caller prepares the next, and the footer is written at the end.
 * Written by hand because the npm writers measured 12–22 s for 2 M rows × 36 columns (bench/README.md,
 * "Columnar table"): this one only knows the five column kinds Furrow stores, one data page per
 * column chunk, PLAIN values, RLE/bit-packed definition levels and dictionary-encoded text.
 */
export class ParquetFileWriter {
  private offset = 0;
  private rows = 0;
  private readonly rowGroups: ThriftField[][] = [];
  private readonly inFlight: Promise<void>[] = [];
  /** Writes happen one after the other, in row-group order. */
  private chain: Promise<void> = Promise.resolve();
  private failed: unknown;
  /** Columns stored uncompressed until this row group (gzip did not pay on their last try). */
  private readonly skipUntil = new Map<string, number>();

  constructor(
    private readonly sink: ByteSink,
    readonly columns: readonly ParquetColumn[],
    private readonly options: WriterOptions,
  ) {
    this.chain = this.emit([MAGIC]);
  }

  /** Hands over one row group; resolves once at most MAX_IN_FLIGHT groups are still being compressed or written. */
  async writeRowGroup(rows: number, data: readonly ColumnData[]): Promise<void> {
    if (this.failed) throw this.failed;
    if (data.length !== this.columns.length) throw new Error(`row group has ${data.length} columns, the schema ${this.columns.length}`);
    if (rows === 0) return;
    const encoded = this.columns.map((column, i) => this.encodeChunk(column, rows, data[i]!));
    const ordinal = this.rowGroups.length;
    this.rowGroups.push([]);
    this.rows += rows;
    // Row groups are placed in the file in the order they were handed over, whichever finishes compressing first: the same input gives the same bytes.
    const ready = Promise.all(encoded);
    // Handled where the chain reaches it; until then a failed compression must not count as unhandled.
    ready.catch(() => {});
    const job = (this.chain = this.chain.then(() => ready).then(async (chunks) => {
      const start = this.offset;
      const columns: ThriftField[][] = [];
      let uncompressed = 0;
      let compressed = 0;
      for (const chunk of chunks) {
        const chunkStart = this.offset;
        const dictionary = chunk.dictionaryBytes > 0;
        columns.push([
          [F.columnChunk.fileOffset, 'i64', chunkStart],
          [
            F.columnChunk.metaData,
            'struct',
            [
              ...chunk.meta,
              [F.columnMetaData.dataPageOffset, 'i64', chunkStart + chunk.dictionaryBytes],
              [F.columnMetaData.dictionaryPageOffset, 'i64', dictionary ? chunkStart : undefined],
              [F.columnMetaData.statistics, 'struct', chunk.stats],
            ] as ThriftField[],
          ],
        ]);
        await this.emit(chunk.pages);
        uncompressed += chunk.uncompressed;
        compressed += chunk.compressed;
      }
      this.rowGroups[ordinal] = [
        [F.rowGroup.columns, 'list<struct>', columns],
        [F.rowGroup.totalByteSize, 'i64', uncompressed],
        [F.rowGroup.numRows, 'i64', rows],
        [F.rowGroup.fileOffset, 'i64', start],
        [F.rowGroup.totalCompressedSize, 'i64', compressed],
        [F.rowGroup.ordinal, 'i32', ordinal],
      ];
    }));
    job.catch((error: unknown) => (this.failed ??= error));
    this.inFlight.push(job);
    while (this.inFlight.length > MAX_IN_FLIGHT) await this.inFlight.shift();
  }

  /** Writes the footer with `keyValue` metadata; returns the file's row count and size in bytes. */
  async close(keyValue: readonly [string, string][]): Promise<{ rows: number; bytes: number }> {
    await Promise.all(this.inFlight.splice(0));
    await this.chain;
    if (this.failed) throw this.failed;
    const footer = new ThriftWriter()
      .struct([
        [F.fileMetaData.version, 'i32', 2],
        [F.fileMetaData.schema, 'list<struct>', [[[F.schemaElement.name, 'binary', 'schema'], [F.schemaElement.numChildren, 'i32', this.columns.length]], ...this.columns.map(schemaElement)]],
        [F.fileMetaData.numRows, 'i64', this.rows],
        [F.fileMetaData.rowGroups, 'list<struct>', this.rowGroups],
        [F.fileMetaData.keyValueMetadata, 'list<struct>', keyValue.map(([key, value]) => [[F.keyValue.key, 'binary', key], [F.keyValue.value, 'binary', value]] as ThriftField[])],
        [F.fileMetaData.createdBy, 'binary', this.options.createdBy],
      ])
      .bytes();
    const length = Buffer.alloc(4);
    length.writeUInt32LE(footer.length);
    await this.emit([footer, length, MAGIC]);
    await this.sink.close();
    return { rows: this.rows, bytes: this.offset };
  }

  abort(error?: Error): void {
    this.failed ??= error ?? new Error('aborted');
    this.sink.abort(error);
  }

  private async emit(parts: readonly Uint8Array[]): Promise<void> {
    for (const part of parts) {
      await this.sink.write(part);
      this.offset += part.length;
    }
  }

  /**
   * Whether to gzip this column's next chunk. Derived quantities (masses, volumes: products of
   * noisy doubles) shrink by ~10 % under gzip at full cost; such a column is stored uncompressed
   * for the next RETRY_GROUPS row groups, then tried again (the data may change along the field).
   */
  private worthCompressing(name: string): boolean {
    const skip = this.skipUntil.get(name);
    return skip === undefined || this.rowGroups.length >= skip;
  }

  private learnRatio(name: string, ratio: number): void {
    if (ratio > POOR_RATIO) this.skipUntil.set(name, this.rowGroups.length + RETRY_GROUPS);
    else this.skipUntil.delete(name);
  }

  private async encodeChunk(column: ParquetColumn, rows: number, data: ColumnData): Promise<EncodedChunk> {
    const { bodies, stats } = encodeColumn(column.kind, rows, data, column.name);
    const pages: Uint8Array[] = [];
    let compressed = 0;
    let uncompressed = 0;
    let dictionaryBytes = 0;
    const encodings = new Set<number>([Encoding.RLE]);
    const compress = this.options.compression === 'gzip' && this.worthCompressing(column.name);
    const gzipped = compress ? await Promise.all(bodies.map((page) => gzipAsync(page.body, { level: 1 }))) : undefined;
    const compressedBytes = gzipped?.reduce((n, b) => n + b.length, 0) ?? 0;
    const plainBytes = bodies.reduce((n, page) => n + page.body.length, 0);
    if (gzipped) this.learnRatio(column.name, compressedBytes / plainBytes);
    // The codec is a column chunk's own: a chunk that gzip does not shrink is stored as it is.
    const useGzip = gzipped !== undefined && compressedBytes < plainBytes;
    const compressedBodies = useGzip ? gzipped : bodies.map((page) => page.body);
    bodies.forEach((page, i) => {
      const body = compressedBodies[i]!;
      encodings.add(page.encoding);
      const header = new ThriftWriter()
        .struct([
          [F.pageHeader.type, 'i32', page.type],
          [F.pageHeader.uncompressedPageSize, 'i32', page.body.length],
          [F.pageHeader.compressedPageSize, 'i32', body.length],
          [
            F.pageHeader.dataPageHeader,
            'struct',
            page.type === PageType.DATA_PAGE
              ? [
                  [F.dataPageHeader.numValues, 'i32', page.values],
                  [F.dataPageHeader.encoding, 'i32', page.encoding],
                  [F.dataPageHeader.definitionLevelEncoding, 'i32', Encoding.RLE],
                  [F.dataPageHeader.repetitionLevelEncoding, 'i32', Encoding.RLE],
                ]
              : undefined,
          ],
          [
            F.pageHeader.dictionaryPageHeader,
            'struct',
            page.type === PageType.DICTIONARY_PAGE
              ? [
                  [F.dictionaryPageHeader.numValues, 'i32', page.values],
                  [F.dictionaryPageHeader.encoding, 'i32', Encoding.PLAIN],
                ]
              : undefined,
          ],
        ])
        .bytes();
      pages.push(header, body);
      if (page.type === PageType.DICTIONARY_PAGE) dictionaryBytes = header.length + body.length;
      compressed += header.length + body.length;
      uncompressed += header.length + page.body.length;
    });
    const meta: ThriftField[] = [
      [F.columnMetaData.type, 'i32', physicalType(column.kind)],
      [F.columnMetaData.encodings, 'list<i32>', [...encodings].sort((a, b) => a - b)],
      [F.columnMetaData.pathInSchema, 'list<binary>', [column.name]],
      [F.columnMetaData.codec, 'i32', useGzip ? Codec.GZIP : Codec.UNCOMPRESSED],
      [F.columnMetaData.numValues, 'i64', rows],
      [F.columnMetaData.totalUncompressedSize, 'i64', uncompressed],
      [F.columnMetaData.totalCompressedSize, 'i64', compressed],
    ];
    return { pages, meta, stats, compressed, uncompressed, dictionaryBytes };
  }
}

function physicalType(kind: ColumnKind): number {
  return kind === 'double' ? PhysicalType.DOUBLE : kind === 'timestamp' || kind === 'decimal' ? PhysicalType.INT64 : PhysicalType.BYTE_ARRAY;
}

function schemaElement(column: ParquetColumn): ThriftField[] {
  const fields: ThriftField[] = [[F.schemaElement.type, 'i32', physicalType(column.kind)]];
  const required = column.kind === 'timestamp' || column.kind === 'point';
  fields.push([F.schemaElement.repetitionType, 'i32', required ? Repetition.REQUIRED : Repetition.OPTIONAL], [F.schemaElement.name, 'binary', column.name]);
  if (column.kind === 'string') {
    fields.push([F.schemaElement.convertedType, 'i32', ConvertedType.UTF8], [F.schemaElement.logicalType, 'struct', [[F.logicalType.string, 'struct', []]]]);
  } else if (column.kind === 'decimal') {
    fields.push(
      [F.schemaElement.convertedType, 'i32', ConvertedType.DECIMAL],
      [F.schemaElement.scale, 'i32', DECIMAL_SCALE],
      [F.schemaElement.precision, 'i32', DECIMAL_PRECISION],
      [
        F.schemaElement.logicalType,
        'struct',
        [
          [
            F.logicalType.decimal,
            'struct',
            [
              [F.decimalType.scale, 'i32', DECIMAL_SCALE],
              [F.decimalType.precision, 'i32', DECIMAL_PRECISION],
            ],
          ],
        ],
      ],
    );
  } else if (column.kind === 'timestamp') {
    fields.push(
      [F.schemaElement.convertedType, 'i32', ConvertedType.TIMESTAMP_MILLIS],
      [
        F.schemaElement.logicalType,
        'struct',
        [
          [
            F.logicalType.timestamp,
            'struct',
            [
              [F.timestampType.isAdjustedToUTC, 'bool', true],
              [F.timestampType.unit, 'struct', [[F.timeUnit.millis, 'struct', []]]],
            ],
          ],
        ],
      ],
    );
  }
  return fields;
}

/** A column chunk's pages (uncompressed) and statistics. */
function encodeColumn(kind: ColumnKind, rows: number, data: ColumnData, name: string): { bodies: PageBody[]; stats: ThriftField[] } {
  switch (kind) {
    case 'double':
      if (!(data instanceof Float64Array) || data.length !== rows) throw new Error(`column ${name}: expected ${rows} doubles`);
      return encodeDoubles(data);
    case 'decimal':
      if (!(data instanceof Float64Array) || data.length !== rows) throw new Error(`column ${name}: expected ${rows} doubles`);
      return encodeDecimals(data);
    case 'timestamp':
      if (!(data instanceof Float64Array) || data.length !== rows) throw new Error(`column ${name}: expected ${rows} times`);
      return encodeTimestamps(data, name);
    case 'point': {
      const points = data as { lon?: Float64Array; lat?: Float64Array };
      if (!(points.lon instanceof Float64Array) || !(points.lat instanceof Float64Array) || points.lon.length !== rows || points.lat.length !== rows) throw new Error(`column ${name}: expected ${rows} positions`);
      return encodePoints(points.lon, points.lat);
    }
    case 'string':
      if (!Array.isArray(data) || data.length !== rows) throw new Error(`column ${name}: expected ${rows} strings`);
      return encodeStrings(data as readonly (string | null)[]);
  }
}

function encodeDoubles(values: Float64Array): { bodies: PageBody[]; stats: ThriftField[] } {
  const n = values.length;
  let nulls = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) nulls++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const levels = definitionLevels(n, nulls, (i) => values[i] === values[i]);
  const body = new Uint8Array(4 + levels.length + (n - nulls) * 8);
  new DataView(body.buffer).setUint32(0, levels.length, true);
  body.set(levels, 4);
  const start = 4 + levels.length;
  if (nulls === 0) body.set(new Uint8Array(values.buffer, values.byteOffset, n * 8), start);
  else if (nulls < n) {
    // The unaligned start rules out a Float64Array over the body: copy the present values through an aligned one.
    const present = new Float64Array(n - nulls);
    let j = 0;
    for (let i = 0; i < n; i++) if (values[i] === values[i]) present[j++] = values[i]!;
    body.set(new Uint8Array(present.buffer), start);
  }
  return { bodies: [{ type: PageType.DATA_PAGE, body, values: n, encoding: Encoding.PLAIN }], stats: statistics(nulls, nulls < n ? doubleBytes(min) : undefined, nulls < n ? doubleBytes(max) : undefined) };
}

const DECIMAL_FACTOR = 10 ** DECIMAL_SCALE;

/**
 * Doubles as INT64 DECIMAL(18, 6): the value × 10⁶, rounded, as the GeoJSON layers round it. Derived
 * doubles (a rate × an area) carry noise in every mantissa bit and gzip gains almost nothing on them;
 * the same values as integers have their top bytes zero and shrink to about half (bench/README.md).
 */
function encodeDecimals(values: Float64Array): { bodies: PageBody[]; stats: ThriftField[] } {
  const n = values.length;
  const scaled = new Float64Array(n);
  let present = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    // NaN fails the test as well: both are stored as null.
    if (!(Math.abs(v) < DECIMAL_LIMIT)) continue;
    const k = Math.round(v * DECIMAL_FACTOR);
    scaled[present++] = k;
    if (k < min) min = k;
    if (k > max) max = k;
  }
  const nulls = n - present;
  const levels = definitionLevels(n, nulls, (i) => Math.abs(values[i]!) < DECIMAL_LIMIT);
  const body = new Uint8Array(4 + levels.length + present * 8);
  const view = new DataView(body.buffer);
  view.setUint32(0, levels.length, true);
  body.set(levels, 4);
  for (let i = 0, o = 4 + levels.length; i < present; i++, o += 8) writeInt64(view, o, scaled[i]!);
  return { bodies: [{ type: PageType.DATA_PAGE, body, values: n, encoding: Encoding.PLAIN }], stats: statistics(nulls, present > 0 ? int64Bytes(min) : undefined, present > 0 ? int64Bytes(max) : undefined) };
}

/** An integral double as little-endian INT64 (two's complement), without a BigInt per value below 2⁵³. */
function writeInt64(view: DataView, offset: number, k: number): void {
  if (Math.abs(k) > Number.MAX_SAFE_INTEGER) {
    view.setBigInt64(offset, BigInt(k), true);
    return;
  }
  const high = Math.floor(k / 0x1_0000_0000);
  view.setUint32(offset, k - high * 0x1_0000_0000, true);
  view.setInt32(offset + 4, high, true);
}

function encodeTimestamps(times: Float64Array, name: string): { bodies: PageBody[]; stats: ThriftField[] } {
  const n = times.length;
  const body = new Uint8Array(n * 8);
  const view = new DataView(body.buffer);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    // Whole milliseconds: the GeoJSON layers print milliseconds, and they print a time exactly as they print its rounding.
    const ms = Math.round(times[i]!);
    if (!Number.isSafeInteger(ms)) throw new Error(`column ${name}: point ${i} has no valid time`);
    writeInt64(view, i * 8, ms);
    if (ms < min) min = ms;
    if (ms > max) max = ms;
  }
  return { bodies: [{ type: PageType.DATA_PAGE, body, values: n, encoding: Encoding.PLAIN }], stats: statistics(0, n > 0 ? int64Bytes(min) : undefined, n > 0 ? int64Bytes(max) : undefined) };
}

/** WKB Point: byte order 1 (little-endian), geometry type 1, x, y; each value prefixed by its length (PLAIN BYTE_ARRAY). */
export const WKB_POINT_BYTES = 21;

function encodePoints(lon: Float64Array, lat: Float64Array): { bodies: PageBody[]; stats: ThriftField[] } {
  const n = lon.length;
  const stride = 4 + WKB_POINT_BYTES;
  const body = new Uint8Array(n * stride);
  const view = new DataView(body.buffer);
  for (let i = 0, o = 0; i < n; i++, o += stride) {
    view.setUint32(o, WKB_POINT_BYTES, true);
    body[o + 4] = 1;
    view.setUint32(o + 5, 1, true);
    view.setFloat64(o + 9, lon[i]!, true);
    view.setFloat64(o + 17, lat[i]!, true);
  }
  return { bodies: [{ type: PageType.DATA_PAGE, body, values: n, encoding: Encoding.PLAIN }], stats: statistics(0) };
}

function encodeStrings(values: readonly (string | null)[]): { bodies: PageBody[]; stats: ThriftField[] } {
  const n = values.length;
  const dictionary = new Map<string, number>();
  const indexes = new Int32Array(n);
  let present = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    let index = dictionary.get(v);
    if (index === undefined) dictionary.set(v, (index = dictionary.size));
    indexes[present++] = index;
  }
  const nulls = n - present;
  const levels = definitionLevels(n, nulls, (i) => values[i] !== null && values[i] !== undefined);
  if (present === 0) {
    // A column of nulls only: definition levels and no values, no dictionary.
    const body = new Uint8Array(4 + levels.length);
    new DataView(body.buffer).setUint32(0, levels.length, true);
    body.set(levels, 4);
    return { bodies: [{ type: PageType.DATA_PAGE, body, values: n, encoding: Encoding.PLAIN }], stats: statistics(nulls) };
  }
  const entries = [...dictionary.keys()].map((text) => Buffer.from(text, 'utf8'));
  const dictionaryBody = new Uint8Array(entries.reduce((sum, e) => sum + 4 + e.length, 0));
  const dictView = new DataView(dictionaryBody.buffer);
  let o = 0;
  for (const entry of entries) {
    dictView.setUint32(o, entry.length, true);
    dictionaryBody.set(entry, o + 4);
    o += 4 + entry.length;
  }
  const bitWidth = Math.max(1, Math.ceil(Math.log2(dictionary.size)));
  const runs = rleRuns(indexes.subarray(0, present), bitWidth);
  const body = new Uint8Array(4 + levels.length + 1 + runs.length);
  new DataView(body.buffer).setUint32(0, levels.length, true);
  body.set(levels, 4);
  body[4 + levels.length] = bitWidth;
  body.set(runs, 5 + levels.length);
  return {
    bodies: [
      { type: PageType.DICTIONARY_PAGE, body: dictionaryBody, values: dictionary.size, encoding: Encoding.PLAIN },
      { type: PageType.DATA_PAGE, body, values: n, encoding: Encoding.RLE_DICTIONARY },
    ],
    stats: statistics(nulls),
  };
}

/**
 * Definition levels of an OPTIONAL column (bit width 1) in the RLE/bit-packed hybrid: one RLE run
 * when every value is present (or none is), otherwise one bit-packed run of a bit per value.
 */
function definitionLevels(n: number, nulls: number, present: (i: number) => boolean): Uint8Array {
  if (nulls === 0 || nulls === n) {
    const out = new Uint8Array(11);
    const length = writeVarint(out, 0, n * 2);
    out[length] = nulls === 0 ? 1 : 0;
    return out.subarray(0, length + 1);
  }
  const groups = Math.ceil(n / 8);
  const out = new Uint8Array(10 + groups);
  const start = writeVarint(out, 0, groups * 2 + 1);
  for (let i = 0; i < n; i++) if (present(i)) out[start + (i >> 3)]! |= 1 << (i & 7);
  return out.subarray(0, start + groups);
}

/** Dictionary indexes as RLE runs of equal values (text columns change rarely from point to point). */
function rleRuns(indexes: Int32Array, bitWidth: number): Uint8Array {
  const byteWidth = Math.ceil(bitWidth / 8);
  let out = new Uint8Array(1024);
  let length = 0;
  for (let i = 0; i < indexes.length; ) {
    const value = indexes[i]!;
    let j = i + 1;
    while (j < indexes.length && indexes[j] === value) j++;
    if (length + 10 + byteWidth > out.length) {
      const next = new Uint8Array(out.length * 2);
      next.set(out);
      out = next;
    }
    length = writeVarint(out, length, (j - i) * 2);
    for (let b = 0; b < byteWidth; b++) out[length++] = (value >> (8 * b)) & 0xff;
    i = j;
  }
  return out.subarray(0, length);
}

function writeVarint(out: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    out[offset++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[offset++] = value;
  return offset;
}

/** A statistics bound of an INT64 column. */
function int64Bytes(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  writeInt64(new DataView(bytes.buffer), 0, value);
  return bytes;
}

function doubleBytes(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return bytes;
}

function statistics(nulls: number, min?: Uint8Array, max?: Uint8Array): ThriftField[] {
  return [
    [F.statistics.nullCount, 'i64', nulls],
    [F.statistics.maxValue, 'binary', max],
    [F.statistics.minValue, 'binary', min],
  ];
}
