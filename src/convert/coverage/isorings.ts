import { dropCollinearFlat } from '../rings.ts';

/*
 * Marching squares on a grid of values: the polygons bounding the cells whose value is at least a
 * threshold, traced as d3-contour's `contour()` traces them (same vertices, same linear
 * interpolation between cell centres, same saddle rule, same ring direction), with two changes:
 *
 *  - holes are assigned to their exterior ring by the grid's own topology, in time linear in the
 *    ring vertices, where d3-contour tests every hole against every exterior ring by point in
 *    polygon. On a swath map full of small unworked gaps (a thousand holes an operation, outer
 *    rings of tens of thousands of vertices) that quadratic step took most of a conversion's
 *    coverage time.
 *  - rings are built in flat typed arrays and only their corners become [x, y] arrays
 *    (d3-contour allocates two arrays per cell edge and stitches fragments through sparse arrays,
 *    which cost as much again in time and garbage collection).
 *
 * Hand-written because no maintained library exposes marching squares with the ring nesting
 * (d3-contour has no hook to replace its hole assignment); kept to d3-contour's geometry so the
 * outputs do not move. Grid coordinates: value (i, j) sits at (i + ½, j + ½).
 */

// Sides of a marching square, where a ring enters and leaves it.
const TOP = 0;
const RIGHT = 1;
const BOTTOM = 2;
const LEFT = 3;

/*
 * Square (x, y) has the values (x, y), (x+1, y), (x, y+1), (x+1, y+1) at its corners; its case is
 * bit 0 = (x, y+1), bit 1 = (x+1, y+1), bit 2 = (x+1, y), bit 3 = (x, y) at or above the
 * threshold. EXIT[case * 4 + entry] is the side a ring entering by `entry` leaves by (-1: none).
 * Segments run with the cells above the threshold on their right (x right, y up), d3-contour's
 * direction; the two saddles (5, 10) keep diagonal cells apart, so the cells above the threshold
 * connect through their sides only.
 */
const EXIT = new Int8Array(16 * 4).fill(-1);
for (const [c, entry, exit] of [
  [1, BOTTOM, LEFT],
  [2, RIGHT, BOTTOM],
  [3, RIGHT, LEFT],
  [4, TOP, RIGHT],
  [5, BOTTOM, LEFT],
  [5, TOP, RIGHT],
  [6, TOP, BOTTOM],
  [7, TOP, LEFT],
  [8, LEFT, TOP],
  [9, BOTTOM, TOP],
  [10, LEFT, TOP],
  [10, RIGHT, BOTTOM],
  [11, RIGHT, TOP],
  [12, LEFT, RIGHT],
  [13, BOTTOM, RIGHT],
  [14, LEFT, BOTTOM],
]) {
  EXIT[c * 4 + entry] = exit;
}

/** A growable Uint32Array (crossing keys are below (width + 1) × height, far below 2^32 for any grid that fits in memory). */
class Keys {
  data = new Uint32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
}

/**
 * Polygons (exterior ring, then its holes) where `values` (row-major, `width` × `height`) crosses
 * `threshold`, in grid coordinates. Rings are open (the first vertex is not repeated), keep only
 * their corners (collinear vertices dropped), and run as d3-contour's do: exteriors clockwise
 * and holes counter-clockwise with y pointing up. Rings that interpolation flattened to no area
 * are left out (with the holes of such an exterior). Outside the grid counts as below.
 */
export function contourPolygons(values: ArrayLike<number>, width: number, height: number, threshold: number): number[][][][] {
  const tracer = new RingTracer(values, width, height, threshold);
  tracer.traceAll();
  return tracer.polygons();
}

/*
 * A class rather than closures inside contourPolygons: the CLI runs through tsx, which wraps
 * every closure it creates in a name-setting helper, and closures made afresh on each call made
 * V8 throw away its optimized code ("wrong call target") from one operation to the next.
 */
