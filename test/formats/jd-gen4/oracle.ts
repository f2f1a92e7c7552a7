import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as shapefile from 'shapefile';
import { openArchive } from '../../../src/formats/archive.ts';
import { sample } from '../../helpers/samples.ts';

/*
 * The oracle: John Deere's own Operations Center "OneHertz" shapefile exports of the sample runs
 * (shared/samples/jd-shapefile/gen4-*-point-1hz; SOURCES-other.md lists their figures, measured
 * with GDAL). Read here with the `shapefile` package, independently of Furrow's shapefile driver.
 */

export const HARVEST = sample('jd-gen4', 'harvest-labsim-jen3', 'gen4-4600-harvest-data.zip');
export const HARVEST_EXPORT = sample('jd-shapefile', 'gen4-harvest-point-1hz', 'gen4-4600-harvest-point-onehertz.zip');
export const APPLICATION = sample('jd-gen4', 'application-2017', 'gen4-4600-application-data.zip');
export const APPLICATION_EXPORT = sample('jd-shapefile', 'gen4-application-point-1hz', 'gen4-4600-application-point-onehertz.zip');
export const PLANTING = sample('jd-gen4', 'planting-22sep-run2', 'gen4-4600-planting-data.zip');
export const PLANTING_EXPORT = sample('jd-shapefile', 'gen4-planting-point-1hz', 'gen4-4600-planting-point-onehertz.zip');
export const TILLAGE = sample('jd-gen4', 'tillage-2016', 'gen4-4600-tillage-data.zip');

export interface Located {
  time: number;
  lat: number;
  lon: number;
}

export interface OraclePoint extends Located {
  props: Record<string, unknown>;
}

/** Unzips the export into `dir` and reads every point of its shapefile, sorted by IsoTime. */
export async function readExport(zip: string, dir: string): Promise<OraclePoint[]> {
  const archive = await openArchive(zip);
  let shp: string | undefined;
  try {
    for (const entry of archive.entries) {
      const target = join(dir, entry.innerPath.replace(/^.*\//, ''));
      await pipeline(await entry.open(), createWriteStream(target));
      if (target.endsWith('.shp')) shp = target;
    }
  } finally {
    await archive.close();
  }
  assert.ok(shp, 'a .shp in the export');
  const source = await shapefile.open(shp, shp.replace(/\.shp$/, '.dbf'));
  const points: OraclePoint[] = [];
  for (;;) {
    const result = await source.read();
    if (result.done) break;
    const geometry = result.value.geometry as { coordinates: number[] };
    const props = result.value.properties as Record<string, unknown>;
    points.push({ time: Date.parse(String(props.IsoTime)), lon: geometry.coordinates[0]!, lat: geometry.coordinates[1]!, props });
  }
  return points.sort((a, b) => a.time - b.time);
}

export interface OutputPoint extends Located {
  props: Record<string, unknown>;
}

/** Points of a Furrow GeoJSON output file (raw, normalized or standard). */
export async function readOutput(path: string): Promise<OutputPoint[]> {
  const collection = JSON.parse(await readFile(path, 'utf8')) as { features: { geometry: { coordinates: number[] }; properties: Record<string, unknown> }[] };
  return collection.features.map((f) => ({
    time: Date.parse(String(f.properties.timestamp ?? f.properties.time)),
    lon: f.geometry.coordinates[0]!,
    lat: f.geometry.coordinates[1]!,
    props: f.properties,
  }));
}

export function metres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const north = (a.lat - b.lat) * 111_320;
  const east = (a.lon - b.lon) * 111_320 * Math.cos((b.lat * Math.PI) / 180);
  return Math.hypot(north, east);
}

/**
 * "Positions within 1 m for matched timestamps": Furrow's points are one per second, on the receiver's
 * fix times, the export's on its own 1 s grid; so Furrow's track is interpolated at each export time
 * that falls between two Furrow points at most 1.5 s apart. Returns the distances in metres.
 */
export function distancesAtExportTimes(ours: readonly Located[], oracle: readonly Located[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (const point of oracle) {
    while (j + 1 < ours.length && ours[j + 1]!.time < point.time) j++;
    const a = ours[j];
    const b = ours[j + 1];
    if (!a || !b || a.time > point.time || b.time < point.time || b.time - a.time > 1500) continue;
    const f = (point.time - a.time) / (b.time - a.time);
    out.push(metres({ lat: a.lat + f * (b.lat - a.lat), lon: a.lon + f * (b.lon - a.lon) }, point));
  }
  return out;
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

export function numbers(points: readonly { props: Record<string, unknown> }[], key: string): number[] {
  return points.map((p) => p.props[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

export function within(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual / expected - 1) <= relative, `${what}: ${actual} vs ${expected} (±${relative * 100} %)`);
}
