/**
 * A sparse bit raster on a metric grid: the cells a machine covered.
 *
 * Cells live in fixed-size tiles (64 × 64 cells, one bit each, 512 bytes) allocated only where
 * something was marked, in a Map keyed by tile index. Memory therefore follows the covered area,
 * not the bounding box: a 24 km² operation at 0.5 m needs ~12 MB, two fields 50 km apart cost
 * no more than the fields themselves. When the tile budget would be exceeded the cell size
 * doubles (a coarse cell is covered when any of its four fine cells was), so memory stays
 * bounded whatever the field size, at the price of a coarser (over-estimating) grid.
 */

const TILE_SHIFT = 6;
const TILE_SIZE = 1 << TILE_SHIFT; // cells per tile side
const TILE_MASK = TILE_SIZE - 1;
const WORDS_PER_ROW = TILE_SIZE / 32;
const TILE_WORDS = TILE_SIZE * WORDS_PER_ROW;

// Tile (tx, ty) is packed as tx * 2^16 + (ty + 2^15): both indices within [-2^15, 2^15) keep every
// key a small integer, which V8 stores inline in the Map instead of boxing a heap number.
const TILE_INDEX_LIMIT = 1 << 15;
/** Cell indices reachable by tiles; beyond this the grid coarsens. */
export const CELL_INDEX_LIMIT = TILE_INDEX_LIMIT * TILE_SIZE;
const packTile = (tx: number, ty: number): number => tx * 65_536 + (ty + TILE_INDEX_LIMIT);
const tileX = (key: number): number => Math.floor(key / 65_536);
const tileY = (key: number): number => (key % 65_536 + 65_536) % 65_536 - TILE_INDEX_LIMIT;

/** 32-bit mask with bits lo..hi (inclusive, 0..31) set. */
function runMask(lo: number, hi: number): number {
  const upper = hi === 31 ? 0xffff_ffff : (1 << (hi + 1)) - 1;
  return (upper & ~((1 << lo) - 1)) >>> 0;
}

function popcount(word: number): number {
  let v = word >>> 0;
  v -= (v >>> 1) & 0x5555_5555;
  v = (v & 0x3333_3333) + ((v >>> 2) & 0x3333_3333);
  return (((v + (v >>> 4)) & 0x0f0f_0f0f) * 0x0101_0101) >>> 24;
}

export interface CellBounds {
  minIx: number;
  maxIx: number;
  minIy: number;
  maxIy: number;
}

/** Thrown by `markRun` when the tile budget or the index range is exhausted: coarsen, then retry. */
export class RasterFull extends Error {}

export class SparseBitRaster {
  private tiles = new Map<number, Uint32Array>();
  // The last tile touched: consecutive runs of a swath fall in the same tile most of the time.
  private lastKey = NaN;
  private lastTile: Uint32Array | null = null;

  constructor(private readonly maxTiles: number) {}

  get tileCount(): number {
    return this.tiles.size;
  }

  /** Bytes held by tile storage (the Map's own overhead aside). */
  get bytes(): number {
    return this.tiles.size * TILE_WORDS * 4;
  }

  /** Marks cells lo..hi (inclusive) of row iy. Throws RasterFull, before marking anything, when it cannot. */
  markRun(lo: number, hi: number, iy: number): void {
    if (lo > hi) return;
    if (lo < -CELL_INDEX_LIMIT || hi >= CELL_INDEX_LIMIT || iy < -CELL_INDEX_LIMIT || iy >= CELL_INDEX_LIMIT) throw new RasterFull();
    const ty = iy >> TILE_SHIFT;
    const rowBase = (iy & TILE_MASK) * WORDS_PER_ROW;
    const firstTile = lo >> TILE_SHIFT;
    const lastTile = hi >> TILE_SHIFT;
    // Check the budget for the whole run first so that a failure leaves the raster unchanged.
    if (this.tiles.size + (lastTile - firstTile + 1) > this.maxTiles) {
      for (let tx = firstTile; tx <= lastTile; tx++) {
        if (!this.tiles.has(packTile(tx, ty)) && this.tiles.size >= this.maxTiles) throw new RasterFull();
      }
    }
    for (let tx = firstTile; tx <= lastTile; tx++) {
      const tile = this.tile(packTile(tx, ty));
      const from = tx === firstTile ? lo & TILE_MASK : 0;
      const to = tx === lastTile ? hi & TILE_MASK : TILE_MASK;
      for (let w = from >> 5, wEnd = to >> 5; w <= wEnd; w++) {
        const bitLo = w === from >> 5 ? from & 31 : 0;
        const bitHi = w === wEnd ? to & 31 : 31;
        tile[rowBase + w] |= runMask(bitLo, bitHi);
      }
    }
  }

