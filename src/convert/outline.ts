import { contours } from 'd3-contour';
import { localMeters, type LocalProjector } from './geodesy.ts';
import { dropCollinear, openRing, signedArea } from './rings.ts';

export interface OutlineOptions {
  /** Starting grid resolution in metres; the grid coarsens from here when it would outgrow maxCells. */
  cellMeters?: number;
  /** Most occupied cells held at once; bounds memory whatever the number of points. */
  maxCells?: number;
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}

const DEFAULT_CELL_METERS = 2;
const DEFAULT_MAX_CELLS = 2_000_000;
// V8 refuses to grow a Set past 2^24 entries.
const SET_CAPACITY = 1 << 24;
// Cell boundaries through the grid's origin survive every coarsening, so points on both sides
// of them occupy up to 2 × 2 cells however coarse the grid: a smaller budget could never be met.
const MIN_MAX_CELLS = 4;

// Cell (ix, iy) is packed as ix * 2^16 + (iy + 2^15). Keeping both indices within
// [-2^15, 2^15) keeps every key a 32-bit small integer, which V8 stores inline in the Set
// instead of boxing one heap number per cell.
const INDEX_LIMIT = 1 << 15;
const pack = (ix: number, iy: number): number => ix * 65_536 + (iy + INDEX_LIMIT);
const unpackX = (key: number): number => key >> 16;
const unpackY = (key: number): number => (key & 0xffff) - INDEX_LIMIT;

// The final trace needs a dense byte grid over the bounding box, which can be much larger
// than the occupied cells (several fields far apart). Capping it at this multiple of maxCells
// (32 MB by default) bounds that memory too, at the price of a coarser grid for such files.
const GRID_CELLS_PER_MAX_CELL = 16;

// Puts the first point at an irrational-looking fraction of a cell from the cell corners.
// Tracks often run at round distances from the first point (synthetic data, RTK guidance
// lines one working width apart); with a round offset, whole rows of cell centres would sit
// exactly on buffer edges, where floating-point rounding alone decides whether they count.
const GRID_PHASE = 0.381_966; // 1 - 1/golden ratio

// 1e-7 degree is about 1 cm: finer than any grid cell, and it makes the output deterministic
// and compact.
const COORDINATE_SCALE = 1e7;

/**
 * Streams points into the outline of the worked area: the union of a disc of `bufferMeters`
 * around every point, rasterised on a sparse metric grid and traced back to polygons at the
 * end, like Leaf's "buffer around the points".
 *
 * A cell belongs to a point's disc when the cell's centre lies within the buffer of the exact
 * point (unbiased on average, unlike snapping points to cell centres); the point's own cell is
 * always included so that a zero buffer still leaves a mark. The traced boundary lies
 * midway between occupied and empty cell centres, so it is within about one cell of the
 * exact buffer. Slits one cell wide are closed before tracing (see closeSlits).
 *
 * When the occupied cells would exceed `maxCells`, or the bounding box would outgrow the
 * dense grid or the packed index range, the cell size doubles and each coarse cell is
 * occupied when any of its four fine cells was: the outline may then grow by up to one coarse
 * cell where it was drawn before coarsening, never shrink.
 */
export class OutlineBuilder {
  private readonly maxCells: number;
  private readonly maxGridCells: number;
  private cellSize: number;
  /** Metres from the first point to the grid's origin corner, on both axes. */
  private readonly anchor: number;
  private cells = new Set<number>();
  private projector: LocalProjector | null = null;
  private minIx = Infinity;
  private maxIx = -Infinity;
  private minIy = Infinity;
  private maxIy = -Infinity;

  // The previous point's disc, row by row, so that the next one only marks the cells it adds:
  // along a track consecutive discs overlap almost entirely.
  private previousValid = false;
  private previousX = NaN;
  private previousY = NaN;
  private previousBuffer = NaN;
  private previousRowLo = 0;
  private previousRowHi = -1;
  private previousSpanLo = new Int32Array(16);
  private previousSpanHi = new Int32Array(16);
  private spanLo = new Int32Array(16);
  private spanHi = new Int32Array(16);

