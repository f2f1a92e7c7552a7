/*
 * Polygon rings as d3-contour traces them from a grid (the summary outline and the coverage
 * polygons): closed by repeating the first point, one vertex per cell edge along staircases.
 */

/** d3-contour closes rings by repeating the first point; the steps after it want each vertex once. */
export function openRing(ring: number[][]): number[][] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return ring.length > 1 && first[0] === last[0] && first[1] === last[1] ? ring.slice(0, -1) : ring.slice();
}

function collinear(a: number[], b: number[], c: number[]): boolean {
  return (b[0] - a[0]) * (c[1] - a[1]) === (b[1] - a[1]) * (c[0] - a[0]);
}

/** Removes vertices lying on the straight line through their neighbours, around the whole ring: a staircase keeps only its corners. */
export function dropCollinear(vertices: number[][]): number[][] {
  const out: number[][] = [];
  for (const vertex of vertices) {
    while (out.length >= 2 && collinear(out[out.length - 2], out[out.length - 1], vertex)) out.pop();
    out.push(vertex);
  }
  let changed = true;
  while (changed && out.length >= 3) {
    changed = false;
    if (collinear(out[out.length - 2], out[out.length - 1], out[0])) {
      out.pop();
      changed = true;
    } else if (collinear(out[out.length - 1], out[0], out[1])) {
      out.shift();
      changed = true;
    }
  }
  return out;
}

/** Twice the shoelace area of an open ring; positive when counter-clockwise with y pointing north. */
export function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return sum;
}