  /** Number of marked cells. */
  count(): number {
    let total = 0;
    for (const tile of this.tiles.values()) for (let i = 0; i < TILE_WORDS; i++) if (tile[i] !== 0) total += popcount(tile[i]);
    return total;
  }

  /** Index range of the marked cells' tiles (null when empty); a cheap superset of the marked cells. */
  tileBounds(): CellBounds | null {
    if (this.tiles.size === 0) return null;
    let minTx = Infinity;
    let maxTx = -Infinity;
    let minTy = Infinity;
    let maxTy = -Infinity;
    for (const key of this.tiles.keys()) {
      const tx = tileX(key);
      const ty = tileY(key);
      if (tx < minTx) minTx = tx;
      if (tx > maxTx) maxTx = tx;
      if (ty < minTy) minTy = ty;
      if (ty > maxTy) maxTy = ty;
    }
    return { minIx: minTx * TILE_SIZE, maxIx: maxTx * TILE_SIZE + TILE_MASK, minIy: minTy * TILE_SIZE, maxIy: maxTy * TILE_SIZE + TILE_MASK };
  }

  /** Calls `visit(ix, iy)` for every marked cell. */
  forEachCell(visit: (ix: number, iy: number) => void): void {
    for (const [key, tile] of this.tiles) {
      const baseX = tileX(key) * TILE_SIZE;
      const baseY = tileY(key) * TILE_SIZE;
      for (let i = 0; i < TILE_WORDS; i++) {
        let word = tile[i];
        if (word === 0) continue;
        const iy = baseY + Math.floor(i / WORDS_PER_ROW);
        const ixBase = baseX + (i % WORDS_PER_ROW) * 32;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          visit(ixBase + bit, iy);
          word = (word & (word - 1)) >>> 0;
        }
      }
    }
  }

  /**
   * Adds to each cell of `grid` (row-major, `width` cells a row, cell (0, 0) = block (originX,
   * originY)) the number of marked cells in its block of 2^shift × 2^shift cells (block (cx, cy)
   * holds the cells with ix >> shift = cx, iy >> shift = cy); every marked cell's block must lie
   * in the grid. Counts a word's bits per block instead of visiting every cell: a 2 M-point field
   * holds ~10^8 marked cells at 0.5 m.
   */
  addBlockCounts(shift: number, grid: Uint16Array | Uint32Array | Float64Array, originX: number, originY: number, width: number): void {
    // Bits of one block within a word (blocks narrower than a word), or the whole word.
    const bitsPerBlock = shift < 5 ? 1 << shift : 32;
    const mask = bitsPerBlock === 32 ? 0xffff_ffff : (1 << bitsPerBlock) - 1;
    for (const [key, tile] of this.tiles) {
      const baseX = tileX(key) * TILE_SIZE;
      const baseY = tileY(key) * TILE_SIZE;
      for (let i = 0; i < TILE_WORDS; i++) {
        const word = tile[i];
        if (word === 0) continue;
        const row = (((baseY + Math.floor(i / WORDS_PER_ROW)) >> shift) - originY) * width - originX;
        const ixBase = baseX + (i % WORDS_PER_ROW) * 32;
        if (bitsPerBlock === 32) {
          grid[row + (ixBase >> shift)] += popcount(word);
          continue;
        }
        for (let b = 0; b < 32; b += bitsPerBlock) {
          const bits = (word >>> b) & mask;
          if (bits !== 0) grid[row + ((ixBase + b) >> shift)] += popcount(bits);
        }
      }
    }
  }

  /**
   * The same coverage at twice the cell size: a coarse cell is marked when any of its four fine
   * cells is (arithmetic shift = floor division, so fine cells nest exactly in coarse ones).
   */
  coarsened(): SparseBitRaster {
    const coarse = new SparseBitRaster(Number.MAX_SAFE_INTEGER);
    this.forEachCell((ix, iy) => coarse.markRun(ix >> 1, ix >> 1, iy >> 1));
    const result = new SparseBitRaster(this.maxTiles);
    result.tiles = coarse.tiles;
    return result;
  }

  private tile(key: number): Uint32Array {
    if (key === this.lastKey && this.lastTile !== null) return this.lastTile;
    let tile = this.tiles.get(key);
    if (tile === undefined) {
      tile = new Uint32Array(TILE_WORDS);
      this.tiles.set(key, tile);
    }
    this.lastKey = key;
    this.lastTile = tile;
    return tile;
  }
}
