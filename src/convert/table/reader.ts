import type { ByteSource } from '../../formats/byte-source.ts';
import type { PointBatch } from '../../model/batch.ts';
import { ParquetFileReader, TableFileError } from './parquet-reader.ts';
import type { ColumnData } from './parquet-writer.ts';
import { CLEANUP_COLUMN, FURROW_KEY, GEOMETRY_COLUMN, rawColumn, REMOVED_BY_COLUMN, shiftedColumn, TIME_COLUMN, type TableMetadata } from './schema.ts';

export { TableFileError } from './parquet-reader.ts';

/**
 * Which rows to read, by their verdicts: every row, those that passed Leaf's cleanup rules (the
 * standard layer), or those every yield filter kept (the filtered layer).
 */
export type RowFilter = 'all' | 'passedCleanup' | 'passedFilters';

export interface TableSelection {
  /** Raw column keys to read (ColumnSpec keys); none by default. */
  raw?: readonly string[];
  /** Standard numeric and text properties (and constants) to read; none by default. */
  standard?: readonly string[];
  /** Read the `cleanup` and `removedBy` verdicts. */
  verdicts?: boolean;
  /** Standard values as the filtered and annotated layers show them (the filters' flow and moisture shifts applied). */
  filteredValues?: boolean;
  rows?: RowFilter;
}

/** Rows read back: `raw` and `std` share time and positions; parts not selected are absent. */
export interface TableBatch {
  length: number;
  raw: PointBatch;
  std: PointBatch;
  cleanup?: (string | null)[];
  removedBy?: (string | null)[];
}

/** Opens a table written by TableWriter and streams its rows back as point batches, one row group at a time. */
export class TableReader {
  private constructor(
    private readonly file: ParquetFileReader,
    readonly metadata: TableMetadata,
    /** [minLon, minLat, maxLon, maxLat] of every point, from the GeoParquet metadata; null for an empty table. */
    readonly bbox: [number, number, number, number] | null,
  ) {}

