import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { convertInput, type ConversionProgress, type ReportOperation } from '../convert-input.ts';
import type { ArchiveFailure } from '../formats/archive.ts';
import { DRIVERS } from '../formats/registry.ts';
import type { ArchiveEntry, Dataset, Driver } from '../formats/types.ts';
import type { UnitSystem } from '../model/properties.ts';
import { sourceKeyOf } from './source-key.ts';
import { openLocatedZip, type ZipLocator } from '../store/zip-locator.ts';
import { checkUpload, type ZipLimits } from './zip-guard.ts';

/** How much one slice of an upload converts before the conversion thread goes to the next job in turn. */
export interface SliceBudget {
  /** Operations converted. */
  operations: number;
  /** Bytes of the datasets read (declared sizes): a big timelog is a slice of its own. */
  bytes: number;
  /** Time spent reading datasets before converting: a zip of 30,000 broken folders is read in slices too. */
  readMs: number;
}

export const DEFAULT_SLICE_BUDGET: SliceBudget = { operations: 100, bytes: 64 * 1024 ** 2, readMs: 5000 };

export interface BatchConversionInput {
  zip: ZipLocator;
  /** Empty folder the outputs go to, one sub-folder per operation. */
  outDir: string;
  units: UnitSystem;
  /** Also write the GeoJSON layers as files (FURROW_STORE_GEOJSON); by default the operation stores its table, from which they are streamed. */
  geojson?: boolean;
  /** The batch's Leaf provider: a named one restricts detection to its formats. */
  provider: string;
  /** sourceKeys of operations already converted: not converted again. */
  skip: string[];
  limits: ZipLimits;
  /** Datasets (in detection order) before this one were done by earlier slices, which also checked the upload. */
  from: number;
  budget: SliceBudget;
  /** Most operations an upload converts (FURROW_MAX_UPLOAD_OPERATIONS)... */
  maxOperations: number;
  /** ...less those earlier slices of this run converted. */
  allowance: number;
  /** Where SliceProgress messages go while the slice converts (at most one per PROGRESS_EVERY_MS); transferred to the thread. */
  progress?: MessagePort;
  /** Least time between two progress messages; PROGRESS_EVERY_MS unless a test wants every one. */
  progressEveryMs?: number;
}

/**
 * Where a slice stands, in the upload's terms: bytes of every dataset of the upload (the earlier
 * slices' counted as done), operations of this slice only (the job adds the earlier slices').
 */
export interface SliceProgress {
  bytesDone: number;
  bytesTotal: number;
  operationsDone: number;
  operationsTotal: number;
  /** The stage of the operation being converted, if one is. */
  stage?: NonNullable<ConversionProgress['current']>['stage'];
}

/** A progress message a second at most: the job writes each to the database. */
export const PROGRESS_EVERY_MS = 1000;

export interface ConvertedOperation extends Omit<ReportOperation, 'id' | 'dir'> {
  sourceKey: string;
  /** Absolute folder of the operation's outputs. */
  dir: string;
}

export interface BatchConversionResult {
  /** Why the upload was refused before conversion (zip bomb, unsafe names, not a zip). */
  rejected?: string;
  /** Datasets the drivers recognised in the whole upload, skipped operations' datasets included. */
  datasets: number;
  operations: ConvertedOperation[];
  failures: ArchiveFailure[];
  /** Where the next slice starts (a dataset index), when this one stopped at its budget. */
  next?: number;
  /** Where the upload stands after this slice: every dataset before `next` done (all of them after the last slice). */
  progress: SliceProgress;
}

/** A dataset as detection gave it, by entry path: rebuilt over a fresh opening of the same zip. */
interface RememberedDataset {
  fileFormat: string;
  root: string;
  entries: [string, string][];
}

interface RememberedDetection {
  /** What the zip listed (paths and sizes): a detection is reused only over the same entries. */
  fingerprint: string;
  byDriver: Map<string, RememberedDataset[]>;
}

/**
 * Detection of the last uploads this thread converted, per driver: the slices of one upload
 * usually land on the same thread one after the other, and detecting 30,000 folders again for each
 * would cost more than converting them. A thread that has none, or finds other entries under the
 * same key, detects again.
 */
