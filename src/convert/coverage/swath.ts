const RAD = Math.PI / 180;

/**
 * Writes the corners of one point's swath into `out` (x0 y0 … x3 y3, in order around it): the
 * rectangle the implement swept since the previous point of its track, ending at the point,
 * reaching `length` metres back against the heading (degrees clockwise from north), `width` wide
 * and centred on the travelled segment. Local metres, x east, y north.
 */
export function swathCorners(x: number, y: number, headingDegrees: number, length: number, width: number, out: Float64Array): void {
  const h = headingDegrees * RAD;
  // Unit vector of travel and its right-hand normal.
  const ux = Math.sin(h);
  const uy = Math.cos(h);
  const nx = uy;
  const ny = -ux;
  const half = width / 2;
  const bx = x - ux * length;
  const by = y - uy * length;
  out[0] = bx - nx * half;
  out[1] = by - ny * half;
  out[2] = bx + nx * half;
  out[3] = by + ny * half;
  out[4] = x + nx * half;
  out[5] = y + ny * half;
  out[6] = x - nx * half;
  out[7] = y - ny * half;
}

/**
 * Calls `run(lo, hi, iy)` for every grid row crossed by the convex quadrilateral `corners`, with
 * the columns whose cell centres lie inside it. Cell (ix, iy) spans [ix·cell, (ix+1)·cell) and its
 * centre is at (ix + ½)·cell: counting centres is unbiased on average, so the area of the marked
 * cells converges on the polygon's area as the cell shrinks.
 */
export function scanConvex(corners: Float64Array, cell: number, run: (lo: number, hi: number, iy: number) => void): void {
  let minY = Infinity;
  let maxY = -Infinity;
  for (let k = 1; k < 8; k += 2) {
    if (corners[k] < minY) minY = corners[k];
    if (corners[k] > maxY) maxY = corners[k];
  }
  const rowLo = Math.ceil(minY / cell - 0.5);
  const rowHi = Math.floor(maxY / cell - 0.5);
  for (let iy = rowLo; iy <= rowHi; iy++) {
    const yc = (iy + 0.5) * cell;
    let xMin = Infinity;
    let xMax = -Infinity;
    for (let k = 0; k < 8; k += 2) {
      const x0 = corners[k];
      const y0 = corners[k + 1];
      const x1 = corners[(k + 2) % 8];
      const y1 = corners[(k + 3) % 8];
      if ((y0 <= yc && yc <= y1) || (y1 <= yc && yc <= y0)) {
        // A horizontal edge on the row adds both its ends; otherwise interpolate.
        if (y0 === y1) {
          xMin = Math.min(xMin, x0, x1);
          xMax = Math.max(xMax, x0, x1);
        } else {
          const x = x0 + ((yc - y0) / (y1 - y0)) * (x1 - x0);
          if (x < xMin) xMin = x;
          if (x > xMax) xMax = x;
        }
      }
    }
    if (xMin > xMax) continue;
    const lo = Math.ceil(xMin / cell - 0.5);
    const hi = Math.floor(xMax / cell - 0.5);
    if (lo <= hi) run(lo, hi, iy);
  }
}
