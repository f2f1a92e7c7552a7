/**
 * A sparse raster of per-cell means for several value layers at once (one layer per property),
 * for points arriving in any order while the bounds are still unknown.
 *
 * Cells live in 64 × 64 tiles allocated only where a point fell, in a Map keyed by tile index,
 * each holding a sum and a count per layer and cell, so memory follows the covered area rather
 * than the bounding box. Two limits keep it bounded whatever the point count: the extent (the
 * image's long side, in cells) and the number of tiles (the memory budget). Reaching either
 * doubles the cell size, merging each 2 × 2 block of cells; sums and counts merge exactly, so the
 * coarse means are the means of all their points, as if accumulated coarse from the start.
 */

const TILE_SHIFT = 6;
const TILE_SIZE = 1 << TILE_SHIFT;
const TILE_MASK = TILE_SIZE - 1;
export const TILE_CELLS = TILE_SIZE * TILE_SIZE;

// Tile (tx, ty) packs into tx * 2^16 + (ty + 2^15): a small integer V8 keeps inline as a Map key.
const TILE_BIAS = 1 << 15;
const packTile = (tx: number, ty: number): number => tx * 65_536 + (ty + TILE_BIAS);
const tileX = (key: number): number => Math.floor(key / 65_536);
const tileY = (key: number): number => ((key % 65_536) + 65_536) % 65_536 - TILE_BIAS;

interface Tile {
  /** Sums per layer: layer l, cell c at l * TILE_CELLS + c. */
  sums: Float64Array;
  counts: Uint32Array;
}

export interface CellExtent {
  minIx: number;
  maxIx: number;
  minIy: number;
  maxIy: number;
}

/** Bytes one tile takes per layer (a Float64 sum and a Uint32 count per cell). */
export const TILE_BYTES_PER_LAYER = TILE_CELLS * 12;

export class SparseMeanRaster {
  private tiles = new Map<number, Tile>();
  /** Current cell size in base cells (a power of two). */
  private factor = 1;
  private ext: CellExtent | null = null;
  // The tile and cell `locate` found last: the next `put` calls write there, and consecutive
  // points of a pass fall in the same tile most of the time.
  private lastKey = NaN;
  private lastTile: Tile | null = null;
  private offset = 0;

  /**
   * @param layers values accumulated per cell
   * @param maxExtent cells on the long side of the bounding box, at most
   * @param maxTiles tiles held at once, at most (memory ≈ maxTiles × layers × TILE_BYTES_PER_LAYER)
   */
  constructor(
    readonly layers: number,
    private readonly maxExtent: number,
    private readonly maxTiles: number,
  ) {
    // Cells -1 and 0 (or tiles -1 and 0) never merge, whatever the cell size: points on both sides
    // of the origin always need 2 cells a side and 4 tiles, so smaller limits could never be met.
    if (!(maxExtent >= 2 && maxExtent <= TILE_BIAS * TILE_SIZE)) throw new Error(`raster extent must be 2..${TILE_BIAS * TILE_SIZE} cells, got ${maxExtent}`);
    if (!(maxTiles >= 4)) throw new Error('a raster needs room for at least 4 tiles');
  }

  /** Base cells per current cell on each side. */
  get scale(): number {
    return this.factor;
  }

  get extent(): CellExtent | null {
    return this.ext ? { ...this.ext } : null;
  }

  get tileCount(): number {
    return this.tiles.size;
  }

