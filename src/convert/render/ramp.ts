/**
 * Leaf's colour ramps (leaf-api.md §6): stops keyed by percentage of the value range (`0%` = the
 * smallest value drawn, `100%` = the largest), RGB or RGBA, linear between stops, and `nv` for
 * cells without data.
 */

/** A ramp as Leaf writes it: `{"0%":[200,0,0], ..., "100%":[0,130,0], "nv":[0,0,0,0]}`. */
export type ColorRamp = Readonly<Record<string, readonly number[]>>;

export type Rgba = [number, number, number, number];

/** Leaf's ramp, identical for every property image (§6). */
export const LEAF_DEFAULT_RAMP: ColorRamp = Object.freeze({
  '0%': [200, 0, 0],
  '35%': [255, 40, 0],
  '45%': [255, 150, 0],
  '55%': [255, 240, 0],
  '65%': [0, 230, 0],
  '75%': [0, 190, 0],
  '100%': [0, 130, 0],
  nv: [0, 0, 0, 0],
});

export interface RampStop {
  /** Position in the value range, 0..1. */
  at: number;
  color: Rgba;
}

/** A ramp ready to colour values: stops sorted by position, and the no-data colour. */
export interface CompiledRamp {
  stops: RampStop[];
  noData: Rgba;
}

function channel(v: number | undefined, what: string): number {
  if (v === undefined || !Number.isInteger(v) || v < 0 || v > 255) throw new Error(`ramp colour ${what} must hold integers 0..255`);
  return v;
}

function rgba(values: readonly number[], what: string): Rgba {
  if (values.length !== 3 && values.length !== 4) throw new Error(`ramp colour ${what} must be [r,g,b] or [r,g,b,a]`);
  return [channel(values[0], what), channel(values[1], what), channel(values[2], what), values.length === 4 ? channel(values[3], what) : 255];
}

/** Checks and sorts a ramp; throws a readable error for a malformed one (a user-supplied ramp). */
export function compileRamp(ramp: ColorRamp): CompiledRamp {
  const stops: RampStop[] = [];
  // Without an `nv` entry no-data stays transparent, which is what every map viewer expects.
  let noData: Rgba = [0, 0, 0, 0];
  for (const [key, color] of Object.entries(ramp)) {
    if (key === 'nv') {
      noData = rgba(color, key);
      continue;
    }
    const match = /^(\d+(?:\.\d+)?)%$/.exec(key);
    const percent = match ? Number(match[1]) : NaN;
    if (!(percent >= 0 && percent <= 100)) throw new Error(`ramp key "${key}" is neither "nv" nor a percentage 0%..100%`);
    stops.push({ at: percent / 100, color: rgba(color, key) });
  }
  stops.sort((a, b) => a.at - b.at);
  if (stops.length === 0) throw new Error('ramp has no colour stops');
  return { stops, noData };
}

/**
 * Writes the colour at position `t` (0..1) of the value range into `out` at `offset`: linear per
 * channel between the two surrounding stops, rounded to the nearest integer; below the first and
 * above the last stop the end colours hold. Computed per cell (no lookup table) so that a cell's
 * colour is exactly the ramp's, and without allocating, as it runs once per cell of every image.
 */
export function paint(ramp: CompiledRamp, t: number, out: Uint8Array, offset: number): void {
  const { stops } = ramp;
  let lo = stops[0]!;
  let hi = lo;
  if (t > lo.at) {
    let k = 1;
    while (k < stops.length && stops[k]!.at < t) k++;
    if (k === stops.length) lo = hi = stops[k - 1]!;
    else {
      lo = stops[k - 1]!;
      hi = stops[k]!;
    }
  }
  const f = hi === lo ? 0 : (t - lo.at) / (hi.at - lo.at);
  for (let c = 0; c < 4; c++) out[offset + c] = Math.round(lo.color[c]! + (hi.color[c]! - lo.color[c]!) * f);
}

/** The colour at position `t` (0..1) of the value range, as `paint` draws it. */
export function colorAt(ramp: CompiledRamp, t: number): Rgba {
  const out = new Uint8Array(4);
  paint(ramp, t, out, 0);
  return [out[0]!, out[1]!, out[2]!, out[3]!];
}
