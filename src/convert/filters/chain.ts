import type { PointBatch } from '../../model/batch.ts';
import { cleanupReasons } from '../clean.ts';
import { FILTER_ORDER, type FilterName } from './options.ts';
import type { FilterPlan } from './plan.ts';
import { LogHistogram, RunningMoments } from './stats.ts';
import { medianSpeedChange } from './velocity.ts';
import { LookAheadWindow, type Released } from './window.ts';

/** Figures of the whole operation that the statistical filters need, from an earlier pass. */
export interface OperationFigures {
  /** Full working width in m (MINS): the option's, or the operation's widest from a first pass. */
  fullWidth?: number;
  /** Yield limits in the yield's base unit (kg/ha or m³/ha). */
  minYield?: number;
  maxYield?: number;
  outliers?: { mean: number; sd: number };
  stdDev?: { mean: number; sd: number };
}

/** What a statistics pass gathers from the points that every point-by-point filter keeps. */
export class FigureCollector {
  readonly yieldHistogram = new LogHistogram();
  readonly yieldMoments = new RunningMoments();
  readonly outlierMoments = new RunningMoments();
}

/**
 * One streaming pass of the filter chain over an operation's standardized points. Each point meets
 * the filters in FILTER_ORDER and carries in `removedBy` the first that removes it. The statistical
 * filters (yield limits, σ) use `figures` from an earlier pass; given a `collector`, the pass is
 * that earlier pass: it feeds the collector with the points the point-by-point filters keep.
 */
export class FilterPass {
  readonly window: LookAheadWindow;
  private readonly constants: ReadonlyMap<string, string>;
  /** Which filters run, looked up once: the chain asks for every point. */
  private readonly on: Readonly<Record<FilterName, boolean>>;
  /** `cleanup: <rule>` per rule, made once rather than per point. */
  private readonly cleanupLabels = new Map<string, string>();
  /** Scratch for the finite values of a median window (velocity.ts). */
  private readonly medianScratch: Float64Array;

  constructor(
    private readonly plan: FilterPlan,
    stringKeys: readonly string[],
    constants: readonly [string, string][],
    private readonly figures: OperationFigures,
    private readonly collector?: FigureCollector,
  ) {
    this.constants = new Map(constants);
    const o = plan.options;
    const on = Object.fromEntries(FILTER_ORDER.map((n) => [n, plan.active.has(n)])) as Record<FilterName, boolean>;
    this.on = on;
    const horizon = Math.max(
      0,
      on.flowDelay ? o.flowDelay.seconds + o.flowDelay.toleranceSeconds : 0,
      on.moistureDelay ? o.moistureDelay.seconds + o.moistureDelay.toleranceSeconds : 0,
      on.endPass ? o.endPass.seconds + o.passes.gapSeconds : 0,
      // The median after a point reaches r records ahead in its run, each at most a pass gap apart.
      on.velocityChange ? plan.velocity.halfWidth * o.passes.gapSeconds : 0,
    );
    this.window = new LookAheadWindow(plan, horizon, stringKeys);
    this.medianScratch = new Float64Array(2 * plan.velocity.halfWidth + 1);
  }

  /**
   * Adds a batch; returns the points whose fate is now known (in `window.ring`, `removedBy` set: the
   * filter that removed each, or null). `cleanup`: the batch's cleanup reasons when the caller has
   * them already (`cleanupReasons` with the same constants).
   */
  push(batch: PointBatch, cleanup?: readonly (string | null)[]): Released {
    const reasons = this.on.cleanup ? (cleanup ?? cleanupReasons(batch, this.constants)) : [];
    return this.judge(this.window.push(batch, reasons));
  }

  finish(): Released {
    return this.judge(this.window.finish());
  }

  private judge(released: Released): Released {
    const { ring } = this.window;
    for (let seq = released.from; seq < released.to; seq++) ring.removedBy[ring.slot(seq)] = this.reasonFor(seq);
    return released;
  }

  private cleanupLabel(rule: string): string {
    let label = this.cleanupLabels.get(rule);
    if (label === undefined) this.cleanupLabels.set(rule, (label = `cleanup: ${rule}`));
    return label;
  }

