import type { PointBatch } from '../../model/batch.ts';
import type { OperationType } from '../../model/operations.ts';
import type { StandardProperty } from '../../model/properties.ts';
import { FigureCollector, FilterPass, type OperationFigures } from './chain.ts';
import { FILTER_ORDER, resolveOptions, type FilterName, type FilterSettings, type ResolvedOptions } from './options.ts';
import { planFilters, type FilterPlan } from './plan.ts';
import type { PointRing } from './ring.ts';
import type { PointProducts } from '../point-features.ts';
import type { Released } from './window.ts';

/** What the filters need to know of the operation beside its points. */
export interface VerdictLayout {
  /** Properties every point carries (operationType, crop, ...); also what the cleanup rules test `crop` on. Default: the operation type. */
  constants?: readonly [string, string][];
  /** Leaf's per-point `products` of an applied operation, written into the filtered and annotated layers as into the standard one. */
  products?: PointProducts;
  /** Per-point text properties in output order (e.g. `recordingStatus`). Default: those of the first batch. */
  strings?: readonly string[];
  /**
   * Whether the source logged the speed (true) or Furrow derived it from consecutive positions
   * (false): the velocity-change filter smooths a derived speed first. Not given: taken as logged,
   * which is Yield Editor's own rule.
   */
  speedLogged?: boolean;
  /**
   * The largest `equipmentWidth` of the operation's standardized points (removed ones included), in
   * its output unit, when the caller has measured it already (NaN or -Infinity: none logged).
   * Without it the statistics pass finds it itself. Unit conversions of widths only scale, so the
   * figure is the same either way.
   */
  widestWidth?: number;
}

export interface FilterResult {
  /** Points read. */
  total: number;
  /** Points every filter kept. */
  kept: number;
  /** Points removed per filter (a point counts once, for the first filter that removed it); every filter that ran is listed, with 0 when it removed nothing. Cleanup rules appear as `cleanup: <rule>`. */
  removedBy: Record<string, number>;
  /** Enabled filters that could not run on this operation, with the reason. */
  skipped: Partial<Record<FilterName, string>>;
  /** Every filter's settings as applied, with the figures computed from the operation (limits, means, σ, full width). */
  parameters: Record<string, Record<string, unknown>>;
}

/**
 * The yield filters' verdict on every point of one operation, in two streaming passes over its
 * standardized batches, without writing anything:
 *
 * 1. `collect` every batch, then `endCollecting`: the statistics the yield-limit and σ filters
 *    need (percentiles, means, σ of the points the point-by-point filters keep) and the widest
 *    swath. This pass can be the conversion's main pass. When `endCollecting` returns false the
 *    statistics need one more read: `collect` every batch again, then `endCollecting` again.
 * 2. `judge` every batch again, in the same order, then `endJudging`: each call returns the points
 *    whose fate is now known, in `ring` by sequence number with `ring.removedBy` set (null: kept,
 *    else the first filter that removed the point). They stay there until the next call.
 *
 * `cleanup`, when given, are the batch's cleanup reasons (`cleanupReasons` with the same
 * constants), which spares computing them again.
 */
export class FilterVerdicts {
  readonly plan: FilterPlan;
  readonly options: ResolvedOptions;
  private readonly constants: readonly [string, string][];
  private strings: readonly string[] | undefined;
  private readonly figures: OperationFigures;
  /** The widest equipmentWidth seen or given, in m; -Infinity when none. */
  private widest = -Infinity;
  private readonly widestGiven: boolean;
  /** Whether the statistics the judging needs come from the collect pass under way. */
  private collectingFigures: boolean;
  private collector: FigureCollector | undefined;
  private collectPass: FilterPass | undefined;
  private judgePass: FilterPass | undefined;
  private phase: 'collecting' | 'judging' | 'done' = 'collecting';
  private total = 0;
  private kept = 0;
  private readonly removed: Record<string, number> = {};

  constructor(operationType: OperationType, units: ReadonlyMap<StandardProperty, string>, settings: FilterSettings = {}, layout: VerdictLayout = {}) {
    this.options = resolveOptions(settings);
    this.plan = planFilters(operationType, units, this.options, layout.speedLogged);
    this.constants = layout.constants ?? [['operationType', operationType]];
    this.strings = layout.strings;
    this.figures = { fullWidth: this.options.minSwath.fullWidth };
    this.widestGiven = layout.widestWidth !== undefined;
    if (this.widestGiven && this.plan.width) this.widest = this.plan.width.toBase(layout.widestWidth!);
    if (this.widestGiven) this.settleFullWidth();
    this.collectingFigures = !this.fullWidthPending();
  }

