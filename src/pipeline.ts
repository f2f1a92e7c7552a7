import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StandardProperty, UnitSystem } from './model/properties.ts';
import type { OperationSource } from './formats/types.ts';
import { cleanupReasons } from './convert/clean.ts';
import { FeatureCollectionWriter } from './convert/geojson-writer.ts';
import { PointFeatureSerializer } from './convert/point-features.ts';
import { Standardizer } from './convert/standardize.ts';
import { StepTracker, type StepName, type StepStatus } from './convert/status.ts';
import { addMachineFuel, SummaryBuilder, type SummaryFeature } from './convert/summary.ts';
import { FILTER_FILES, resolveOptions, shiftedProperties, writeFilteredOutputs, type FilterResult, type FilterSettings } from './convert/filters/index.ts';
import { TableReader, TableWriter, type TableRows, type TableSchema } from './convert/table/index.ts';
import type { PointBatch } from './model/batch.ts';
import { CoverageBuilder, type CoverageResult } from './convert/coverage/builder.ts';
import { PropertyRasters } from './convert/render/property-rasters.ts';
import { summaryUnit } from './model/properties.ts';
import { converter } from './model/units.ts';
import { FURROW_VERSION } from './version.ts';
import { Reconciler, RECONCILIATION_TOLERANCE_PERCENT, type ReconciliationRow } from './convert/reconcile.ts';
import { surveySensors, withoutProperties } from './convert/sensors.ts';

export interface ConvertSettings {
  units: UnitSystem;
  /** Yield-cleaning filters of the filtered output (src/convert/filters/FILTERS.md); defaults when absent. */
  filters?: FilterSettings;
  /**
   * Also write the five GeoJSON layers as files (raw, normalized, standard, filtered, annotated)
   * beside the operation's table (table.parquet, every point and verdict), from which the same
   * layers can be streamed (src/convert/table/geojson-view.ts). `furrow convert` sets false unless
   * --geojson, the service (jobs/batch-conversion.ts, jobs/merge-operations.ts) unless
   * FURROW_STORE_GEOJSON=true; the default (true) is for callers and tests that read the files.
   */
  geojson?: boolean;
}

export interface OperationResult {
  status: 'processed' | 'failed';
  statusDetails: string;
  warnings: string[];
  steps: Record<StepName, StepStatus>;
  /** Points read from the source. */
  pointCount: number;
  /** Points left after Leaf's default cleanup rules. */
  keptCount: number;
  /** Removed points per cleanup rule. */
  removedBy: Record<string, number>;
  /** The filtered output's figures, when it was made. */
  filtered?: FilterResult;
  /** Covered area (overlap counted once), when coverage was built. */
  coverage?: Pick<CoverageResult, 'coveredArea' | 'sweptArea'>;
}

/**
 * What an operation is doing, for progress displays: `reading` the first pass over its points
 * (sensor survey, standardizing, cleanup, summary), `coverage` tracing the covered area,
 * `filters` the filters' statistics passes, `writing` the pass that writes the table and the
 * filtered layers, `images` drawing the maps.
 */
export type OperationStage = 'reading' | 'coverage' | 'filters' | 'writing' | 'images';

/** Callbacks of convertOperation; all optional, called synchronously, so they must be cheap. */
export interface OperationProgress {
  /** The operation enters a stage; a read pass of the source starts after it, never before. */
  stage?(stage: OperationStage): void;
  /** Points read so far in the `reading` pass, after each batch. */
  points?(count: number): void;
}

/** Names of the files written for each operation. */
export const OUTPUT_FILES = {
  table: 'table.parquet',
  raw: 'raw.geojson',
  normalized: 'normalized.geojson',
  standard: 'standard.geojson',
  summary: 'summary.json',
  units: 'units.json',
  status: 'status.json',
  ...FILTER_FILES,
  coverage: 'coverage.geojson',
  coverageFlatGeobuf: 'coverage.fgb',
  images: 'images.json',
  imagesZip: 'images.zip',
} as const;

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** The summary Feature, readable, with its geometry on one line: indented, coverage polygons put every coordinate on its own line (~5× the bytes). */
function summaryJson(feature: { geometry: unknown }): string {
  const { geometry, ...rest } = feature;
  const head = JSON.stringify(rest, null, 2);
  return `${head.slice(0, -2)},\n  "geometry": ${JSON.stringify(geometry)}\n}\n`;
}

