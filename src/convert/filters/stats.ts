/**
 * Whole-operation statistics gathered in bounded memory during a first pass, so that σ and
 * percentile filters never hold the operation's points.
 */

/** Running mean and standard deviation (Welford's update: stable where sum-of-squares cancels). */
export class RunningMoments {
  count = 0;
  mean = 0;
  private m2 = 0;

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.count++;
    const delta = value - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (value - this.mean);
  }

  /** Population standard deviation (n in the denominator), as a spread of the points themselves. */
  get sd(): number {
    return this.count > 0 ? Math.sqrt(this.m2 / this.count) : NaN;
  }
}

const LOW = 1e-3;
const HIGH = 1e9;
const RATIO = 1.001;
const LOG_RATIO = Math.log(RATIO);
const BINS = Math.ceil(Math.log(HIGH / LOW) / LOG_RATIO) + 1;

/**
 * Percentiles of non-negative values (yields in kg/ha or m³/ha) from a fixed histogram with
 * logarithmic bins 0.1 % wide between 1e-3 and 1e9: ~28,000 counters whatever the point count,
 * and a percentile within 0.1 % of the exact one. Values below 1e-3 (zeros) share one bin that
 * reads as 0; values above 1e9 share the last bin.
 */
export class LogHistogram {
  private readonly counts = new Float64Array(BINS + 1);
  count = 0;

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.count++;
    if (value < LOW) this.counts[0]!++;
    else this.counts[Math.min(BINS, 1 + Math.floor(Math.log(value / LOW) / LOG_RATIO))]!++;
  }

  /** The value below which a share `q` (0..1) of the values lie (nearest rank); NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let bin = 0; bin <= BINS; bin++) {
      seen += this.counts[bin]!;
      if (seen >= rank) return bin === 0 ? 0 : LOW * RATIO ** (bin - 0.5);
    }
    return LOW * RATIO ** BINS;
  }
}