  constructor(options: OutlineOptions = {}) {
    const cellMeters = options.cellMeters ?? DEFAULT_CELL_METERS;
    const maxCells = options.maxCells ?? DEFAULT_MAX_CELLS;
    if (!(Number.isFinite(cellMeters) && cellMeters > 0)) {
      throw new RangeError(`cellMeters must be a positive number of metres, got ${cellMeters}`);
    }
    if (!(Number.isInteger(maxCells) && maxCells >= MIN_MAX_CELLS && maxCells <= SET_CAPACITY)) {
      throw new RangeError(`maxCells must be an integer between ${MIN_MAX_CELLS} and ${SET_CAPACITY}, got ${maxCells}`);
    }
    this.cellSize = cellMeters;
    this.anchor = cellMeters * GRID_PHASE;
    this.maxCells = maxCells;
    this.maxGridCells = maxCells * GRID_CELLS_PER_MAX_CELL;
  }

  /** Current grid resolution in metres (grows when the grid coarsens). */
  get cellMeters(): number {
    return this.cellSize;
  }

  /** Occupied cells currently held; never more than maxCells. */
  get cellCount(): number {
    return this.cells.size;
  }

  /** Adds one point; bufferMeters = half the working width where known, else a default. */
  add(lon: number, lat: number, bufferMeters: number): void {
    if (!(Number.isFinite(lon) && Number.isFinite(lat))) {
      throw new RangeError(`outline point must have finite coordinates, got (${lon}, ${lat})`);
    }
    if (!(Number.isFinite(bufferMeters) && bufferMeters >= 0)) {
      throw new RangeError(`outline buffer must be a finite number of metres >= 0, got ${bufferMeters}`);
    }
    this.projector ??= localMeters(lon, lat);
    const [east, north] = this.projector.toXY(lon, lat);
    const x = east + this.anchor;
    const y = north + this.anchor;
    // A stationary machine logs the same position over and over.
    if (this.previousValid && x === this.previousX && y === this.previousY && bufferMeters === this.previousBuffer) {
      return;
    }
    while (!this.markDisc(x, y, bufferMeters)) this.coarsen();
    this.previousValid = true;
    this.previousX = x;
    this.previousY = y;
    this.previousBuffer = bufferMeters;
  }

  /**
   * GeoJSON MultiPolygon (WGS84, right-hand rule: outer rings counter-clockwise, holes
   * clockwise, closed rings) or null when no point was added.
   */
  toMultiPolygon(): MultiPolygonGeometry | null {
    const projector = this.projector;
    if (projector === null) return null;
    // One empty cell of padding on every side so that every ring closes inside the grid.
    const originIx = this.minIx - 1;
    const originIy = this.minIy - 1;
    const width = this.maxIx - this.minIx + 3;
    const height = this.maxIy - this.minIy + 3;
    const grid = new Uint8Array(width * height);
    for (const key of this.cells) {
      grid[(unpackY(key) - originIy) * width + (unpackX(key) - originIx)] = 1;
    }
    closeSlits(grid, width, height);
    // d3-contour only reads values[i]; its typings ask for number[] but a byte array is 8x smaller.
    const [contour] = contours().size([width, height]).thresholds([0.5])(grid as unknown as number[]);

    const cell = this.cellSize;
    const anchor = this.anchor;
    const toLonLat = (point: number[]): number[] => {
      const [lon, lat] = projector.toLonLat((originIx + point[0]) * cell - anchor, (originIy + point[1]) * cell - anchor);
      return [Math.round(lon * COORDINATE_SCALE) / COORDINATE_SCALE, Math.round(lat * COORDINATE_SCALE) / COORDINATE_SCALE];
    };
    const polygons: number[][][][] = [];
    for (const polygon of contour.coordinates) {
      const rings: number[][][] = [];
      for (const [index, ring] of polygon.entries()) {
        const traced = traceRing(ring, index === 0, toLonLat);
        if (traced !== null) rings.push(traced);
        else if (index === 0) break; // a hole without its outer ring means nothing
      }
      if (rings.length > 0) polygons.push(rings);
    }
    return { type: 'MultiPolygon', coordinates: polygons };
  }

