import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { openArchive, type ArchiveFailure, type ArchiveOptions } from './formats/archive.ts';
import type { ByteSource } from './formats/byte-source.ts';
import { detectDatasets } from './formats/detect.ts';
import { driversForProvider } from './formats/providers.ts';
import { DRIVERS } from './formats/registry.ts';
import type { Dataset, Driver, OperationMeta } from './formats/types.ts';
import { InputProgress, type ConversionProgress } from './input-progress.ts';
import { convertOperation, type ConvertSettings, type OperationResult } from './pipeline.ts';

export type { ConversionProgress } from './input-progress.ts';

export interface ReportOperation {
  id: string;
  dir: string;
  fileFormat: string;
  provider: string;
  operationType: string;
  status: 'processed' | 'failed';
  statusDetails: string;
  warnings: string[];
}

export interface ConvertInputSettings extends ConvertSettings {
  /** Leaf `provider` of the upload: a named one restricts detection to its formats (plus ISOXML and shapefiles); `Other` detects all. */
  provider?: string;
  /** How the zip is walked: caps on what entries inflate to, where nested zips are spooled. */
  archive?: ArchiveOptions;
}

export interface ConversionReport {
  operations: ReportOperation[];
  failures: ArchiveFailure[];
}

export interface ConvertProgress {
  /** Called once the operations are known, before any is converted, with the bytes of input they will read (ConversionProgress.bytesTotal). */
  start?(operationCount: number, bytesTotal: number): void;
  operationDone?(operation: ReportOperation, result: OperationResult): void;
  /**
   * Called whenever the bytes done, an operation's stage or its points change, many times a
   * second on a large input: throttle what it does. The last call, after the last operation, has
   * bytesDone === bytesTotal. Given, it makes the entries' streams count their bytes.
   */
  update?(state: ConversionProgress): void;
}

/** A stable id per operation, derived from where it sits in the input, so the same input always yields the same ids. */
function operationId(datasetRoot: string, meta: OperationMeta): string {
  const hex = createHash('sha1').update(`${datasetRoot}\n${meta.id}`).digest('hex');
  // Shaped as an RFC 4122 name-based (version 5) UUID, as Leaf's file ids are UUIDs.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Longest output folder name: a path component may be 255 bytes at most (ENAMETOOLONG); real datasets stay well below. */
const MAX_FOLDER_NAME = 200;

function folderName(text: string): string {
  const name = text.replace(/!\//g, '_').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|_+$/g, '') || 'dataset';
  if (name.length <= MAX_FOLDER_NAME) return name;
  // A dataset nested thousands of folders deep (found by the fuzz corpus): head, a hash so two long names stay apart, and the tail, the most specific part.
  return `${name.slice(0, 60)}_${createHash('sha1').update(text).digest('hex').slice(0, 12)}_${name.slice(-(MAX_FOLDER_NAME - 74))}`;
}

/**
 * Converts every operation found in a zip or folder into `outDir/<dataset>/<operation>/`.
 * A dataset or operation that cannot be read fails alone and is reported; nothing here throws
 * for bad content, only for an input that cannot be opened at all.
 */
export async function convertInput(input: string | ByteSource, outDir: string, settings: ConvertInputSettings, progress: ConvertProgress = {}, drivers: readonly Driver[] = DRIVERS): Promise<ConversionReport> {
  const archive = await openArchive(input, settings.archive);
  const report: ConversionReport = { operations: [], failures: [...archive.failures] };
  const active = driversForProvider(drivers, settings.provider);
  const { update } = progress;
  const counter = new InputProgress(update ?? (() => {}));
  // Counting costs a stream per entry read: only for a caller who listens.
  const entries = update ? counter.count(archive.entries) : archive.entries;
  try {
    const datasets = await detectDatasets(entries, active);
    if (datasets.length === 0) report.failures.push({ path: '', reason: await nothingFound(entries, drivers, active, settings.provider) });
    const driverOf = new Map(drivers.map((d) => [d.name, d]));
    const planned: { dataset: Dataset; sources: Awaited<ReturnType<Driver['read']>>; folder: string }[] = [];
    const usedFolders = new Set<string>();
    for (const dataset of datasets) {
      try {
        const sources = await driverOf.get(dataset.driver)!.read(dataset);
        if (sources.length === 0) report.failures.push({ path: dataset.root, reason: 'no operations (planting, application, harvest or tillage) were found in this data' });
        // A dataset at the top of the archive is named after its main file (TASKDATA.XML); its folder after the format.
        const base = folderName(dataset.root.replace(/(^|\/)[^/]*\.xml$/i, '') || dataset.fileFormat);
        let folder = base;
        for (let n = 2; usedFolders.has(folder); n++) folder = `${base}-${n}`;
        usedFolders.add(folder);
        planned.push({ dataset, sources, folder });
      } catch (error) {
        report.failures.push({ path: dataset.root, reason: (error as Error).message });
      }
    }
    const operationCount = planned.reduce((n, p) => n + p.sources.length, 0);
    counter.plan(
      planned.filter((p) => p.sources.length > 0).map((p) => p.dataset),
      operationCount,
    );
    progress.start?.(operationCount, counter.snapshot.bytesTotal);
    for (const { dataset, sources, folder } of planned) {
      for (const [index, source] of sources.entries()) {
        const dir = `${folder}/${folderName(source.meta.id)}`;
        counter.operationStarted(dir);
        const result = await convertOperation(source, join(outDir, dir), { units: settings.units, geojson: settings.geojson }, update ? { stage: (s) => counter.stage(s), points: (n) => counter.points(n) } : {});
        counter.operationEnded(index === sources.length - 1 ? dataset.entries.values() : undefined);
        const operation: ReportOperation = {
          id: operationId(dataset.root, source.meta),
          dir,
          fileFormat: source.meta.fileFormat,
          provider: source.meta.provider,
          operationType: source.meta.operationType,
          status: result.status,
          statusDetails: result.statusDetails,
          warnings: result.warnings,
        };
        report.operations.push(operation);
        progress.operationDone?.(operation, result);
      }
    }
  } finally {
    await archive.close();
  }
  return report;
}

/**
 * Why nothing was converted. When the upload named a provider, says which formats were looked for
 * and, if the input holds data of another provider, which, so the user can upload it right.
 */
async function nothingFound(entries: Parameters<typeof detectDatasets>[0], all: readonly Driver[], active: readonly Driver[], provider: string | undefined): Promise<string> {
  const generic = 'No valid files found: no supported machine data was recognised in the input';
  if (active.length === all.length) return generic;
  const others = await detectDatasets(entries, all.filter((d) => !active.includes(d)));
  const lookedFor = `read by ${active.map((d) => d.name).join(', ')}`;
  const found = [...new Set(others.map((d) => d.fileFormat))];
  return found.length === 0
    ? `No valid files found: the upload names provider ${provider}, and no ${provider} data (${lookedFor}) nor any other supported data was recognised in the input`
    : `No valid files found for provider ${provider}: no data ${lookedFor} was recognised, but the input holds ${found.join(', ')} data; upload it with provider Other (or the provider that wrote it) to convert that`;
}
