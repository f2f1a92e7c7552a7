import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import pick from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import { Type } from 'typebox';
import { OUTPUT_FILES } from '../../pipeline.ts';
import type { BlobStore } from '../../store/types.ts';
import { TableFileError, TableReader, type TableMetadata, type TableSelection } from '../../convert/table/index.ts';
import { ownerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { notFound, problemResponses } from '../problem.ts';
import { FileParams } from './schemas.ts';

export const MAP_LAYERS = ['filtered', 'standard'] as const;
type MapLayer = (typeof MAP_LAYERS)[number];

const DEFAULT_LIMIT = 50_000;
const MAX_LIMIT = 250_000;

/** Where a file's decimated points are kept once made: under its outputs' prefix, so a new conversion or a purge removes them with the rest. */
const cacheKey = (prefix: string, layer: MapLayer, property: string, limit: number) => `${prefix}/map-points/${layer}-${property || '_'}-${limit}.geojson`;

export interface DecimatedPoints {
  /** Points of the layer, all read. */
  total: number;
  /** Every `step`-th point was kept (the 1st, the step+1-th, ...). */
  step: number;
  lon: Float64Array;
  lat: Float64Array;
  /** The property's value per kept point; NaN where the point has none. */
  values: Float64Array;
  count: number;
}

/**
 * Keeps every k-th point pushed, k doubling whenever `limit` points are held: memory stays at
 * `limit` points whatever the layer's size, and the points kept are spread evenly along the
 * operation (between limit / 2 and limit of them once there are more than `limit`).
 */
class Decimator {
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly values: Float64Array;
  count = 0;
  step = 1;
  index = 0;

  constructor(private readonly limit: number) {
    this.lon = new Float64Array(limit);
    this.lat = new Float64Array(limit);
    this.values = new Float64Array(limit);
  }

  /** Whether the next point is one to keep (then `push` it); counts it either way. */
  wants(): boolean {
    const i = this.index++;
    if (i % this.step !== 0) return false;
    if (this.count === this.limit) {
      // Keep the held points of even rank: those whose index is a multiple of the doubled step.
      let kept = 0;
      for (let j = 0; j < this.count; j += 2, kept++) {
        this.lon[kept] = this.lon[j]!;
        this.lat[kept] = this.lat[j]!;
        this.values[kept] = this.values[j]!;
      }
      this.count = kept;
      this.step *= 2;
      if (i % this.step !== 0) return false;
    }
    return true;
  }

  push(lon: number, lat: number, value: number): void {
    this.lon[this.count] = lon;
    this.lat[this.count] = lat;
    this.values[this.count] = value;
    this.count++;
  }

  result(): DecimatedPoints {
    return { total: this.index, step: this.step, lon: this.lon, lat: this.lat, values: this.values, count: this.count };
  }
}

/**
 * Decimates a GeoJSON FeatureCollection of points read as a stream (stream-json assembles one
 * Feature at a time): for a file whose layer was stored as GeoJSON and has no table.
 */
export async function decimatePoints(source: Readable, property: string, limit: number): Promise<DecimatedPoints> {
  const points = new Decimator(limit);
  const items = new PassThrough({ objectMode: true });
  const done = pipeline(source, pick.withParserAsStream({ filter: 'features' }), streamArray.asStream(), items);
  done.catch((error: unknown) => items.destroy(error as Error));
  for await (const item of items as AsyncIterable<{ value: { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> | null } }>) {
    const geometry = item.value.geometry;
    const [x, y] = geometry?.type === 'Point' && Array.isArray(geometry.coordinates) ? (geometry.coordinates as unknown[]) : [];
    // A feature without a point position is counted but never kept (a table row always has one).
    if (typeof x !== 'number' || typeof y !== 'number') {
      points.index++;
      continue;
    }
    if (!points.wants()) continue;
    const v = item.value.properties?.[property];
    points.push(x, y, typeof v === 'number' ? v : NaN);
  }
  await done;
  return points.result();
}

/**
 * Decimates a layer of an operation's table, reading only the geometry, the verdict that selects
 * the layer's rows and the one property's column: no GeoJSON is made or parsed. Values and
 * positions are rounded as the layer's GeoJSON writes them (6 and 7 decimals), so the points are
 * those of the GeoJSON download. `filtered` shows the values as the filters shifted them.
 */
export async function decimateTable(table: TableReader, layer: MapLayer, property: string, limit: number): Promise<DecimatedPoints> {
  const points = new Decimator(limit);
  const hasProperty = table.metadata.schema.standard.some(([name]) => name === property);
  const selection: TableSelection = { standard: hasProperty ? [property] : [], rows: layer === 'filtered' ? 'passedFilters' : 'passedCleanup', filteredValues: layer === 'filtered' };
  for await (const batch of table.batches(selection)) {
    const { lon, lat } = batch.std;
    const values = hasProperty ? batch.std.numbers.get(property) : undefined;
    for (let i = 0; i < batch.length; i++) {
      if (!points.wants()) continue;
      const v = values ? values[i]! : NaN;
      points.push(Math.round(lon[i]! * 1e7) / 1e7, Math.round(lat[i]! * 1e7) / 1e7, Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : NaN);
    }
  }
  return points.result();
}

/** The kept points as a FeatureCollection, with what was kept in a `furrow` foreign member (RFC 7946 §6.1). */
export function decimatedGeoJson(points: DecimatedPoints, layer: MapLayer, property: string): string {
  let min = Infinity;
  let max = -Infinity;
  const features: string[] = [];
  for (let i = 0; i < points.count; i++) {
    const v = points.values[i]!;
    const value = Number.isFinite(v) ? v : null;
    if (value !== null) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const properties = property ? `{${JSON.stringify(property)}:${value === null ? 'null' : value}}` : '{}';
    features.push(`{"type":"Feature","geometry":{"type":"Point","coordinates":[${points.lon[i]},${points.lat[i]}]},"properties":${properties}}`);
  }
  const furrow = { layer, property: property || null, total: points.total, kept: points.count, step: points.step, min: min <= max ? min : null, max: min <= max ? max : null };
  return `{"type":"FeatureCollection","furrow":${JSON.stringify(furrow)},"features":[\n${features.join(',\n')}\n]}\n`;
}

async function readAll(blobs: BlobStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Where a layer's points are read from: its stored GeoJSON file, else the operation's table (the service's default). */
type MapSource = { kind: 'geojson' | 'table'; key: string; layer: MapLayer };

/**
 * The layer's source, `filtered` falling back to `standard` when the file has no filtered points.
 * A stored GeoJSON file (FURROW_STORE_GEOJSON, or a conversion older than the tables) is taken as
 * it is; otherwise the table, when its verdicts can select the layer's rows.
 */
async function mapSource(blobs: BlobStore, prefix: string, asked: MapLayer): Promise<MapSource | undefined> {
  const tableKey = `${prefix}/${OUTPUT_FILES.table}`;
  let contents: TableMetadata['contents'] | undefined;
  if ((await blobs.size(tableKey)) !== undefined) {
    try {
      const table = await TableReader.open(await blobs.localPath(tableKey));
      contents = table.metadata.contents;
      await table.close();
    } catch (error) {
      if (!(error instanceof TableFileError)) throw error;
    }
  }
  for (const layer of asked === 'filtered' ? (['filtered', 'standard'] as const) : (['standard'] as const)) {
    const key = `${prefix}/${OUTPUT_FILES[layer]}`;
    if ((await blobs.size(key)) !== undefined) return { kind: 'geojson', key, layer };
    if (contents?.standard && (layer === 'filtered' ? contents.removedBy : contents.cleanup)) return { kind: 'table', key: tableKey, layer };
  }
  return undefined;
}

/**
 * GET /files/{id}/map-points: a decimated point layer for the web app's map, so that an operation
 * of millions of points draws smoothly in a browser. Made once per layer, property and limit,
 * then served from the blob store.
 */
export const mapRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    '/files/:id/map-points',
    {
      schema: {
        tags: ['files'],
        operationId: 'getFileMapPoints',
        summary: 'Every k-th point of the filtered (or standard) GeoJSON with one property, for a web map',
        description:
          'A FeatureCollection of at most `limit` points (k doubles until they fit, so between limit / 2 and limit once the layer has more), each with only `property`; ' +
          'the foreign member `furrow` gives the layer, the points read (`total`), kept and the step k, and the min and max of the property among the kept points. ' +
          '`layer=filtered` (default) falls back to `standard` when the file has no filtered output.',
        params: FileParams,
        querystring: Type.Object({
          property: Type.Optional(Type.String({ pattern: '^[A-Za-z]+$', maxLength: 64, description: 'standard property to carry, e.g. wetMassPerArea' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
          layer: Type.Optional(Type.Enum([...MAP_LAYERS], { default: 'filtered' })),
        }),
        response: { 200: { description: 'GeoJSON FeatureCollection', content: { 'application/geo+json': { schema: { type: 'string' } } } }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const file = await deps.store.getFile(ownerOf(request).id, request.params.id);
      if (!file) throw notFound('File');
      const property = request.query.property ?? '';
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const asked: MapLayer = request.query.layer ?? 'filtered';
      const source = await mapSource(deps.blobs, file.blobPrefix, asked);
      if (!source) throw notFound(`${asked} points of this file (status ${file.status})`);
      const { layer } = source;
      const cached = cacheKey(file.blobPrefix, layer, property, limit);
      let body: Buffer;
      if ((await deps.blobs.size(cached)) !== undefined) body = await readAll(deps.blobs, cached);
      else {
        let points: DecimatedPoints;
        if (source.kind === 'geojson') points = await decimatePoints(await deps.blobs.get(source.key), property, limit);
        else {
          const table = await TableReader.open(await deps.blobs.localPath(source.key));
          try {
            points = await decimateTable(table, layer, property, limit);
          } finally {
            await table.close();
          }
        }
        body = Buffer.from(decimatedGeoJson(points, layer, property));
        await deps.blobs.put(cached, Readable.from([body]));
      }
      return reply.type('application/geo+json').header('Content-Length', body.length).send(body);
    },
  );
};