  /**
   * Selects the cell holding base cell (bx, by) for the following `put` calls, coarsening first
   * when that cell would stretch the extent or need a tile beyond the budget.
   */
  locate(bx: number, by: number): void {
    for (;;) {
      const ix = Math.floor(bx / this.factor);
      const iy = Math.floor(by / this.factor);
      const e = this.ext;
      if (e && (ix < e.minIx || ix > e.maxIx || iy < e.minIy || iy > e.maxIy)) {
        const w = Math.max(e.maxIx, ix) - Math.min(e.minIx, ix) + 1;
        const h = Math.max(e.maxIy, iy) - Math.min(e.minIy, iy) + 1;
        if (w > this.maxExtent || h > this.maxExtent) {
          this.coarsen();
          continue;
        }
      }
      const key = packTile(ix >> TILE_SHIFT, iy >> TILE_SHIFT);
      let tile = key === this.lastKey ? this.lastTile : this.tiles.get(key);
      if (!tile) {
        if (this.tiles.size >= this.maxTiles) {
          this.coarsen();
          continue;
        }
        tile = { sums: new Float64Array(this.layers * TILE_CELLS), counts: new Uint32Array(this.layers * TILE_CELLS) };
        this.tiles.set(key, tile);
      }
      this.lastKey = key;
      this.lastTile = tile;
      this.offset = ((iy & TILE_MASK) << TILE_SHIFT) | (ix & TILE_MASK);
      if (!e) this.ext = { minIx: ix, maxIx: ix, minIy: iy, maxIy: iy };
      else {
        if (ix < e.minIx) e.minIx = ix;
        if (ix > e.maxIx) e.maxIx = ix;
        if (iy < e.minIy) e.minIy = iy;
        if (iy > e.maxIy) e.maxIy = iy;
      }
      return;
    }
  }

  /** Adds a value of `layer` to the cell `locate` selected. */
  put(layer: number, value: number): void {
    const i = layer * TILE_CELLS + this.offset;
    this.lastTile!.sums[i]! += value;
    this.lastTile!.counts[i]!++;
  }

  /** Doubles the cell size: each 2 × 2 block of cells becomes one cell holding their sums and counts. */
  private coarsen(): void {
    const next = new Map<number, Tile>();
    for (const [key, tile] of this.tiles) {
      const ox = tileX(key) << TILE_SHIFT;
      const oy = tileY(key) << TILE_SHIFT;
      // A tile's cells land in one quarter of one coarse tile: locate it once per source tile.
      const cx = Math.floor(ox / 2);
      const cy = Math.floor(oy / 2);
      const nkey = packTile(cx >> TILE_SHIFT, cy >> TILE_SHIFT);
      let target = next.get(nkey);
      if (!target) {
        target = { sums: new Float64Array(this.layers * TILE_CELLS), counts: new Uint32Array(this.layers * TILE_CELLS) };
        next.set(nkey, target);
      }
      const bx = cx & TILE_MASK;
      const by = cy & TILE_MASK;
      for (let c = 0; c < TILE_CELLS; c++) {
        const dst = ((by + ((c >> TILE_SHIFT) >> 1)) << TILE_SHIFT) | (bx + ((c & TILE_MASK) >> 1));
        for (let l = 0; l < this.layers; l++) {
          const n = tile.counts[l * TILE_CELLS + c]!;
          if (n === 0) continue;
          target.sums[l * TILE_CELLS + dst]! += tile.sums[l * TILE_CELLS + c]!;
          target.counts[l * TILE_CELLS + dst]! += n;
        }
      }
    }
    this.tiles = next;
    this.factor *= 2;
    this.lastKey = NaN;
    this.lastTile = null;
    const e = this.ext;
    if (e) {
      e.minIx = Math.floor(e.minIx / 2);
      e.maxIx = Math.floor(e.maxIx / 2);
      e.minIy = Math.floor(e.minIy / 2);
      e.maxIy = Math.floor(e.maxIy / 2);
    }
  }

  /** Calls `fn` for every cell of `layer` holding at least one value, with its mean and point count. */
  forEachMean(layer: number, fn: (ix: number, iy: number, mean: number, count: number) => void): void {
    const base = layer * TILE_CELLS;
    for (const [key, tile] of this.tiles) {
      const ox = tileX(key) << TILE_SHIFT;
      const oy = tileY(key) << TILE_SHIFT;
      for (let c = 0; c < TILE_CELLS; c++) {
        const n = tile.counts[base + c]!;
        if (n > 0) fn(ox + (c & TILE_MASK), oy + (c >> TILE_SHIFT), tile.sums[base + c]! / n, n);
      }
    }
  }
}
