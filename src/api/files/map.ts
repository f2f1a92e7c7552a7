import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import pick from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import { Type } from 'typebox';
import { OUTPUT_FILES } from '../../pipeline.ts';
import type { BlobStore } from '../../store/types.ts';
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
 * Reads a GeoJSON FeatureCollection of points as a stream (stream-json assembles one Feature at a
 * time) and keeps every k-th point, k doubling whenever `limit` points are held: memory stays at
 * `limit` points whatever the layer's size, and the points kept are spread evenly along the
 * operation (between limit / 2 and limit of them once there are more than `limit`).
 */
export async function decimatePoints(source: Readable, property: string, limit: number): Promise<DecimatedPoints> {
  const lon = new Float64Array(limit);
  const lat = new Float64Array(limit);
  const values = new Float64Array(limit);
  let count = 0;
  let step = 1;
  let index = 0;
  const items = new PassThrough({ objectMode: true });
  const done = pipeline(source, pick.withParserAsStream({ filter: 'features' }), streamArray.asStream(), items);
  done.catch((error: unknown) => items.destroy(error as Error));
  for await (const item of items as AsyncIterable<{ value: { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> | null } }>) {
    const i = index++;
    if (i % step !== 0) continue;
    const geometry = item.value.geometry;
    if (geometry?.type !== 'Point' || !Array.isArray(geometry.coordinates)) continue;
    const [x, y] = geometry.coordinates as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number') continue;
    if (count === limit) {
      // Keep the held points of even rank: those whose index is a multiple of the doubled step.
      let kept = 0;
      for (let j = 0; j < count; j += 2, kept++) {
        lon[kept] = lon[j]!;
        lat[kept] = lat[j]!;
        values[kept] = values[j]!;
      }
      count = kept;
      step *= 2;
      if (i % step !== 0) continue;
    }
    const v = item.value.properties?.[property];
    lon[count] = x;
    lat[count] = y;
    values[count] = typeof v === 'number' ? v : NaN;
    count++;
  }
  await done;
  return { total: index, step, lon, lat, values, count };
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
      let layer: MapLayer = request.query.layer ?? 'filtered';
      let source = `${file.blobPrefix}/${OUTPUT_FILES[layer]}`;
      if ((await deps.blobs.size(source)) === undefined && layer === 'filtered') {
        layer = 'standard';
        source = `${file.blobPrefix}/${OUTPUT_FILES.standard}`;
      }
      if ((await deps.blobs.size(source)) === undefined) throw notFound(`${layer} points of this file (status ${file.status})`);
      const cached = cacheKey(file.blobPrefix, layer, property, limit);
      let body: Buffer;
      if ((await deps.blobs.size(cached)) !== undefined) body = await readAll(deps.blobs, cached);
      else {
        const points = await decimatePoints(await deps.blobs.get(source), property, limit);
        body = Buffer.from(decimatedGeoJson(points, layer, property));
        await deps.blobs.put(cached, Readable.from([body]));
      }
      return reply.type('application/geo+json').header('Content-Length', body.length).send(body);
    },
  );
};
