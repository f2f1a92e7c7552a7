import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PointBatch } from '../../model/batch.ts';
import type { OperationType } from '../../model/operations.ts';
import type { StandardProperty } from '../../model/properties.ts';
import { FeatureCollectionWriter } from '../geojson-writer.ts';
import { PointFeatureSerializer } from '../point-features.ts';
import { FigureCollector, FilterPass, type OperationFigures } from './chain.ts';
import { FILTER_ORDER, resolveOptions, type FilterName, type FilterSettings, type ResolvedOptions } from './options.ts';
import { planFilters, type FilterPlan } from './plan.ts';
import type { Released } from './window.ts';

export { DEFAULT_OPTIONS, FILTER_ORDER, resolveOptions, type FilterName, type FilterOptions, type FilterSettings } from './options.ts';

export const FILTER_FILES = { filtered: 'filtered.geojson', annotated: 'annotated.geojson' } as const;

/** How features are written: the same text properties the standard output carries. */
export interface FilterLayout {
  /** Properties every point carries (operationType, crop, ...); also what the cleanup rules test `crop` on. Default: the operation type. */
  constants?: readonly [string, string][];
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
   * its output unit, when the caller has measured it already (NaN or -Infinity: none logged). It
   * spares the read of the whole operation that otherwise finds the minimum-swath filter's full
   * width. Unit conversions of widths only scale, so the figure is the same as that read's.
   */
  widestWidth?: number;
  /** Whether filtered.geojson and annotated.geojson are written (default true); false when the operation's table holds the verdicts instead. */
  files?: boolean;
  /** Called with the verdicts (null or the remover) of the points the writing pass releases, in the points' order, so a caller can store them beside its own rows. */
  onVerdicts?: (reasons: readonly (string | null)[]) => Promise<void>;
  /** Foreign members of each FeatureCollection (RFC 7946 §6.1). */
  foreign?: (layer: 'filtered' | 'annotated') => Record<string, unknown>;
}

export interface FilterResult {
  /** Points read. */
  total: number;
  /** Points in filtered.geojson. */
  kept: number;
  /** Points removed per filter (a point counts once, for the first filter that removed it); every filter that ran is listed, with 0 when it removed nothing. Cleanup rules appear as `cleanup: <rule>`. */
  removedBy: Record<string, number>;
  /** Enabled filters that could not run on this operation, with the reason. */
  skipped: Partial<Record<FilterName, string>>;
  /** Every filter's settings as applied, with the figures computed from the operation (limits, means, σ, full width). */
  parameters: Record<string, Record<string, unknown>>;
}

/** The writing pass calls it with 'write', so a caller can tell the last read from the statistics passes. */
type PointStream = (pass?: 'write') => AsyncIterable<PointBatch>;

/**
 * Writes `filtered.geojson` (the points every filter keeps) and `annotated.geojson` (every point,
 * with `removedBy`: null or the filter that removed it) for one operation, from its standardized
 * points in the output units `units`. `points` must give the operation's standardized batches
 * afresh on each call (a new Standardizer per call): the function reads them up to three times —
 * the operation's full width (unless `layout.widestWidth` gives it), then the statistics (yield
 * percentiles, means and σ) of the points the point-by-point filters keep, then the writing pass —
 * holding only a few seconds of points.
 */
