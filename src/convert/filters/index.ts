import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PointBatch } from '../../model/batch.ts';
import type { OperationType } from '../../model/operations.ts';
import type { StandardProperty } from '../../model/properties.ts';
import { FeatureCollectionWriter } from '../geojson-writer.ts';
import { PointFeatureSerializer } from '../point-features.ts';
import type { FilterSettings, ResolvedOptions } from './options.ts';
import { FLOW_SHIFTED, FLOW_TOTALS } from './plan.ts';
import { FilterVerdicts, type FilterResult, type VerdictLayout } from './verdicts.ts';
import type { Released } from './window.ts';

export { DEFAULT_OPTIONS, FILTER_ORDER, resolveOptions, type FilterName, type FilterOptions, type FilterSettings } from './options.ts';
export { FilterVerdicts, type FilterResult, type VerdictLayout } from './verdicts.ts';

export const FILTER_FILES = { filtered: 'filtered.geojson', annotated: 'annotated.geojson' } as const;

/** How features are written: the same text properties the standard output carries. */
export interface FilterLayout extends VerdictLayout {
  /** Foreign members of each FeatureCollection (RFC 7946 §6.1). */
  foreign?: (layer: 'filtered' | 'annotated') => Record<string, unknown>;
  /** Whether filtered.geojson and annotated.geojson are written (default true); false when the operation's table holds the verdicts instead. */
  files?: boolean;
  /**
   * Called with the verdicts (null or the remover) of the points the writing pass releases, in the
   * points' order, so a caller can store them beside its own rows; with them, the values of
   * `shiftedValues` as the filtered and annotated layers show them (a flow or moisture delay moves
   * them along time), one array per property, the same length as `reasons`.
   */
  onVerdicts?: (reasons: readonly (string | null)[], shifted: ReadonlyMap<string, Float64Array>) => Promise<void>;
  /** Standard properties whose filtered values `onVerdicts` is given (those of them the operation has). */
  shiftedValues?: readonly string[];
  /**
   * Called with the released points where they lie, before their slots are reused: `points` and
   * `removedBy` are the window's ring (indexed by slot), and `from`..`to` a run of its slots in input
   * order (a released range that wraps round the ring comes as two runs). The values are those of
   * the filtered and annotated layers (delays applied): what a map of the filtered points draws.
   */
  onPoints?: (points: PointBatch, removedBy: readonly (string | null)[], from: number, to: number) => void;
}

/** The standard properties the enabled delays may move: `shiftedProperties(resolveOptions(settings), units)`, for a table's `shifted` columns. */
export function shiftedProperties(options: ResolvedOptions, units: ReadonlyMap<string, string>): string[] {
  const moved = new Set<string>();
  if (options.flowDelay.enabled && options.flowDelay.seconds !== 0) {
    for (const p of FLOW_SHIFTED) moved.add(p);
    for (const [total] of FLOW_TOTALS) moved.add(total);
  }
  if (options.moistureDelay.enabled && options.moistureDelay.seconds !== 0) moved.add('harvestMoisture');
  return [...units.keys()].filter((name) => moved.has(name));
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
  const verdicts = new FilterVerdicts(operationType, units, settings, layout);
  // The reads the statistics need (the widest swath, then the yield figures), before the judging one.
  if (verdicts.needsCollecting) {
    for await (const batch of points()) verdicts.collect(batch);
    if (!verdicts.endCollecting()) {
      for await (const batch of points()) verdicts.collect(batch);
      if (!verdicts.endCollecting()) throw new Error('the filter statistics need a read of their own after the widths');
    }
  } else verdicts.endCollecting();

  const foreign = layout.foreign ?? ((layer) => ({ furrow: { layer, operationType } }));
  await mkdir(outDir, { recursive: true });
  const files = layout.files ?? true;
  const filtered = files ? await FeatureCollectionWriter.open(join(outDir, FILTER_FILES.filtered), foreign('filtered')) : undefined;
  let annotated: FeatureCollectionWriter | undefined;
  try {
    if (files) annotated = await FeatureCollectionWriter.open(join(outDir, FILTER_FILES.annotated), foreign('annotated'));
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
      const { ring } = verdicts;
      const feature = serializer!.bind(ring.store);
      const reasons: (string | null)[] | undefined = layout.onVerdicts ? [] : undefined;
      const shifted = new Map<string, Float64Array>();
      const copies: [Float64Array, Float64Array][] = [];
      if (reasons) {
        for (const name of layout.shiftedValues ?? []) {
          const index = verdicts.plan.index.get(name as StandardProperty);
          if (index === undefined) continue;
          const values = new Float64Array(to - from);
          shifted.set(name, values);
          copies.push([values, ring.values[index]!]);
        }
      }
      for (let seq = from; seq < to; seq++) {
        const s = ring.slot(seq);
        const reason = ring.removedBy[s]!;
        reasons?.push(reason);
        for (const [values, column] of copies) values[seq - from] = column[s]!;
        if (!filtered || !annotated) continue;
        const text = feature(s);
        if (annotated.add(text.slice(0, -2) + ending(reason))) await annotated.flush();
        if (reason === null && filtered.add(text)) await filtered.flush();
      }
      if (layout.onPoints) {
        const first = ring.slot(from);
        const end = first + (to - from);
        const capacity = ring.capacity;
        layout.onPoints(ring.store, ring.removedBy, first, Math.min(end, capacity));
        if (end > capacity) layout.onPoints(ring.store, ring.removedBy, 0, end - capacity);
      }
      if (reasons) await layout.onVerdicts!(reasons, shifted);
    };
    for await (const batch of points('write')) {
      serializer ??= new PointFeatureSerializer({ timeKey: 'timestamp', numbers: verdicts.plan.keys, strings: layout.strings ?? [...batch.strings.keys()], products: layout.products, constants: layout.constants ?? [['operationType', operationType]] });
      await write(verdicts.judge(batch));
    }
    await write(verdicts.endJudging());
    await filtered?.close();
    await annotated?.close();
  } catch (error) {
    filtered?.abort();
    annotated?.abort();
    throw error;
  }
  return verdicts.result();
}
