/*
 * Polygon rings as contours trace them from a grid (d3-contour for the summary outline,
 * coverage/isorings.ts for the coverage polygons): one vertex per cell edge along staircases,
 * closed by repeating the first point in d3-contour's case.
 */

/** d3-contour closes rings by repeating the first point; the steps after it want each vertex once. */
export function openRing(ring: number[][]): number[][] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return ring.length > 1 && first[0] === last[0] && first[1] === last[1] ? ring.slice(0, -1) : ring.slice();
}

/** Do vertices a, b, c of a flat ring lie exactly on one straight line? */
function collinear(xy: Float64Array, a: number, b: number, c: number): boolean {
  return (xy[2 * b]! - xy[2 * a]!) * (xy[2 * c + 1]! - xy[2 * a + 1]!) === (xy[2 * b + 1]! - xy[2 * a + 1]!) * (xy[2 * c]! - xy[2 * a]!);
}

// The stack of kept vertex indices, reused from ring to ring (a traced map has thousands of small
// rings, and a typed array allocation each cost more than the work on it).
let stack = new Int32Array(1024);

/**
 * Finds the vertices of a ring (x0, y0, x1, y1, … in the first `n` vertices of `xy`) that do not
 * lie on the straight line through their neighbours, around the whole ring: a staircase keeps only
 * its corners. Returns their indices in `stack`, from `head` to `top` (exclusive): valid until the
 * next call. One algorithm for rings held as [x, y] arrays and as flat coordinates; flat because
 * the coverage tracer builds its rings that way and this runs once per traced vertex.
 */
function cornerIndices(xy: Float64Array, n: number): { head: number; top: number } {
  if (stack.length < n) stack = new Int32Array(Math.max(n, 2 * stack.length));
  const out = stack;
  let head = 0;
  let top = 0;
  for (let k = 0; k < n; k++) {
    while (top - head >= 2 && collinear(xy, out[top - 2]!, out[top - 1]!, k)) top--;
    out[top++] = k;
  }
  let changed = true;
  while (changed && top - head >= 3) {
    changed = false;
    if (collinear(xy, out[top - 2]!, out[top - 1]!, out[head]!)) {
      top--;
      changed = true;
    } else if (collinear(xy, out[top - 1]!, out[head]!, out[head + 1]!)) {
      head++;
      changed = true;
    }
  }
  return { head, top };
}

/** Removes vertices lying on the straight line through their neighbours, around the whole ring: a staircase keeps only its corners. */
export function dropCollinear(vertices: number[][]): number[][] {
  const xy = new Float64Array(2 * vertices.length);
  vertices.forEach(([x, y], k) => {
    xy[2 * k] = x!;
    xy[2 * k + 1] = y!;
  });
  const { head, top } = cornerIndices(xy, vertices.length);
  const out: number[][] = [];
  for (let k = head; k < top; k++) out.push(vertices[stack[k]!]!);
  return out;
}

/** `dropCollinear` for a ring held as x0, y0, x1, y1, … in the first `n` vertices of `xy`: the corners as [x, y] arrays. */
export function dropCollinearFlat(xy: Float64Array, n: number): number[][] {
  const { head, top } = cornerIndices(xy, n);
  const out: number[][] = [];
  for (let k = head; k < top; k++) {
    const v = stack[k]!;
    out.push([xy[2 * v]!, xy[2 * v + 1]!]);
  }
  return out;
}

/** Twice the shoelace area of an open ring; positive when counter-clockwise with y pointing north. */
export function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return sum;
}
