/**
 * Settings of the yield-cleaning filters behind Leaf's `filteredGeojson` step, with their
 * defaults. Every threshold is in SI units (m/s, m, s, kg/ha or m³/ha) whatever unit system the
 * operation's outputs use; the filters convert each point's value before comparing.
 *
 * Sources (see FILTERS.md for the full table):
 * - Leaf: leaf-api.md §4.1 — `filteredGeojson` drops `speed` < 0.5 m/s for every operation type
 *   and, for harvest, points whose harvest volume is more than `operationsOutliersLimit` (3)
 *   standard deviations from the mean.
 * - Yield Editor: Sudduth, K.A. & Drummond, S.T. (2007) "Yield Editor: Software for removing
 *   errors from crop yield maps", Agron. J. 99:1471–1482 (ars.usda.gov publication 203367): the
 *   DELAY (flow and moisture), START/END pass delay, MINV/MAXV, SMV, MINS, MINY/MAXY, STDY and POS
 *   filters. Yield Editor leaves most values to the user, who reads them off histograms and maps,
 *   so the defaults below are Furrow's unless FILTERS.md names another source.
 * - AYCE (Yield Editor 2.0, Sudduth, Drummond & Myers, ASABE 2012): automatic yield limits from
 *   the 10th and 99th percentiles widened by 25 %, as described in a public report that
 *   re-implemented it ("Cotton yield monitor data cleaning", Yield Editor filters section).
 */

/** Names of the filters, in the order a point meets them; a removed point carries the first that removed it. */
export const FILTER_ORDER = [
  'cleanup',
  'speed',
  'flowDelay',
  'moistureDelay',
  'startPass',
  'endPass',
  'minVelocity',
  'maxVelocity',
  'velocityChange',
  'minSwath',
  'position',
  'minYield',
  'maxYield',
  'outliers',
  'stdDev',
] as const;

export type FilterName = (typeof FILTER_ORDER)[number];

export interface FilterOptions {
  /** Leaf's default cleanup rules (clean.ts): the filtered output starts from the standard points. */
  cleanup: { enabled: boolean };
  /** Leaf: points slower than `min` m/s, every operation type. */
  speed: { enabled: boolean; min: number };
  /**
   * Yield Editor DELAY (grain flow): the crop cut at a point reaches the flow sensor `seconds`
   * later, so each point takes the yield values (per-area yields, crop flow) logged `seconds`
   * after it on its own track; masses are recomputed from the point's own area. A point whose
   * shifted value does not exist (end of the log, a gap longer than `toleranceSeconds`) is removed.
   */
  flowDelay: { enabled: boolean; seconds: number; toleranceSeconds: number };
  /** Yield Editor DELAY (moisture): the same shift for `harvestMoisture` alone. */
  moistureDelay: { enabled: boolean; seconds: number; toleranceSeconds: number };
  /** Yield Editor START: the first `seconds` of each pass, while the machine fills with crop. */
  startPass: { enabled: boolean; seconds: number };
  /** Yield Editor END: the last `seconds` of each pass, while the machine empties. */
  endPass: { enabled: boolean; seconds: number };
  /** Yield Editor MINV: points slower than `min` m/s. */
  minVelocity: { enabled: boolean; min: number };
  /** Yield Editor MAXV: points faster than `max` m/s. */
  maxVelocity: { enabled: boolean; max: number };
  /**
   * Yield Editor SMV: points whose speed differs from the previous point's by more than
   * `maxRelativeChange` of that speed, both speeds first replaced by the median of a centred window
   * of `medianPoints` records (the source logged the speed) or `derivedMedianPoints` records (Furrow
   * derived it from positions) of the same run of the track. 1 record is Yield Editor's rule.
   */
  velocityChange: { enabled: boolean; maxRelativeChange: number; medianPoints: number; derivedMedianPoints: number };
  /** Yield Editor MINS: points whose logged width is below `minFraction` of the full width (`fullWidth` m, or the operation's widest). */
  minSwath: { enabled: boolean; minFraction: number; fullWidth?: number };
  /** Yield Editor POS (jumps): points whose distance from the previous point of the track implies more than `maxImpliedSpeed` m/s. */
  position: { enabled: boolean; maxImpliedSpeed: number };
  /** Yield Editor MINY: yield below `value` (kg/ha or m³/ha), or when unset AYCE's `percentile` lowered by `expand`. */
  minYield: { enabled: boolean; value?: number; percentile: number; expand: number };
  /** Yield Editor MAXY: yield above `value`, or when unset AYCE's `percentile` raised by `expand`. */
  maxYield: { enabled: boolean; value?: number; percentile: number; expand: number };
  /** Leaf outliers: wet volume per area (wet mass per area when no volume) more than `limit` σ from the mean. */
  outliers: { enabled: boolean; limit: number };
  /** Yield Editor STDY: dry yield per area (wet when no dry) more than `limit` σ from the mean. */
  stdDev: { enabled: boolean; limit: number };
}

/** How passes are cut for START/END: a pass is a run of working points (recordingStatus On) with no gap longer than `gapSeconds`. */
export interface PassOptions {
  gapSeconds: number;
}

export interface ResolvedOptions extends FilterOptions {
  passes: PassOptions;
}

/** What callers pass: any subset of any filter's settings; the rest comes from the defaults. */
export type FilterSettings = { [K in FilterName]?: Partial<FilterOptions[K]> } & { passes?: Partial<PassOptions> };

export const DEFAULT_OPTIONS: Readonly<ResolvedOptions> = Object.freeze({
  cleanup: { enabled: true },
  speed: { enabled: true, min: 0.5 },
  // Yield Editor has no fixed delay: it is set per machine by the user or by AYCE. Furrow does not
  // estimate it (yet), and controllers that log yield per area (ISOXML DDI 0054, GreenStar) have
  // usually applied their own flow delay already, so the default is no shift.
  flowDelay: { enabled: true, seconds: 0, toleranceSeconds: 1 },
  moistureDelay: { enabled: true, seconds: 0, toleranceSeconds: 1 },
  startPass: { enabled: true, seconds: 4 },
  endPass: { enabled: true, seconds: 4 },
  // 2 mph and 10 mph: below and above the working speeds of combines and forage harvesters.
  minVelocity: { enabled: true, min: 0.9 },
  maxVelocity: { enabled: true, max: 4.5 },
  // A logged speed keeps Yield Editor's previous-record rule; a speed derived from 1 Hz positions
  // jumps by half its value from one record to the next while the machine moves steadily, which a
  // median of 3 records removes (FILTERS.md: 330 → 23 points removed on the CCI sample).
  velocityChange: { enabled: true, maxRelativeChange: 0.2, medianPoints: 1, derivedMedianPoints: 3 },
  minSwath: { enabled: true, minFraction: 0.5 },
  // 10 m/s (36 km/h): no harvester moves that fast in a field; a larger step is a GNSS jump.
  position: { enabled: true, maxImpliedSpeed: 10 },
  minYield: { enabled: true, percentile: 0.1, expand: 0.25 },
  maxYield: { enabled: true, percentile: 0.99, expand: 0.25 },
  outliers: { enabled: true, limit: 3 },
  stdDev: { enabled: true, limit: 3 },
  passes: { gapSeconds: 10 },
});

export function resolveOptions(settings: FilterSettings = {}): ResolvedOptions {
  const out = structuredClone(DEFAULT_OPTIONS) as ResolvedOptions;
  for (const name of FILTER_ORDER) {
    const given = settings[name];
    if (given) Object.assign(out[name], given);
  }
  if (settings.passes) Object.assign(out.passes, settings.passes);
  return out;
}