/**
 * Runs one operation through every step: raw GeoJSON (source names and units), normalized GeoJSON
 * (standard names and units, every point), standard GeoJSON (the normalized points that pass
 * Leaf's default cleanup rules), summary (totals over the worked ground, averages over the cleaned
 * points, the reconciliation with the machine's own counters), units, coverage, maps, the filtered
 * and annotated layers, and step status. Used alike by the CLI and the job worker; writes into
 * `outDir`. An operation whose points all fail cleanup stays processed with its raw and normalized
 * outputs and its totals; the cleaned layer's steps say why they are empty.
 */
export async function convertOperation(source: OperationSource, outDir: string, settings: ConvertSettings, progress: OperationProgress = {}): Promise<OperationResult> {
  progress.stage?.('reading');
  const steps = new StepTracker();
  steps.ok('originalFile');
  await mkdir(outDir, { recursive: true });
  const warnings: string[] = [];
  const survey = await surveySensors(source);
  warnings.push(...survey.warnings);
  const meta = withoutProperties(source.meta, survey.notFitted);
  const standardizer = new Standardizer(meta, settings.units);
  const constants = standardizer.constants();
  const constantMap = new Map(constants);
  const products = standardizer.pointProducts();
  const foreign = (layer: string) => ({ furrow: { version: FURROW_VERSION, reader: meta.reader, layer, operationType: meta.operationType } });
  const removedBy: Record<string, number> = {};
  let pointCount = 0;
  let keptCount = 0;
  let filtered: FilterResult | undefined;
  let coverageFigures: OperationResult['coverage'];

  const missing = standardizer.missingRequired();
  const writers: FeatureCollectionWriter[] = [];
  const geojson = settings.geojson ?? true;
  const tableSchema: TableSchema = { raw: meta.columns, standard: [...standardizer.units], standardStrings: standardizer.stringProperties(), constants, ...(products ? { products } : {}), operationType: meta.operationType, reader: meta.reader };
  let table: TableWriter | undefined;
  // The images are drawn last, from the filters' writing pass: a failure after it is theirs.
  let imaging = false;
  try {
    let raw: FeatureCollectionWriter | undefined;
    if (geojson) writers.push((raw = await FeatureCollectionWriter.open(join(outDir, OUTPUT_FILES.raw), foreign('raw'))));
    // An operation that cannot be standardized has only its raw columns: its table is written in this pass. Otherwise the filters' writing pass writes it, when each point's verdict is known.
    if (missing.length > 0) table = await TableWriter.open(join(outDir, OUTPUT_FILES.table), tableSchema);
    let normalized: FeatureCollectionWriter | undefined;
    let standard: FeatureCollectionWriter | undefined;
    let summary: SummaryBuilder | undefined;
    let coverage: CoverageBuilder | undefined;
    let rasters: PropertyRasters | undefined;
    let reconciler: Reconciler | undefined;
    if (missing.length === 0) {
      if (geojson) {
        normalized = await FeatureCollectionWriter.open(join(outDir, OUTPUT_FILES.normalized), foreign('normalized'));
        standard = await FeatureCollectionWriter.open(join(outDir, OUTPUT_FILES.standard), foreign('standard'));
        writers.push(normalized, standard);
      }
      // Without its outline: the coverage's swath polygons take its place; only an operation whose coverage draws nothing reads its points again for it (pointsOutline).
      summary = new SummaryBuilder(meta, standardizer.units, settings.units, { outline: false });
      coverage = new CoverageBuilder(standardizer.units);
      // Drawn from the filtered points, in the filters' writing pass: the outliers they remove must not squash the ramp.
      rasters = new PropertyRasters(standardizer.units, { projection: 'EPSG:4326', layer: 'filtered' });
      reconciler = new Reconciler(meta, standardizer.units, settings.units);
    }
    const rawFeatures = new PointFeatureSerializer({
      timeKey: 'time',
      numbers: meta.columns.filter((c) => c.kind === 'number').map((c) => c.key),
      strings: meta.columns.filter((c) => c.kind === 'string').map((c) => c.key),
    });
    const standardFeatures = new PointFeatureSerializer({ timeKey: 'timestamp', numbers: [...standardizer.units.keys()], strings: standardizer.stringProperties(), products, constants });

    // The widest equipmentWidth of every point (cleaned or not): the filters' full width, measured here instead of in a read of its own.
    let widestWidth = -Infinity;
    for await (const batch of source.points()) {
      pointCount += batch.length;
      progress.points?.(pointCount);
      if (raw) {
        const rawFeature = rawFeatures.bind(batch);
        for (let i = 0; i < batch.length; i++) if (raw.add(rawFeature(i))) await raw.flush();
      }
      if (table) await table.add({ raw: batch });
      if (!summary) continue;
      const std = standardizer.apply(batch);
      const widths = std.numbers.get('equipmentWidth');
      if (widths) for (let i = 0; i < std.length; i++) if (widths[i]! > widestWidth) widestWidth = widths[i]!;
      const reasons = cleanupReasons(std, constantMap);
      for (let i = 0; i < std.length; i++) {
        const reason = reasons[i];
        if (reason === null) keptCount++;
        else removedBy[reason] = (removedBy[reason] ?? 0) + 1;
      }
      if (normalized && standard) {
        const standardFeature = standardFeatures.bind(std);
        for (let i = 0; i < std.length; i++) {
          const feature = standardFeature(i);
          if (normalized.add(feature)) await normalized.flush();
          if (reasons[i] === null && standard.add(feature)) await standard.flush();
        }
      }
      summary.add(std, reasons);
      reconciler!.add(batch, std);
      // The covered area is the ground worked, cleaned or not: points that work no ground draw nothing.
      coverage!.add(std);
    }
    for (const writer of writers) await writer.close();
    writers.length = 0;
    if (table) {
      await table.close();
      table = undefined;
    }

    if (pointCount === 0) {
      steps.fail('rawGeojson', 'no points with a valid position were found');
    } else {
      steps.ok('rawGeojson');
      if (missing.length > 0) {
        steps.fail('normalizedGeojson', `missing required properties: ${missing.join(', ')}`);
      } else {
        steps.ok('normalizedGeojson');
        steps.ok('standardGeojson');
        if (keptCount === 0) steps.incomplete('cleanupGeojson', `no point passed Leaf's cleanup rules (${describeRemovals(removedBy)}); the totals and the unfiltered layers are kept`);
        else steps.ok('cleanupGeojson');
        steps.ok('areaAndYield');
        const feature = summary!.build();
        progress.stage?.('coverage');
        const covered = await coverage!.finish(outDir);
        // Let the coverage raster go before the filter passes run: an operation's memory stays the largest of its steps, not their sum.
        coverage = undefined;
        coverageFigures = { coveredArea: covered.coveredArea, sweptArea: covered.sweptArea };
        // Beyond Leaf: the area the machine actually covered, overlaps counted once, beside totalArea (Σ distance × working width).
        const areaUnit = summaryUnit('totalArea', settings.units);
        feature.properties.coveredArea = { value: Math.round(converter('m2', areaUnit)(covered.coveredArea) * 1e6) / 1e6, unit: areaUnit };
        // The swath polygons are the truer shape of the work than the outline of the points (simplified here; exact in coverage.geojson).
        if (covered.outline && covered.outline.coordinates.length > 0) feature.geometry = covered.outline;
        else feature.geometry = await pointsOutline(source, meta, standardizer.units, settings.units, constantMap);
        // Beyond Leaf: the machine's own totals beside Furrow's over the same points.
        const reconciliation = reconciler!.build();
        if (reconciliation.length > 0) {
          feature.properties.reconciliation = reconciliation;
          addMachineFuel(feature.properties, reconciliation, settings.units);
          warnings.push(...reconciliationWarnings(reconciliation));
        }
        await writeFile(join(outDir, OUTPUT_FILES.summary), summaryJson(feature));
        steps.ok('summary');
        await writeFile(join(outDir, OUTPUT_FILES.units), json(Object.fromEntries(standardizer.units)));
        steps.ok('units');
        // The filters read the operation again (sources are re-readable), each pass through a fresh Standardizer.
        // Their writing pass also writes the table: its rows wait in `queue` until the filters release their verdicts (a few seconds of points).
        // A flow or moisture delay moves values in the filtered and annotated layers: the table stores those values again, in its shifted columns.
        const options = resolveOptions(settings.filters ?? {});
        const shifted = shiftedProperties(options, standardizer.units);
        const writeSchema: TableSchema = { ...tableSchema, shifted };
        const queue: { rows: TableRows; removedBy: (string | null)[]; shifted: Map<string, Float64Array> }[] = [];
        const standardized = async function* (pass?: 'write'): AsyncGenerator<PointBatch> {
          const again = new Standardizer(meta, settings.units);
          progress.stage?.(pass === 'write' ? 'writing' : 'filters');
          if (pass === 'write') table = await TableWriter.open(join(outDir, OUTPUT_FILES.table), writeSchema);
          for await (const batch of source.points()) {
            const std = again.apply(batch);
            if (pass === 'write') {
              const removed: (string | null)[] = [];
              const moved = new Map(shifted.map((name) => [name, new Float64Array(batch.length)] as const));
              queue.push({ rows: { raw: batch, std, cleanup: cleanupReasons(std, constantMap), removedBy: removed, shifted: moved }, removedBy: removed, shifted: moved });
            }
            yield std;
          }
        };
        const onVerdicts = async (reasons: readonly (string | null)[], values: ReadonlyMap<string, Float64Array>) => {
          let k = 0;
          while (queue.length > 0) {
            const head = queue[0]!;
            const at = head.removedBy.length;
            const take = Math.min(head.rows.raw.length - at, reasons.length - k);
            for (let i = 0; i < take; i++) head.removedBy.push(reasons[k + i]!);
            // A property the filters do not hold keeps its standardized values (the writer falls back to them).
            for (const [name, target] of head.shifted) {
              const source = values.get(name);
              if (source) target.set(source.subarray(k, k + take), at);
              else head.shifted.delete(name);
            }
            k += take;
            if (head.removedBy.length < head.rows.raw.length) break;
            queue.shift();
            await table!.add(head.rows);
          }
          if (k < reasons.length) throw new Error(`filters released ${reasons.length - k} verdicts more than points read`);
        };
        filtered = await writeFilteredOutputs(standardized, meta.operationType, standardizer.units, outDir, settings.filters ?? {}, {
          files: geojson,
          onVerdicts,
          shiftedValues: shifted,
          onPoints: (points, removed, from, to) => rasters!.add(points, removed, from, to),
          constants,
          products,
          strings: standardizer.stringProperties(),
          foreign: (layer) => foreign(layer),
          // A speed derived from positions or distances over whole-second timestamps jitters record to record: the velocity-change filter smooths it first (FILTERS.md).
          speedLogged: meta.columns.some((c) => c.standard === 'speed'),
          widestWidth,
        });
        if (queue.length > 0) throw new Error(`the filters released no verdict for ${queue.reduce((n, q) => n + q.rows.raw.length - q.removedBy.length, 0)} points`);
        await (table as TableWriter | undefined)?.close();
        table = undefined;
        if (filtered.kept > 0) steps.ok('filteredGeojson', `${filtered.kept} of ${filtered.total} points kept`);
        else steps.incomplete('filteredGeojson', `no point passed the cleanup rules and filters (annotated.geojson says what removed each of the ${filtered.total})`);
        imaging = true;
        // Nothing survived the filters but some points passed cleanup (a short or odd log): draw those, from the table, rather than nothing; the legends say so.
        if (filtered.kept === 0 && keptCount > 0) rasters = await standardRasters(join(outDir, OUTPUT_FILES.table), standardizer.units);
        progress.stage?.('images');
        const images = await rasters!.finish(outDir);
        rasters = undefined;
        if (images.images.length > 0) steps.ok('propertiesPNGs', `${images.images.length} images`);
        else steps.incomplete('propertiesPNGs', keptCount === 0 ? 'no cleaned point to draw' : 'no numeric property to draw');
        if (images.zip !== null) steps.ok('zippedPNGs');
        else steps.incomplete('zippedPNGs', 'no image to zip');
        // A beyond-Leaf member of the summary: what each filter removed, so a farmer can judge the cleaning.
        feature.properties.filters = { kept: filtered.kept, removedBy: filtered.removedBy, skipped: filtered.skipped };
        await writeFile(join(outDir, OUTPUT_FILES.summary), summaryJson(feature));
      }
    }
  } catch (error) {
    for (const writer of writers) writer.abort();
    if (table) {
      table.abort();
      // The writer removes its partial file once its handle is closed, later: remove it now, so that no reader finds half a table once the operation has failed.
      await rm(join(outDir, OUTPUT_FILES.table), { force: true });
    }
    steps.fail(pointCount === 0 ? 'rawGeojson' : steps.has('units') ? (imaging ? 'propertiesPNGs' : 'filteredGeojson') : 'standardGeojson', (error as Error).message);
  }

  const status = steps.toJSON();
  await writeFile(join(outDir, OUTPUT_FILES.status), json(status));
  const failure = steps.failure;
  return {
    status: failure ? 'failed' : 'processed',
    statusDetails: failure ? `${failure.step}: ${failure.message}` : 'ok',
    warnings: [...meta.warnings, ...standardizer.warnings, ...warnings],
    steps: status,
    pointCount,
    keptCount,
    removedBy,
    filtered,
    coverage: coverageFigures,
  };
}