  /**
   * Marks the cells of one disc, skipping those the previous disc already marked. Returns false
   * when the grid must coarsen first (cell budget, index range or dense-grid size).
   */
  private markDisc(x: number, y: number, buffer: number): boolean {
    const cell = this.cellSize;
    const ownIx = Math.floor(x / cell);
    const ownIy = Math.floor(y / cell);
    // Cell iy's centre is at (iy + 0.5) * cell.
    const rowLo = Math.min(ownIy, Math.ceil((y - buffer) / cell - 0.5));
    const rowHi = Math.max(ownIy, Math.floor((y + buffer) / cell - 0.5));
    const colLo = Math.min(ownIx, Math.ceil((x - buffer) / cell - 0.5));
    const colHi = Math.max(ownIx, Math.floor((x + buffer) / cell - 0.5));
    if (!this.fits(colLo, colHi, rowLo, rowHi)) return false;

    const rows = rowHi - rowLo + 1;
    if (this.spanLo.length < rows) {
      this.spanLo = new Int32Array(rows * 2);
      this.spanHi = new Int32Array(rows * 2);
    }
    const spanLo = this.spanLo;
    const spanHi = this.spanHi;
    const buffer2 = buffer * buffer;
    for (let iy = rowLo; iy <= rowHi; iy++) {
      const k = iy - rowLo;
      const dy = (iy + 0.5) * cell - y;
      const halfChord2 = buffer2 - dy * dy;
      if (halfChord2 >= 0) {
        const halfChord = Math.sqrt(halfChord2);
        spanLo[k] = Math.ceil((x - halfChord) / cell - 0.5);
        spanHi[k] = Math.floor((x + halfChord) / cell - 0.5);
      } else {
        spanLo[k] = 0;
        spanHi[k] = -1;
      }
      if (iy === ownIy) {
        // The row's span, when not empty, already holds the own cell (its centre is the nearest).
        if (spanLo[k] > spanHi[k]) spanLo[k] = spanHi[k] = ownIx;
      }
    }

    const hasPrevious = this.previousValid;
    for (let iy = rowLo; iy <= rowHi; iy++) {
      const k = iy - rowLo;
      const lo = spanLo[k];
      const hi = spanHi[k];
      if (lo > hi) continue;
      let prevLo = 0;
      let prevHi = -1;
      if (hasPrevious && iy >= this.previousRowLo && iy <= this.previousRowHi) {
        prevLo = this.previousSpanLo[iy - this.previousRowLo];
        prevHi = this.previousSpanHi[iy - this.previousRowLo];
      }
      if (prevLo > prevHi) {
        if (!this.markRun(lo, hi, iy)) return false;
      } else {
        if (!this.markRun(lo, Math.min(hi, prevLo - 1), iy)) return false;
        if (!this.markRun(Math.max(lo, prevHi + 1), hi, iy)) return false;
      }
    }

    // This disc becomes the previous one: swap the buffers rather than copying.
    this.spanLo = this.previousSpanLo;
    this.spanHi = this.previousSpanHi;
    this.previousSpanLo = spanLo;
    this.previousSpanHi = spanHi;
    this.previousRowLo = rowLo;
    this.previousRowHi = rowHi;
    return true;
  }

  private markRun(lo: number, hi: number, iy: number): boolean {
    const cells = this.cells;
    for (let ix = lo; ix <= hi; ix++) {
      const before = cells.size;
      cells.add(pack(ix, iy));
      if (cells.size === before) continue;
      if (ix < this.minIx) this.minIx = ix;
      if (ix > this.maxIx) this.maxIx = ix;
      if (iy < this.minIy) this.minIy = iy;
      if (iy > this.maxIy) this.maxIy = iy;
      if (cells.size > this.maxCells) return false;
    }
    return true;
  }

