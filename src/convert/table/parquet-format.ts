/**
 * The parts of the Parquet format (parquet-format's parquet.thrift) that Furrow's tables use:
 * enum values and the Thrift field ids of the footer and page headers, in one place for the
 * writer and the reader.
 */

export const MAGIC = Buffer.from('PAR1', 'ascii');

export const PhysicalType = { INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
export const Repetition = { REQUIRED: 0, OPTIONAL: 1 } as const;
export const Encoding = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, RLE_DICTIONARY: 8 } as const;
export const Codec = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2 } as const;
export const ConvertedType = { UTF8: 0, DECIMAL: 5, TIMESTAMP_MILLIS: 9 } as const;
export const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;

/** Field ids of the Thrift structs, named as in parquet.thrift. */
export const F = {
  fileMetaData: { version: 1, schema: 2, numRows: 3, rowGroups: 4, keyValueMetadata: 5, createdBy: 6 },
  schemaElement: { type: 1, repetitionType: 3, name: 4, numChildren: 5, convertedType: 6, scale: 7, precision: 8, logicalType: 10 },
  logicalType: { string: 1, decimal: 5, timestamp: 8 },
  decimalType: { scale: 1, precision: 2 },
  timestampType: { isAdjustedToUTC: 1, unit: 2 },
  timeUnit: { millis: 1 },
  rowGroup: { columns: 1, totalByteSize: 2, numRows: 3, fileOffset: 5, totalCompressedSize: 6, ordinal: 7 },
  columnChunk: { fileOffset: 2, metaData: 3 },
  columnMetaData: {
    type: 1,
    encodings: 2,
    pathInSchema: 3,
    codec: 4,
    numValues: 5,
    totalUncompressedSize: 6,
    totalCompressedSize: 7,
    dataPageOffset: 9,
    dictionaryPageOffset: 11,
    statistics: 12,
  },
  statistics: { nullCount: 3, maxValue: 5, minValue: 6 },
  keyValue: { key: 1, value: 2 },
  pageHeader: { type: 1, uncompressedPageSize: 2, compressedPageSize: 3, dataPageHeader: 5, dictionaryPageHeader: 7 },
  dataPageHeader: { numValues: 1, encoding: 2, definitionLevelEncoding: 3, repetitionLevelEncoding: 4 },
  dictionaryPageHeader: { numValues: 1, encoding: 2 },
} as const;

/**
 * A column of a Furrow table file, by what it holds:
 * - `double`: OPTIONAL DOUBLE, a NaN in the batch is a null in the file;
 * - `decimal`: OPTIONAL INT64 DECIMAL(18, 6) from doubles, NaN (or a value beyond ±DECIMAL_LIMIT) as null;
 * - `timestamp`: REQUIRED INT64 TIMESTAMP(MILLIS, UTC) from epoch milliseconds;
 * - `point`: REQUIRED BYTE_ARRAY holding a WKB Point (GeoParquet's WKB encoding) from lon/lat;
 * - `string`: OPTIONAL BYTE_ARRAY UTF8, dictionary-encoded per row group.
 */
export type ColumnKind = 'double' | 'decimal' | 'timestamp' | 'point' | 'string';

/** Digits after the point of a `decimal` column: the 6 decimals every GeoJSON layer prints a value with. */
export const DECIMAL_SCALE = 6;
/** Precision of DECIMAL on INT64 (the most 18 digits allow). */
export const DECIMAL_PRECISION = 18;
/**
 * Magnitude from which a `decimal` column stores null: DECIMAL(18, 6) holds 12 digits before the
 * point. Far beyond any standard measurement (a million tonnes per point); a value beyond it is
 * not a reading. Values below 2⁵³ / 10⁶ (≈ 9·10⁹) read back exactly as their 6-decimal rounding.
 */
export const DECIMAL_LIMIT = 1e12;

export interface ParquetColumn {
  name: string;
  kind: ColumnKind;
}
