import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UnitSystem } from './model/properties.ts';
import type { OperationSource } from './formats/types.ts';
import { cleanupReasons } from './convert/clean.ts';
import { FeatureCollectionWriter } from './convert/geojson-writer.ts';
import { PointFeatureSerializer } from './convert/point-features.ts';
import { Standardizer } from './convert/standardize.ts';
import { StepTracker, type StepName, type StepStatus } from './convert/status.ts';
import { SummaryBuilder } from './convert/summary.ts';
import { FURROW_VERSION } from './version.ts';

export interface ConvertSettings {
  units: UnitSystem;
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
}

/** Names of the files written for each operation. */
export const OUTPUT_FILES = {
  raw: 'raw.geojson',
  normalized: 'normalized.geojson',
  standard: 'standard.geojson',
  summary: 'summary.json',
  units: 'units.json',
  status: 'status.json',
} as const;

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/**
 * Runs one operation through every step in a single streaming pass: raw GeoJSON (source names
 * and units), normalized GeoJSON (standard names and units, every point), standard GeoJSON (the
 * normalized points that pass Leaf's default cleanup rules), summary, units and step status.
 * Used alike by the CLI and the job worker; writes into `outDir`.
 */
export async function convertOperation(source: OperationSource, outDir: string, settings: ConvertSettings): Promise<OperationResult> {
  const meta = source.meta;
  const steps = new StepTracker();
  steps.ok('originalFile');
  await mkdir(outDir, { recursive: true });
  const standardizer = new Standardizer(meta, settings.units);
  const constants = standardizer.constants();
  const constantMap = new Map(constants);
  const foreign = (layer: string) => ({ furrow: { version: FURROW_VERSION, reader: meta.reader, layer, operationType: meta.operationType } });
  const removedBy: Record<string, number> = {};
  let pointCount = 0;
  let keptCount = 0;

  const missing = standardizer.missingRequired();
  const writers: FeatureCollectionWriter[] = [];
  try {
    const raw = await FeatureCollectionWriter.open(join(outDir, OUTPUT_FILES.raw), foreign('raw'));
    writers.push(raw);
    let normalized: FeatureCollectionWriter | undefined;
    let standard: FeatureCollectionWriter | undefined;
    let summary: SummaryBuilder | undefined;
    if (missing.length === 0) {
      normalized = await FeatureCollectionWriter.open(join(outDir, OUTPUT_FILES.normalized), foreign('normalized'));
      standard = await FeatureCollectionWriter.open(join(outDir, OUTPUT_FILES.standard), foreign('standard'));
      writers.push(normalized, standard);
      summary = new SummaryBuilder(meta, standardizer.units, settings.units);
    }
    const rawFeatures = new PointFeatureSerializer({
      timeKey: 'time',
      numbers: meta.columns.filter((c) => c.kind === 'number').map((c) => c.key),
      strings: meta.columns.filter((c) => c.kind === 'string').map((c) => c.key),
    });
    const standardFeatures = new PointFeatureSerializer({ timeKey: 'timestamp', numbers: [...standardizer.units.keys()], strings: standardizer.stringProperties(), constants });

    for await (const batch of source.points()) {
      pointCount += batch.length;
      const rawFeature = rawFeatures.bind(batch);
      for (let i = 0; i < batch.length; i++) if (raw.add(rawFeature(i))) await raw.flush();
      if (!normalized || !standard || !summary) continue;
      const std = standardizer.apply(batch);
      const reasons = cleanupReasons(std, constantMap);
      const standardFeature = standardFeatures.bind(std);
      for (let i = 0; i < std.length; i++) {
        const feature = standardFeature(i);
        if (normalized.add(feature)) await normalized.flush();
        const reason = reasons[i];
        if (reason === null) {
          keptCount++;
          if (standard.add(feature)) await standard.flush();
        } else removedBy[reason] = (removedBy[reason] ?? 0) + 1;
      }
      summary.add(std, reasons);
    }
    for (const writer of writers) await writer.close();
    writers.length = 0;

    if (pointCount === 0) {
      steps.fail('rawGeojson', 'no points with a valid position were found');
    } else {
      steps.ok('rawGeojson');
      if (missing.length > 0) {
        steps.fail('normalizedGeojson', `missing required properties: ${missing.join(', ')}`);
      } else {
        steps.ok('normalizedGeojson');
        steps.ok('standardGeojson');
        if (keptCount === 0) steps.fail('cleanupGeojson', 'no points passed the filter');
        else {
          steps.ok('cleanupGeojson');
          steps.ok('areaAndYield');
          await writeFile(join(outDir, OUTPUT_FILES.summary), json(summary!.build()));
          steps.ok('summary');
          await writeFile(join(outDir, OUTPUT_FILES.units), json(Object.fromEntries(standardizer.units)));
          steps.ok('units');
        }
      }
    }
  } catch (error) {
    for (const writer of writers) writer.abort();
    steps.fail(pointCount === 0 ? 'rawGeojson' : 'standardGeojson', (error as Error).message);
  }

  const status = steps.toJSON();
  await writeFile(join(outDir, OUTPUT_FILES.status), json(status));
  const failure = steps.failure;
  return {
    status: failure ? 'failed' : 'processed',
    statusDetails: failure ? `${failure.step}: ${failure.message}` : 'ok',
    warnings: [...meta.warnings, ...standardizer.warnings],
    steps: status,
    pointCount,
    keptCount,
    removedBy,
  };
}