  /** Opens a table file, or a ByteSource (an object in S3 read by ranges), which the reader closes. */
  static async open(input: string | ByteSource): Promise<TableReader> {
    const file = await ParquetFileReader.open(input);
    const path = file.path;
    try {
      const text = file.keyValue.get(FURROW_KEY);
      if (!text) throw new TableFileError(`${path}: a Parquet file, but not a Furrow table (no "${FURROW_KEY}" metadata)`);
      const metadata = JSON.parse(text) as TableMetadata;
      if (metadata.table !== 1) throw new TableFileError(`${path}: table layout ${String(metadata.table)} is not one this Furrow reads`);
      const geo = JSON.parse(file.keyValue.get('geo') ?? '{}') as { columns?: Record<string, { bbox?: [number, number, number, number] }> };
      return new TableReader(file, metadata, geo.columns?.[GEOMETRY_COLUMN]?.bbox ?? null);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  get path(): string {
    return this.file.path;
  }

  get rowCount(): number {
    return this.file.rowCount;
  }

  get rowGroupCount(): number {
    return this.file.rowGroups.length;
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  /**
   * Streams the selected columns and rows, one row group per batch. The next row group is read
   * and decompressed while the caller works on the current one.
   */
  async *batches(selection: TableSelection = {}): AsyncGenerator<TableBatch> {
    const { schema } = this.metadata;
    const rows = selection.rows ?? 'all';
    const rawKeys = selection.raw ?? [];
    const stdNames = selection.standard ?? [];
    const rawKind = new Map(schema.raw.map((c) => [c.key, c.kind] as const));
    const numberNames = new Set(schema.standard.map(([name]) => name));
    const textNames = new Set([...schema.standardStrings, ...schema.constants.map(([name]) => name)]);
    const shifted = new Set(selection.filteredValues ? (schema.shifted ?? []) : []);
    for (const key of rawKeys) if (!rawKind.has(key)) throw new TableFileError(`${this.path}: no raw column ${key}`);
    for (const name of stdNames) if (!numberNames.has(name) && !textNames.has(name)) throw new TableFileError(`${this.path}: no standard property ${name}`);
    if (stdNames.length > 0 && !this.metadata.contents.standard) throw new TableFileError(`${this.path}: the operation has no standard columns`);
    const needsCleanup = selection.verdicts || rows === 'passedCleanup';
    const needsRemovedBy = selection.verdicts || rows === 'passedFilters';
    if (needsCleanup && !this.metadata.contents.cleanup) throw new TableFileError(`${this.path}: the table holds no cleanup verdicts`);
    if (needsRemovedBy && !this.metadata.contents.removedBy) throw new TableFileError(`${this.path}: the table holds no filter verdicts (the filters did not run)`);

    const fileColumn = (name: string) => (numberNames.has(name) && shifted.has(name) ? shiftedColumn(name) : name);
    const names = [GEOMETRY_COLUMN, TIME_COLUMN, ...rawKeys.map(rawColumn), ...stdNames.map(fileColumn)];
    if (needsCleanup) names.push(CLEANUP_COLUMN);
    if (needsRemovedBy) names.push(REMOVED_BY_COLUMN);
    const read = (group: number) => this.file.readColumns(group, names);

    let next = this.rowGroupCount > 0 ? read(0) : undefined;
    // A read started ahead and then abandoned (the consumer stopped) must not surface as an unhandled rejection.
    next?.catch(() => {});
    for (let group = 0; group < this.rowGroupCount; group++) {
      const data = await next!;
      next = group + 1 < this.rowGroupCount ? read(group + 1) : undefined;
      next?.catch(() => {});
      const columns = new Map(names.map((name, i) => [name, data[i]!] as const));
      const cleanup = columns.get(CLEANUP_COLUMN) as (string | null)[] | undefined;
      const removedBy = columns.get(REMOVED_BY_COLUMN) as (string | null)[] | undefined;
      const keep = rows === 'passedCleanup' ? cleanup : rows === 'passedFilters' ? removedBy : undefined;
      const batch = this.assemble(columns, rawKeys, stdNames, rawKind, numberNames, fileColumn, this.file.rowGroups[group]!.rows);
      if (selection.verdicts) {
        batch.cleanup = cleanup;
        batch.removedBy = removedBy;
      }
      yield keep ? select(batch, keep) : batch;
    }
  }

  private assemble(
    columns: Map<string, ColumnData>,
    rawKeys: readonly string[],
    stdNames: readonly string[],
    rawKind: ReadonlyMap<string, 'number' | 'string'>,
    numberNames: ReadonlySet<string>,
    fileColumn: (name: string) => string,
    length: number,
  ): TableBatch {
    const { lon, lat } = columns.get(GEOMETRY_COLUMN) as { lon: Float64Array; lat: Float64Array };
    const time = columns.get(TIME_COLUMN) as Float64Array;
    const raw: PointBatch = { length, time, lon, lat, numbers: new Map(), strings: new Map() };
    const std: PointBatch = { length, time, lon, lat, numbers: new Map(), strings: new Map() };
    for (const key of rawKeys) {
      const values = columns.get(rawColumn(key))!;
      if (rawKind.get(key) === 'number') raw.numbers.set(key, values as Float64Array);
      else raw.strings.set(key, values as (string | null)[]);
    }
    for (const name of stdNames) {
      const values = columns.get(fileColumn(name))!;
      if (numberNames.has(name)) std.numbers.set(name, values as Float64Array);
      else std.strings.set(name, values as (string | null)[]);
    }
    return { length, raw, std };
  }
}

/** The rows whose verdict is null, compacted (kept order). */
function select(batch: TableBatch, verdict: readonly (string | null)[]): TableBatch {
  let kept = 0;
  for (let i = 0; i < batch.length; i++) if (verdict[i] === null) kept++;
  if (kept === batch.length) return batch;
  const index = new Int32Array(kept);
  for (let i = 0, j = 0; i < batch.length; i++) if (verdict[i] === null) index[j++] = i;
  const doubles = (values: Float64Array) => {
    const out = new Float64Array(kept);
    for (let j = 0; j < kept; j++) out[j] = values[index[j]!]!;
    return out;
  };
  const texts = (values: readonly (string | null)[]) => {
    const out = new Array<string | null>(kept);
    for (let j = 0; j < kept; j++) out[j] = values[index[j]!] ?? null;
    return out;
  };
  const time = doubles(batch.raw.time);
  const lon = doubles(batch.raw.lon);
  const lat = doubles(batch.raw.lat);
  const part = (b: PointBatch): PointBatch => ({
    length: kept,
    time,
    lon,
    lat,
    numbers: new Map([...b.numbers].map(([k, v]) => [k, doubles(v)] as const)),
    strings: new Map([...b.strings].map(([k, v]) => [k, texts(v)] as const)),
  });
  return {
    length: kept,
    raw: part(batch.raw),
    std: part(batch.std),
    cleanup: batch.cleanup && texts(batch.cleanup),
    removedBy: batch.removedBy && texts(batch.removedBy),
  };
}