export async function writeFilteredOutputs(
  points: PointStream,
  operationType: OperationType,
  units: ReadonlyMap<StandardProperty, string>,
  outDir: string,
  settings: FilterSettings = {},
  layout: FilterLayout = {},
): Promise<FilterResult> {
  const options = resolveOptions(settings);
  const plan = planFilters(operationType, units, options, layout.speedLogged);
  const constants = layout.constants ?? [['operationType', operationType]];
  const figures = await operationFigures(points, plan, constants, layout.strings, layout.widestWidth);

  const removedBy: Record<string, number> = {};
  for (const name of FILTER_ORDER) if (plan.active.has(name) && name !== 'cleanup') removedBy[name] = 0;
  const foreign = layout.foreign ?? ((layer) => ({ furrow: { layer, operationType } }));
  await mkdir(outDir, { recursive: true });
  const files = layout.files ?? true;
  const filtered = files ? await FeatureCollectionWriter.open(join(outDir, FILTER_FILES.filtered), foreign('filtered')) : undefined;
  let annotated: FeatureCollectionWriter | undefined;
  let total = 0;
  let kept = 0;
  try {
    if (files) annotated = await FeatureCollectionWriter.open(join(outDir, FILTER_FILES.annotated), foreign('annotated'));
    let pass: FilterPass | undefined;
    let strings: readonly string[] = layout.strings ?? [];
    let serializer: PointFeatureSerializer | undefined;
    // `,"removedBy":…}}` per reason, made once: `removedBy` is written even when null, so every annotated point says whether it was kept.
    const endings = new Map<string | null, string>();
    const ending = (reason: string | null): string => {
      let text = endings.get(reason);
      if (text === undefined) endings.set(reason, (text = `,"removedBy":${JSON.stringify(reason)}}}`));
      return text;
    };
    // Written straight from the window's ring, before the next batch may reuse the released slots.
    const write = async ({ from, to }: Released) => {
      if (from === to) return;
      const { ring } = pass!.window;
      const feature = serializer!.bind(ring.store);
      const reasons: (string | null)[] | undefined = layout.onVerdicts ? [] : undefined;
      for (let seq = from; seq < to; seq++) {
        const s = ring.slot(seq);
        const reason = ring.removedBy[s]!;
        reasons?.push(reason);
        if (reason === null) kept++;
        else removedBy[reason] = (removedBy[reason] ?? 0) + 1;
        if (!filtered || !annotated) continue;
        const text = feature(s);
        if (annotated.add(text.slice(0, -2) + ending(reason))) await annotated.flush();
        if (reason === null && filtered.add(text)) await filtered.flush();
      }
      if (reasons) await layout.onVerdicts!(reasons);
    };
    for await (const batch of points('write')) {
      if (!pass) {
        strings = layout.strings ?? [...batch.strings.keys()];
        serializer = new PointFeatureSerializer({ timeKey: 'timestamp', numbers: plan.keys, strings, constants });
        pass = new FilterPass(plan, strings, constants, figures);
      }
      total += batch.length;
      await write(pass.push(batch));
    }
    if (pass) await write(pass.finish());
    await filtered?.close();
    await annotated?.close();
  } catch (error) {
    filtered?.abort();
    annotated?.abort();
    throw error;
  }
  // Cleanup rules first, then the filters in the order points meet them, as the annotated output reads.
  const ordered = Object.fromEntries(Object.entries(removedBy).sort(([a], [b]) => Number(!a.startsWith('cleanup:')) - Number(!b.startsWith('cleanup:'))));
  return { total, kept, removedBy: ordered, skipped: plan.skipped, parameters: describe(options, plan, figures) };
}

/** The first passes: the operation's widest swath, then the statistics the σ and yield-limit filters need. */
async function operationFigures(points: PointStream, plan: FilterPlan, constants: readonly [string, string][], givenStrings?: readonly string[], widestWidth?: number): Promise<OperationFigures> {
  const { options: o } = plan;
  const active = plan.active as Set<FilterName>;
  const figures: OperationFigures = { fullWidth: o.minSwath.fullWidth };
  const skip = (name: FilterName, reason: string) => {
    if (!active.delete(name)) return;
    plan.skipped[name] = reason;
  };

  if (active.has('minSwath') && figures.fullWidth === undefined && plan.width) {
    const { toBase } = plan.width;
    // A width the caller measured spares a read of the whole operation.
    const widest = widestWidth === undefined ? await widestOf(points, toBase) : toBase(widestWidth);
    if (Number.isFinite(widest) && widest > 0) figures.fullWidth = widest;
    else skip('minSwath', 'no equipmentWidth values');
  }

  const needsYield = (active.has('minYield') && o.minYield.value === undefined) || (active.has('maxYield') && o.maxYield.value === undefined) || active.has('stdDev');
  if (needsYield || active.has('outliers')) {
    const collector = new FigureCollector();
    let pass: FilterPass | undefined;
    for await (const batch of points()) {
      pass ??= new FilterPass(plan, givenStrings ?? [...batch.strings.keys()], constants, figures, collector);
      pass.push(batch);
    }
    pass?.finish();
    const hist = collector.yieldHistogram;
    const noYield = 'no point with a yield value is left after the other filters';
    if (active.has('minYield')) {
      const limit = o.minYield.value ?? hist.quantile(o.minYield.percentile) * (1 - o.minYield.expand);
      if (Number.isFinite(limit)) figures.minYield = limit;
      else skip('minYield', noYield);
    }
    if (active.has('maxYield')) {
      const limit = o.maxYield.value ?? hist.quantile(o.maxYield.percentile) * (1 + o.maxYield.expand);
      if (Number.isFinite(limit)) figures.maxYield = limit;
      else skip('maxYield', noYield);
    }
    if (active.has('stdDev')) {
      const m = collector.yieldMoments;
      if (m.count > 0) figures.stdDev = { mean: m.mean, sd: m.sd };
      else skip('stdDev', noYield);
    }
    if (active.has('outliers')) {
      const m = collector.outlierMoments;
      if (m.count > 0) figures.outliers = { mean: m.mean, sd: m.sd };
      else skip('outliers', noYield);
    }
  } else {
    if (active.has('minYield')) figures.minYield = o.minYield.value;
    if (active.has('maxYield')) figures.maxYield = o.maxYield.value;
  }
  return figures;
}

/** The largest equipmentWidth of the operation in m; -Infinity when none is logged. */
async function widestOf(points: PointStream, toBase: (v: number) => number): Promise<number> {
  let widest = -Infinity;
  for await (const batch of points()) {
    const column = batch.numbers.get('equipmentWidth');
    if (!column) continue;
    for (let i = 0; i < batch.length; i++) {
      const w = toBase(column[i]!);
      if (w > widest) widest = w;
    }
  }
  return widest;
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
