/**
 * Points travel through Furrow as columnar batches: one typed array per value, no object per
 * point, so that multi-million-point operations decode and convert in bounded memory.
 */
export interface PointBatch {
  length: number;
  /** Epoch milliseconds (UTC). */
  time: Float64Array;
  /** WGS84 degrees. */
  lon: Float64Array;
  lat: Float64Array;
  /** Numeric columns by column key; NaN means "no value at this point". */
  numbers: Map<string, Float64Array>;
  /** Text columns by column key (variety, product name, ...); null means "no value". */
  strings: Map<string, (string | null)[]>;
}

/** The usual number of points in a batch: large enough to amortise per-batch work, small enough to stay cache- and memory-friendly. */
export const BATCH_SIZE = 16_384;

export function emptyBatch(capacity: number, numberKeys: Iterable<string>, stringKeys: Iterable<string> = []): PointBatch {
  const numbers = new Map<string, Float64Array>();
  for (const key of numberKeys) numbers.set(key, new Float64Array(capacity).fill(NaN));
  const strings = new Map<string, (string | null)[]>();
  for (const key of stringKeys) strings.set(key, new Array<string | null>(capacity).fill(null));
  return {
    length: 0,
    time: new Float64Array(capacity),
    lon: new Float64Array(capacity),
    lat: new Float64Array(capacity),
    numbers,
    strings,
  };
}
