/**
 * Yield Editor's SMV (smooth velocity) test, made robust to speeds derived from GNSS positions.
 *
 * The filter is after abrupt changes of the machine's speed: the flow sensor lags the header, so
 * while the machine speeds up or slows down the flow it reads belongs to ground covered at another
 * speed and the yield is wrong. Yield Editor compares each record's speed with the previous one.
 *
 * A logged speed (radar, wheel or the receiver's own Doppler speed) is smooth enough for that. A
 * speed Furrow derives as distance / Δt between consecutive positions is not: where the position
 * of a record is up to a second older or newer than its whole-second timestamp, one step reads
 * half the true speed and the next one twice it (measured on the CCI forage harvester sample,
 * FILTERS.md), although the machine moved steadily. Such an error is confined to
 * one or two records, so a centred running median of a few records removes it while keeping a
 * real step (a median preserves edges). The previous-record test is then applied
 * to the median speeds; with a window of 1 record it is exactly Yield Editor's.
 */

/**
 * Median of the finite values of `values[from, to)`; NaN when there is none. Even counts take the
 * mean of the two middle values. `scratch` (at least `to - from` long) holds the sorted values, so
 * that a median per point allocates nothing.
 */
export function median(values: ArrayLike<number>, from: number, to: number, scratch: Float64Array = new Float64Array(Math.max(0, to - from))): number {
  let n = 0;
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    // Insertion sort: the windows are a few values long.
    let j = n++;
    while (j > 0 && scratch[j - 1]! > v) {
      scratch[j] = scratch[j - 1]!;
      j--;
    }
    scratch[j] = v;
  }
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? scratch[mid]! : (scratch[mid - 1]! + scratch[mid]!) / 2;
}

/** Records on each side of a point in a centred window of `points` records: 1 → 0, 3 → 1, 5 → 2 (an even count takes the odd count below it). */
export function halfWidth(points: number): number {
  return Number.isFinite(points) ? Math.max(0, Math.floor((points - 1) / 2)) : 0;
}

/**
 * Relative change of the median speed from the previous record to this one:
 * |m(i) − m(i−1)| / m(i−1), where m(j) is the median of the speeds of records j − r … j + r of the
 * same unbroken run of the track. `series[0, length)` holds the run's speeds around the point in
 * time order and `at` the point's index in it (r + 1 records before the point and r after, fewer
 * where the run starts or ends). NaN — not tested — unless both medians have their full 2r + 1
 * records (a truncated window at the start of a run would mix in the first record, whose derived
 * speed spans the gap before it), or when the previous median is not positive. `scratch`: at least
 * 2r + 1 long.
 */
export function medianSpeedChange(series: ArrayLike<number>, length: number, at: number, r: number, scratch: Float64Array = new Float64Array(2 * r + 1)): number {
  if (at - 1 - r < 0 || at + r >= length) return NaN;
  const before = median(series, at - 1 - r, at + r, scratch);
  if (!(before > 0)) return NaN;
  const now = median(series, at - r, at + r + 1, scratch);
  return Math.abs(now - before) / before;
}