class RingTracer {
  // A vertical crossing (vertex between values (i-1, j) and (i, j)) is keyed j * (width+1) + i.
  // Each ring is started at its first crossing in row-major order, so a bit per crossing says
  // which ones a traced ring already passed.
  private readonly rowKeys: number;
  private readonly visited: Uint8Array;
  /** Every ring's crossing keys, ring after ring. */
  private readonly crossings = new Keys();
  /** Ring r's crossings end at crossings[ringEnd[r]]. */
  private readonly ringEnd: number[] = [];
  /** Key of ring r's first crossing. */
  private readonly ringStart: number[] = [];
  private readonly ringOuter: boolean[] = [];
  /** Ring r's corners, null when it encloses nothing. */
  private readonly ringCorners: (number[][] | null)[] = [];
  /** The ring being traced, x0, y0, x1, y1, … */
  private xy = new Float64Array(2048);

  constructor(
    private readonly values: ArrayLike<number>,
    private readonly width: number,
    private readonly height: number,
    private readonly t: number,
  ) {
    this.rowKeys = width + 1;
    this.visited = new Uint8Array(Math.ceil((this.rowKeys * height) / 8));
  }

  /**
   * Row-major scan for crossings no ring passed yet. The first crossing of a ring in this order
   * is on its top row, leftmost: with the cells above the threshold on its right for an exterior,
   * on its left for a hole (a hole lies inside them).
   */
  traceAll(): void {
    const { values, width, height, t, visited, rowKeys } = this;
    for (let j = 0, row = 0; j < height; j++, row += width) {
      let previous = false;
      for (let i = 0; i < width; i++) {
        const current = values[row + i]! >= t;
        if (current === previous) continue;
        previous = current;
        const key = j * rowKeys + i;
        if ((visited[key >> 3]! & (1 << (key & 7))) === 0) this.trace(i, j, current);
      }
      // A row ending above the threshold crosses it at the grid's edge.
      const key = j * rowKeys + width;
      if (previous && (visited[key >> 3]! & (1 << (key & 7))) === 0) this.trace(width, j, false);
    }
  }

  private above(i: number, j: number): boolean {
    return i >= 0 && i < this.width && j >= 0 && j < this.height && this.values[j * this.width + i]! >= this.t;
  }

  private squareCase(x: number, y: number): number {
    const { values, width, t } = this;
    if (x >= 0 && y >= 0 && x + 1 < width && y + 1 < this.height) {
      // Inside the grid (nearly always: callers pad their grids): no bounds to check.
      const k = y * width + x;
      return (values[k + width]! >= t ? 1 : 0) | (values[k + width + 1]! >= t ? 2 : 0) | (values[k + 1]! >= t ? 4 : 0) | (values[k]! >= t ? 8 : 0);
    }
    return (this.above(x, y + 1) ? 1 : 0) | (this.above(x + 1, y + 1) ? 2 : 0) | (this.above(x + 1, y) ? 4 : 0) | (this.above(x, y) ? 8 : 0);
  }

  /**
   * d3-contour's linear smoothing: a vertex between values v0 and v1 moves to where the line
   * through them crosses the threshold (identical arithmetic, so identical coordinates).
   */
  private smooth(at: number, v0: number, v1: number): number {
    const d = (this.t - v0) / (v1 - v0);
    return Number.isNaN(d) ? at : at + d - 0.5;
  }

