import { signedArea } from '../rings.ts';
import { contourPolygons } from './isorings.ts';
import type { SparseBitRaster } from './raster.ts';

export interface TracedPolygons {
  /** Polygons in grid metres (x east, y north of the projection origin); RFC 7946 winding. */
  polygons: number[][][][];
  /** Size of the cells the polygons were traced on (a multiple of the raster's cell). */
  cellMeters: number;
}

/**
 * Traces the covered cells back to polygons (marching squares, isorings.ts), on a dense grid
 * over the bounding box. That grid can hold far more cells than are covered (and 2 M points at
 * 0.5 m make ~10^8 cells), so it is capped at `maxCells`: the raster is aggregated k × k (k a
 * power of two) and each coarse cell holds how many of its fine cells are covered. Contouring at
 * half of k² puts the boundary where the coverage fraction crosses 50 %, interpolated between
 * cell centres, so the traced area stays close to the counted one even when k > 1. k grows until
 * the grid fits, however far apart the covered cells lie, so this never fails and never exceeds
 * maxCells by more than the three cells of padding.
 */
export function traceCoverage(raster: SparseBitRaster, cellMeters: number, toMeters: (ix: number, iy: number) => [number, number], maxCells: number): TracedPolygons | null {
  const bounds = raster.tileBounds();
  if (bounds === null) return null;
  let shift = 0;
  const dims = () => {
    const w = (bounds.maxIx >> shift) - (bounds.minIx >> shift) + 3;
    const h = (bounds.maxIy >> shift) - (bounds.minIy >> shift) + 3;
    return [w, h] as const;
  };
  // Cell indices stay within ±2^21 (raster.ts), so k = 2^21 always fits; wild extents only make k large.
  while (dims()[0] * dims()[1] > maxCells && shift < 21) shift++;
  const [width, height] = dims();
  // One empty cell of padding on every side so that every ring closes inside the grid.
  const originX = (bounds.minIx >> shift) - 1;
  const originY = (bounds.minIy >> shift) - 1;
  // Counts up to k² must fit: 2 bytes per cell while k ≤ 128, 4 bytes (up to k = 2^16) beyond, 8 for the rest.
  const grid = shift <= 7 ? new Uint16Array(width * height) : shift <= 15 ? new Uint32Array(width * height) : new Float64Array(width * height);
  raster.addBlockCounts(shift, grid, originX, originY, width);
  const k = 1 << shift;
  const threshold = (k * k) / 2;
  const traced = contourPolygons(grid, width, height, threshold);

  // Grid coordinate g along x is the edge g of coarse cells, i.e. fine cell index (originX + g) · k.
  const toXY = (point: number[]): number[] => toMeters((originX + point[0]) * k, (originY + point[1]) * k);
  const polygons: number[][][][] = [];
  for (const polygon of traced) {
    const rings: number[][][] = [];
    for (const [index, open] of polygon.entries()) {
      // Grid y points north here, so counter-clockwise (RFC 7946 exterior) has a positive area.
      if (signedArea(open) > 0 !== (index === 0)) open.reverse();
      const projected = open.map(toXY);
      projected.push(projected[0].slice());
      rings.push(projected);
    }
    polygons.push(rings);
  }
  return { polygons, cellMeters: cellMeters * k };
}

