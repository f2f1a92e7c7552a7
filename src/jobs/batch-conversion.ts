import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { convertInput, type ReportOperation } from '../convert-input.ts';
import type { ArchiveFailure } from '../formats/archive.ts';
import { DRIVERS } from '../formats/registry.ts';
import type { Driver } from '../formats/types.ts';
import type { UnitSystem } from '../model/properties.ts';
import { sourceKeyOf } from './source-key.ts';
import { openLocatedZip, type ZipLocator } from '../store/zip-locator.ts';
import { checkUpload, type ZipLimits } from './zip-guard.ts';

export interface BatchConversionInput {
  zip: ZipLocator;
  /** Empty folder the outputs go to, one sub-folder per operation. */
  outDir: string;
  units: UnitSystem;
  /** The batch's Leaf provider: a named one restricts detection to its formats. */
  provider: string;
  /** sourceKeys of operations already converted: not converted again. */
  skip: string[];
  limits: ZipLimits;
}

export interface ConvertedOperation extends Omit<ReportOperation, 'id' | 'dir'> {
  sourceKey: string;
  /** Absolute folder of the operation's outputs. */
  dir: string;
}

export interface BatchConversionResult {
  /** Why the upload was refused before conversion (zip bomb, unsafe names, not a zip). */
  rejected?: string;
  /** Datasets the drivers recognised, skipped operations' datasets included. */
  datasets: number;
  operations: ConvertedOperation[];
  failures: ArchiveFailure[];
}

/**
 * Checks and converts one upload (in a worker thread). convertInput walks the zip; the drivers
 * are wrapped to learn what it does not report (how many datasets were recognised, where each
 * operation came from) and to leave out the operations in `skip`.
 */
export async function convertBatchZip(input: BatchConversionInput): Promise<BatchConversionResult> {
  await mkdir(input.outDir, { recursive: true });
  const rejected = await checkUpload(await openLocatedZip(input.zip), input.outDir, input.limits);
  if (rejected) return { rejected, datasets: 0, operations: [], failures: [{ path: '', reason: rejected }] };

  const skip = new Set(input.skip);
  let datasets = 0;
  // convertInput converts in the order the datasets were read and their operations listed: the n-th key is the n-th operation of its report.
  const keys: string[] = [];
  const allSkipped = new Set<string>();
  const drivers: Driver[] = DRIVERS.map((driver) => ({
    name: driver.name,
    providers: driver.providers,
    async detect(entries) {
      const found = await driver.detect(entries);
      datasets += found.length;
      return found;
    },
    async read(dataset) {
      const sources = await driver.read(dataset);
      const wanted = sources.filter((s) => !skip.has(sourceKeyOf(dataset.root, s.meta.id)));
      if (sources.length > 0 && wanted.length === 0) allSkipped.add(dataset.root);
      for (const source of wanted) keys.push(sourceKeyOf(dataset.root, source.meta.id));
      return wanted;
    },
  }));

  const report = await convertInput(await openLocatedZip(input.zip), join(input.outDir, 'operations'), { units: input.units, provider: input.provider }, {}, drivers);
  if (report.operations.length !== keys.length) throw new Error(`internal error: ${report.operations.length} operations converted but ${keys.length} listed`);
  return {
    datasets,
    operations: report.operations.map(({ id: _id, dir, ...operation }, i) => ({ ...operation, sourceKey: keys[i]!, dir: join(input.outDir, 'operations', dir) })),
    // A dataset whose operations were all converted before is not "without operations".
    failures: report.failures.filter((f) => !allSkipped.has(f.path)),
  };
}