  /** Follows the ring through crossing (si, sj) once around and records it. */
  private trace(si: number, sj: number, outer: boolean): void {
    const { values, width, height, rowKeys, visited, crossings } = this;
    // Enter the square below the crossing by its top when the cells above the threshold are on
    // the crossing's right (the ring runs up there), else the square above it by its bottom.
    const sx = si - 1;
    const sy = outer ? sj : sj - 1;
    const se = outer ? TOP : BOTTOM;
    let x = sx;
    let y = sy;
    let entry = se;
    let n = 0;
    let xy = this.xy;
    do {
      const exit = EXIT[this.squareCase(x, y) * 4 + entry]!;
      let vx: number;
      let vy: number;
      if (exit === TOP || exit === BOTTOM) {
        // Vertical crossing (i, j) at (i, j + ½), between values (i-1, j) and (i, j).
        const i = x + 1;
        const j = exit === TOP ? y : y + 1;
        const key = j * rowKeys + i;
        visited[key >> 3]! |= 1 << (key & 7);
        crossings.push(key);
        vx = i > 0 && i < width ? this.smooth(i, values[j * width + i - 1]!, values[j * width + i]!) : i;
        vy = j + 0.5;
        if (exit === TOP) {
          y -= 1;
          entry = BOTTOM;
        } else {
          y += 1;
          entry = TOP;
        }
      } else if (exit === LEFT || exit === RIGHT) {
        // Horizontal crossing at (i + ½, j), between values (i, j-1) and (i, j).
        const i = exit === LEFT ? x : x + 1;
        const j = y + 1;
        vx = i + 0.5;
        vy = j > 0 && j < height ? this.smooth(j, values[(j - 1) * width + i]!, values[j * width + i]!) : j;
        if (exit === LEFT) {
          x -= 1;
          entry = RIGHT;
        } else {
          x += 1;
          entry = LEFT;
        }
      } else {
        throw new Error(`contour lost at square (${x}, ${y})`); // cannot happen: every entry has an exit
      }
      if (2 * n + 2 > xy.length) {
        const grown = new Float64Array(xy.length * 2);
        grown.set(xy);
        this.xy = xy = grown;
      }
      xy[2 * n] = vx;
      xy[2 * n + 1] = vy;
      n++;
    } while (x !== sx || y !== sy || entry !== se);

    // Exteriors run clockwise, holes counter-clockwise; interpolation only slides vertices along
    // their cell edges, so a ring keeps its direction unless it collapsed onto cell centres
    // (values exactly at the threshold): such a ring encloses nothing and is left out.
    let doubleArea = 0;
    for (let k = 0, l = n - 1; k < n; l = k++) doubleArea += xy[2 * l]! * xy[2 * k + 1]! - xy[2 * k]! * xy[2 * l + 1]!;
    const corners = (outer ? doubleArea < 0 : doubleArea > 0) ? dropCollinearFlat(xy, n) : [];
    this.ringCorners.push(corners.length >= 3 ? corners : null);
    this.ringOuter.push(outer);
    this.ringStart.push(sj * rowKeys + si);
    this.ringEnd.push(crossings.length);
  }

  /**
   * The traced rings grouped into polygons. Left of a hole's first crossing lies a run of cells
   * above the threshold; the crossing that starts that run belongs to a ring bounding the same
   * side-connected region of cells: that region's exterior ring, or another of its holes,
   * started earlier (its crossing comes first in row-major order), whose exterior is then
   * already known. So the exterior of every hole follows from the crossing just before its first
   * one: the largest key below it.
   */
  polygons(): number[][][][] {
    const { ringOuter, ringStart, ringEnd, ringCorners } = this;
    const keys = this.crossings.data;
    const holes: number[] = [];
    for (let r = 0; r < ringOuter.length; r++) if (!ringOuter[r]) holes.push(r);
    const previousKey = new Float64Array(holes.length).fill(-1);
    const previousRing = new Int32Array(holes.length).fill(-1);
    // Holes were started in row-major order, so their first keys are sorted: binary search.
    for (let r = 0, k = 0; r < ringEnd.length && holes.length > 0; r++) {
      for (const end = ringEnd[r]!; k < end; k++) {
        const key = keys[k]!;
        let lo = 0;
        let hi = holes.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (ringStart[holes[mid]!]! > key) hi = mid;
          else lo = mid + 1;
        }
        if (lo < holes.length && key > previousKey[lo]!) {
          previousKey[lo] = key;
          previousRing[lo] = r;
        }
      }
    }
    const exteriorOf = new Int32Array(ringOuter.length);
    const polygonOf = new Int32Array(ringOuter.length).fill(-1);
    const polygons: number[][][][] = [];
    for (let r = 0, h = 0; r < ringOuter.length; r++) {
      if (ringOuter[r]) {
        exteriorOf[r] = r;
        const corners = ringCorners[r];
        if (corners) {
          polygonOf[r] = polygons.length;
          polygons.push([corners]);
        }
        continue;
      }
      const before = previousRing[h++]!;
      // Cannot happen on a grid (a hole has cells above the threshold on its left); kept as a check.
      if (before < 0) throw new Error('contour hole without an enclosing ring');
      const exterior = exteriorOf[before]!;
      exteriorOf[r] = exterior;
      const corners = ringCorners[r];
      const polygon = polygonOf[exterior]!;
      if (corners && polygon >= 0) polygons[polygon]!.push(corners);
    }
    return polygons;
  }
}