const remembered = new Map<string, RememberedDetection>();
const REMEMBERED_UPLOADS = 2;

function rememberedFor(key: string, entries: readonly ArchiveEntry[]): Map<string, RememberedDataset[]> {
  const hash = createHash('sha1');
  for (const entry of entries) hash.update(`${entry.path}\0${entry.size}\n`);
  const fingerprint = hash.digest('hex');
  let detection = remembered.get(key);
  remembered.delete(key);
  if (detection?.fingerprint !== fingerprint) detection = { fingerprint, byDriver: new Map() };
  remembered.set(key, detection);
  while (remembered.size > REMEMBERED_UPLOADS) remembered.delete(remembered.keys().next().value!);
  return detection.byDriver;
}

function rebuild(driver: string, saved: readonly RememberedDataset[], byPath: Map<string, ArchiveEntry>): Dataset[] | undefined {
  const datasets: Dataset[] = [];
  for (const dataset of saved) {
    const entries = new Map<string, ArchiveEntry>();
    for (const [key, path] of dataset.entries) {
      const entry = byPath.get(path);
      if (!entry) return undefined;
      entries.set(key, entry);
    }
    datasets.push({ driver, fileFormat: dataset.fileFormat, root: dataset.root, entries });
  }
  return datasets;
}

function datasetBytes(dataset: Dataset): number {
  let bytes = 0;
  for (const entry of dataset.entries.values()) bytes += entry.size;
  return bytes;
}

/**
 * Checks and converts one slice of an upload (in a worker thread): the datasets from `from` on,
 * read one after the other until the slice's budget is used, then converted; the result says
 * where the next slice starts. convertInput walks the zip; the drivers are wrapped to learn what
 * it does not report (how many datasets were recognised, where each operation came from), to
 * leave out the datasets outside the slice and the operations in `skip`, and to stop at the cap.
 */