  private fits(colLo: number, colHi: number, rowLo: number, rowHi: number): boolean {
    const minIx = Math.min(this.minIx, colLo);
    const maxIx = Math.max(this.maxIx, colHi);
    const minIy = Math.min(this.minIy, rowLo);
    const maxIy = Math.max(this.maxIy, rowHi);
    if (minIx < -INDEX_LIMIT || minIy < -INDEX_LIMIT || maxIx >= INDEX_LIMIT || maxIy >= INDEX_LIMIT) return false;
    return (maxIx - minIx + 3) * (maxIy - minIy + 3) <= this.maxGridCells;
  }

  /** Doubles the cell size until the cells held fit the budget again. */
  private coarsen(): void {
    do {
      this.cellSize *= 2;
      const coarse = new Set<number>();
      // Arithmetic shift is floor division by 2, so fine cells nest exactly in coarse ones.
      for (const key of this.cells) coarse.add(pack(unpackX(key) >> 1, unpackY(key) >> 1));
      this.cells = coarse;
      if (coarse.size > 0) {
        this.minIx >>= 1;
        this.maxIx >>= 1;
        this.minIy >>= 1;
        this.maxIy >>= 1;
      }
      // Scattered cells may not merge at all in one step.
    } while (this.cells.size > this.maxCells);
    // The previous disc was marked on the fine grid; the next point must mark its whole disc.
    this.previousValid = false;
  }
}

/**
 * Turns one d3-contour ring (grid coordinates) into a closed GeoJSON ring with the orientation
 * RFC 7946 asks for. Grid coordinates are exact halves, so orientation and collinearity are
 * decided exactly here, before projection and rounding. Null when the ring degenerates.
 */
function traceRing(ring: number[][], outer: boolean, toLonLat: (point: number[]) => number[]): number[][] | null {
  const vertices = dropCollinear(openRing(ring));
  if (vertices.length < 3) return null;
  // Checked rather than assumed: d3-contour winds exteriors counter-clockwise for y pointing
  // down (screen), i.e. clockwise here where grid y points north.
  if (signedArea(vertices) > 0 !== outer) vertices.reverse();
  return closeRing(vertices.map(toLonLat));
}

/**
 * Occupies every empty cell whose two neighbours across it, east-west or north-south, are
 * occupied. Passes driven exactly one working width apart (RTK guidance) leave their buffers
 * touching, so cell centres along the seam fall just inside or just outside both by GPS noise
 * alone: without this, such a field's outline is riddled with one-cell holes (hundreds per
 * field in our simulations). Gaps narrower than about two cells are below the grid's
 * resolution anyway; wider unworked strips stay open. Decided on the original grid (filled
 * cells are marked 2 first) so that filling cannot creep across a wider gap.
 */
function closeSlits(grid: Uint8Array, width: number, height: number): void {
  // The padding ring is always empty and has no neighbour outside, so it is skipped.
  for (let row = 1; row < height - 1; row++) {
    for (let i = row * width + 1, end = row * width + width - 1; i < end; i++) {
      if (grid[i] !== 0) continue;
      if ((grid[i - 1] === 1 && grid[i + 1] === 1) || (grid[i - width] === 1 && grid[i + width] === 1)) grid[i] = 2;
    }
  }
  // Back to 0/1 so that the 0.5 contour stays midway between cell centres.
  for (let i = 0; i < grid.length; i++) if (grid[i] === 2) grid[i] = 1;
}


/** Drops vertices that rounding merged into their predecessor and closes the ring; null when too few remain. */
function closeRing(positions: number[][]): number[][] | null {
  const out: number[][] = [];
  for (const position of positions) {
    const last = out[out.length - 1];
    if (last === undefined || last[0] !== position[0] || last[1] !== position[1]) out.push(position);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  if (out.length < 3) return null;
  out.push(out[0].slice());
  return out;
}
