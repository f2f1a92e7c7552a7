import { simplify } from '@turf/simplify';
import { signedArea } from '../rings.ts';

export interface OutlineOptions {
  /** Unworked gaps smaller than this (m²) are filled. */
  minHoleM2: number;
  /** Covered specks smaller than this (m²) are left out. */
  minPartM2: number;
  /** Douglas–Peucker tolerance (m). */
  toleranceM: number;
}

/**
 * Most rings of a coverage map are slivers: on the CCI card 90 % of the holes are under 1 m², the
 * seams between neighbouring passes, and the outer rings step along the 0.5 m grid. They belong in
 * coverage.geojson, where the exact union is the point; the summary's geometry travels in every
 * file entry of GET /files and only needs to show where the work was. So gaps under 10 m² (a 3 × 3 m
 * miss) are filled, specks under 1 m² dropped and the rings simplified to half a metre.
 */
export const SUMMARY_OUTLINE: OutlineOptions = { minHoleM2: 10, minPartM2: 1, toleranceM: 0.5 };

/** Area of a closed ring (first vertex repeated) in the square of its units. */
function ringArea(ring: number[][]): number {
  return Math.abs(signedArea(ring.slice(0, -1))) / 2;
}

/** The summary's polygons from the traced coverage polygons, both in planar metres (closed rings, RFC 7946 winding). */
export function summaryOutline(polygons: number[][][][], options: OutlineOptions = SUMMARY_OUTLINE): number[][][][] {
  const kept: number[][][][] = [];
  for (const [outer, ...holes] of polygons) {
    if (!outer || ringArea(outer) < options.minPartM2) continue;
    kept.push([outer, ...holes.filter((hole) => ringArea(hole) >= options.minHoleM2)]);
  }
  if (kept.length === 0) return [];
  // turf keeps every ring a valid ring (it lowers the tolerance for a ring that would collapse).
  const simplified = simplify({ type: 'MultiPolygon', coordinates: kept }, { tolerance: options.toleranceM, highQuality: true, mutate: false });
  return simplified.coordinates;
}
