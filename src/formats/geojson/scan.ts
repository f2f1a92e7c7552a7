import type { Readable } from 'node:stream';
import { featurePosition, featureProperties, parseTime, streamFeatures } from './features.ts';
import { normalizeName, TEXT_ALIASES, TIME_NAMES } from './names.ts';

export interface KeyStats {
  /** Values that read as numbers (numbers, numeric text, booleans). */
  numbers: number;
  /** Text values that are not numbers. */
  texts: number;
  /** Objects and arrays. */
  objects: number;
}

/** What one pass over the features tells before the operations are listed. */
export interface GeoJsonScan {
  features: number;
  /** Features with a usable point. */
  points: number;
  /** Features skipped for their geometry, by reason (`LineString geometry`, `no geometry`...). */
  skipped: Map<string, number>;
  /** Property names in order of first appearance, with what their values look like. */
  keys: Map<string, KeyStats>;
  /** Names beyond MAX_KEYS, which are ignored. */
  extraKeys: number;
  /** Per time-like property: points whose value parses as a time, and how many of those carry no zone. */
  times: Map<string, { ok: number; zoneless: number }>;
  /** Distinct values (with counts) of the text properties that describe the operation, per property name. */
  texts: Map<string, Map<string, number>>;
  /** Points with a third coordinate. */
  withZ: number;
}

/** Bounds what a file with odd content can make the scan hold. */
const MAX_KEYS = 500;
const MAX_TEXT_VALUES = 100;

const TEXT_NAMES: ReadonlySet<string> = new Set(Object.values(TEXT_ALIASES).flat());
const TIME_NAME_SET: ReadonlySet<string> = new Set(TIME_NAMES);

function textValues(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() ? [value.trim()] : [];
  // Leaf writes `products` as a list of objects with a name.
  if (Array.isArray(value)) {
    return value.flatMap((v) => (typeof v === 'string' ? [v] : typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' ? [(v as { name: string }).name] : []));
  }
  return [];
}

export async function scanFeatures(stream: Readable, file: string): Promise<GeoJsonScan> {
  const scan: GeoJsonScan = { features: 0, points: 0, skipped: new Map(), keys: new Map(), extraKeys: 0, times: new Map(), texts: new Map(), withZ: 0 };
  for await (const feature of streamFeatures(stream, file)) {
    scan.features++;
    const position = featurePosition(feature);
    if ('skip' in position) {
      scan.skipped.set(position.skip, (scan.skipped.get(position.skip) ?? 0) + 1);
      continue;
    }
    scan.points++;
    if (!Number.isNaN(position.z)) scan.withZ++;
    for (const [key, value] of Object.entries(featureProperties(feature))) {
      if (value === null || value === undefined) continue;
      let stats = scan.keys.get(key);
      if (!stats) {
        if (scan.keys.size >= MAX_KEYS) {
          scan.extraKeys++;
          continue;
        }
        stats = { numbers: 0, texts: 0, objects: 0 };
        scan.keys.set(key, stats);
      }
      if (typeof value === 'object') stats.objects++;
      else if (typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))) stats.numbers++;
      else stats.texts++;
      const name = normalizeName(key);
      if (TIME_NAME_SET.has(name)) {
        const time = parseTime(value);
        if (time) {
          const t = scan.times.get(key) ?? { ok: 0, zoneless: 0 };
          t.ok++;
          if (time.zoneless) t.zoneless++;
          scan.times.set(key, t);
        }
      }
      if (TEXT_NAMES.has(name)) {
        let values = scan.texts.get(key);
        if (!values) scan.texts.set(key, (values = new Map()));
        for (const text of textValues(value)) {
          if (values.has(text) || values.size < MAX_TEXT_VALUES) values.set(text, (values.get(text) ?? 0) + 1);
        }
      }
    }
  }
  return scan;
}
