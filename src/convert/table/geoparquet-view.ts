import type { Readable } from 'node:stream';
import type { ByteSource } from '../../formats/byte-source.ts';
import { FURROW_VERSION } from '../../version.ts';
import type { ParquetColumn } from './parquet-format.ts';
import { ParquetFileWriter, type ByteSink, type ColumnData } from './parquet-writer.ts';
import { TableFileError, TableReader, type TableSelection } from './reader.ts';
import { BoundingBox, FURROW_KEY, geoMetadata, GEOMETRY_COLUMN, TIME_COLUMN, type TableMetadata } from './schema.ts';
import { FileSink, StreamSink } from './sinks.ts';

/** Leaf's GeoParquet downloads and the layer each holds. */
export const GEOPARQUET_VIEWS = { standardGeoparquet: 'standard', filteredGeoparquet: 'filtered' } as const;
export type GeoParquetLayer = (typeof GEOPARQUET_VIEWS)[keyof typeof GEOPARQUET_VIEWS];

/** What a GeoParquet view's `furrow` metadata says: enough for a reader to know the units. */
export interface GeoParquetViewMetadata {
  layer: GeoParquetLayer;
  furrowVersion: string;
  reader: string;
  operationType: string;
  /** Unit code of every numeric column. */
  units: Record<string, string>;
}

interface ViewPlan {
  selection: TableSelection;
  columns: ParquetColumn[];
  numbers: string[];
  texts: string[];
  metadata: GeoParquetViewMetadata;
}

function plan(table: TableReader, layer: GeoParquetLayer): ViewPlan {
  const meta: TableMetadata = table.metadata;
  const { schema, contents } = meta;
  if (!contents.standard) throw new TableFileError(`the ${layer} layer cannot be made from this table: the operation could not be standardized`);
  if (layer === 'standard' ? !contents.cleanup : !contents.removedBy) throw new TableFileError(`the ${layer} layer cannot be made from this table: ${layer === 'standard' ? 'no cleanup verdicts' : 'the yield filters did not run'}`);
  const numbers = schema.standard.map(([name]) => name);
  const texts = [...schema.standardStrings, ...schema.constants.map(([name]) => name)];
  return {
    selection: { standard: [...numbers, ...texts], rows: layer === 'standard' ? 'passedCleanup' : 'passedFilters', filteredValues: layer === 'filtered' },
    columns: [
      { name: GEOMETRY_COLUMN, kind: 'point' },
      { name: TIME_COLUMN, kind: 'timestamp' },
      ...numbers.map((name): ParquetColumn => ({ name, kind: 'double' })),
      ...texts.map((name): ParquetColumn => ({ name, kind: 'string' })),
    ],
    numbers,
    texts,
    metadata: { layer, furrowVersion: meta.furrowVersion, reader: schema.reader, operationType: schema.operationType, units: Object.fromEntries(schema.standard) },
  };
}

/**
 * Leaf's `standardGeoparquet` / `filteredGeoparquet`: the standard or filtered layer's points
 * with the standard columns only (geometry, timestamp, standard numbers, text properties),
 * made from the table when asked for rather than stored beside it, since it repeats what the
 * table holds. One row group per table row group, so memory holds one at a time.
 */
async function writeView(table: TableReader, layer: GeoParquetLayer, sink: ByteSink): Promise<{ rows: number; bytes: number }> {
  const { selection, columns, numbers, texts, metadata } = plan(table, layer);
  const writer = new ParquetFileWriter(sink, columns, { compression: 'gzip', createdBy: `furrow version ${FURROW_VERSION}` });
  const bbox = new BoundingBox();
  try {
    for await (const batch of table.batches(selection)) {
      const { std } = batch;
      bbox.add(std.lon, std.lat, std.length);
      const data: ColumnData[] = [{ lon: std.lon, lat: std.lat }, std.time, ...numbers.map((n) => std.numbers.get(n)!), ...texts.map((n) => std.strings.get(n)!)];
      await writer.writeRowGroup(std.length, data);
    }
    return await writer.close([
      ['geo', geoMetadata(bbox.box)],
      [FURROW_KEY, JSON.stringify(metadata)],
    ]);
  } catch (error) {
    writer.abort(error as Error);
    throw error;
  }
}

/** Writes the view to a file (a cache that can serve Range requests); returns its rows and bytes. */
export async function writeGeoParquetView(tablePath: string | ByteSource, layer: GeoParquetLayer, outPath: string): Promise<{ rows: number; bytes: number }> {
  const table = await TableReader.open(tablePath);
  try {
    plan(table, layer);
    return await writeView(table, layer, await FileSink.create(outPath));
  } finally {
    await table.close();
  }
}

/** Streams the view (no length known in advance); the table and layer are checked before the stream is returned. */
export async function openGeoParquetView(tablePath: string | ByteSource, layer: GeoParquetLayer): Promise<Readable> {
  const table = await TableReader.open(tablePath);
  try {
    plan(table, layer);
  } catch (error) {
    await table.close();
    throw error;
  }
  const sink = new StreamSink();
  // A failure has destroyed the stream with its error already (writer.abort), which is how the consumer learns of it.
  writeView(table, layer, sink)
    .catch(() => {})
    .finally(() => void table.close());
  return sink.stream;
}
