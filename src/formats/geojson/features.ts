import type { Readable } from 'node:stream';
import { chain } from 'stream-chain';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { DatasetError } from '../types.ts';

/** A member of the `features` array as parsed, not yet checked. */
export interface FeatureLike {
  type?: unknown;
  geometry?: unknown;
  properties?: unknown;
}

/**
 * The elements of the top-level `features` array, one at a time: stream-json tokenizes the text
 * and assembles one feature at a time, so memory holds one feature whatever the file's size.
 * Malformed JSON becomes a DatasetError that says how far the file was readable.
 */
export async function* streamFeatures(stream: Readable, file: string): AsyncGenerator<FeatureLike> {
  const pipe = chain([stream, parser({ streamValues: false }), pick({ filter: 'features' }), streamArray()]);
  let index = 0;
  try {
    for await (const item of pipe as AsyncIterable<{ key: number; value: unknown }>) {
      const value = item.value;
      yield typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as FeatureLike) : {};
      index++;
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const where = index === 0 ? 'before its first feature' : `after feature ${index}`;
    throw new DatasetError(`${file}: the file is not valid GeoJSON: the JSON breaks ${where} (${(error as Error).message})`);
  } finally {
    pipe.destroy();
    stream.destroy();
  }
}

export type Position = { lon: number; lat: number; z: number } | { skip: string };

function coordinates(value: unknown): Position {
  if (!Array.isArray(value) || value.length < 2) return { skip: 'invalid coordinates' };
  const [lon, lat, z] = value as unknown[];
  if (typeof lon !== 'number' || typeof lat !== 'number' || !(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) return { skip: 'invalid coordinates' };
  return { lon, lat, z: typeof z === 'number' ? z : NaN };
}

/** A feature's point: a Point, or the first point of a MultiPoint (RFC 7946 §3.1.2–3.1.3, WGS84 lon/lat). */
export function featurePosition(feature: FeatureLike): Position {
  const geometry = feature.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
  if (geometry === null || geometry === undefined || typeof geometry !== 'object') return { skip: 'no geometry' };
  if (geometry.type === 'Point') return coordinates(geometry.coordinates);
  if (geometry.type === 'MultiPoint') {
    const points = geometry.coordinates;
    return Array.isArray(points) && points.length > 0 ? coordinates(points[0]) : { skip: 'empty MultiPoint' };
  }
  return { skip: `${typeof geometry.type === 'string' ? geometry.type : 'unknown'} geometry` };
}

export function featureProperties(feature: FeatureLike): Record<string, unknown> {
  const p = feature.properties;
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

/** Epoch milliseconds from at least 1973 on count as milliseconds; smaller epoch numbers are seconds. */
const MIN_EPOCH_MS = 1e11;
const ISO_ZONE = /(Z|[+-]\d\d:?\d\d)$/i;
const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * A point's time in epoch ms: ISO 8601 text (a time without a zone is read as UTC and flagged),
 * or an epoch number (seconds or milliseconds, by size), as a number or numeric text.
 */
export function parseTime(value: unknown): { ms: number; zoneless: boolean } | undefined {
  let epoch: number | undefined;
  if (typeof value === 'number') epoch = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    if (NUMERIC.test(text)) epoch = Number(text);
    else {
      if (!/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(text)) return undefined;
      const zoneless = !ISO_ZONE.test(text);
      const ms = Date.parse(zoneless ? `${text.replace(' ', 'T')}Z` : text.replace(' ', 'T'));
      return Number.isFinite(ms) ? { ms, zoneless } : undefined;
    }
  }
  if (epoch === undefined || !Number.isFinite(epoch) || epoch <= 0) return undefined;
  return { ms: epoch >= MIN_EPOCH_MS ? epoch : epoch * 1000, zoneless: false };
}

/** A property value as a number: numbers, numeric text, and booleans (true = 1). NaN otherwise. */
export function numberValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : NaN;
  }
  return NaN;
}

/** Recording status as the engine reads it: 1 = On, 0 = Off (Leaf writes "On"/"Off"; others use booleans or 1/0). */
export function recordingValue(value: unknown): number {
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (word === 'on' || word === 'true' || word === '1') return 1;
    if (word === 'off' || word === 'false' || word === '0') return 0;
    return NaN;
  }
  const n = numberValue(value);
  return Number.isNaN(n) ? NaN : n === 0 ? 0 : 1;
}
