import { openArchive, type Archive } from '../formats/archive.ts';
import { detectDatasets } from '../formats/detect.ts';
import { DRIVERS } from '../formats/registry.ts';
import type { OperationSource } from '../formats/types.ts';
import type { PointBatch } from '../model/batch.ts';
import type { UnitSystem } from '../model/properties.ts';
import { convertOperation, type OperationResult } from '../pipeline.ts';
import { combineMeta, MergeConflictError } from './combined-meta.ts';
import { parseSourceKey } from './source-key.ts';
import { openLocatedZip, type ZipLocator } from '../store/zip-locator.ts';

export interface MergeSource {
  fileId: string;
  /** The batch's upload, opened again: the merge reads the original points, not a converted output. */
  zip: ZipLocator;
  sourceKey: string;
}

export interface MergeInput {
  /** In the order their points go into the merged operation (by start time). */
  sources: MergeSource[];
  outDir: string;
  units: UnitSystem;
  /** Also write the GeoJSON layers as files (FURROW_STORE_GEOJSON). */
  geojson?: boolean;
}

/** A merge either converts (processed or failed like any operation) or is refused with a reason for the user. */
export type MergeOutcome = { refused: string } | { refused?: undefined; result: OperationResult };

async function findOperation(source: MergeSource, archive: Archive): Promise<OperationSource> {
  const location = parseSourceKey(source.sourceKey);
  const missing = () => new MergeConflictError(`Files cannot be merged: the operation of file ${source.fileId} was not found again in its upload`);
  if (!location) throw missing();
  const dataset = (await detectDatasets(archive.entries, DRIVERS)).find((d) => d.root === location.datasetRoot);
  const driver = dataset && DRIVERS.find((d) => d.name === dataset.driver);
  if (!dataset || !driver) throw missing();
  const operation = (await driver.read(dataset)).find((s) => s.meta.id === location.operationId);
  if (!operation) throw missing();
  return operation;
}

/** The batch with every column of the merged operation: values a source does not log are missing (NaN / null) there. */
function widen(batch: PointBatch, numberKeys: readonly string[], stringKeys: readonly string[]): PointBatch {
  const capacity = batch.time.length;
  return {
    ...batch,
    numbers: new Map(numberKeys.map((key) => [key, batch.numbers.get(key) ?? new Float64Array(capacity).fill(NaN)])),
    strings: new Map(stringKeys.map((key) => [key, batch.strings.get(key) ?? new Array<string | null>(capacity).fill(null)])),
  };
}

/** Builds a merged operation from the original operations of its sources (in a worker thread). */
export async function mergeOperations(input: MergeInput): Promise<MergeOutcome> {
  const archives: Archive[] = [];
  try {
    const operations: OperationSource[] = [];
    for (const source of input.sources) {
      const archive = await openArchive(await openLocatedZip(source.zip));
      archives.push(archive);
      operations.push(await findOperation(source, archive));
    }
    const meta = combineMeta(operations.map((op, i) => ({ label: input.sources[i]!.fileId, meta: op.meta })));
    const numberKeys = meta.columns.filter((c) => c.kind === 'number').map((c) => c.key);
    const stringKeys = meta.columns.filter((c) => c.kind === 'string').map((c) => c.key);
    const merged: OperationSource = {
      meta,
      async *points() {
        for (const operation of operations) for await (const batch of operation.points()) yield widen(batch, numberKeys, stringKeys);
      },
    };
    return { result: await convertOperation(merged, input.outDir, { units: input.units, geojson: input.geojson ?? false }) };
  } catch (error) {
    if (error instanceof MergeConflictError) return { refused: error.message };
    throw error;
  } finally {
    for (const archive of archives) await archive.close();
  }
}
