import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import pick from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface GeoJsonGeometry {
  type: string;
  coordinates?: unknown;
}

export interface GeoJsonFeature {
  type: 'Feature';
  geometry: GeoJsonGeometry | null;
  properties: Record<string, JsonValue> | null;
}

/** Furrow's own writer (geojson-writer.ts) puts the header on line 1 and one Feature per line. */
const FURROW_HEADER = /^\{"type":"FeatureCollection",.*"features":\[$/;

/**
 * Streams the Features of a GeoJSON FeatureCollection file, one at a time, in bounded memory.
 * Files written by Furrow are read line by line with JSON.parse (several times faster than a
 * token parser); any other FeatureCollection goes through stream-json, which never holds more
 * than one feature.
 */
export async function* readGeoJsonFeatures(path: string): AsyncGenerator<GeoJsonFeature> {
  if (await hasFurrowLayout(path)) yield* readLines(path);
  else yield* readTokens(path);
}

async function hasFurrowLayout(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const newline = text.indexOf('\n');
    return newline > 0 && FURROW_HEADER.test(text.slice(0, newline));
  } finally {
    await handle.close();
  }
}

async function* readLines(path: string): AsyncGenerator<GeoJsonFeature> {
  const lines = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (lineNumber === 1) continue;
    let text = line.trim();
    if (text.startsWith(',')) text = text.slice(1);
    if (text.endsWith(',')) text = text.slice(0, -1);
    if (text === '' || text.startsWith(']')) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`${path}: line ${lineNumber} is not a GeoJSON Feature (${(error as Error).message})`);
    }
    yield checkFeature(value, path, lineNumber - 2);
  }
}

async function* readTokens(path: string): AsyncGenerator<GeoJsonFeature> {
  // pick the "features" array out of the document, then assemble its elements one by one.
  const items = new PassThrough({ objectMode: true });
  const done = pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), pick.withParserAsStream({ filter: 'features' }), streamArray.asStream(), items);
  // Surface a parse error through the iteration below rather than as an unhandled rejection.
  done.catch((error: unknown) => items.destroy(error as Error));
  let index = 0;
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) yield checkFeature(item.value, path, index++);
  } catch (error) {
    throw new Error(`${path}: not a readable GeoJSON FeatureCollection (${(error as Error).message})`);
  }
  await done;
}

function checkFeature(value: unknown, path: string, index: number): GeoJsonFeature {
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'Feature') {
    throw new Error(`${path}: feature ${index} is not a GeoJSON Feature`);
  }
  const feature = value as { geometry?: unknown; properties?: unknown };
  const geometry = feature.geometry ?? null;
  if (geometry !== null && (typeof geometry !== 'object' || typeof (geometry as { type?: unknown }).type !== 'string')) {
    throw new Error(`${path}: feature ${index} has an invalid geometry`);
  }
  const properties = feature.properties ?? null;
  if (properties !== null && (typeof properties !== 'object' || Array.isArray(properties))) {
    throw new Error(`${path}: feature ${index} has invalid properties`);
  }
  return { type: 'Feature', geometry: geometry as GeoJsonGeometry | null, properties: properties as Record<string, JsonValue> | null };
}