  /** Whether the minimum-swath filter still waits for the operation's widest width. */
  private fullWidthPending(): boolean {
    return this.plan.active.has('minSwath') && this.figures.fullWidth === undefined && this.plan.width !== undefined;
  }

  /** Fixes the minimum-swath filter's full width from the widest width, or skips the filter. */
  private settleFullWidth(): void {
    if (!this.fullWidthPending()) return;
    if (Number.isFinite(this.widest) && this.widest > 0) this.figures.fullWidth = this.widest;
    else this.skip('minSwath', 'no equipmentWidth values');
  }

  private skip(name: FilterName, reason: string): void {
    if (!(this.plan.active as Set<FilterName>).delete(name)) return;
    this.plan.skipped[name] = reason;
  }

  /** Whether the judging waits for a collect pass (the widest swath or the yield statistics); when not, `endCollecting` can be called at once. */
  get needsCollecting(): boolean {
    return this.fullWidthPending() || this.needsFigures();
  }

  /** Whether the judging needs statistics of the whole operation. */
  private needsFigures(): boolean {
    const { active } = this.plan;
    const o = this.options;
    return (active.has('minYield') && o.minYield.value === undefined) || (active.has('maxYield') && o.maxYield.value === undefined) || active.has('stdDev') || active.has('outliers');
  }

  collect(batch: PointBatch, cleanup?: readonly (string | null)[]): void {
    if (this.phase !== 'collecting') throw new Error('collect after endCollecting returned true');
    this.strings ??= [...batch.strings.keys()];
    if (!this.widestGiven && this.plan.width) {
      const column = batch.numbers.get('equipmentWidth');
      const { toBase } = this.plan.width;
      if (column) {
        for (let i = 0; i < batch.length; i++) {
          const w = toBase(column[i]!);
          if (w > this.widest) this.widest = w;
        }
      }
    }
    if (!this.collectingFigures || !this.needsFigures()) return;
    this.collector ??= new FigureCollector();
    this.collectPass ??= new FilterPass(this.plan, this.strings, this.constants, this.figures, this.collector);
    this.collectPass.push(batch, cleanup);
  }

  /** Ends a collect pass; false when the statistics need another one (call `collect` for every batch again). */
  endCollecting(): boolean {
    if (this.phase !== 'collecting') throw new Error('endCollecting called twice');
    this.settleFullWidth();
    if (this.needsFigures()) {
      if (!this.collectingFigures) {
        // The pass measured the widest width; the statistics follow it in the next one.
        this.collectingFigures = true;
        return false;
      }
      this.collectPass?.finish();
      this.setFigures(this.collector ?? new FigureCollector());
    } else {
      const o = this.options;
      if (this.plan.active.has('minYield')) this.figures.minYield = o.minYield.value;
      if (this.plan.active.has('maxYield')) this.figures.maxYield = o.maxYield.value;
    }
    this.collectPass = undefined;
    this.collector = undefined;
    this.phase = 'judging';
    for (const name of FILTER_ORDER) if (this.plan.active.has(name) && name !== 'cleanup') this.removed[name] = 0;
    return true;
  }

  private setFigures(collector: FigureCollector): void {
    const { active } = this.plan;
    const o = this.options;
    const figures = this.figures;
    const hist = collector.yieldHistogram;
    const noYield = 'no point with a yield value is left after the other filters';
    if (active.has('minYield')) {
      const limit = o.minYield.value ?? hist.quantile(o.minYield.percentile) * (1 - o.minYield.expand);
      if (Number.isFinite(limit)) figures.minYield = limit;
      else this.skip('minYield', noYield);
    }
    if (active.has('maxYield')) {
      const limit = o.maxYield.value ?? hist.quantile(o.maxYield.percentile) * (1 + o.maxYield.expand);
      if (Number.isFinite(limit)) figures.maxYield = limit;
      else this.skip('maxYield', noYield);
    }
    if (active.has('stdDev')) {
      const m = collector.yieldMoments;
      if (m.count > 0) figures.stdDev = { mean: m.mean, sd: m.sd };
      else this.skip('stdDev', noYield);
    }
    if (active.has('outliers')) {
      const m = collector.outlierMoments;
      if (m.count > 0) figures.outliers = { mean: m.mean, sd: m.sd };
      else this.skip('outliers', noYield);
    }
  }