export async function convertBatchZip(input: BatchConversionInput): Promise<BatchConversionResult> {
  await mkdir(input.outDir, { recursive: true });
  if (input.from === 0) {
    const rejected = await checkUpload(await openLocatedZip(input.zip), input.outDir, input.limits);
    if (rejected) return { rejected, datasets: 0, operations: [], failures: [{ path: '', reason: rejected }], progress: { bytesDone: 0, bytesTotal: 0, operationsDone: 0, operationsTotal: 0 } };
  }

  const skip = new Set(input.skip);
  let detection: Map<string, RememberedDataset[]> | undefined;
  let byPath: Map<string, ArchiveEntry> | undefined;
  const indexOf = new Map<Dataset, number>();
  /** The declared bytes of each dataset detection found, by index. */
  const bytesOf: number[] = [];
  // convertInput converts in the order the datasets were read and their operations listed: the n-th key is the n-th operation of its report.
  const keys: string[] = [];
  // Datasets convertInput will report as "no operations" because this slice did not read them (or read only skipped operations).
  const notRead = new Set<string>();
  const read = new Set<string>();
  let planned = 0;
  let plannedBytes = 0;
  let datasetsRead = 0;
  let readingSince: number | undefined;
  let next: number | undefined;
  let capped: { root: string; left: number } | undefined;
  let datasetsLeft = 0;

  const drivers: Driver[] = DRIVERS.map((driver) => ({
    name: driver.name,
    providers: driver.providers,
    async detect(entries) {
      // The first driver is offered every entry of the archive.
      detection ??= rememberedFor(`${JSON.stringify(input.zip)}\n${input.provider}`, entries);
      byPath ??= new Map(entries.map((e) => [e.path, e]));
      const saved = detection.get(driver.name);
      let found = saved && rebuild(driver.name, saved, byPath);
      if (!found) {
        found = await driver.detect(entries);
        detection.set(
          driver.name,
          found.map((d) => ({ fileFormat: d.fileFormat, root: d.root, entries: [...d.entries].map(([key, entry]) => [key, entry.path] as [string, string]) })),
        );
      }
      for (const dataset of found) {
        bytesOf[indexOf.size] = datasetBytes(dataset);
        indexOf.set(dataset, indexOf.size);
      }
      return found;
    },
    async read(dataset) {
      const index = indexOf.get(dataset)!;
      const budget = input.budget;
      readingSince ??= performance.now();
      const full = datasetsRead > 0 && (planned >= budget.operations || plannedBytes >= budget.bytes || performance.now() - readingSince >= budget.readMs);
      if (index < input.from || capped || full) {
        if (index >= input.from && !capped) next ??= index;
        if (capped) datasetsLeft++;
        notRead.add(dataset.root);
        return [];
      }
      datasetsRead++;
      plannedBytes += datasetBytes(dataset);
      read.add(dataset.root);
      const sources = await driver.read(dataset);
      let wanted = sources.filter((s) => !skip.has(sourceKeyOf(dataset.root, s.meta.id)));
      if (sources.length > 0 && wanted.length === 0) notRead.add(dataset.root);
      if (planned + wanted.length > input.allowance) {
        capped = { root: dataset.root, left: planned + wanted.length - input.allowance };
        wanted = wanted.slice(0, input.allowance - planned);
        // Its operations are not missing, they are over the cap: the cap's failure says so.
        if (wanted.length === 0) notRead.add(dataset.root);
      }
      planned += wanted.length;
      for (const source of wanted) keys.push(sourceKeyOf(dataset.root, source.meta.id));
      return wanted;
    },
  }));

  const sum = (from: number, to: number) => bytesOf.slice(from, to).reduce((n, b) => n + b, 0);
  let report;
  try {
    report = await convertInput(
      await openLocatedZip(input.zip),
      join(input.outDir, 'operations'),
      { units: input.units, geojson: input.geojson ?? false, provider: input.provider, archive: { limits: input.limits, maxNestedDepth: input.limits.maxNestedDepth, tempDir: input.outDir } },
      input.progress ? postProgress(input.progress, input.progressEveryMs ?? PROGRESS_EVERY_MS, () => sum(0, input.from), () => sum(0, bytesOf.length)) : {},
      drivers,
    );
  } finally {
    input.progress?.close();
  }
  if (report.operations.length !== keys.length) throw new Error(`internal error: ${report.operations.length} operations converted but ${keys.length} listed`);
  // Failures of the archive itself (a broken nested zip) are the same in every slice: the first one reports them.
  const datasetFailures = new Set([...read, ...notRead]);
  const failures = report.failures.filter((f) => (datasetFailures.has(f.path) ? read.has(f.path) && !(notRead.has(f.path) && isNoOperations(f)) : input.from === 0));
  if (capped) {
    failures.push({
      path: capped.root,
      reason:
        `not converted: this upload reached the limit of ${input.maxOperations} operations per upload (FURROW_MAX_UPLOAD_OPERATIONS); ` +
        `${capped.left} more operation(s) of this dataset and the ${datasetsLeft} dataset(s) after it were left out`,
    });
  }
  const bytesTotal = sum(0, bytesOf.length);
  return {
    progress: { bytesDone: next === undefined || capped ? bytesTotal : sum(0, next), bytesTotal, operationsDone: report.operations.length, operationsTotal: report.operations.length },
    datasets: indexOf.size,
    operations: report.operations.map(({ id: _id, dir, ...operation }, i) => ({ ...operation, sourceKey: keys[i]!, dir: join(input.outDir, 'operations', dir) })),
    failures,
    next: capped ? undefined : next,
  };
}

/**
 * Posts the slice's progress, in the upload's bytes: the datasets of earlier slices (`before`)
 * are done, every dataset detected counts in the total. Throttled; a slice's last word is its
 * result's `progress`.
 */
function postProgress(port: MessagePort, everyMs: number, before: () => number, all: () => number) {
  let last = -Infinity;
  return {
    update(state: ConversionProgress) {
      const now = performance.now();
      if (now - last < everyMs) return;
      last = now;
      const done = before() + state.bytesDone;
      const total = Math.max(all(), before() + state.bytesTotal);
      const message: SliceProgress = { bytesDone: done, bytesTotal: total, operationsDone: state.operationsDone, operationsTotal: state.operationsTotal, ...(state.current ? { stage: state.current.stage } : {}) };
      port.postMessage(message);
    },
  };
}

/** convertInput's failure for a dataset that gave no operations. */
function isNoOperations(failure: ArchiveFailure): boolean {
  return failure.reason.startsWith('no operations (planting, application, harvest or tillage) were found');
}