/** The outline of the points that pass cleanup (a buffer around each), from a read of their own: for an operation whose coverage drew no swath. */
async function pointsOutline(source: OperationSource, meta: OperationSource['meta'], units: ReadonlyMap<StandardProperty, string>, system: UnitSystem, constants: ReadonlyMap<string, string>): Promise<SummaryFeature['geometry']> {
  const standardizer = new Standardizer(meta, system);
  const outline = new SummaryBuilder(meta, units, system);
  for await (const batch of source.points()) {
    const std = standardizer.apply(batch);
    outline.addOutline(std, cleanupReasons(std, constants));
  }
  return outline.build().geometry;
}

/** Maps of the points that passed cleanup (the standard layer), read back from the operation's table. */
async function standardRasters(tablePath: string, units: ReadonlyMap<StandardProperty, string>): Promise<PropertyRasters> {
  const rasters = new PropertyRasters(units, { projection: 'EPSG:4326', layer: 'standard' });
  const table = await TableReader.open(tablePath);
  try {
    for await (const batch of table.batches({ standard: [...units.keys()], rows: 'passedCleanup' })) rasters.add(batch.std, new Array<null>(batch.length).fill(null));
  } finally {
    await table.close();
  }
  return rasters;
}

/** `harvestMoisture GT 0: 4,716` for the step message, largest first. */
function describeRemovals(removedBy: Record<string, number>): string {
  return Object.entries(removedBy)
    .sort(([, a], [, b]) => b - a)
    .map(([rule, count]) => `${rule}: ${count}`)
    .join(', ');
}

/** A warning per total that differs from the machine's by more than the tolerance. */
function reconciliationWarnings(rows: readonly ReconciliationRow[]): string[] {
  return rows
    .filter((r) => r.differencePercent !== null && Math.abs(r.differencePercent) > RECONCILIATION_TOLERANCE_PERCENT)
    .map((r) => `reconciliation: Furrow's ${r.quantity} ${r.furrow!.value} ${r.furrow!.unit} differs from the machine's ${r.machine.value} ${r.machine.unit} (${r.source}) by ${r.differencePercent! > 0 ? '+' : ''}${r.differencePercent} %`);
}
