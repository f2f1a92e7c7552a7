import type { PointBatch } from '../../model/batch.ts';
import { cleanupReasons } from '../clean.ts';
import type { FilterName } from './options.ts';
import type { FilterPlan } from './plan.ts';
import { LogHistogram, RunningMoments } from './stats.ts';
import { medianSpeedChange } from './velocity.ts';
import { LookAheadWindow, pointAfter, secondsToPassEnd, speedRun, type HeldPoint } from './window.ts';

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
  private readonly window: LookAheadWindow;
  private readonly constants: ReadonlyMap<string, string>;

  constructor(
    private readonly plan: FilterPlan,
    stringKeys: readonly string[],
    constants: readonly [string, string][],
    private readonly figures: OperationFigures,
    private readonly collector?: FigureCollector,
  ) {
    this.constants = new Map(constants);
    const o = plan.options;
    const on = (n: FilterName) => plan.active.has(n);
    const horizon = Math.max(
      0,
      on('flowDelay') ? o.flowDelay.seconds + o.flowDelay.toleranceSeconds : 0,
      on('moistureDelay') ? o.moistureDelay.seconds + o.moistureDelay.toleranceSeconds : 0,
      on('endPass') ? o.endPass.seconds + o.passes.gapSeconds : 0,
      // The median after a point reaches r records ahead in its run, each at most a pass gap apart.
      on('velocityChange') ? plan.velocity.halfWidth * o.passes.gapSeconds : 0,
    );
    this.window = new LookAheadWindow(plan, horizon, stringKeys);
  }

  /** Adds a batch; returns the points whose fate is now known, each with the filter that removed it (or null). */
  push(batch: PointBatch): HeldPoint[] {
    const cleanup = this.plan.active.has('cleanup') ? cleanupReasons(batch, this.constants) : [];
    return this.judge(this.window.push(batch, cleanup));
  }

  finish(): HeldPoint[] {
    return this.judge(this.window.finish());
  }

  private judge(points: HeldPoint[]): HeldPoint[] {
    for (const p of points) p.removedBy = this.reasonFor(p);
    return points;
  }

  private reasonFor(p: HeldPoint): string | null {
    const { active, options: o } = this.plan;
    const v = p.values;
    let reason: string | null = active.has('cleanup') && p.cleanup !== null ? `cleanup: ${p.cleanup}` : null;
    const hit = (name: FilterName, test: boolean) => {
      if (reason === null && test) reason = name;
    };
    const speed = this.plan.speed ? this.plan.speed.toBase(v[this.plan.speed.index]!) : NaN;
    if (active.has('speed')) hit('speed', speed < o.speed.min);

    // Shifts change the point's values whether or not an earlier filter removed it, so the annotated
    // output shows every point as the later filters saw it.
    if (active.has('flowDelay') && o.flowDelay.seconds > 0) hit('flowDelay', !this.shiftFlow(p));
    if (active.has('moistureDelay') && o.moistureDelay.seconds > 0) hit('moistureDelay', !this.shiftMoisture(p));

    if (active.has('startPass')) hit('startPass', p.on && p.time - p.passStart < o.startPass.seconds * 1000);
    if (active.has('endPass') && reason === null && p.on) hit('endPass', secondsToPassEnd(p, o.passes.gapSeconds, o.endPass.seconds) < o.endPass.seconds);
    if (active.has('minVelocity')) hit('minVelocity', speed < o.minVelocity.min);
    if (active.has('maxVelocity')) hit('maxVelocity', speed > o.maxVelocity.max);
    if (active.has('velocityChange') && reason === null) hit('velocityChange', this.speedChange(p) > o.velocityChange.maxRelativeChange);
    if (active.has('minSwath') && this.plan.width) {
      const fullWidth = this.figures.fullWidth ?? NaN;
      hit('minSwath', this.plan.width.toBase(v[this.plan.width.index]!) < o.minSwath.minFraction * fullWidth);
    }
    if (active.has('position')) hit('position', p.impliedSpeed > o.position.maxImpliedSpeed);
    if (reason !== null) return reason;

    const yieldValue = this.plan.yieldValue ? this.plan.yieldValue.toBase(v[this.plan.yieldValue.index]!) : NaN;
    const outlierValue = this.plan.outlierValue ? this.plan.outlierValue.toBase(v[this.plan.outlierValue.index]!) : NaN;
    const f = this.figures;
    if (this.collector) {
      // A statistics pass: gather the figures from the points every point-by-point filter keeps.
      this.collector.yieldHistogram.add(yieldValue);
      this.collector.yieldMoments.add(yieldValue);
      this.collector.outlierMoments.add(outlierValue);
      return null;
    }
    if (active.has('minYield') && f.minYield !== undefined) hit('minYield', yieldValue < f.minYield);
    if (active.has('maxYield') && f.maxYield !== undefined) hit('maxYield', yieldValue > f.maxYield);
    if (active.has('outliers') && f.outliers) hit('outliers', Math.abs(outlierValue - f.outliers.mean) > o.outliers.limit * f.outliers.sd);
    if (active.has('stdDev') && f.stdDev) hit('stdDev', Math.abs(yieldValue - f.stdDev.mean) > o.stdDev.limit * f.stdDev.sd);
    return reason;
  }

  /** Relative change of the (median) speed from the previous record of the point's run. */
  private speedChange(p: HeldPoint): number {
    const r = this.plan.velocity.halfWidth;
    const { series, at } = speedRun(p, r + 1, r, this.plan.options.passes.gapSeconds);
    return medianSpeedChange(series, at, r);
  }

  /** Moves the flow sensor's values back by the flow delay; false when no point exists to take them from. */
  private shiftFlow(p: HeldPoint): boolean {
    const { flowDelay } = this.plan.options;
    const source = pointAfter(p, flowDelay.seconds, flowDelay.toleranceSeconds);
    const primary = this.plan.flowShifted[0]!;
    for (const i of this.plan.flowShifted) p.values[i] = source ? source.values[i]! : NaN;
    // Totals follow the moved per-area value over the point's own area, not the source's.
    const area = this.plan.area;
    if (area) {
      const m2 = area.toBase(p.values[area.index]!);
      for (const t of this.plan.flowTotals) p.values[t.total] = t.fromBase((t.perArea.toBase(p.values[t.perArea.index]!) * m2) / 10_000);
    }
    return source !== undefined && !Number.isNaN(p.values[primary]!);
  }

  private shiftMoisture(p: HeldPoint): boolean {
    const { moistureDelay } = this.plan.options;
    const i = this.plan.moisture!;
    const source = pointAfter(p, moistureDelay.seconds, moistureDelay.toleranceSeconds);
    p.values[i] = source ? source.values[i]! : NaN;
    return source !== undefined && !Number.isNaN(p.values[i]!);
  }
}