  /** The judging pass's points: valid for the range the last `judge` or `endJudging` returned. */
  get ring(): PointRing {
    if (!this.judgePass) throw new Error('no point judged yet');
    return this.judgePass.window.ring;
  }

  /** Whether `judge` has been given a batch (before it, `ring` has nothing to show). */
  get judging(): boolean {
    return this.judgePass !== undefined;
  }

  judge(batch: PointBatch, cleanup?: readonly (string | null)[]): Released {
    if (this.phase !== 'judging') throw new Error(this.phase === 'collecting' ? 'judge before endCollecting returned true' : 'judge after endJudging');
    this.strings ??= [...batch.strings.keys()];
    this.judgePass ??= new FilterPass(this.plan, this.strings, this.constants, this.figures);
    this.total += batch.length;
    return this.count(this.judgePass.push(batch, cleanup));
  }

  endJudging(): Released {
    if (this.phase !== 'judging') throw new Error('endJudging before endCollecting returned true, or twice');
    this.phase = 'done';
    return this.judgePass ? this.count(this.judgePass.finish()) : { from: 0, to: 0 };
  }

  private count(released: Released): Released {
    const { ring } = this.judgePass!.window;
    const removed = this.removed;
    for (let seq = released.from; seq < released.to; seq++) {
      const reason = ring.removedBy[ring.slot(seq)]!;
      if (reason === null) this.kept++;
      else removed[reason] = (removed[reason] ?? 0) + 1;
    }
    return released;
  }

  /** The figures of the judging pass: what was kept and removed, and every filter's parameters. */
  result(): FilterResult {
    // Cleanup rules first, then the filters in the order points meet them, as the annotated output reads.
    const removedBy = Object.fromEntries(Object.entries(this.removed).sort(([a], [b]) => Number(!a.startsWith('cleanup:')) - Number(!b.startsWith('cleanup:'))));
    return { total: this.total, kept: this.kept, removedBy, skipped: this.plan.skipped, parameters: describe(this.options, this.plan, this.figures) };
  }
}

const round = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : Math.round(v * 1e6) / 1e6);

/** Each filter's settings and status, plus what was measured on the operation, for summary.json. */
function describe(options: ResolvedOptions, plan: FilterPlan, f: OperationFigures): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = { passes: { ...options.passes, unit: 's' } };
  const yieldUnit = plan.yieldValue ? { property: plan.yieldValue.property, unit: plan.yieldValue.baseUnit } : {};
  for (const name of FILTER_ORDER) {
    const status = plan.active.has(name) ? 'applied' : plan.skipped[name] ? 'skipped' : 'disabled';
    const entry: Record<string, unknown> = { ...options[name], status };
    if (plan.skipped[name]) entry.reason = plan.skipped[name];
    switch (name) {
      case 'speed':
      case 'minVelocity':
      case 'maxVelocity':
      case 'position':
        entry.unit = 'm/s';
        break;
      case 'velocityChange': {
        // Which window was applied, and why: a reader can tell a smoothed test from Yield Editor's own.
        const logged = plan.velocity.speedLogged;
        entry.speed = logged === undefined ? 'not said (taken as logged)' : logged ? 'logged' : 'derived from positions';
        entry.appliedMedianPoints = 2 * plan.velocity.halfWidth + 1;
        break;
      }
      case 'flowDelay':
      case 'moistureDelay':
      case 'startPass':
      case 'endPass':
        entry.unit = 's';
        break;
      case 'minSwath':
        entry.fullWidth = round(f.fullWidth);
        entry.unit = 'm';
        break;
      case 'minYield':
        Object.assign(entry, yieldUnit, { limit: round(f.minYield) });
        break;
      case 'maxYield':
        Object.assign(entry, yieldUnit, { limit: round(f.maxYield) });
        break;
      case 'stdDev':
        Object.assign(entry, yieldUnit, { mean: round(f.stdDev?.mean), sd: round(f.stdDev?.sd) });
        break;
      case 'outliers':
        if (plan.outlierValue) Object.assign(entry, { property: plan.outlierValue.property, unit: plan.outlierValue.baseUnit });
        Object.assign(entry, { mean: round(f.outliers?.mean), sd: round(f.outliers?.sd) });
        break;
    }
    out[name] = entry;
  }
  return out;
}
