import { pipeline, Readable } from 'node:stream';
import type { ByteSource } from '../../formats/byte-source.ts';
import { createGzip } from 'node:zlib';
import type { FeatureLayout } from '../point-features.ts';
import { ByteChunk, PointFeatureEncoder } from './feature-encoder.ts';
import { TableFileError, TableReader, type TableBatch, type TableSelection } from './reader.ts';
import type { TableMetadata } from './schema.ts';

/** The GeoJSON layers of an operation, named as the pipeline's files (raw.geojson, ...). */
export const GEOJSON_LAYERS = ['raw', 'normalized', 'standard', 'filtered', 'annotated'] as const;
export type GeoJsonLayer = (typeof GEOJSON_LAYERS)[number];

export interface GeoJsonViewOptions {
  /** Gzip the bytes (for a client that accepts `Content-Encoding: gzip`). */
  gzip?: boolean;
  /** zlib level of the gzip variant; 1 (zlib's fastest) by default, so that compressing costs the view as little as it can. */
  gzipLevel?: number;
}

const CHUNK_BYTES = 1 << 20;
/** Room past CHUNK_BYTES for the feature that crosses it, so that a chunk rarely grows. */
const CHUNK_SLACK = 64 * 1024;

/** How a layer is read from the table and laid out as features. */
export interface LayerPlan {
  selection: TableSelection;
  layout: FeatureLayout;
  /** Which part of a batch the features come from. */
  part: 'raw' | 'std';
  annotated: boolean;
}

/** The layers a table can give: raw always; the standard ones once standardized; filtered and annotated once the filters ran. */
export function availableGeoJsonLayers(metadata: TableMetadata): GeoJsonLayer[] {
  const { contents } = metadata;
  return GEOJSON_LAYERS.filter((layer) => {
    if (layer === 'raw') return true;
    if (!contents.standard) return false;
    if (layer === 'normalized') return true;
    if (layer === 'standard') return contents.cleanup;
    return contents.removedBy;
  });
}

/** What to read for `layer` and how its features are laid out; throws when the table cannot give the layer. */
export function geoJsonLayerPlan(metadata: TableMetadata, layer: GeoJsonLayer): LayerPlan {
  const { schema } = metadata;
  if (!availableGeoJsonLayers(metadata).includes(layer)) {
    throw new TableFileError(`the ${layer} layer cannot be made from this table: ${metadata.contents.standard ? 'the yield filters did not run' : 'the operation could not be standardized'}`);
  }
  if (layer === 'raw') {
    return {
      selection: { raw: schema.raw.map((c) => c.key) },
      layout: { timeKey: 'time', numbers: schema.raw.filter((c) => c.kind === 'number').map((c) => c.key), strings: schema.raw.filter((c) => c.kind === 'string').map((c) => c.key) },
      part: 'raw',
      annotated: false,
    };
  }
  const numbers = schema.standard.map(([name]) => name);
  const filterLayer = layer === 'filtered' || layer === 'annotated';
  return {
    selection: {
      standard: [...numbers, ...schema.standardStrings],
      filteredValues: filterLayer,
      verdicts: layer === 'annotated',
      rows: layer === 'standard' ? 'passedCleanup' : layer === 'filtered' ? 'passedFilters' : 'all',
    },
    layout: { timeKey: 'timestamp', numbers, strings: schema.standardStrings, products: schema.products, constants: schema.constants.map(([k, v]) => [k, v] as [string, string]) },
    part: 'std',
    annotated: layer === 'annotated',
  };
}

/**
 * The bytes of one GeoJSON layer, made from the table as it is read: identical to the file the
 * pipeline wrote before tables (same header with the `furrow` member, one Feature per line,
 * same property order and number formatting: PointFeatureEncoder writes what the pipeline's
 * serializer writes). Opens the table first, so that a missing table or layer fails here,
 * before any byte is sent.
 */
export async function openGeoJsonView(tablePath: string | ByteSource, layer: GeoJsonLayer, options: GeoJsonViewOptions = {}): Promise<Readable> {
  const table = await TableReader.open(tablePath);
  let layerPlan: LayerPlan;
  try {
    layerPlan = geoJsonLayerPlan(table.metadata, layer);
  } catch (error) {
    await table.close();
    throw error;
  }
  const body = Readable.from(geoJsonBytes(table, layer, layerPlan), { objectMode: false, highWaterMark: 4 * CHUNK_BYTES });
  if (!options.gzip) return body;
  const gzip = createGzip({ level: options.gzipLevel ?? 1, chunkSize: 256 * 1024 });
  // pipeline destroys both ends on failure, so the consumer sees the error and the table is closed.
  pipeline(body, gzip, () => {});
  return gzip;
}

async function* geoJsonBytes(table: TableReader, layer: GeoJsonLayer, { selection, layout, part, annotated }: LayerPlan): AsyncGenerator<Buffer> {
  try {
    const { metadata } = table;
    const foreign = { furrow: { version: metadata.furrowVersion, reader: metadata.schema.reader, layer, operationType: metadata.schema.operationType } };
    const members = Object.entries(foreign)
      .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)},`)
      .join('');
    const chunk = new ByteChunk(CHUNK_BYTES + CHUNK_SLACK);
    chunk.bytes(Buffer.from(`{"type":"FeatureCollection",${members}"features":[`));
    const encoder = new PointFeatureEncoder(layout);
    // `,"removedBy":…}}` per verdict, made once, as the filters' writer ends annotated features.
    const endings = new Map<string | null, Buffer>();
    const ending = (reason: string | null): Buffer => {
      let bytes = endings.get(reason);
      if (bytes === undefined) endings.set(reason, (bytes = Buffer.from(`,"removedBy":${JSON.stringify(reason)}}}`)));
      return bytes;
    };
    let first = true;
    for await (const batch of table.batches(selection) as AsyncGenerator<TableBatch>) {
      const feature = encoder.bind(part === 'raw' ? batch.raw : batch.std);
      const removedBy = batch.removedBy;
      for (let i = 0; i < batch.length; i++) {
        chunk.bytes(first ? FIRST : NEXT);
        first = false;
        if (annotated) feature(chunk, i, ending(removedBy![i] ?? null));
        else feature(chunk, i);
        if (chunk.length >= CHUNK_BYTES) yield chunk.take(CHUNK_BYTES + CHUNK_SLACK);
      }
    }
    chunk.bytes(CLOSE);
    yield chunk.take(0);
  } finally {
    await table.close();
  }
}

const FIRST = Buffer.from('\n');
const NEXT = Buffer.from(',\n');
const CLOSE = Buffer.from('\n]}\n');

/**
 * The byte length of a layer's view, by streaming it (what the layer's file would measure): a
 * merged file's sizeInBytes is that of its standard layer, which is no longer stored. Undefined when
 * the table cannot give the layer.
 */
export async function geoJsonViewLength(tablePath: string, layer: GeoJsonLayer): Promise<number | undefined> {
  let view: Readable;
  try {
    view = await openGeoJsonView(tablePath, layer);
  } catch (error) {
    if (error instanceof TableFileError) return undefined;
    throw error;
  }
  let bytes = 0;
  for await (const chunk of view as AsyncIterable<Buffer>) bytes += chunk.length;
  return bytes;
}