  private reasonFor(seq: number): string | null {
    const { options: o } = this.plan;
    const on = this.on;
    const { ring } = this.window;
    const s = ring.slot(seq);
    const v = ring.values;
    const cleanup = ring.cleanup[s]!;
    let reason: string | null = on.cleanup && cleanup !== null ? this.cleanupLabel(cleanup) : null;
    // Converted on arrival (NaN without a speed column); no filter moves the speed.
    const speed = ring.speed[s]!;
    if (on.speed && reason === null && speed < o.speed.min) reason = 'speed';

    // Shifts change the point's values whether or not an earlier filter removed it, so the annotated
    // output shows every point as the later filters saw it.
    if (on.flowDelay && o.flowDelay.seconds > 0) {
      const shifted = this.shiftFlow(seq);
      if (reason === null && !shifted) reason = 'flowDelay';
    }
    if (on.moistureDelay && o.moistureDelay.seconds > 0) {
      const shifted = this.shiftMoisture(seq);
      if (reason === null && !shifted) reason = 'moistureDelay';
    }

    const working = ring.on[s] === 1;
    const time = ring.store.time[s]!;
    if (on.startPass && reason === null && working && time - ring.passStart[s]! < o.startPass.seconds * 1000) reason = 'startPass';
    if (on.endPass && reason === null && working && this.window.secondsToPassEnd(seq, o.passes.gapSeconds, o.endPass.seconds) < o.endPass.seconds) reason = 'endPass';
    if (on.minVelocity && reason === null && speed < o.minVelocity.min) reason = 'minVelocity';
    if (on.maxVelocity && reason === null && speed > o.maxVelocity.max) reason = 'maxVelocity';
    if (on.velocityChange && reason === null && this.speedChange(seq) > o.velocityChange.maxRelativeChange) reason = 'velocityChange';
    if (on.minSwath && reason === null && this.plan.width) {
      const fullWidth = this.figures.fullWidth ?? NaN;
      if (this.plan.width.toBase(v[this.plan.width.index]![s]!) < o.minSwath.minFraction * fullWidth) reason = 'minSwath';
    }
    if (on.position && reason === null && ring.impliedSpeed[s]! > o.position.maxImpliedSpeed) reason = 'position';
    if (reason !== null) return reason;

    const yieldValue = this.plan.yieldValue ? this.plan.yieldValue.toBase(v[this.plan.yieldValue.index]![s]!) : NaN;
    const outlierValue = this.plan.outlierValue ? this.plan.outlierValue.toBase(v[this.plan.outlierValue.index]![s]!) : NaN;
    const f = this.figures;
    if (this.collector) {
      // A statistics pass: gather the figures from the points every point-by-point filter keeps.
      this.collector.yieldHistogram.add(yieldValue);
      this.collector.yieldMoments.add(yieldValue);
      this.collector.outlierMoments.add(outlierValue);
      return null;
    }
    if (on.minYield && f.minYield !== undefined && yieldValue < f.minYield) return 'minYield';
    if (on.maxYield && f.maxYield !== undefined && yieldValue > f.maxYield) return 'maxYield';
    if (on.outliers && f.outliers && Math.abs(outlierValue - f.outliers.mean) > o.outliers.limit * f.outliers.sd) return 'outliers';
    if (on.stdDev && f.stdDev && Math.abs(yieldValue - f.stdDev.mean) > o.stdDev.limit * f.stdDev.sd) return 'stdDev';
    return null;
  }

  /** Relative change of the (median) speed from the previous record of the point's run. */
  private speedChange(seq: number): number {
    const r = this.plan.velocity.halfWidth;
    const length = this.window.speedRun(seq, r + 1, r, this.plan.options.passes.gapSeconds);
    return medianSpeedChange(this.window.series, length, this.window.seriesAt, r, this.medianScratch);
  }

  /** Moves the flow sensor's values back by the flow delay; false when no point exists to take them from. */
  private shiftFlow(seq: number): boolean {
    const { flowDelay } = this.plan.options;
    const { ring } = this.window;
    const v = ring.values;
    const s = ring.slot(seq);
    const source = this.window.pointAfter(seq, flowDelay.seconds, flowDelay.toleranceSeconds);
    const from = source >= 0 ? ring.slot(source) : -1;
    const primary = this.plan.flowShifted[0]!;
    for (const i of this.plan.flowShifted) v[i]![s] = from >= 0 ? v[i]![from]! : NaN;
    // Totals follow the moved per-area value over the point's own area, not the source's.
    const area = this.plan.area;
    if (area) {
      const m2 = area.toBase(v[area.index]![s]!);
      for (const t of this.plan.flowTotals) v[t.total]![s] = t.fromBase((t.perArea.toBase(v[t.perArea.index]![s]!) * m2) / 10_000);
    }
    return from >= 0 && !Number.isNaN(v[primary]![s]!);
  }

  private shiftMoisture(seq: number): boolean {
    const { moistureDelay } = this.plan.options;
    const { ring } = this.window;
    const column = ring.values[this.plan.moisture!]!;
    const s = ring.slot(seq);
    const source = this.window.pointAfter(seq, moistureDelay.seconds, moistureDelay.toleranceSeconds);
    column[s] = source >= 0 ? column[ring.slot(source)]! : NaN;
    return source >= 0 && !Number.isNaN(column[s]!);
  }
}
