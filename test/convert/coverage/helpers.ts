import { emptyBatch, type PointBatch } from '../../../src/model/batch.ts';
import { localMeters } from '../../../src/convert/geodesy.ts';

export const KEYS = ['equipmentWidth', 'distance', 'heading', 'area', 'sectionId'] as const;
export const METRIC_UNITS: ReadonlyMap<string, string> = new Map([
  ['distance', 'm'],
  ['heading', 'arcdeg'],
  ['area', 'm2'],
  ['equipmentWidth', 'm'],
  ['sectionId', 'count'],
]);

/** A test field at 50° N: hand-built passes are laid out in metres and turned into lon/lat here. */
export const FIELD = localMeters(7.1, 50.2);

export interface TrackPoint {
  x: number;
  y: number;
  width: number;
  section?: number;
}

/**
 * Standardized batch for hand-made tracks, with distance and heading measured from the previous
 * point of the same section (as the standardizer does) and area = distance × width; the first
 * point of each track has distance 0 and so no swath. Units: METRIC_UNITS.
 */
export function trackBatch(points: readonly TrackPoint[]): PointBatch {
  const batch = emptyBatch(points.length, KEYS);
  const previous = new Map<number, TrackPoint>();
  for (const [i, p] of points.entries()) {
    const [lon, lat] = FIELD.toLonLat(p.x, p.y);
    batch.lon[i] = lon;
    batch.lat[i] = lat;
    batch.time[i] = i * 1000;
    const section = p.section ?? 0;
    const before = previous.get(section);
    const distance = before ? Math.hypot(p.x - before.x, p.y - before.y) : 0;
    const heading = before && distance > 0 ? ((Math.atan2(p.x - before.x, p.y - before.y) * 180) / Math.PI + 360) % 360 : 0;
    batch.numbers.get('equipmentWidth')![i] = p.width;
    batch.numbers.get('distance')![i] = distance;
    batch.numbers.get('heading')![i] = heading;
    batch.numbers.get('area')![i] = distance * p.width;
    batch.numbers.get('sectionId')![i] = section;
    previous.set(section, p);
  }
  batch.length = points.length;
  return batch;
}

/** Points every `step` metres along a straight pass from (x0, y0) to (x1, y1). */
export function pass(x0: number, y0: number, x1: number, y1: number, step: number, width: number, section?: number): TrackPoint[] {
  const length = Math.hypot(x1 - x0, y1 - y0);
  const n = Math.round(length / step);
  return Array.from({ length: n + 1 }, (_, k) => ({ x: x0 + ((x1 - x0) * k) / n, y: y0 + ((y1 - y0) * k) / n, width, section }));
}

/** Shoelace area of a ring in local metres (positive when counter-clockwise). */
export function ringArea(ring: readonly number[][]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xj, yj] = FIELD.toXY(ring[j][0], ring[j][1]);
    const [xi, yi] = FIELD.toXY(ring[i][0], ring[i][1]);
    sum += xj * yi - xi * yj;
  }
  return sum / 2;
}

/** Even-odd ray casting: is (x, y) inside the ring (open or closed)? Undefined for points on an edge. */
export function insideRing(ring: readonly number[][], x: number, y: number): boolean {
  let odd = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) odd = !odd;
  }
  return odd;
}
