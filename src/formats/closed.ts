import type { PointBatch } from '../model/batch.ts';
import { DatasetError, type OperationMeta, type OperationSource } from './types.ts';

/**
 * An operation found in a format whose point data Furrow cannot decode (closed binary payloads):
 * its metadata is listed like any other operation, so the user sees what was found, and
 * reading its points fails with `reason`, which becomes the file's statusDetails.
 */
export function closedFormatSource(meta: OperationMeta, reason: string): OperationSource {
  return {
    meta,
    // eslint-disable-next-line require-yield -- a generator that only fails: the pipeline reports the reason
    async *points(): AsyncIterable<PointBatch> {
      throw new DatasetError(reason);
    },
  };
}
