import type { PointBatch } from '../../model/batch.ts';
import { FURROW_VERSION } from '../../version.ts';
import { ParquetFileWriter, type ByteSink, type ColumnData } from './parquet-writer.ts';
import { FileSink } from './sinks.ts';
import { BoundingBox, FURROW_KEY, geoMetadata, tableColumns, type TableContents, type TableMetadata, type TableSchema } from './schema.ts';

/** Rows per row group: 64 k points of ~40 columns is ~20 MB in memory while it is encoded. */
export const ROW_GROUP_ROWS = 65_536;

/** One batch of an operation's points as every step saw them; every part has the raw batch's length. */
export interface TableRows {
  /** The source's batch (time, position, raw columns). */
  raw: PointBatch;
  /** The same points standardized (same time and positions); absent when the operation cannot be standardized. */
  std?: PointBatch;
  /** Per point: the Leaf cleanup rule that removed it (`property OPERATOR value`), or null. */
  cleanup?: readonly (string | null)[];
  /** Per point: the cleanup rule (as `cleanup: <rule>`) or yield filter that removed it from the filtered layer, or null. */
  removedBy?: readonly (string | null)[];
  /** Values of `schema.shifted` as the filters moved them, by standard name. */
  shifted?: ReadonlyMap<string, Float64Array>;
}

export interface TableSummary {
  rows: number;
  bytes: number;
}

/** A row group being filled: one array per file column, in the file's column order. */
interface Group {
  length: number;
  lon: Float64Array;
  lat: Float64Array;
  columns: (Float64Array | (string | null)[])[];
}

/**
 * Writes one operation's table: every point once, with its raw and standard columns and the
 * verdicts of cleanup and filters, as a GeoParquet 1.1 file. `add` takes batches of any size and
 * writes a row group each time ROW_GROUP_ROWS points have gathered, so memory holds one or two
 * row groups whatever the operation's size.
 */
export class TableWriter {
  private group: Group;
  private readonly bbox = new BoundingBox();
  private readonly contents: TableContents = { standard: false, cleanup: false, removedBy: false };

  private constructor(
    private readonly file: ParquetFileWriter,
    private readonly schema: TableSchema,
  ) {
    this.group = this.freshGroup();
  }

  /** Opens `path` for writing (replacing it). */
  static async open(path: string, schema: TableSchema, options: { compression?: 'gzip' | 'none' } = {}): Promise<TableWriter> {
    return TableWriter.to(await FileSink.create(path), schema, options);
  }

  /** Writes to any byte sink (a stream for views). */
  static to(sink: ByteSink, schema: TableSchema, options: { compression?: 'gzip' | 'none' } = {}): TableWriter {
    const columns = tableColumns(schema);
    return new TableWriter(new ParquetFileWriter(sink, columns, { compression: options.compression ?? 'gzip', createdBy: `furrow version ${FURROW_VERSION}` }), schema);
  }

  async add(rows: TableRows): Promise<void> {
    const n = rows.raw.length;
    const check = (what: string, length: number | undefined) => {
      if (length !== undefined && length < n) throw new Error(`table rows: ${what} has ${length} values for ${n} points`);
    };
    check('std', rows.std?.length);
    check('cleanup', rows.cleanup?.length);
    check('removedBy', rows.removedBy?.length);
    if (rows.std) this.contents.standard = true;
    if (rows.cleanup) this.contents.cleanup = true;
    if (rows.removedBy) this.contents.removedBy = true;
    let from = 0;
    while (from < n) {
      const take = Math.min(n - from, ROW_GROUP_ROWS - this.group.length);
      this.copy(rows, from, take);
      from += take;
      if (this.group.length === ROW_GROUP_ROWS) await this.flush();
    }
  }

  async close(): Promise<TableSummary> {
    await this.flush();
    const metadata: TableMetadata = { table: 1, furrowVersion: FURROW_VERSION, schema: this.schema, contents: this.contents };
    return this.file.close([
      ['geo', geoMetadata(this.bbox.box)],
      [FURROW_KEY, JSON.stringify(metadata)],
    ]);
  }

  /** Gives up after a failure: the partial file is removed. */
  abort(error?: Error): void {
    this.file.abort(error);
  }

  private copy(rows: TableRows, from: number, take: number): void {
    const g = this.group;
    const at = g.length;
    const { raw, std } = rows;
    const columns = g.columns;
    (columns[0] as Float64Array).set(raw.time.subarray(from, from + take), at);
    g.lon.set(raw.lon.subarray(from, from + take), at);
    g.lat.set(raw.lat.subarray(from, from + take), at);
    let c = 1;
    const numbers = (batch: PointBatch | undefined, keys: readonly string[]) => {
      for (const key of keys) {
        const source = batch?.numbers.get(key);
        const target = columns[c++] as Float64Array;
        if (source) target.set(source.subarray(from, from + take), at);
        else target.fill(NaN, at, at + take);
      }
    };
    const texts = (values: readonly (string | null)[] | undefined) => {
      const target = columns[c++] as (string | null)[];
      for (let i = 0; i < take; i++) target[at + i] = values?.[from + i] ?? null;
    };
    // Raw columns in schema order: numbers and strings interleave as the driver listed them.
    for (const spec of this.schema.raw) {
      if (spec.kind === 'number') numbers(raw, [spec.key]);
      else texts(raw.strings.get(spec.key));
    }
    numbers(std, this.schema.standard.map(([name]) => name));
    for (const name of this.schema.standardStrings) texts(std?.strings.get(name));
    for (const [, value] of this.schema.constants) {
      const target = columns[c++] as (string | null)[];
      target.fill(std ? value : null, at, at + take);
    }
    texts(rows.cleanup);
    texts(rows.removedBy);
    for (const name of this.schema.shifted ?? []) {
      const source = rows.shifted?.get(name) ?? std?.numbers.get(name);
      const target = columns[c++] as Float64Array;
      if (source) target.set(source.subarray(from, from + take), at);
      else target.fill(NaN, at, at + take);
    }
    this.bbox.add(raw.lon.subarray(from, from + take), raw.lat.subarray(from, from + take), take);
    g.length += take;
  }

  private async flush(): Promise<void> {
    const g = this.group;
    if (g.length === 0) return;
    const n = g.length;
    const data: ColumnData[] = [{ lon: g.lon.subarray(0, n), lat: g.lat.subarray(0, n) }, ...g.columns.map((column) => (column instanceof Float64Array ? column.subarray(0, n) : column.length === n ? column : column.slice(0, n)))];
    // The writer encodes (copies) the group before its promise settles, so the buffers are reused.
    const written = this.file.writeRowGroup(n, data);
    g.length = 0;
    await written;
  }

  private freshGroup(): Group {
    const doubles = () => new Float64Array(ROW_GROUP_ROWS);
    const texts = () => new Array<string | null>(ROW_GROUP_ROWS).fill(null);
    const columns: Group['columns'] = [doubles()];
    for (const spec of this.schema.raw) columns.push(spec.kind === 'number' ? doubles() : texts());
    for (let i = 0; i < this.schema.standard.length; i++) columns.push(doubles());
    for (let i = 0; i < this.schema.standardStrings.length + this.schema.constants.length + 2; i++) columns.push(texts());
    for (let i = 0; i < (this.schema.shifted ?? []).length; i++) columns.push(doubles());
    return { length: 0, lon: doubles(), lat: doubles(), columns };
  }
}
